"""Verify a community's record, and its elections' records against it (spec §16.8).

The community's record is replayed like an election's (§15.1, §15.2, §15.12): every entry in its
place, the Merkle tree against the board's signed heads, and every entry applied by the rules of
:class:`~evote._internal.community.proceedings.CommunityProceedings` — signatures, eligibility,
one signature per person, withdrawals, deadlines, the thresholds as exact integers, the "reached"
moment, notice periods, answers, the fund's chain of statements, opinions and replies.

Then the records of the community's elections (the directories under ``elections/``, or those
given) are verified each on its own (§15), and against the community's (§16.7, check 16.7): a
manifest that cites a petition was published after the petition reached its rule; each election
had its meeting notice the charter's number of days before voting opened; its roll is the roll in
force when voting opened; every large transfer cites a binding motion that passed, and the
transfers under one motion stay within the amount it stated; every opinion is about a rating.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from evote._internal.board.events import Entry, ManifestPublished, RollPublished
from evote._internal.board.heads import InclusionReceipt, SignedTreeHead
from evote._internal.community.charter import DAY, ElectionQuestion
from evote._internal.community.events import COMMUNITY_LAYOUT, CommunityEntry
from evote._internal.community.notices import NoticeKind
from evote._internal.community.proceedings import CommunityProceedings
from evote._internal.election.manifest import Manifest, Motion, Rating
from evote._internal.election.results import MotionResult
from evote._internal.encoding import decode, encode
from evote._internal.messages import Language, Text, json_printable
from evote._internal.record import RecordReader
from evote._internal.registry.roll import Roll
from evote._internal.verify.board import UNDECODABLE, Places, check_heads
from evote._internal.verify.report import (
    COMMUNITY_ANCHOR,
    COMMUNITY_HEADING,
    CheckResult,
    PetitionSummary,
    Report,
)
from evote._internal.verify.verifier import verify_record
from evote.errors import COMMUNITY_CHECKS, Check, EvoteError, RecordError, Refused, UsageError
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.signing import VerifyKey

__all__ = ["CommunityVerdict", "verify_community_record"]

ELECTIONS_DIR = "elections"

_UNREADABLE = Text("community-unreadable", "the record cannot be read", "无法读取该记录")
_HALTED = Text(
    "community-halted", "not checked: the replay stopped at entry {index}, which cannot be read",
    "未核对：重放在第 {index} 条停止，该条无法读取",
)  # fmt: skip
_REACHED_UNSAID = Text(
    "reached-unsaid",
    "petition {petition!r} reached its rule at the last entry, and the board never said so",
    "联名 {petition!r} 在最后一条达到要求，公告板却从未予以记录",
)
_NO_CHARTER = Text(
    "no-charter", "no charter, so no board key to check the heads with",
    "没有社区章程，因而没有用于核对树头的公告板公钥",
)  # fmt: skip
_NOT_CANONICAL = Text(
    "community-not-canonical", "entry {entry} in {file} is not in canonical form",
    "{file} 中的第 {entry} 条不是规范格式",
)  # fmt: skip
_WRONG_FILE = Text(
    "community-wrong-file", "a {kind!r} entry in {file}", "{file} 中有一条 {kind!r} 记录"
)
_SIZE = Text(
    "community-size", "{found} entries, {size} in record.json",
    "共 {found} 条，record.json 记载 {size} 条",
)  # fmt: skip
_OTHER_COMMUNITY = Text(
    "index-community", "record.json names community {named!r}, the charter {community!r}",
    "record.json 记载的社区为 {named!r}，社区章程为 {community!r}",
)  # fmt: skip
_BOARD_KEY = Text(
    "community-board-key", "the board key is {key}, not the expected one",
    "公告板公钥为 {key}，与预期不符",
)  # fmt: skip
_CHARTER_HASH = Text(
    "charter-hash", "the charter hash is {hash}, not the expected one",
    "社区章程哈希为 {hash}，与预期不符",
)  # fmt: skip
_ELECTION_INVALID = Text(
    "election-invalid", "the record of election {election!r} ({path}) does not verify",
    "选举 {election!r} 的记录（{path}）未通过核对",
)  # fmt: skip
_ELECTION_UNREADABLE = Text(
    "election-unreadable", "{path}: the manifest or the roll cannot be read",
    "{path}：无法读取选举清单或业主名册",
)  # fmt: skip
_PETITION_UNKNOWN = Text(
    "cited-petition-unknown",
    "election {election!r} was convened by petition {petition!r} of {community!r}, which is not "
    "on this community's board",
    "选举 {election!r} 声称由 {community!r} 的联名 {petition!r} 召集，但本社区公告板上没有该联名",
)
_PETITION_NOT_REACHED = Text(
    "cited-petition-not-reached",
    "election {election!r} cites petition {petition!r}, which had not reached its rule when the "
    "manifest was published at {at}",
    "选举 {election!r} 引用的联名 {petition!r} 在选举清单公布时（{at}）尚未达到要求",
)
_NO_MEETING_NOTICE = Text(
    "no-meeting-notice",
    "election {election!r} opens at {opens} with no meeting notice posted {days} days before",
    "选举 {election!r} 于 {opens} 开始投票，此前 {days} 天没有发布会议通知",
)
_ROLL_DIFFERS = Text(
    "election-roll-differs",
    "the roll of election {election!r} is not the community's roll in force when voting opened",
    "选举 {election!r} 的业主名册不是投票开始时社区现行的名册",
)
_NOTICE_FOREIGN = Text(
    "meeting-notice-foreign",
    "the meeting notice {notice!r} names election {election}, whose record is not given",
    "会议通知 {notice!r} 所指选举 {election} 的记录未提供",
)
_CITED_UNKNOWN = Text(
    "cited-election-unknown",
    "{what} of entry {entry} cites election {election}, whose record is not given",
    "第 {entry} 条{what}引用的选举 {election} 的记录未提供",
)
_CITED_QUESTION = Text(
    "cited-question",
    "{what} of entry {entry} cites question {question!r} of election {election!r}, which is not "
    "{kind}",
    "第 {entry} 条{what}引用的选举 {election!r} 的问题 {question!r} 不是{kind}",
)
_NOT_PASSED = Text(
    "decision-not-passed",
    "transfer {transaction!r} cites motion {question!r} of election {election!r}, which did not "
    "pass as a binding decision",
    "转账 {transaction!r} 引用的选举 {election!r} 的议题 {question!r} 未作为有约束力的决定通过",
)
_NO_AMOUNT = Text(
    "decision-no-amount",
    "transfer {transaction!r} cites motion {question!r} of election {election!r}, which states "
    "no amount",
    "转账 {transaction!r} 引用的选举 {election!r} 的议题 {question!r} 未载明金额",
)
_OVER_AMOUNT = Text(
    "decision-over-amount",
    "transfers under motion {question!r} of election {election!r} total {total} fen, above the "
    "{amount} fen it authorised",
    "依据选举 {election!r} 的议题 {question!r} 的转账合计 {total} 分，超过其授权的 {amount} 分",
)
_TRANSFER: Final = Text("what-transfer", "the transfer", "转账")
_OPINION: Final = Text("what-opinion-of", "the opinion", "意见")
_A_MOTION: Final = Text("kind-motion", "a motion", "议题")
_A_RATING: Final = Text("kind-rating", "a rating", "满意度评价")


@dataclass
class _Election:
    """An election record given with the community's: its report and what the links need."""

    path: Path
    report: Report
    manifest: Manifest
    published_at: int  # the time of entry 0, the manifest
    roll: Roll


