"""Recount an election from its record alone (spec §15).

The verifier reads the record (§14), streams its entries in index order, rebuilds the Merkle tree
and checks it against the board's signed heads, and replays every entry through the same rules the
board applied (:class:`~evote._internal.proceedings.Proceedings`): the key ceremony, every binding,
delegation and ballot, the tally, each decryption share and the results. Ballot proofs are checked
ahead, in ``jobs`` processes (:mod:`evote._internal.verify.pipeline`). Every problem is recorded under the
numbered check it breaks, and verification carries on.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Final

from evote._internal.board.events import (
    BallotCast,
    BallotChallenged,
    CeremonyConcluded,
    CodeIssued,
    ComplaintFiled,
    CredentialBound,
    DealingPublished,
    DelegationGiven,
    DelegationRevoked,
    Entry,
    ManifestPublished,
    PaperEntered,
    ResultsPublished,
    RollPublished,
    SharePublished,
    TallyPublished,
    TrusteeAnnounced,
    ballot_of,
)
from evote._internal.board.heads import (
    InclusionReceipt,
    SignedTreeHead,
    verify_head,
    verify_receipt,
)
from evote._internal.election.ballots import Ballot, check_ballot_proofs
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import decode, decode_prevalidated, encode
from evote._internal.proceedings import Check, EntryRefused, Proceedings
from evote._internal.record import FILE_OF, RecordError, RecordLine, RecordReader
from evote._internal.verify.pipeline import Proofs, Verdict, verdicts
from evote._internal.verify.report import Report
from evote.errors import EvoteError, InvalidProof, InvalidSignature
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.signing import VerifyKey

__all__ = ["verify_record"]

BALLOTS_FILE: Final = FILE_OF["ballot"]


class _Proofs:
    """The box's proof check (spec §15.14): the workers' verdict on the ballot being applied, or
    the proofs checked here.
    """  # noqa: D205

    def __init__(self) -> None:
        self._election: Election | None = None
        self._ballot: Ballot | None = None
        self._verdict: Verdict | None = None

    def expect(self, election: Election | None, ballot: Ballot, verdict: Verdict | None) -> None:
        """The entry about to be applied carries ``ballot``, with the workers' ``verdict``."""
        self._election, self._ballot, self._verdict = election, ballot, verdict

    def check(self, ballot: Ballot) -> None:
        verdict = self._verdict if ballot is self._ballot else None
        if verdict is not None and verdict.proofs is Proofs.INVALID:
            raise InvalidProof(verdict.message)
        if verdict is None or verdict.proofs is not Proofs.VALID:
            assert self._election is not None  # the box exists only once the election does
            check_ballot_proofs(self._election, ballot)


class _Verdicts:
    """The workers' verdicts on the lines of ballots.jsonl, which the replay meets in the order of
    the file (spec §14.1).
    """  # noqa: D205

    def __init__(self, reader: RecordReader, jobs: int) -> None:
        self._reader = reader
        self._jobs = jobs
        self._stream: Generator[Verdict] | None = None
        self._lines_before = 0  # lines of ballots.jsonl met before the stream started

    def take(self, election: Election | None, line: bytes) -> Verdict | None:
        """The verdict on the next line of ballots.jsonl, ``line``; None if there is none."""
        if self._stream is None:
            if election is None or self._jobs < 2:
                self._lines_before += 1
                return None
            rest = itertools.islice(self._reader.lines(BALLOTS_FILE), self._lines_before, None)
            self._stream = verdicts(election, rest, self._jobs)
        verdict = next(self._stream, None)
        if verdict is None or verdict.line_hash != hashlib.sha256(line).digest():
            return None  # the file changed while it was read: this line is checked here
        return verdict

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()  # stops the workers


def verify_record(
    directory: Path,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    heads: Sequence[SignedTreeHead | InclusionReceipt] = (),
    expect_board_key: VerifyKey | None = None,
    expect_manifest: bytes | None = None,
) -> Report:
    """Verify a record (spec §15); ``progress`` is told how many entries were read, as it goes.

    A record only proves itself: to know it is *the* record of an election, compare what it
    names — manifest hash, board key, heads — with what you got from elsewhere. ``heads`` are
    signed heads kept outside the record (observers' copies) or voters' receipts: each head must be
    a head of this very record, and each receipt's ballot under its head (spec §15.2), which shows
    that nothing published before it was removed or changed. ``expect_board_key`` and
    ``expect_manifest`` are the board key and manifest hash the record must have (spec §15.3).
    """
    report = Report(record=str(directory))
    try:
        reader = RecordReader(directory)
    except RecordError as error:
        report.fail(Check.FORMAT, str(error))
        for check in report.checks.values():
            if check.id != Check.FORMAT:
                check.skipped = "the record cannot be read"
        return report
    report.election = reader.index.election
    report.entries = reader.index.size
    for problem in reader.check_files():
        report.fail(Check.FORMAT, problem)
    proceedings, tree, times = _replay(report, reader, jobs, progress)
    _check_board(report, reader, proceedings, tree, heads, times)
    _check_anchors(report, proceedings, expect_board_key, expect_manifest)
    _summarise(report, proceedings)
    return report


