"""The independent verifier: recount an election from its record alone (spec §15)."""

from evote._internal.verify.report import TITLES, CheckResult, Report, Status
from evote._internal.verify.verifier import verify_record

__all__ = ["TITLES", "CheckResult", "Report", "Status", "verify_record"]
