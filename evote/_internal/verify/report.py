"""The verification report: one result per numbered check, and the outcome recounted (spec §15).

Primitives raise; the verifier collects: every problem found is a :class:`Finding` under the check it
breaks — a text and its figures, saying where (entry, file, trustee, question) — and verification
goes on. The report is data: it renders in English or Chinese, as text for people or as JSON for
programs, which compare the codes and figures, never the words (spec §15.13).
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec

from evote._internal.community.charter import Purpose
from evote._internal.community.petitions import Progress
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionResult
from evote._internal.messages import (
    Figure,
    Language,
    Message,
    Text,
    json_printable,
    pad,
    printable,
)
from evote._internal.registry.roll import Figures
from evote._internal.text.results import render_results
from evote.errors import ELECTION_CHECKS, Check, Reason, Refused, describe, message_of

__all__ = [
    "COMMUNITY_ANCHOR",
    "COMMUNITY_HEADING",
    "CheckResult",
    "Finding",
    "HeadSummary",
    "PetitionSummary",
    "Report",
    "Status",
    "Summary",
]

MAX_MESSAGES: Final = 20


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 -- a check status, not a password
    FAIL = "fail"
    SKIP = "skip"  # nothing to check: the record ends before this stage


_CHECKED: Final = Text("checked", "{count} item(s) checked", "已核对 {count} 项")
_MORE: Final = Text("more", "; and {count} more", "；另有 {count} 项")
_SEPARATOR: Final = {Language.EN: "; ", Language.ZH: "；"}


@dataclass(frozen=True)
class Finding:
    """One problem: what is wrong, at which entry, and — for a step the rules refuse — the reason."""

    said: Message
    index: int | None = None
    reason: Reason | None = None

    def render(self, language: Language = Language.EN) -> str:
        return describe(self.said, language, index=self.index, reason=self.reason)

    def to_json(self, language: Language) -> dict[str, object]:
        return {
            "entry": self.index,
            "reason": None if self.reason is None else self.reason.value,
            **self.said.to_json(),
            "message": self.render(language),
        }


@dataclass
class CheckResult:
    """What one numbered check found: how many items it checked, its findings, or why it skipped."""

    id: Check
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    failed: int = 0
    skipped: Message | None = None

    @property
    def title(self) -> str:
        return self.id.label

    @property
    def status(self) -> Status:
        if self.failed:
            return Status.FAIL
        return Status.SKIP if self.skipped else Status.PASS

    @property
    def failures(self) -> list[str]:
        """The findings, in English."""
        return [finding.render() for finding in self.findings]

    @property
    def message(self) -> str:
        return self.render_message(Language.EN)

    def render_message(self, language: Language) -> str:
        if self.failed:
            more = self.failed - len(self.findings)
            said = _SEPARATOR[language].join(f.render(language) for f in self.findings)
            return said + (_MORE.render(language, {"count": more}) if more > 0 else "")
        if self.skipped:
            return self.skipped.render(language)
        return _CHECKED.render(language, {"count": self.checked})

    def add(self, finding: Finding) -> None:
        self.failed += 1
        if len(self.findings) < MAX_MESSAGES:
            self.findings.append(finding)


class HeadSummary(msgspec.Struct):
    """The final head of the record: size, root (hex) and time."""

    size: int
    root: str
    at: int


class Summary(msgspec.Struct, omit_defaults=True):
    """What names the election and the board, and the outcome recounted (spec §15.13).

    Each field is present once the record reached what it is about: the manifest, the conclusion
    of the ceremony, the results. ``results`` are the results the verifier recomputed from the
    decrypted counts and the rules, present when they are the ones published.
    """

    final_head: HeadSummary | None = None
    manifest_hash: str | None = None
    board_key: str | None = None
    fingerprint: str | None = None
    ballots_accepted: int | None = None
    participation: dict[str, Figures] | None = None
    results: tuple[QuestionResult, ...] | None = None
    # A community's record (spec §16.8).
    charter_hash: str | None = None
    petitions: tuple[PetitionSummary, ...] | None = None
    balance: int | None = None  # the shared fund's last closing balance, in fen
    elections: dict[str, bool] | None = None  # each election record given: manifest hash → valid


class PetitionSummary(msgspec.Struct):
    """A petition of the record: where it stands at the end of the record (spec §16.8)."""

    petition: str
    purpose: str
    progress: Progress
    reached_at: int | None
    closed: bool


_LABELS: Final = {
    "manifest hash": Text("label-manifest-hash", "manifest hash", "清单哈希"),
    "board key": Text("label-board-key", "board key", "公告板公钥"),
    "fingerprint": Text("label-fingerprint", "fingerprint", "选举指纹"),
    "charter hash": Text("label-charter-hash", "charter hash", "章程哈希"),
    "balance": Text("label-balance", "fund balance", "共有资金余额"),
    "final head": Text("label-final-head", "final head", "最终树头"),
}
_HEADING: Final = Text(
    "heading", "Record {record} — election {election}, {entries} entries",
    "记录 {record} — 选举 {election}，共 {entries} 条",
)  # fmt: skip
_HEAD: Final = Text(
    "head-figures", "size {size}, root {root}, at {at}", "大小 {size}，根 {root}，时间 {at}"
)
_ANCHOR: Final = Text(
    "anchor",
    "  A valid record proves itself, not that it is this election's record: check these against\n"
    "  what the convener and the board published, with\n"
    "    {command} verify {record} --manifest-hash HASH --board-key KEY --head FILE",
    "  记录有效只证明其自身一致，并不证明它就是本次选举的记录：请与召集人和公告板公布的数据核对：\n"
    "    {command} verify {record} --manifest-hash 哈希 --board-key 公钥 --head 文件",
)
COMMUNITY_HEADING: Final = Text(
    "community-heading", "Record {record} — community {election}, {entries} entries",
    "记录 {record} — 社区 {election}，共 {entries} 条",
)  # fmt: skip
COMMUNITY_ANCHOR: Final = Text(
    "community-anchor",
    "  A valid record proves itself, not that it is this community's record: check these against\n"
    "  what the convener and the board published, with\n"
    "    {command} verify {record} --charter-hash HASH --board-key KEY --head FILE",
    "  记录有效只证明其自身一致，并不证明它就是本社区的记录：请与召集人和公告板公布的数据核对：\n"
    "    {command} verify {record} --charter-hash 哈希 --board-key 公钥 --head 文件",
)
_PETITION_LINE: Final = Text(
    "petition-line",
    "  petition {petition} ({purpose}): signed by {area} of {total_area} m² ({area_share} %) and "
    "{headcount} of {total_headcount} persons ({headcount_share} %) — {state}",
    "  联名 {petition}（{purpose}）：签名 {area} / {total_area} m²（{area_share}%），"
    "{headcount} / {total_headcount} 人（{headcount_share}%）— {state}",
)


def _share(value: int, total: int) -> str:
    """``value / total`` in per cent, rounded down to 0.1: never shows a threshold not reached."""
    tenths = value * 1000 // total if total else 0
    return f"{tenths // 10}.{tenths % 10}"


def _m2(area: int) -> str:
    return f"{area // 100:,}.{area % 100:02d}"


_PETITION_STATES: Final = {
    (True, True): Text("petition-reached-closed", "reached, closed", "已达到要求，已结束"),
    (True, False): Text("petition-reached-open", "reached, open", "已达到要求，征集中"),
    (False, True): Text("petition-failed", "not reached, closed", "未达到要求，已结束"),
    (False, False): Text("petition-open", "not reached yet, open", "尚未达到要求，征集中"),
}
_VALID: Final = Text("valid", "VALID: every check passed", "有效：全部核对通过")
_INVALID: Final = Text("invalid", "INVALID: see the failed checks", "无效：见未通过的核对项")
_OUTCOME: Final = Text(
    "outcome", "Outcome recounted from the record alone:", "仅依据记录重新计票的结果："
)
_MARKS: Final = {Status.PASS: "✓", Status.FAIL: "✗", Status.SKIP: "–"}


@dataclass
class Report:
    """The verdict on a record: one result per numbered check, and the summary (spec §15.13)."""

    record: str
    election: str | None = None
    entries: int = 0
    checks: dict[Check, CheckResult] = field(
        default_factory=lambda: {check: CheckResult(id=check) for check in ELECTION_CHECKS}
    )
    summary: Summary = field(default_factory=Summary)
    manifest: Manifest | None = None  # to name the questions and candidates of the results
    heading: Text = _HEADING  # an election's record, or a community's (COMMUNITY_HEADING)
    anchor: Text = _ANCHOR

    @property
    def valid(self) -> bool:
        return all(c.status is Status.PASS for c in self.checks.values())

    def fail(
        self, check: Check, message: str | Text | Message, /, *, index: int | None = None,
        **figures: Figure,
    ) -> None:  # fmt: skip
        """Record a finding of the verifier itself under ``check``."""
        self.checks[check].add(Finding(message_of(message, figures), index))

    def refused(self, refusal: Refused, check: Check) -> None:
        """Record a step the rules refused, under its own check or ``check``."""
        finding = Finding(refusal.said, refusal.index, refusal.reason)
        self.checks[refusal.check or check].add(finding)

    def skip(self, check: Check, message: Text, **figures: Figure) -> None:
        self.checks[check].skipped = Message(message, figures)

    def to_json(self, language: Language = Language.EN) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "record": self.record,
            "election": self.election,
            "entries": self.entries,
            "language": language.value,
            "checks": [
                {
                    "id": c.id.value,
                    "title": c.id.title(language),
                    "status": c.status.value,
                    "message": c.render_message(language),
                    "checked": c.checked,
                    "failed": c.failed,
                    "findings": [f.to_json(language) for f in c.findings],
                }
                for c in self.checks.values()
            ],
            "summary": msgspec.to_builtins(self.summary),
        }

    def to_json_text(self, language: Language = Language.EN) -> str:
        """The JSON report as printable text: the same JSON, with no character that moves a
        terminal (spec §15.13).
        """  # noqa: D205
        return json_printable(json.dumps(self.to_json(language), ensure_ascii=False, indent=2))

    def _community_lines(self, language: Language) -> list[str]:
        """The petitions and the fund balance of a community's record (spec §16.8)."""
        lines = []
        for p in self.summary.petitions or ():
            signed, totals = p.progress.signed, p.progress.totals
            state = _PETITION_STATES[(p.reached_at is not None, p.closed)]
            figures: dict[str, Figure] = {
                "petition": p.petition, "purpose": Purpose(p.purpose).phrase,
                "area": _m2(signed.area), "total_area": _m2(totals.area),
                "area_share": _share(signed.area, totals.area), "headcount": signed.headcount,
                "total_headcount": totals.headcount,
                "headcount_share": _share(signed.headcount, totals.headcount), "state": state,
            }  # fmt: skip
            lines.append(printable(_PETITION_LINE.render(language, figures)))
        if self.summary.balance is not None:
            label = _LABELS["balance"].render(language)
            balance = self.summary.balance
            lines.append(f"  {pad(label, 14)} ¥{balance // 100:,}.{balance % 100:02d}")
        return lines

    def render(self, language: Language = Language.EN, *, command: str = "evote") -> str:
        """The report as text for people, safe to print (spec §15.13).

        ``command`` is how the reader runs evote, for the command the report suggests.
        """
        heading = self.heading.render(
            language,
            {"record": self.record, "election": str(self.election), "entries": self.entries},
        )
        lines = [printable(heading)]
        summary = self.summary
        for label, value in (
            ("manifest hash", summary.manifest_hash),
            ("board key", summary.board_key),
            ("fingerprint", summary.fingerprint),
            ("charter hash", summary.charter_hash),
        ):
            if value is not None:
                lines.append(f"  {pad(_LABELS[label].render(language), 14)} {value}")
        head = summary.final_head
        if head is not None:
            figures: dict[str, Figure] = {"size": head.size, "root": head.root, "at": head.at}
            label = _LABELS["final head"].render(language)
            lines.append(f"  {pad(label, 14)} {_HEAD.render(language, figures)}")
        if len(lines) > 1:
            anchor = self.anchor.render(language, {"record": self.record, "command": command})
            lines.append(printable(anchor, lines=True))
        for c in self.checks.values():
            said = printable(c.render_message(language))
            colon = "：" if language is Language.ZH else ": "
            lines.append(f"  {_MARKS[c.status]} {c.id:<5} {c.id.title(language)}{colon}{said}")
        lines += self._community_lines(language)
        lines.append(f"  {(_VALID if self.valid else _INVALID).render(language)}")
        text = "\n".join(lines) + "\n"
        if self.manifest is not None and summary.results:
            outcome = render_results(self.manifest, summary.results, language=language)
            text += f"\n{_OUTCOME.render(language)}\n\n{outcome}"
        return text
