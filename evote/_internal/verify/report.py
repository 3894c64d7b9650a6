"""The verification report: one result per numbered check (spec §15).

Primitives raise; the verifier collects: every problem found is recorded under the check it
breaks, with a message that says where (entry, file, trustee, question), and verification goes on.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["TITLES", "CheckResult", "Report", "Status"]

#: Every check, by its id: the section of spec §15 that defines it.
TITLES: Final = {
    "15.1": "Record format and files",
    "15.2": "Board: Merkle tree and signed heads",
    "15.3": "Manifest and roll",
    "15.4": "Key ceremony",
    "15.5": "Activation codes and bindings",
    "15.6": "Delegations and revocations",
    "15.7": "Ballot signatures and proofs",
    "15.8": "Ballot box rules",
    "15.9": "Homomorphic tally",
    "15.10": "Decryption shares and decoding",
    "15.11": "Results against the rules",
    "15.12": "Order and time",
}
MAX_MESSAGES: Final = 20


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 -- a check status, not a password
    FAIL = "fail"
    SKIP = "skip"  # nothing to check: the record ends before this stage


@dataclass
class CheckResult:
    id: str
    title: str
    checked: int = 0
    failures: list[str] = field(default_factory=list)
    failed: int = 0
    skipped: str | None = None

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


@dataclass
class Report:
    record: str
    election: str | None = None
    entries: int = 0
    checks: dict[str, CheckResult] = field(
        default_factory=lambda: {i: CheckResult(id=i, title=t) for i, t in TITLES.items()}
    )
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return all(c.status is Status.PASS for c in self.checks.values())

    def fail(self, check: str, message: str) -> None:
        self.checks[check].fail(message)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "record": self.record,
            "election": self.election,
            "entries": self.entries,
            "checks": [
                {
                    "id": c.id,
                    "title": c.title,
                    "status": c.status.value,
                    "message": c.message,
                    "checked": c.checked,
                    "failed": c.failed,
                    "failures": c.failures,
                }
                for c in self.checks.values()
            ],
            "summary": self.summary,
        }

    def render(self) -> str:
        marks = {Status.PASS: "✓", Status.FAIL: "✗", Status.SKIP: "–"}
        lines = [f"Record {self.record} — election {self.election}, {self.entries} entries"]
        for label, key in (
            ("manifest hash", "manifest_hash"),
            ("board key", "board_key"),
            ("fingerprint", "fingerprint"),
        ):
            if key in self.summary:
                lines.append(f"  {label:<14} {self.summary[key]}")
        head = self.summary.get("final_head")
        if head:
            lines.append(
                f"  {'final head':<14} size {head['size']}, root {head['root']}, at {head['at']}"
            )
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
