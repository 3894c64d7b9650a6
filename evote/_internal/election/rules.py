"""Decision rules as data: quorum and approval requirements per measure (spec §9.1).

A requirement compares a figure (participating or agreeing area or headcount) against a fraction of
a base (the total of the roll, or the participants), inclusively (≥) or strictly (>), with integers
only: ``value·d ≥ n·base`` or ``value·d > n·base``. A rule holds when all its quorum requirements and
all its approval requirements hold. The Civil Code art. 278 presets are :data:`ORDINARY` and
:data:`SPECIAL` (domain rules 8–11). An evaluated requirement is an :class:`Evaluation`: the figures, the
verdict and a sentence naming them, as the published results carry it (spec §9.6).
"""

from __future__ import annotations

import enum
from typing import Final

from evote._internal.encoding import Struct
from evote._internal.registry.roll import Figures, Measure
from evote.errors import ParameterError

__all__ = [
    "ORDINARY",
    "SPECIAL",
    "Base",
    "DecisionRule",
    "Evaluation",
    "Requirement",
    "format_area",
    "format_count",
]


class Base(enum.StrEnum):
    TOTAL = "total"  # everyone on the roll
    PARTICIPATING = "participating"  # those who took part in this question


def format_count(value: int) -> str:
    """An integer with thousands grouped by spaces: ``1234567`` → ``1 234 567``."""
    return f"{value:,}".replace(",", " ")


def format_area(hundredths: int) -> str:
    """An area in 0.01 m² as m² with two decimals, thousands grouped: ``9500000`` → ``95 000.00``."""
    return f"{format_count(hundredths // 100)}.{hundredths % 100:02d}"


def _format(numerator: int, denominator: int, measure: Measure) -> str:
    """``numerator/denominator`` of the measure's unit, exactly, or cut after two decimals and "…".

    Areas always show two decimals of m²; headcounts no trailing zeros: ``6``, ``4.5``, ``6.66…``.
    """
    scale = 1 if measure is Measure.AREA else 100  # now in hundredths of the unit shown
    hundredths, remainder = divmod(numerator * scale, denominator)
    mark = "…" if remainder else ""
    if measure is Measure.AREA:
        return f"{format_area(hundredths)}{mark} m²"
    text = format_area(hundredths)
    return text + mark if mark else text.rstrip("0").rstrip(".")


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

    def holds(self, value: int, base_value: int) -> bool:
        """The exact integer comparison (domain rule 11)."""
        left, right = value * self.denominator, self.numerator * base_value
        return left > right if self.strict else left >= right

    def evaluate(
        self, value: int, base_value: int, *, subject: str, base: str | None = None
    ) -> Evaluation:
        """Evaluate and say so: "agreeing area 485.00 m² is more than 1/2 of participating area …".

        ``subject`` names the figure; ``base`` the base, by default "total" or "participating".
        """
        holds = self.holds(value, base_value)
        relation = ("is " if holds else "is not ") + ("more than" if self.strict else "at least")
        n, d, measure = self.numerator, self.denominator, self.measure
        description = (
            f"{subject} {measure} {_format(value, 1, measure)} {relation} {n}/{d} of "
            f"{base or self.base} {measure} {_format(base_value, 1, measure)} "
            f"({_format(n * base_value, d, measure)})"
        )
        return Evaluation(
            requirement=self,
            value=value,
            base_value=base_value,
            holds=holds,
            description=description,
        )


class Evaluation(Struct):
    """A requirement evaluated: ``value`` against ``n/d · base_value`` (spec §9.1, §9.6).

    ``holds`` is :meth:`Requirement.holds`; an evaluation that says otherwise cannot be built or decoded.
    """

    requirement: Requirement
    value: int
    base_value: int
    holds: bool
    description: str

    def __post_init__(self) -> None:
        if self.holds != self.requirement.holds(self.value, self.base_value):
            raise ParameterError(
                f"evaluation {self.description!r}: holds is {self.holds}, the figures say otherwise"
            )


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

    def evaluate_quorum(self, totals: Figures, participation: Figures) -> tuple[Evaluation, ...]:
        """Participation against the roll's totals (spec §9.1)."""
        return tuple(
            r.evaluate(participation.of(r.measure), totals.of(r.measure), subject="participating")
            for r in self.quorum
        )

    def evaluate_approval(
        self,
        agreeing: Figures,
        *,
        participating: Figures,
        totals: Figures,
        subject: str = "agreeing",
        participating_words: str = "participating",
    ) -> tuple[Evaluation, ...]:
        """``agreeing`` against ``participating`` or ``totals``, per requirement base (spec §9.1)."""
        return tuple(
            r.evaluate(agreeing.of(r.measure), totals.of(r.measure), subject=subject)
            if r.base is Base.TOTAL
            else r.evaluate(
                agreeing.of(r.measure),
                participating.of(r.measure),
                subject=subject,
                base=participating_words,
            )
            for r in self.approval
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
