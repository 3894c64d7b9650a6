"""Bounded discrete logarithms (spec §4.4): exact within the bound, a clear error beyond it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote.errors import DecodingError, ParameterError
from evote.hazmat.dlog import MAX_BOUND, DiscreteLog
from evote.hazmat.group import BASE, IDENTITY, Scalar
from evote.hazmat.transcript import hash_to_point

BOUND = 10**6
DECODER = DiscreteLog(BOUND)


@given(st.integers(0, BOUND))
def test_decodes_every_value_within_the_bound(value: int) -> None:
    assert DECODER.decode(BASE * Scalar.from_int(value)) == value


@pytest.mark.parametrize("value", [0, 1, 999, 1000, 1001, BOUND - 1, BOUND])
def test_decodes_the_edges(value: int) -> None:
    assert DECODER.decode(BASE * Scalar.from_int(value)) == value


@pytest.mark.parametrize("value", [BOUND + 1, BOUND + 1000, 2 * BOUND, 10**12])
def test_values_above_the_bound_are_refused(value: int) -> None:
    with pytest.raises(DecodingError, match=f"\\[0, {BOUND}\\]"):
        DECODER.decode(BASE * Scalar.from_int(value))


def test_a_point_that_is_no_small_multiple_is_refused() -> None:
    with pytest.raises(DecodingError):
        DECODER.decode(hash_to_point("not a multiple"))
    with pytest.raises(DecodingError):
        DECODER.decode(-BASE)  # (ℓ − 1)·G


@pytest.mark.parametrize("baby_steps", [1, 7, 1000, 5000])
def test_any_table_size_gives_the_same_answers(baby_steps: int) -> None:
    decoder = DiscreteLog(20_000, baby_steps=baby_steps)
    for value in (0, 1, 6, 7, 8, 4999, 5000, 19_999, 20_000):
        assert decoder.decode(BASE * Scalar.from_int(value)) == value
    with pytest.raises(DecodingError):
        decoder.decode(BASE * Scalar.from_int(20_001))


def test_zero_bound_decodes_only_the_identity() -> None:
    decoder = DiscreteLog(0)
    assert decoder.decode(IDENTITY) == 0
    with pytest.raises(DecodingError):
        decoder.decode(BASE)


@pytest.mark.parametrize(("bound", "steps"), [(-1, None), (MAX_BOUND + 1, None), (10, 0)])
def test_bad_parameters_are_refused(bound: int, steps: int | None) -> None:
    with pytest.raises(ParameterError):
        DiscreteLog(bound, baby_steps=steps)
