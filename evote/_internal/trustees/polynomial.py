"""Shamir sharing with Feldman commitments, and Lagrange coefficients (spec §6.1).

A dealer's secret polynomial ``f(x) = a_0 + a_1·x + … + a_{k−1}·x^{k−1}`` over the scalars gives
trustee i the share ``f(i)``. Its Feldman commitments ``C_j = a_j·G`` let anyone compute
``f(i)·G = Σ_j i^j·C_j`` without learning ``f(i)``, which is how shares and verification keys are
checked. Trustee indices are 1 … n; index 0 would be the secret itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evote._internal.messages import Text
from evote.errors import ParameterError, ThresholdError
from evote.hazmat.group import BASE, ORDER, Point, PublicKey, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness

__all__ = ["Polynomial", "evaluate_commitments", "lagrange_coefficients"]

_NOT_DISTINCT = Text(
    "indices-not-distinct", "trustee indices are not distinct: {chosen!r}",
    "受托人序号有重复：{chosen!r}",
)  # fmt: skip
_NOT_POSITIVE = Text(
    "indices-not-positive", "trustee indices must be positive and non-empty: {chosen!r}",
    "受托人序号必须为正数且不能为空：{chosen!r}",
)  # fmt: skip


class Polynomial:
    """A secret polynomial of degree ``threshold − 1`` with non-zero coefficients."""

    __slots__ = ("_coefficients",)

    def __init__(self, coefficients: Sequence[Scalar]) -> None:
        if not coefficients:
            raise ParameterError("a polynomial needs at least one coefficient")
        if any(c.is_zero() for c in coefficients):
            # A zero coefficient would commit to the identity, which verifiers refuse.
            raise ParameterError("polynomial coefficients must be non-zero")
        self._coefficients = tuple(coefficients)

    @classmethod
    def random(cls, threshold: int, *, randomness: Randomness = OS_RANDOMNESS) -> Polynomial:
        if threshold < 1:
            raise ParameterError(f"threshold {threshold} must be at least 1")
        return cls([randomness.scalar() for _ in range(threshold)])

    @property
    def coefficients(self) -> tuple[Scalar, ...]:
        return self._coefficients

    def evaluate(self, x: int) -> Scalar:
        """``f(x)`` by Horner's rule, with libsodium's constant-time scalar arithmetic."""
        point = Scalar.from_int(x)
        result = self._coefficients[-1]
        for coefficient in reversed(self._coefficients[:-1]):
            result = result * point + coefficient
        return result

    def commitments(self) -> tuple[PublicKey, ...]:
        return tuple(PublicKey.from_point(BASE * c) for c in self._coefficients)


def evaluate_commitments(commitments: Sequence[Point], x: int) -> Point:
    """``Σ_j x^j·C_j``, which equals ``f(x)·G`` for the committed polynomial (spec §6.1).

    Horner's rule: ``C_0 + x·(C_1 + x·(C_2 + …))``, k − 1 multiplications.
    """
    if not commitments:
        raise ParameterError("no commitments to evaluate")
    factor = Scalar.from_int(x)
    result: Point = commitments[-1]
    for commitment in reversed(commitments[:-1]):
        result = result * factor + commitment
    return result


def lagrange_coefficients(indices: Iterable[int]) -> dict[int, Scalar]:
    """``λ_i = Π_{j ≠ i} j / (j − i)`` over the given distinct trustee indices, for interpolation at 0.

    These are public, so plain integer arithmetic modulo ℓ is used.
    """
    chosen = sorted(indices)
    if len(set(chosen)) != len(chosen):
        raise ThresholdError(_NOT_DISTINCT, chosen=chosen)
    if not chosen or chosen[0] < 1:
        raise ThresholdError(_NOT_POSITIVE, chosen=chosen)
    coefficients: dict[int, Scalar] = {}
    for i in chosen:
        numerator, denominator = 1, 1
        for j in chosen:
            if j != i:
                numerator = numerator * j % ORDER
                denominator = denominator * (j - i) % ORDER
        coefficients[i] = Scalar.from_int(numerator * pow(denominator, -1, ORDER))
    return coefficients