@dataclass
class CommunityVerdict:
    """The community's report, and the report of each of its elections' records (spec §16.8)."""

    community: Report
    elections: dict[str, Report] = field(default_factory=dict)  # path → report

    @property
    def valid(self) -> bool:
        return self.community.valid and all(r.valid for r in self.elections.values())

    def render(self, language: Language = Language.EN, *, command: str = "evote") -> str:
        parts = [self.community.render(language, command=command)]
        parts += [r.render(language, command=command) for r in self.elections.values()]
        return "\n".join(parts)

    def to_json(self, language: Language = Language.EN) -> dict[str, object]:
        return {
            "valid": self.valid,
            "community": self.community.to_json(language),
            "elections": [r.to_json(language) for r in self.elections.values()],
        }

    def to_json_text(self, language: Language = Language.EN) -> str:
        """The JSON report as printable text (spec §15.13)."""
        return json_printable(json.dumps(self.to_json(language), ensure_ascii=False, indent=2))


def verify_community_record(
    directory: Path,
    *,
    elections: Sequence[Path] | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    heads: Sequence[SignedTreeHead | InclusionReceipt] = (),
    board_key: VerifyKey | None = None,
    charter_hash: bytes | None = None,
) -> CommunityVerdict:
    """Verify a community's record and its elections' records (spec §16.8).

    ``elections`` are the election records to check with it; by default every directory under
    ``directory/elections``. ``heads``, ``board_key`` and ``charter_hash`` anchor the community's
    record as :func:`~evote.verify_record`'s anchor an election's.
    """
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    directory = Path(directory)
    report = Report(
        record=str(directory),
        checks={check: CheckResult(id=check) for check in COMMUNITY_CHECKS},
        heading=COMMUNITY_HEADING,
        anchor=COMMUNITY_ANCHOR,
    )
    verdict = CommunityVerdict(community=report)
    given = _elections(verdict, directory, elections, jobs, progress)
    try:
        reader = RecordReader(directory, COMMUNITY_LAYOUT)
    except RecordError as error:
        report.fail(Check.FORMAT, error.said)
        for check in COMMUNITY_CHECKS:
            if check is not Check.FORMAT:
                report.skip(check, _UNREADABLE)
        return verdict
    report.election = reader.index.board
    report.entries = reader.index.size
    for problem in reader.check_files():
        report.fail(Check.FORMAT, problem)
    proceedings, tree, times, halted = _replay(report, reader, progress)
    charter = proceedings.charter
    if charter is None:
        report.fail(Check.BOARD, _NO_CHARTER)
        return verdict
    if reader.index.board != charter.community:
        report.fail(Check.FORMAT, _OTHER_COMMUNITY, named=reader.index.board,
                    community=charter.community)  # fmt: skip
    check_heads(report, reader, charter.community, charter.board_key, tree, heads, times)
    report.summary.charter_hash = proceedings.charter_hash.hex()
    report.summary.board_key = charter.board_key.hex()
    if board_key is not None and charter.board_key != board_key:
        report.fail(Check.BOARD, _BOARD_KEY, key=charter.board_key.hex())
    if charter_hash is not None and proceedings.charter_hash != bytes(charter_hash):
        report.fail(Check.CHARTER, _CHARTER_HASH, hash=proceedings.charter_hash.hex())
    if halted is None:
        _check_links(report, proceedings, given)
    else:
        report.skip(Check.LINKS, _HALTED, index=halted)
    _summarise(report, proceedings)
    report.summary.elections = {e.manifest.hash().hex(): e.report.valid for e in given}
    return verdict


