"""Ballot proofs checked ahead of the replay, in worker processes (spec §15.14).

Checking the proofs of a ballot is nearly all of the verifier's work and depends on nothing but
the election's public parameters, so it is spread over ``jobs`` processes. Each worker decodes the
lines of ballots.jsonl (validating every point), checks that they are canonical and checks every
proof; the main process then replays the entries in order, taking the workers' findings in the
order of the file and decoding the same bytes without re-validating the points. At most a few
chunks per worker are in flight, so memory stays bounded however long the record.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import multiprocessing
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from typing import Final

from evote._internal.board.events import Entry, ballot_of
from evote._internal.election.ballots import check_ballot_proofs
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import decode, encode
from evote._internal.messages import Message
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import CeremonyOutcome
from evote.errors import EvoteError, InvalidProof, UsageError

__all__ = ["CheckedLine", "ProofFinding", "checked_lines", "election_pool", "worker_election"]

CHUNK: Final = 32


class ProofFinding(enum.Enum):
    """What a worker found of a ballot's proofs."""

    VALID = "valid"
    INVALID = "invalid"
    UNCHECKED = "unchecked"  # a malformed ballot (the box refuses it, §15.8), or not a ballot


@dataclass(frozen=True)
class CheckedLine:
    """What a worker found about one line of ballots.jsonl (spec §15.14)."""

    line_hash: bytes
    undecodable: str | None = None  # the decoder's error, if the line does not decode (§15.1)
    canonical: bool = True  # whether the line is the canonical JSON of its entry (§15.1)
    proofs: ProofFinding = ProofFinding.UNCHECKED
    message: Message | str = ""  # why the proofs are invalid (§15.7)


_ELECTION: Election | None = None


def election_pool(election: Election, processes: int) -> Pool:
    """``processes`` fresh (spawned) worker processes, each holding ``election``.

    Where the costly checks of ballots run in parallel: the verifier's (below), a host's that
    checks ballots' proofs before casting them (:meth:`~evote.ProofsChecked.check`).
    """
    arguments = (encode(election.manifest), encode(election.roll), encode(election.ceremony))
    context = multiprocessing.get_context("spawn")
    return context.Pool(processes, initializer=_start_worker, initargs=arguments)


def worker_election() -> Election:
    """The election of this worker process of an :func:`election_pool`."""
    if _ELECTION is None:
        raise UsageError("not a worker process of an election pool")
    return _ELECTION


def _start_worker(manifest: bytes, roll: bytes, outcome: bytes) -> None:
    global _ELECTION  # noqa: PLW0603 -- one election per worker process, set once
    _ELECTION = Election(
        manifest=decode(manifest, Manifest),
        roll=decode(roll, Roll),
        ceremony=decode(outcome, CeremonyOutcome),
    )


def _check_lines(lines: list[bytes]) -> list[CheckedLine]:
    election = worker_election()
    return [_check_line(election, line) for line in lines]


def _check_line(election: Election, line: bytes) -> CheckedLine:
    digest = hashlib.sha256(line).digest()
    try:
        entry = decode(line, Entry)
    except EvoteError as error:
        return CheckedLine(digest, undecodable=str(error))
    canonical = encode(entry) == line
    ballot = ballot_of(entry.event)
    if ballot is None:
        return CheckedLine(digest, canonical=canonical)  # in the wrong file: the replay reports it
    try:
        check_ballot_proofs(election, ballot)
    except InvalidProof as error:
        return CheckedLine(
            digest, canonical=canonical, proofs=ProofFinding.INVALID, message=error.said
        )
    except (EvoteError, KeyError, ValueError):
        # A ballot whose form is wrong: the box refuses it, checking it again (spec §15.8).
        return CheckedLine(digest, canonical=canonical)
    return CheckedLine(digest, canonical=canonical, proofs=ProofFinding.VALID)


def _chunks(lines: Iterable[bytes]) -> Iterator[list[bytes]]:
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk


def checked_lines(election: Election, lines: Iterable[bytes], jobs: int) -> Generator[CheckedLine]:
    """What the workers found of each line, in order, from ``jobs`` worker processes."""
    pool = election_pool(election, jobs)
    try:
        pending: deque[AsyncResult[list[CheckedLine]]] = deque()
        for chunk in _chunks(lines):
            pending.append(pool.apply_async(_check_lines, (chunk,)))
            while len(pending) > 4 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()
