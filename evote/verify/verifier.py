"""Recount an election from its record alone (spec §15).

The verifier reads the record (§14), streams its entries in index order, rebuilds the Merkle tree
and checks it against the board's signed heads, and replays every entry through the same rules the
board applied (:class:`~evote.proceedings.Proceedings`): the key ceremony, every binding,
delegation and ballot, the tally, each decryption share and the results. Ballot proofs are checked
ahead, in ``jobs`` processes (:mod:`evote.verify.pipeline`). Every problem is recorded under the
numbered check it breaks, and verification carries on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from evote.ballots import Ballot, check_ballot_proofs
from evote.board import SignedTreeHead, verify_head
from evote.election import Election
from evote.encoding import decode, decode_prevalidated, encode
from evote.errors import EvoteError, InvalidProof, InvalidSignature
from evote.events import BallotCast, BallotChallenged, Entry, PaperEntered
from evote.hazmat.signing import VerifyKey
from evote.manifest import Manifest
from evote.merkle import MerkleTree, leaf_hash
from evote.proceedings import Check, EntryRefused, Proceedings
from evote.record import FILE_OF, RecordError, RecordLine, RecordReader
from evote.verify.pipeline import Verdict, verdicts
from evote.verify.report import Report

__all__ = ["verify_record"]

BALLOT_KINDS = frozenset({"ballot", "paper", "challenge"})


class _Proofs:
    """What is known of each ballot's proofs: failed or checked by a worker; else checked here."""

    def __init__(self) -> None:
        self.election: Election | None = None
        self.failed: dict[bytes, str] = {}
        self.checked: set[bytes] = set()

    def note(self, ballot: Ballot, verdict: Verdict) -> None:
        tracking = bytes(ballot.tracking_code())
        if verdict.check is None:
            self.checked.add(tracking)
        elif verdict.check == Check.BALLOT_PROOFS:
            self.failed[tracking] = verdict.message

    def check(self, ballot: Ballot) -> None:
        """The box's proof check (spec §15.7): a worker's verdict, or the proofs checked now."""
        tracking = bytes(ballot.tracking_code())
        if tracking in self.failed:
            raise InvalidProof(self.failed[tracking])
        if tracking not in self.checked:
            assert self.election is not None
            check_ballot_proofs(self.election, ballot)


class _Verdicts:
    """The workers' verdicts, looked up by the hash of the ballot line as the replay meets it."""

    def __init__(self) -> None:
        self._stream: Iterator[Verdict] | None = None
        self._waiting: dict[bytes, Verdict] = {}

    def start(self, stream: Iterator[Verdict]) -> None:
        self._stream = stream

    @property
    def started(self) -> bool:
        return self._stream is not None

    def take(self, line: bytes) -> Verdict | None:
        digest = hashlib.sha256(line).digest()
        while digest not in self._waiting and self._stream is not None:
            verdict = next(self._stream, None)
            if verdict is None:
                break
            self._waiting[verdict.line_hash] = verdict
        return self._waiting.pop(digest, None)