def _elections(
    verdict: CommunityVerdict, directory: Path, paths: Sequence[Path] | None, jobs: int,
    progress: Callable[[int], None] | None,
) -> list[_Election]:  # fmt: skip
    """Verify each election record given, by default those under ``directory/elections``."""
    if paths is None:
        found = directory / ELECTIONS_DIR
        paths = sorted(p for p in found.iterdir() if p.is_dir()) if found.is_dir() else []
    given = []
    for path in paths:
        election = _election(verdict, Path(path), jobs, progress)
        if election is None:
            verdict.community.fail(Check.LINKS, _ELECTION_UNREADABLE, path=str(path))
        else:
            given.append(election)
    return given


def _election(
    verdict: CommunityVerdict, path: Path, jobs: int, progress: Callable[[int], None] | None
) -> _Election | None:
    """Verify one election record; what the links need of it, or None if it cannot be read."""
    election_report = verify_record(path, jobs=jobs, progress=progress)
    verdict.elections[str(path)] = election_report
    try:
        reader = RecordReader(path)
        lines = {line.kind: line.data for _, line in zip(range(2), reader.entries(), strict=False)}
        manifest_entry = decode(lines["manifest"], Entry)
        roll_entry = decode(lines["roll"], Entry)
    except (RecordError, EvoteError, KeyError):
        return None
    if not isinstance(manifest_entry.event, ManifestPublished) or not isinstance(
        roll_entry.event, RollPublished
    ):
        return None
    return _Election(
        path=path,
        report=election_report,
        manifest=manifest_entry.event.manifest,
        published_at=manifest_entry.at,
        roll=roll_entry.event.roll,
    )


