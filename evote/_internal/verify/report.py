"""The verification report: one result per numbered check (spec §15).

Primitives raise; the verifier collects: every problem found is recorded under the check it
breaks, with a message that says where (entry, file, trustee, question), and verification goes on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec

from evote._internal.registry.roll import Figures
from evote.errors import Check

__all__ = ["CheckResult", "HeadSummary", "QuestionSummary", "Report", "Status", "Summary"]

MAX_MESSAGES: Final = 20


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 -- a check status, not a password
    FAIL = "fail"
    SKIP = "skip"  # nothing to check: the record ends before this stage


@dataclass
class CheckResult:
    """What one numbered check found: how many items it checked, its failures, or why it skipped."""

    id: Check
    checked: int = 0
    failures: list[str] = field(default_factory=list)
    failed: int = 0
    skipped: str | None = None

    @property
    def title(self) -> str:
        return self.id.label

    @property
    def status(self) -> Status:
        if self.failed:
            return Status.FAIL
        return Status.SKIP if self.skipped else Status.PASS

    @property
    def message(self) -> str:
        if self.failed:
            more = self.failed - len(self.failures)
            return "; ".join(self.failures) + (f"; and {more} more" if more > 0 else "")
        if self.skipped:
            return self.skipped
        return f"{self.checked} item(s) checked"

    def fail(self, message: str) -> None:
        self.failed += 1
        if len(self.failures) < MAX_MESSAGES:
            self.failures.append(message)


class HeadSummary(msgspec.Struct):
    """The final head of the record: size, root (hex) and time."""

    size: int
    root: str
    at: int


class QuestionSummary(msgspec.Struct):
    question: str
    participation_headcount: int


class Summary(msgspec.Struct, omit_defaults=True):
    """What names the election and the board, and the headline figures (spec §15.13).

    Each field is present once the record reached what it is about: the manifest, the conclusion
    of the ceremony, the results.
    """

    final_head: HeadSummary | None = None
    manifest_hash: str | None = None
    board_key: str | None = None
    fingerprint: str | None = None
    ballots_accepted: int | None = None
    participation: dict[str, Figures] | None = None
    results: list[QuestionSummary] | None = None


@dataclass
class Report:
    """The verdict on a record: one result per numbered check, and the summary (spec §15.13)."""

    record: str
    election: str | None = None
    entries: int = 0
    checks: dict[Check, CheckResult] = field(
        default_factory=lambda: {check: CheckResult(id=check) for check in Check}
    )
    summary: Summary = field(default_factory=Summary)

    @property
    def valid(self) -> bool:
        return all(c.status is Status.PASS for c in self.checks.values())

    def fail(self, check: Check, message: str) -> None:
        self.checks[check].fail(message)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "record": self.record,
            "election": self.election,
            "entries": self.entries,
            "checks": [
                {
                    "id": c.id.value,
                    "title": c.title,
                    "status": c.status.value,
                    "message": c.message,
                    "checked": c.checked,
                    "failed": c.failed,
                    "failures": c.failures,
                }
                for c in self.checks.values()
            ],
            "summary": msgspec.to_builtins(self.summary),
        }

    def render(self) -> str:
        marks = {Status.PASS: "✓", Status.FAIL: "✗", Status.SKIP: "–"}
        lines = [f"Record {self.record} — election {self.election}, {self.entries} entries"]
        summary = self.summary
        for label, value in (
            ("manifest hash", summary.manifest_hash),
            ("board key", summary.board_key),
            ("fingerprint", summary.fingerprint),
        ):
            if value is not None:
                lines.append(f"  {label:<14} {value}")
        head = summary.final_head
        if head is not None:
            lines.append(f"  {'final head':<14} size {head.size}, root {head.root}, at {head.at}")
        if len(lines) > 1:
            lines.append(
                "  (compare these with what the convener and the board published elsewhere)"
            )
        lines += [
            f"  {marks[c.status]} {c.id:<5} {c.title}: {c.message}" for c in self.checks.values()
        ]
        verdict = "VALID: every check passed" if self.valid else "INVALID: see the failed checks"
        lines.append(f"  {verdict}")
        return "\n".join(lines) + "\n"
