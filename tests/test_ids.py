"""Identifiers (spec §7.1): a fixed character rule, Chinese names welcome."""

from __future__ import annotations

import pytest

from evote._internal.encoding import decode, encode
from evote._internal.ids import UnitId, check_id
from evote._internal.registry.roll import Unit
from evote.errors import ParameterError


@pytest.mark.parametrize("value", ["3栋1单元502", "A-101", "é", "x" * 64, "3栋 502", "🏠"])
def test_good_identifiers(value: str) -> None:
    check_id(value, "unit id")
    unit = Unit(id=UnitId(value), building=value, area=1)
    assert decode(encode(unit), Unit).id == value  # accepted on the wire too


@pytest.mark.parametrize(
    "value",
    [
        "", "x" * 65, " 502", "502 ", "502\u3000", "50\n2", "50\x002", "50\x852",
        "50\u200b2", "50\u200d2", "50\u202e2", "50\u20662", "50\u00ad2", "50\u061c2", "\ufeff502",
        "e\u0301", "50\ud8002",
    ],
    ids=repr,
)  # fmt: skip
def test_bad_identifiers(value: str) -> None:
    with pytest.raises(ParameterError, match="unit id"):
        check_id(value, "unit id")