def _replay(
    report: Report, reader: RecordReader, jobs: int, progress: Callable[[int], None] | None
) -> tuple[Proceedings, MerkleTree, list[int | None]]:
    """Read every entry in index order, build the tree and apply each entry by the rules (§15).

    Returns the proceedings, the tree, and each line's time (None if it did not decode).
    """
    verdict_of = _Verdicts(reader, jobs)
    proofs = _Proofs()
    proceedings = Proceedings(check_proofs=proofs.check)
    tree = MerkleTree()
    times: list[int | None] = []
    expected = 0
    try:
        for line in reader.entries():
            if progress is not None:
                progress(1)
            tree.append(leaf_hash(line.data))
            if line.index != expected:
                report.fail(Check.FORMAT, _index_problem(line.index, expected, line.file))
            expected = max(expected, line.index) + 1
            verdict = None
            if line.file == BALLOTS_FILE:
                verdict = verdict_of.take(proceedings.election, line.data)
            entry = _entry(report, line, verdict)
            times.append(entry.at if entry is not None else None)
            if entry is None:
                continue
            for check in (Check.FORMAT, *_CHECKS_OF.get(type(entry.event), (Check.ORDER,))):
                report.checks[check].checked += 1
            ballot = ballot_of(entry.event)
            if ballot is not None:
                proofs.expect(proceedings.election, ballot, verdict)
            try:
                proceedings.apply(entry)
            except EntryRefused as refused:
                report.fail(refused.check, str(refused))
    finally:
        verdict_of.close()
    if expected != reader.index.size:
        report.fail(Check.FORMAT, f"{expected} entries, {reader.index.size} in record.json")
    return proceedings, tree, times


def _entry(report: Report, line: RecordLine, verdict: Verdict | None) -> Entry | None:
    """Decode one line, trusting the workers' decoding if they saw it; None if it does not decode."""
    if line.kind is not None and FILE_OF.get(line.kind) != line.file:
        report.fail(Check.FORMAT, f"a {line.kind!r} entry in {line.file}")
    if verdict is not None and verdict.undecodable is not None:
        report.fail(Check.FORMAT, verdict.undecodable)
        return None
    if verdict is not None:  # a worker decoded these very bytes, validating every point
        entry = decode_prevalidated(line.data, Entry)
        canonical = verdict.canonical
    else:
        try:
            entry = decode(line.data, Entry)
        except EvoteError as error:
            report.fail(Check.FORMAT, f"a line of {line.file} does not decode: {error}")
            return None
        canonical = encode(entry) == line.data
    if not canonical:
        report.fail(Check.FORMAT, f"entry {entry.index} in {line.file} is not in canonical form")
    return entry


def _index_problem(index: int, expected: int, name: str) -> str:
    if index < 0:
        return f"a line of {name} has no readable index"
    if index < expected:
        return f"entry {index} appears again, or out of order, in {name}"
    missing = f"{expected}" if index == expected + 1 else f"{expected}…{index - 1}"
    return f"entry {missing} missing (found entry {index} in {name})"


#: The checks each kind of entry feeds, for counting what was checked (spec §15).
_CHECKS_OF: Final[dict[type, tuple[str, ...]]] = {
    ManifestPublished: (Check.SETUP,),
    RollPublished: (Check.SETUP,),
    TrusteeAnnounced: (Check.CEREMONY,),
    DealingPublished: (Check.CEREMONY,),
    ComplaintFiled: (Check.CEREMONY,),
    CeremonyConcluded: (Check.CEREMONY,),
    CodeIssued: (Check.REGISTRATION,),
    CredentialBound: (Check.REGISTRATION,),
    DelegationGiven: (Check.DELEGATIONS,),
    DelegationRevoked: (Check.DELEGATIONS,),
    BallotCast: (Check.BALLOT_PROOFS, Check.BOX_RULES),
    PaperEntered: (Check.BALLOT_PROOFS, Check.BOX_RULES),
    BallotChallenged: (Check.BALLOT_PROOFS, Check.BOX_RULES),
    TallyPublished: (Check.TALLY,),
    SharePublished: (Check.DECRYPTION,),
    ResultsPublished: (Check.RESULTS,),
}