def _replay(
    report: Report, reader: RecordReader, progress: Callable[[int], None] | None
) -> tuple[CommunityProceedings, MerkleTree, list[int | None], int | None]:
    """Read every entry in index order, build the tree and apply each entry by the rules.

    An entry that cannot be read stops the replay there, as for an election (spec §15.1); the
    index it stopped at is returned, if it did.
    """
    proceedings = CommunityProceedings()
    tree = MerkleTree()
    times: list[int | None] = []
    places = Places()
    halted: int | None = None
    file_of = COMMUNITY_LAYOUT.file_of
    for line in reader.entries():
        if progress is not None:
            progress(1)
        tree.append(leaf_hash(line.data))
        position = places.take(report, line)
        if line.kind is not None and file_of.get(line.kind) != line.file:
            report.fail(Check.FORMAT, _WRONG_FILE, kind=line.kind, file=line.file)
        try:
            entry = decode(line.data, CommunityEntry)
        except EvoteError as error:
            report.fail(Check.FORMAT, UNDECODABLE, file=line.file, detail=str(error))
            times.append(None)
            halted = position if halted is None else halted
            continue
        times.append(entry.at)
        if encode(entry) != line.data:
            report.fail(Check.FORMAT, _NOT_CANONICAL, entry=entry.index, file=line.file)
        if halted is not None:
            continue
        for check in (Check.FORMAT, Check.ORDER, *type(entry.event).checks):
            report.checks[check].checked += 1
        try:
            proceedings.apply(entry)
        except Refused as refused:
            report.refused(refused, Check.ORDER)
    if places.count != reader.index.size:
        report.fail(Check.FORMAT, _SIZE, found=places.count, size=reader.index.size)
    if halted is None and proceedings.pending is not None:
        report.fail(Check.PETITIONS, _REACHED_UNSAID, petition=proceedings.pending)
    return proceedings, tree, times, halted


def _check_links(
    report: Report, proceedings: CommunityProceedings, elections: Sequence[_Election]
) -> None:
    """The community's record and its elections' records, against each other (spec §16.7)."""
    charter = proceedings.charter
    assert charter is not None
    links = report.checks[Check.LINKS]
    by_hash = {e.manifest.hash(): e for e in elections}
    meeting_notices = [
        f for f in proceedings.notices.values() if f.item.body.kind is NoticeKind.MEETING
    ]
    for e in elections:
        links.checked += 1
        manifest = e.manifest
        if not e.report.valid:
            report.fail(
                Check.LINKS, _ELECTION_INVALID, election=manifest.election, path=str(e.path)
            )
        cited = manifest.convened_by
        if cited is not None and cited.community == charter.community:
            tally = proceedings.petitions.get(cited.petition)
            if tally is None:
                report.fail(Check.LINKS, _PETITION_UNKNOWN, election=manifest.election,
                            petition=cited.petition, community=cited.community)  # fmt: skip
            elif tally.reached_at is None or tally.reached_at > e.published_at:
                report.fail(Check.LINKS, _PETITION_NOT_REACHED, election=manifest.election,
                            petition=cited.petition, at=e.published_at)  # fmt: skip
        opens = manifest.window.opens
        latest = opens - charter.meeting_notice_days * DAY
        if not any(
            f.item.body.election == manifest.hash() and f.at <= latest for f in meeting_notices
        ):
            report.fail(Check.LINKS, _NO_MEETING_NOTICE, election=manifest.election, opens=opens,
                        days=charter.meeting_notice_days)  # fmt: skip
        in_force = proceedings.roll_at(opens)
        if in_force is None or (in_force.units, in_force.persons) != (e.roll.units, e.roll.persons):
            report.fail(Check.LINKS, _ROLL_DIFFERS, election=manifest.election)
    for f in meeting_notices:
        notice, election = f.item.body, f.item.body.election
        if election is not None and bytes(election) not in by_hash:  # a meeting names one
            links.checked += 1
            report.fail(Check.LINKS, _NOTICE_FOREIGN, notice=notice.notice,
                        election=bytes(election).hex())  # fmt: skip
    _check_transfers(report, proceedings, by_hash)
    for filed in proceedings.opinions.values():
        links.checked += 1
        about = filed.item.body.about
        question = _question(report, by_hash, about, filed.index, _OPINION)
        if question is not None and not isinstance(question, Rating):
            report.fail(Check.LINKS, _CITED_QUESTION, what=_OPINION, entry=filed.index,
                        question=about.question, election=by_hash[bytes(about.election)]
                        .manifest.election, kind=_A_RATING)  # fmt: skip


