"""Ballots' proofs checked in a pool of worker processes, before the board's lock (design §4).

Checking a ballot's proofs is where a cast spends its time; it needs no state but the election's
public parameters. The server checks them in worker processes, one per core, outside any lock and
off the event loop, and casts the ballot with the :class:`evote.ProofsChecked` the worker made, so
that the cast under the lock checks only the cheap rules. When more ballots wait than the workers
can take, the server answers 429 with ``Retry-After`` rather than slowing everyone down.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Final

from evote import (
    Ballot,
    CeremonyOutcome,
    Election,
    Manifest,
    ProofsChecked,
    Roll,
    decode,
    encode,
)
from evote.errors import InvalidInput, Refused
from evote_server.problems import RequestError

__all__ = ["ProofChecker"]

#: Elections each worker keeps decoded, by the hash of their parameters.
_ELECTIONS: dict[bytes, Election] = {}
_KEPT: Final = 16


def _parameters(election: Election) -> bytes:
    """The election's public parameters, as the workers receive them."""
    parts = (encode(election.manifest), encode(election.roll), encode(election.ceremony))
    return b"\n".join(parts)


def _check(parameters: bytes, ballot: bytes) -> ProofsChecked | Refused:
    """In a worker: the ballot's proofs checked, or the refusal saying why not."""
    key = hashlib.sha256(parameters).digest()
    election = _ELECTIONS.get(key)
    if election is None:
        manifest, roll, ceremony = parameters.split(b"\n")
        election = Election(
            manifest=decode(manifest, Manifest),
            roll=decode(roll, Roll),
            ceremony=decode(ceremony, CeremonyOutcome),
        )
        if len(_ELECTIONS) >= _KEPT:
            _ELECTIONS.pop(next(iter(_ELECTIONS)))
        _ELECTIONS[key] = election
    try:
        return ProofsChecked.check(election, decode(ballot, Ballot))
    except InvalidInput as error:
        return Refused(error.reason, error.said)


class ProofChecker:
    """A pool of worker processes checking ballots' proofs; at most ``waiting`` at once."""

    def __init__(self, workers: int | None = None, *, waiting: int | None = None) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.waiting = waiting or 64 * self.workers
        self._pending = 0
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn")
        )
        self._parameters: dict[bytes, bytes] = {}  # fingerprint → the parameters sent

    async def check(self, election: Election, ballot: bytes) -> ProofsChecked:
        """The proofs of ``ballot`` checked in a worker; raises the refusal if they fail."""
        if self._pending >= self.waiting:
            raise RequestError("busy", "too many ballots are waiting to be checked: retry soon")
        parameters = self._parameters.get(election.fingerprint)
        if parameters is None:
            parameters = self._parameters[election.fingerprint] = _parameters(election)
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(self._pool, _check, parameters, ballot)
        finally:
            self._pending -= 1
        if isinstance(found, Refused):
            raise found
        return found

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
