"""The independent verifier: recount an election from its record alone (spec §15)."""

from evote.verify.report import TITLES, CheckResult, Report, Status
from evote.verify.verifier import verify_record

__all__ = ["TITLES", "CheckResult", "Report", "Status", "verify_record"]
