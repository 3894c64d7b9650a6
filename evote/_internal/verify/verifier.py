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
)
from evote._internal.election.ballots import Ballot, check_ballot_proofs
from evote._internal.encoding import decode, decode_prevalidated, encode
from evote._internal.messages import Text
from evote._internal.proceedings import Phase, Proceedings
from evote._internal.record import FILE_OF, RecordLine, RecordReader
from evote._internal.verify.board import UNDECODABLE, Places, check_heads
from evote._internal.verify.pipeline import CheckedLine, ProofFinding, checked_lines
from evote._internal.verify.report import Report
from evote.errors import (
    ELECTION_CHECKS,
    Check,
    EvoteError,
    InvalidProof,
    RecordError,
    Refused,
    UsageError,
)
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.signing import VerifyKey

__all__ = ["verify_record"]

# What the verifier itself finds (spec §15); a step the rules refuse says what its refusal says.
_UNREADABLE_RECORD = Text("record-unreadable", "the record cannot be read", "无法读取该记录")
_NO_ROLL = Text("no-roll", "the record has no roll", "记录中没有业主名册")
_NO_CEREMONY = Text("no-ceremony", "the key ceremony never concluded", "密钥生成仪式未完成")
_NO_TALLY = Text("no-tally", "the record ends before the tally", "记录在计票之前结束")
_NO_DECRYPTION = Text("no-decryption", "the record ends before decryption", "记录在解密之前结束")
_NO_RESULTS = Text("no-results", "the record ends before the results", "记录在公布结果之前结束")
_HALTED = Text(
    "halted", "not checked: the replay stopped at entry {index}, which cannot be read",
    "未核对：重放在第 {index} 条停止，该条无法读取",
)  # fmt: skip
_SIZE = Text(
    "size", "{found} entries, {size} in record.json", "共 {found} 条，record.json 记载 {size} 条"
)
_WRONG_FILE = Text("wrong-file", "a {kind!r} entry in {file}", "{file} 中有一条 {kind!r} 记录")
_NOT_CANONICAL = Text(
    "not-canonical", "entry {entry} in {file} is not in canonical form",
    "{file} 中的第 {entry} 条不是规范格式",
)  # fmt: skip
_NO_MANIFEST = Text(
    "no-manifest", "no manifest, so no board key to check the heads with",
    "没有选举清单，因而没有用于核对树头的公告板公钥",
)  # fmt: skip
_OTHER_ELECTION = Text(
    "index-election", "record.json names election {index_election!r}, the manifest {election!r}",
    "record.json 记载的选举为 {index_election!r}，选举清单为 {election!r}",
)  # fmt: skip
_BOARD_KEY = Text(
    "board-key", "the board key is {key}, not the expected one", "公告板公钥为 {key}，与预期不符"
)
_MANIFEST_HASH = Text(
    "manifest-hash",
    "the manifest hash is {hash}, not the expected one",
    "选举清单哈希为 {hash}，与预期不符",
)


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
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    report = Report(record=str(directory))
    try:
        reader = RecordReader(directory)
    except RecordError as error:
        report.fail(Check.FORMAT, error.said)
        for check in ELECTION_CHECKS:
            if check is not Check.FORMAT:
                report.skip(check, _UNREADABLE_RECORD)
        return report
    report.election = reader.index.board
    report.entries = reader.index.size
    for problem in reader.check_files():
        report.fail(Check.FORMAT, problem)
    proceedings, tree, times, halted = _replay(report, reader, jobs, progress)
    _check_board(report, reader, proceedings, tree, heads, times)
    _check_anchors(report, proceedings, board_key, manifest_hash)
    _summarise(report, proceedings, halted)
    return report


