"""Shamir sharing, Feldman commitments and Lagrange coefficients (spec §6.1)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote._internal.trustees.polynomial import (
    Polynomial,
    evaluate_commitments,
    lagrange_coefficients,
)
from evote.errors import ParameterError, ThresholdError
from evote.hazmat.group import BASE, Scalar


@given(st.integers(1, 5), st.integers(1, 10))
def test_commitments_evaluate_to_the_share_times_g(threshold: int, x: int) -> None:
    polynomial = Polynomial.random(threshold)
    assert evaluate_commitments(polynomial.commitments(), x) == BASE * polynomial.evaluate(x)


def test_evaluation_matches_integer_arithmetic() -> None:
    polynomial = Polynomial([Scalar.from_int(c) for c in (5, 3, 2)])
    assert [int(polynomial.evaluate(x)) for x in range(1, 5)] == [10, 19, 32, 49]


@given(st.integers(1, 5), st.data())
def test_any_k_shares_interpolate_the_secret(threshold: int, data: st.DataObject) -> None:
    polynomial = Polynomial.random(threshold)
    indices = data.draw(st.lists(st.integers(1, 12), min_size=threshold, max_size=7, unique=True))
    coefficients = lagrange_coefficients(indices)
    secret = Scalar.from_int(0)
    for i in indices:
        secret = secret + coefficients[i] * polynomial.evaluate(i)
    assert secret == polynomial.coefficients[0]


def test_fewer_than_k_shares_do_not_interpolate_the_secret() -> None:
    polynomial = Polynomial.random(3)
    for indices in itertools.combinations(range(1, 6), 2):
        coefficients = lagrange_coefficients(indices)
        guess = Scalar.from_int(0)
        for i in indices:
            guess = guess + coefficients[i] * polynomial.evaluate(i)
        assert guess != polynomial.coefficients[0]


@pytest.mark.parametrize("indices", [[], [0, 1], [-1, 2], [1, 1, 2]])
def test_bad_index_sets_are_refused(indices: list[int]) -> None:
    with pytest.raises(ThresholdError):
        lagrange_coefficients(indices)


def test_empty_or_zero_coefficients_are_refused() -> None:
    with pytest.raises(ParameterError):
        Polynomial([])
    with pytest.raises(ParameterError):
        Polynomial([Scalar.from_int(1), Scalar.from_int(0)])
    with pytest.raises(ParameterError):
        Polynomial.random(0)
