"""Decision rules as data: quorum and approval requirements per measure (spec §9.1).

A requirement compares a figure (participating or agreeing area or headcount) against a fraction of
a base (the total of the roll, or the participants), inclusively (≥) or strictly (>), with integers
only: ``value·d ≥ n·base`` or ``value·d > n·base``. A rule holds when all its quorum requirements and
all its approval requirements hold. The Civil Code art. 278 presets are :data:`ORDINARY` and
:data:`SPECIAL` (domain rules 8–11).
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import Final

from evote.encoding import Struct
from evote.errors import ParameterError

__all__ = [
    "ORDINARY",
    "SPECIAL",
    "Base",
    "DecisionRule",
    "Figures",
    "Measure",
    "Requirement",
]


class Measure(enum.StrEnum):
    AREA = "area"  # exclusive floor area, in 0.01 m²
    HEADCOUNT = "headcount"  # persons (domain rule 3)


class Base(enum.StrEnum):
    TOTAL = "total"  # everyone on the roll
    PARTICIPATING = "participating"  # those who took part in this question


class Figures(Struct):
    """Area and headcount of a group of persons: the roll, the participants, the agreeing..."""

    area: int
    headcount: int

    def of(self, measure: Measure) -> int:
        return self.area if measure is Measure.AREA else self.headcount

    def __add__(self, other: Figures) -> Figures:
        return Figures(area=self.area + other.area, headcount=self.headcount + other.headcount)


class Requirement(Struct):
    """``value ≥ n/d · base`` (or ``>`` when strict) for one measure (spec §9.1)."""

    measure: Measure
    base: Base
    numerator: int
    denominator: int
    strict: bool

    def __post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator or self.denominator < 1:
            raise ParameterError(
                f"requirement {self.numerator}/{self.denominator}: need 0 ≤ n ≤ d and d ≥ 1"
            )

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    def holds(self, value: int, base_value: int) -> bool:
        """The exact integer comparison (domain rule 11)."""
        left, right = value * self.denominator, self.numerator * base_value
        return left > right if self.strict else left >= right

    def describe(self) -> str:
        sign = ">" if self.strict else "≥"
        base = "total" if self.base is Base.TOTAL else "participating"
        return f"{self.measure} {sign} {self.numerator}/{self.denominator} of {base} {self.measure}"


class DecisionRule(Struct):
    """All of ``quorum`` and all of ``approval`` must hold (spec §9.1).

    Quorum requirements compare participation with the roll's totals; approval requirements compare
    the agreeing figures with their base. ``silence_follows_majority`` (从众, domain rule 13) adds
    the non-participants to the majority side before approval — never to the quorum — and is marked
    in every result it affects.
    """

    name: str
    quorum: tuple[Requirement, ...]
    approval: tuple[Requirement, ...]
    silence_follows_majority: bool = False

    def __post_init__(self) -> None:
        if not self.name:
            raise ParameterError("decision rule: a name is required")
        if not self.approval:
            raise ParameterError(f"decision rule {self.name!r}: no approval requirement")
        for requirement in self.quorum:
            if requirement.base is not Base.TOTAL:
                raise ParameterError(
                    f"decision rule {self.name!r}: a quorum requirement must have base 'total'"
                )


def _both(base: Base, numerator: int, denominator: int, *, strict: bool) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(
            measure=measure,
            base=base,
            numerator=numerator,
            denominator=denominator,
            strict=strict,
        )
        for measure in (Measure.AREA, Measure.HEADCOUNT)
    )


_QUORUM: Final = _both(Base.TOTAL, 2, 3, strict=False)  # domain rule 8

#: Ordinary matters (CC 278 (1)–(5), (9)): quorum 2/3 of both; more than half of the participants.
ORDINARY: Final = DecisionRule(
    name="ordinary", quorum=_QUORUM, approval=_both(Base.PARTICIPATING, 1, 2, strict=True)
)
#: Special matters (CC 278 (6)–(8)): quorum 2/3 of both; at least 3/4 of the participants.
SPECIAL: Final = DecisionRule(
    name="special", quorum=_QUORUM, approval=_both(Base.PARTICIPATING, 3, 4, strict=False)
)