def _replay(
    report: Report, reader: RecordReader, jobs: int, progress: Callable[[int], None] | None
) -> tuple[Proceedings, MerkleTree, list[int | None], int | None]:
    """Read every entry in index order, build the tree and apply each entry by the rules (§15).

    An entry that cannot be read stops the replay there: what follows is read for the tree and the
    times, and not applied, so that one bad line is one finding, not a cascade (spec §15.1).
    Returns the proceedings, the tree, each line's time (None if it did not decode), and the
    index of the entry the replay stopped at, if it did.
    """
    ahead = _CheckedAhead(reader, jobs)
    proceedings = Proceedings()
    proofs = _Proofs(proceedings)
    proceedings.check_proofs = proofs.check
    tree = MerkleTree()
    times: list[int | None] = []
    places = Places()
    halted: int | None = None
    try:
        for line in reader.entries():
            if progress is not None:
                progress(1)
            tree.append(leaf_hash(line.data))
            position = places.take(report, line)
            checked = None
            if line.file == BALLOTS_FILE and halted is None:
                checked = ahead.take(proceedings, line.data)
            entry = _entry(report, line, checked)
            times.append(entry.at if entry is not None else None)
            if entry is None:
                halted = position if halted is None else halted
                continue
            if halted is not None:
                continue
            for check in (Check.FORMAT, Check.ORDER, *type(entry.event).checks):
                report.checks[check].checked += 1
            ballot = ballot_of(entry.event)
            if ballot is not None:
                proofs.expect(ballot, checked)
            try:
                proceedings.apply(entry)
            except Refused as refused:
                report.refused(refused, Check.ORDER)
    finally:
        ahead.close()
    if places.count != reader.index.size:
        report.fail(Check.FORMAT, _SIZE, found=places.count, size=reader.index.size)
    return proceedings, tree, times, halted


def _entry(report: Report, line: RecordLine, checked: CheckedLine | None) -> Entry | None:
    """Decode one line, trusting the workers' decoding if they saw it; None if it does not decode."""
    if line.kind is not None and FILE_OF.get(line.kind) != line.file:
        report.fail(Check.FORMAT, _WRONG_FILE, kind=line.kind, file=line.file)
    if checked is not None and checked.undecodable is not None:
        report.fail(Check.FORMAT, UNDECODABLE, file=line.file, detail=checked.undecodable)
        return None
    if checked is not None:  # a worker decoded these very bytes, validating every point
        entry = decode_prevalidated(line.data, Entry)
        canonical = checked.canonical
    else:
        try:
            entry = decode(line.data, Entry)
        except EvoteError as error:
            report.fail(Check.FORMAT, UNDECODABLE, file=line.file, detail=str(error))
            return None
        canonical = encode(entry) == line.data
    if not canonical:
        report.fail(Check.FORMAT, _NOT_CANONICAL, entry=entry.index, file=line.file)
    return entry


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
        report.fail(Check.BOARD, _NO_MANIFEST)
        return
    manifest = proceedings.manifest
    if reader.index.board != manifest.election:
        report.fail(
            Check.FORMAT,
            _OTHER_ELECTION,
            index_election=reader.index.board,
            election=manifest.election,
        )
    check_heads(report, reader, manifest.election, manifest.board_key, tree, kept, times)


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
        report.fail(Check.BOARD, _BOARD_KEY, key=manifest.board_key.hex())
    if manifest_hash is not None and manifest.hash() != manifest_hash:
        report.fail(Check.SETUP, _MANIFEST_HASH, hash=manifest.hash().hex())


def _summarise(report: Report, proceedings: Proceedings, halted: int | None) -> None:
    """Mark what the record never reached, and keep the headline figures."""
    phase = proceedings.phase
    stages = [
        (Check.SETUP, phase >= Phase.KEY_CEREMONY, _NO_ROLL),
        (Check.CEREMONY, phase >= Phase.VOTING, _NO_CEREMONY),
        (Check.TALLY, phase >= Phase.COUNTING, _NO_TALLY),
        (Check.DECRYPTION, proceedings.counts is not None, _NO_DECRYPTION),
        (Check.RESULTS, phase is Phase.DECIDED, _NO_RESULTS),
    ]
    for check, reached, message in stages:
        if not reached and not report.checks[check].failed:
            if halted is None:
                report.skip(check, message)
            else:
                report.skip(check, _HALTED, index=halted)
    if phase >= Phase.VOTING:
        box = proceedings.box
        report.summary.ballots_accepted = len(box.tracking_codes)
        report.summary.participation = {str(q): f for q, f in box.participation().items()}
    if phase is not Phase.EMPTY:
        report.manifest = proceedings.manifest
    if phase is Phase.DECIDED and proceedings.results is not None:
        report.summary.results = tuple(proceedings.results)
