"""Recount an election from its record alone (spec §15).

The verifier reads the record (§14), streams its entries in index order, rebuilds the Merkle tree
and checks it against the board's signed heads, and replays every entry through the same rules the
board applied (:class:`~evote._internal.proceedings.Proceedings`): the key ceremony, every binding,
delegation and ballot, the tally, each decryption share and the results. Ballot proofs are checked
ahead, in ``jobs`` processes (:mod:`~evote._internal.verify.pipeline`). Every problem is recorded
under the numbered check it breaks, and verification carries on.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Generator, Sequence
from pathlib import Path

from evote._internal.board.events import BALLOTS_FILE, Entry, ballot_of
from evote._internal.board.heads import (
    InclusionReceipt,
    SignedTreeHead,
    verify_head,
    verify_receipt,
)
from evote._internal.election.ballots import Ballot, check_ballot_proofs
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import decode, decode_prevalidated, encode
from evote._internal.proceedings import Phase, Proceedings
from evote._internal.record import FILE_OF, RecordLine, RecordReader
from evote._internal.verify.pipeline import CheckedLine, ProofFinding, checked_lines
from evote._internal.verify.report import HeadSummary, QuestionSummary, Report
from evote.errors import (
    Check,
    EvoteError,
    InvalidProof,
    InvalidSignature,
    RecordError,
    Refused,
    VerificationFailed,
)
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.signing import VerifyKey

__all__ = ["verify_record"]


class _Proofs:
    """The box's proof check (spec §15.14): the workers' finding on the ballot being applied, or
    the proofs checked here.
    """  # noqa: D205

    def __init__(self, proceedings: Proceedings) -> None:
        self.proceedings = proceedings
        self._ballot: Ballot | None = None
        self._line: CheckedLine | None = None

    def expect(self, ballot: Ballot, line: CheckedLine | None) -> None:
        """The entry about to be applied carries ``ballot``; ``line`` is what the workers found."""
        self._ballot, self._line = ballot, line

    def check(self, ballot: Ballot) -> None:
        line = self._line if ballot is self._ballot else None
        if line is not None and line.proofs is ProofFinding.INVALID:
            raise InvalidProof(line.message)
        if line is None or line.proofs is not ProofFinding.VALID:
            check_ballot_proofs(self.proceedings.election, ballot)


class _CheckedAhead:
    """The workers' findings on the lines of ballots.jsonl, which the replay meets in the order of
    the file (spec §14.1).
    """  # noqa: D205

    def __init__(self, reader: RecordReader, jobs: int) -> None:
        self._reader = reader
        self._jobs = jobs
        self._stream: Generator[CheckedLine] | None = None
        self._lines_before = 0  # lines of ballots.jsonl met before the stream started

    def take(self, proceedings: Proceedings, line: bytes) -> CheckedLine | None:
        """What the workers found of the next line of ballots.jsonl, ``line``; None if nothing."""
        if self._stream is None:
            if proceedings.phase < Phase.VOTING or self._jobs < 2:
                self._lines_before += 1
                return None
            rest = itertools.islice(self._reader.lines(BALLOTS_FILE), self._lines_before, None)
            self._stream = checked_lines(proceedings.election, rest, self._jobs)
        checked = next(self._stream, None)
        if checked is None or checked.line_hash != hashlib.sha256(line).digest():
            return None  # the file changed while it was read: this line is checked here
        return checked

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()  # stops the workers


def verify_record(
    directory: Path,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    heads: Sequence[SignedTreeHead | InclusionReceipt] = (),
    board_key: VerifyKey | None = None,
    manifest_hash: bytes | None = None,
) -> Report:
    """Verify a record (spec §15); ``progress`` is told how many entries were read, as it goes.

    A record only proves itself: to know it is *the* record of an election, compare what it
    names — manifest hash, board key, heads — with what you got from elsewhere. ``heads`` are
    signed heads kept outside the record (observers' copies) or voters' receipts: each head must be
    a head of this very record, and each receipt's ballot under its head (spec §15.2), which shows
    that nothing published before it was removed or changed. ``board_key`` and ``manifest_hash``
    are the board key and manifest hash the record must have (spec §15.3).
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
    _check_anchors(report, proceedings, board_key, manifest_hash)
    _summarise(report, proceedings)
    return report


def _replay(
    report: Report, reader: RecordReader, jobs: int, progress: Callable[[int], None] | None
) -> tuple[Proceedings, MerkleTree, list[int | None]]:
    """Read every entry in index order, build the tree and apply each entry by the rules (§15).

    Returns the proceedings, the tree, and each line's time (None if it did not decode).
    """
    ahead = _CheckedAhead(reader, jobs)
    proceedings = Proceedings()
    proofs = _Proofs(proceedings)
    proceedings.check_proofs = proofs.check
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
            checked = ahead.take(proceedings, line.data) if line.file == BALLOTS_FILE else None
            entry = _entry(report, line, checked)
            times.append(entry.at if entry is not None else None)
            if entry is None:
                continue
            for check in (Check.FORMAT, Check.ORDER, *type(entry.event).checks):
                report.checks[check].checked += 1
            ballot = ballot_of(entry.event)
            if ballot is not None:
                proofs.expect(ballot, checked)
            try:
                proceedings.apply(entry)
            except Refused as refused:
                report.fail(refused.check or Check.ORDER, str(refused))
    finally:
        ahead.close()
    if expected != reader.index.size:
        report.fail(Check.FORMAT, f"{expected} entries, {reader.index.size} in record.json")
    return proceedings, tree, times


def _entry(report: Report, line: RecordLine, checked: CheckedLine | None) -> Entry | None:
    """Decode one line, trusting the workers' decoding if they saw it; None if it does not decode."""
    if line.kind is not None and FILE_OF.get(line.kind) != line.file:
        report.fail(Check.FORMAT, f"a {line.kind!r} entry in {line.file}")
    if checked is not None and checked.undecodable is not None:
        report.fail(Check.FORMAT, checked.undecodable)
        return None
    if checked is not None:  # a worker decoded these very bytes, validating every point
        entry = decode_prevalidated(line.data, Entry)
        canonical = checked.canonical
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


def _check_board(
    report: Report,
    reader: RecordReader,
    proceedings: Proceedings,
    tree: MerkleTree,
    kept: Sequence[SignedTreeHead | InclusionReceipt],
    times: Sequence[int | None],
) -> None:
    """The Merkle root against every signed head: published, final, and kept outside (§15.2)."""
    if proceedings.phase is Phase.EMPTY:
        report.fail(Check.BOARD, "no manifest, so no board key to check the heads with")
        return
    manifest = proceedings.manifest
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
        except VerificationFailed as failure:
            report.fail(Check.BOARD, f"the receipt of entry {receipt.index}: {failure.message}")
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
    report.summary.final_head = HeadSummary(
        size=final.head.size, root=final.head.root.hex(), at=final.head.at
    )


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
    if proceedings.phase is Phase.EMPTY:
        return
    manifest = proceedings.manifest
    report.summary.manifest_hash = manifest.hash().hex()
    report.summary.board_key = manifest.board_key.hex()
    if proceedings.phase >= Phase.VOTING:
        report.summary.fingerprint = proceedings.election.fingerprint.hex()
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
    phase = proceedings.phase
    stages = [
        (Check.SETUP, phase >= Phase.KEY_CEREMONY, "the record has no roll"),
        (Check.CEREMONY, phase >= Phase.VOTING, "the key ceremony never concluded"),
        (Check.TALLY, phase >= Phase.COUNTING, "the record ends before the tally"),
        (Check.DECRYPTION, proceedings.counts is not None, "the record ends before decryption"),
        (Check.RESULTS, phase is Phase.DECIDED, "the record ends before the results"),
    ]
    for check, reached, message in stages:
        if not reached and not report.checks[check].failed:
            report.checks[check].skipped = message
    if phase >= Phase.VOTING:
        box = proceedings.box
        report.summary.ballots_accepted = len(box.tracking_codes)
        report.summary.participation = {str(q): f for q, f in box.participation().items()}
    counts = proceedings.counts
    if phase is Phase.DECIDED and counts is not None:
        report.summary.results = [
            QuestionSummary(question=c.question, participation_headcount=c.participation.headcount)
            for c in counts
        ]
