"""Identifiers: NewTypes over ``str``, so that a unit id is never passed where a person id is due.

Every identifier is 1 to 64 characters in NFC, with no leading or trailing whitespace and none of
a fixed set of control and invisible formatting characters (spec §7.1); Chinese unit names such as
``3栋1单元502`` are fine.
"""

from __future__ import annotations

import unicodedata
from typing import Final, NewType

from evote._internal.messages import INVISIBLE
from evote.errors import ParameterError

__all__ = ["CandidateId", "ElectionId", "PersonId", "QuestionId", "UnitId", "check_id"]

ElectionId = NewType("ElectionId", str)
UnitId = NewType("UnitId", str)
PersonId = NewType("PersonId", str)
QuestionId = NewType("QuestionId", str)
CandidateId = NewType("CandidateId", str)

MAX_ID_LENGTH: Final = 64


def check_id(value: str, what: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is a well-formed identifier (spec §7.1)."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
        raise ParameterError(f"{what} {value!r}: expected 1 to {MAX_ID_LENGTH} characters")
    if value != value.strip():
        raise ParameterError(f"{what} {value!r}: leading or trailing whitespace")
    if any(c in INVISIBLE or "\ud800" <= c <= "\udfff" for c in value):
        raise ParameterError(
            f"{what} {value!r}: contains a control or invisible formatting character"
        )
    if unicodedata.normalize("NFC", value) != value:
        raise ParameterError(f"{what} {value!r}: not in Unicode NFC form")