def verify_record(
    directory: Path,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    heads: Sequence[SignedTreeHead] = (),
    expect_board_key: VerifyKey | None = None,
    expect_manifest: bytes | None = None,
) -> Report:
    """Verify a record (spec §15); ``progress`` is told how many entries were read, as it goes.

    A record only proves itself: to know it is *the* record of an election, compare what it
    names — manifest hash, board key, heads — with what you got from elsewhere. ``heads`` are
    signed heads kept outside the record (voters' receipts, observers' copies): each must be a head
    of this very record (spec §15.2), which shows that nothing published before it was removed or
    changed. ``expect_board_key`` and ``expect_manifest`` are the board key and manifest hash the
    record must have (spec §15.3).
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
    verdict_of = _Verdicts()
    proofs = _Proofs()
    proceedings = Proceedings(check_proofs=proofs.check)
    tree = MerkleTree()
    times: list[int | None] = []
    expected = 0
    for line in reader.entries():
        if progress is not None:
            progress(1)
        tree.append(leaf_hash(line.data))
        if line.index != expected:
            report.fail(Check.FORMAT, _index_problem(line.index, expected, line.file))
        expected = max(expected, line.index) + 1
        proofs.election = proceedings.election
        entry = _entry(report, reader, proceedings, verdict_of, jobs, line, proofs)
        times.append(entry.at if entry is not None else None)
        if entry is None:
            continue
        report.checks[Check.FORMAT].checked += 1
        report.checks[_check_for(entry)].checked += 1
        if isinstance(entry.event, BallotCast | PaperEntered | BallotChallenged):
            report.checks[Check.BOX_RULES].checked += 1
        try:
            proceedings.apply(entry)
        except EntryRefused as refused:
            report.fail(refused.check, str(refused))
    if expected != reader.index.size:
        report.fail(Check.FORMAT, f"{expected} entries, {reader.index.size} in record.json")
    _check_board(report, reader, proceedings, tree, heads, times)
    _check_anchors(report, proceedings, expect_board_key, expect_manifest)
    _summarise(report, proceedings)
    return report


def _entry(
    report: Report,
    reader: RecordReader,
    proceedings: Proceedings,
    verdict_of: _Verdicts,
    jobs: int,
    record_line: RecordLine,
    proofs: _Proofs,
) -> Entry | None:
    """Decode one line, with its verdict if it is a ballot; None if it cannot be replayed."""
    kind, name, line = record_line.kind, record_line.file, record_line.data
    if kind is not None and FILE_OF.get(kind) != name:
        report.fail(Check.FORMAT, f"a {kind!r} entry in {name}")
    if kind in BALLOT_KINDS and proceedings.election is not None:
        if not verdict_of.started:
            verdict_of.start(verdicts(proceedings.election, reader.lines("ballots.jsonl"), jobs))
        verdict = verdict_of.take(line)
        if verdict is not None and verdict.check == Check.FORMAT:
            report.fail(Check.FORMAT, verdict.message)
            return None
        if verdict is not None:
            entry = decode_prevalidated(line, Entry)
            ballot = _ballot_of(entry)
            if ballot is not None:
                proofs.note(ballot, verdict)
            return entry
    try:
        entry = decode(line, Entry)
    except EvoteError as error:
        report.fail(Check.FORMAT, f"a line of {name} does not decode: {error}")
        return None
    if encode(entry) != line:
        report.fail(Check.FORMAT, f"entry {entry.index} in {name} is not in canonical form")
    return entry


def _ballot_of(entry: Entry) -> Ballot | None:
    event = entry.event
    ballot = getattr(event, "ballot", None)
    if isinstance(ballot, Ballot):
        return ballot
    opened = getattr(event, "opened", None)
    return opened.ballot if opened is not None else None


def _index_problem(index: int, expected: int, name: str) -> str:
    if index < 0:
        return f"a line of {name} has no readable index"
    if index < expected:
        return f"entry {index} appears again, or out of order, in {name}"
    missing = f"{expected}" if index == expected + 1 else f"{expected}…{index - 1}"
    return f"entry {missing} missing (found entry {index} in {name})"


def _check_for(entry: Entry) -> str:
    """The check an entry mainly feeds, for counting what was checked."""
    kind = entry.event.__class__.__name__
    return {
        "ManifestPublished": Check.SETUP,
        "RollPublished": Check.SETUP,
        "TrusteeAnnounced": Check.CEREMONY,
        "DealingPublished": Check.CEREMONY,
        "ComplaintFiled": Check.CEREMONY,
        "CeremonyConcluded": Check.CEREMONY,
        "CodeIssued": Check.REGISTRATION,
        "CredentialBound": Check.REGISTRATION,
        "DelegationGiven": Check.DELEGATIONS,
        "DelegationRevoked": Check.DELEGATIONS,
        "BallotCast": Check.BALLOT_PROOFS,
        "PaperEntered": Check.BALLOT_PROOFS,
        "BallotChallenged": Check.BALLOT_PROOFS,
        "TallyPublished": Check.TALLY,
        "SharePublished": Check.DECRYPTION,
        "ResultsPublished": Check.RESULTS,
    }.get(kind, Check.ORDER)


def _check_board(
    report: Report,
    reader: RecordReader,
    proceedings: Proceedings,
    tree: MerkleTree,
    kept: Sequence[SignedTreeHead],
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
    for head, origin in [
        *((h, "") for h in heads),
        (final, ""),
        *((h, " kept outside") for h in kept),
    ]:
        report.checks[Check.BOARD].checked += 1
        problem = _head_problem(head, manifest, tree, times)
        if problem is not None:
            report.fail(
                Check.BOARD,
                f"the head{origin} of size {head.head.size} at {head.head.at}: {problem}",
            )
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