def _check_board(
    report: Report,
    reader: RecordReader,
    proceedings: Proceedings,
    tree: MerkleTree,
    kept: Sequence[SignedTreeHead | InclusionReceipt],
    times: Sequence[int | None],
) -> None:
    """The Merkle root against every signed head: published, final, and kept outside (§15.2)."""
    manifest = proceedings.manifest
    if manifest is None:
        report.fail(Check.BOARD, "no manifest, so no board key to check the heads with")
        return
    if reader.index.election != manifest.election:
        report.fail(
            Check.FORMAT,
            f"record.json names election {reader.index.election!r}, the manifest "
            f"{manifest.election!r}",
        )
    final = reader.index.head
    heads: list[SignedTreeHead] = []
    for line in reader.heads():
        try:
            heads.append(decode(line, SignedTreeHead))
        except EvoteError as error:
            report.fail(Check.FORMAT, f"a line of heads.jsonl does not decode: {error}")
    outside = [k.head if isinstance(k, InclusionReceipt) else k for k in kept]
    for head, origin in [
        *((h, "") for h in heads),
        (final, ""),
        *((h, " kept outside") for h in outside),
    ]:
        report.checks[Check.BOARD].checked += 1
        problem = _head_problem(head, manifest, tree, times)
        if problem is not None:
            report.fail(
                Check.BOARD,
                f"the head{origin} of size {head.head.size} at {head.head.at}: {problem}",
            )
    for receipt in (k for k in kept if isinstance(k, InclusionReceipt)):
        try:  # its head was checked above; here, that its ballot is under it
            verify_receipt(receipt, manifest.board_key)
        except EvoteError as error:
            report.fail(Check.BOARD, f"the receipt of entry {receipt.index}: {error}")
    if final.head.size != tree.size:
        report.fail(Check.BOARD, f"the final head covers {final.head.size} of {tree.size} entries")
    if not heads or heads[-1] != final:
        report.fail(Check.BOARD, "the final head of record.json is not the last of heads.jsonl")
    sizes = [h.head.size for h in heads]
    if sizes != sorted(sizes):
        report.fail(Check.BOARD, "the heads of heads.jsonl do not grow in size")
    moments = [h.head.at for h in heads]
    if moments != sorted(moments):
        report.fail(Check.BOARD, "the heads of heads.jsonl go back in time")
    report.summary["final_head"] = {
        "size": final.head.size,
        "root": final.head.root.hex(),
        "at": final.head.at,
    }


def _head_problem(
    head: SignedTreeHead, manifest: Manifest, tree: MerkleTree, times: Sequence[int | None]
) -> str | None:
    """What is wrong with one signed head of this record, if anything (spec §15.2)."""
    try:
        verify_head(head, manifest.board_key)
    except InvalidSignature:
        return "not signed by the board key of the manifest"
    if head.head.election != manifest.election:
        return f"for election {head.head.election!r}"
    size = head.head.size
    if not 0 <= size <= tree.size:
        return f"not a size of the {tree.size} entries of the record"
    last = times[size - 1] if size else None
    if last is not None and head.head.at < last:
        return f"signed before the time of its last entry, {last}"
    if bytes(head.head.root) != tree.root(size):
        return f"its root is not the root of the first {size} entries"
    return None


def _check_anchors(
    report: Report,
    proceedings: Proceedings,
    board_key: VerifyKey | None,
    manifest_hash: bytes | None,
) -> None:
    """What the record names, and whether it is what the reader expected (spec §15.3)."""
    manifest = proceedings.manifest
    if manifest is None:
        return
    report.summary["manifest_hash"] = manifest.hash().hex()
    report.summary["board_key"] = manifest.board_key.hex()
    if proceedings.election is not None:
        report.summary["fingerprint"] = proceedings.election.fingerprint.hex()
    if board_key is not None and manifest.board_key != board_key:
        report.fail(
            Check.BOARD, f"the board key is {manifest.board_key.hex()}, not the expected one"
        )
    if manifest_hash is not None and manifest.hash() != manifest_hash:
        report.fail(
            Check.SETUP, f"the manifest hash is {manifest.hash().hex()}, not the expected one"
        )


def _summarise(report: Report, proceedings: Proceedings) -> None:
    """Mark what the record never reached, and keep the headline figures."""
    stages = [
        (Check.SETUP, proceedings.roll is not None, "the record has no roll"),
        (Check.CEREMONY, proceedings.election is not None, "the key ceremony never concluded"),
        (Check.TALLY, proceedings.tally is not None, "the record ends before the tally"),
        (Check.DECRYPTION, proceedings.counts is not None, "the record ends before decryption"),
        (Check.RESULTS, proceedings.results is not None, "the record ends before the results"),
    ]
    for check, reached, message in stages:
        if not reached and not report.checks[check].failed:
            report.checks[check].skipped = message
    box = proceedings.box
    if box is not None:
        report.summary["ballots_accepted"] = len(box.tracking_codes)
        report.summary["participation"] = {
            question: {"area": figures.area, "headcount": figures.headcount}
            for question, figures in box.participation().items()
        }
    if proceedings.results is not None and proceedings.counts is not None:
        report.summary["results"] = [
            {"question": c.question, "participation_headcount": c.participation.headcount}
            for c in proceedings.counts
        ]