def _question(
    report: Report, by_hash: dict[bytes, _Election], cited: ElectionQuestion, entry: int,
    what: Text,
) -> object | None:  # fmt: skip
    """The question a community entry cites; a finding, and None, if it is not in the records."""
    election = by_hash.get(bytes(cited.election))
    if election is None:
        report.fail(Check.LINKS, _CITED_UNKNOWN, what=what, entry=entry,
                    election=bytes(cited.election).hex())  # fmt: skip
        return None
    found = next((q for q in election.manifest.questions if q.id == cited.question), None)
    if found is None:
        report.fail(Check.LINKS, _CITED_QUESTION, what=what, entry=entry,
                    question=cited.question, election=election.manifest.election,
                    kind=_A_MOTION if what is _TRANSFER else _A_RATING)  # fmt: skip
    return found


def _check_transfers(
    report: Report, proceedings: CommunityProceedings, by_hash: dict[bytes, _Election]
) -> None:
    """Large transfers: each cites a binding motion that passed, within its amount (§16.7)."""
    spent: dict[tuple[bytes, str], int] = {}
    for filed in proceedings.statements:
        for t in filed.item.body.transactions:
            if t.decision is None or t.amount > 0:
                continue
            report.checks[Check.LINKS].checked += 1
            cited = t.decision
            question = _question(report, by_hash, cited, filed.index, _TRANSFER)
            if question is None:
                continue
            election = by_hash[bytes(cited.election)]
            name = election.manifest.election
            if not isinstance(question, Motion):
                report.fail(Check.LINKS, _CITED_QUESTION, what=_TRANSFER, entry=filed.index,
                            question=cited.question, election=name, kind=_A_MOTION)  # fmt: skip
                continue
            results = election.report.summary.results or ()
            result = next((r for r in results if r.question == cited.question), None)
            if not isinstance(result, MotionResult) or not (result.passed and result.binding):
                report.fail(Check.LINKS, _NOT_PASSED, transaction=t.id, question=cited.question,
                            election=name)  # fmt: skip
                continue
            if question.amount is None:
                report.fail(Check.LINKS, _NO_AMOUNT, transaction=t.id, question=cited.question,
                            election=name)  # fmt: skip
                continue
            key = (bytes(cited.election), cited.question)
            spent[key] = spent.get(key, 0) - t.amount
            if spent[key] > question.amount:
                report.fail(Check.LINKS, _OVER_AMOUNT, question=cited.question, election=name,
                            total=spent[key], amount=question.amount)  # fmt: skip


def _summarise(report: Report, proceedings: CommunityProceedings) -> None:
    report.summary.petitions = tuple(
        PetitionSummary(
            petition=p,
            purpose=t.body.purpose.value,
            progress=t.progress(),
            reached_at=t.reached_at,
            closed=t.closed,
        )
        for p, t in proceedings.petitions.items()
    )
    if proceedings.statements:
        report.summary.balance = proceedings.statements[-1].item.body.closing
