"""Decision rules as data, and the matters of Civil Code art. 278 they decide (spec §9.1).

A requirement compares a figure (participating or agreeing area or headcount) against a fraction of
a base (the total of the roll, or the participants), inclusively (≥) or strictly (>), with integers
only: ``value·d ≥ n·base`` or ``value·d > n·base``. A rule holds when all its quorum requirements and
all its approval requirements hold.

A motion names the statutory :class:`Matter` it decides; the statute's rule follows from it —
:data:`SPECIAL` for raising the maintenance fund, rebuilding and changing the use of common parts,
:data:`ORDINARY` for the others (domain rules 7–11). A community may ask for more, never for less:
a custom rule must :meth:`~DecisionRule.covers` the statute's in every term. An evaluated
requirement is an :class:`Evaluation`: the figures and the verdict, data from which any language
writes its sentence (spec §9.6).
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
    "Matter",
    "Requirement",
    "statutory_rule",
]


class Base(enum.StrEnum):
    TOTAL = "total"  # everyone on the roll
    PARTICIPATING = "participating"  # those who took part in this question


class Matter(enum.StrEnum):
    """The matters the owners decide jointly, Civil Code art. 278, items (1) to (9)."""

    RULES_OF_PROCEDURE = "rules-of-procedure"  # (1) 制定和修改业主大会议事规则
    MANAGEMENT_COVENANT = "management-covenant"  # (2) 制定和修改管理规约
    COMMITTEE = "committee"  # (3) 选举业主委员会或者更换业主委员会成员
    PROPERTY_SERVICE = "property-service"  # (4) 选聘和解聘物业服务企业或者其他管理人
    USE_FUND = "use-maintenance-fund"  # (5) 使用建筑物及其附属设施的维修资金
    RAISE_FUND = "raise-maintenance-fund"  # (6) 筹集建筑物及其附属设施的维修资金
    REBUILD = "rebuild"  # (7) 改建、重建建筑物及其附属设施
    CHANGE_USE = "change-use-of-common-parts"  # (8) 改变共有部分的用途或者利用共有部分从事经营活动
    OTHER = "other-major-matter"  # (9) 有关共有和共同管理权利的其他重大事项

    @property
    def item(self) -> int:
        """Its number in art. 278: 1 … 9."""
        return list(Matter).index(self) + 1


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

    def evaluate(self, value: int, base_value: int) -> Evaluation:
        return Evaluation(
            requirement=self,
            value=value,
            base_value=base_value,
            holds=self.holds(value, base_value),
        )

    def at_least_as_strict_as(self, other: Requirement) -> bool:
        """Whether every value that meets this requirement meets ``other`` too (spec §9.1).

        The same measure; a base at least as large (the roll's total ≥ the participants); a
        fraction at least as large, and strict where ``other`` is strict when the fractions are
        equal. Cross-multiplied, never divided.
        """
        if self.measure is not other.measure:
            return False
        if self.base is not other.base and self.base is not Base.TOTAL:
            return False
        mine, theirs = self.numerator * other.denominator, other.numerator * self.denominator
        return mine > theirs or (mine == theirs and (self.strict or not other.strict))


class Evaluation(Struct):
    """A requirement evaluated: ``value`` against ``n/d · base_value`` (spec §9.1, §9.6).

    ``holds`` is :meth:`Requirement.holds`; an evaluation that says otherwise cannot be built or
    decoded.
    """

    requirement: Requirement
    value: int
    base_value: int
    holds: bool

    def __post_init__(self) -> None:
        if self.holds != self.requirement.holds(self.value, self.base_value):
            raise ParameterError(
                f"an evaluation of {self.value} against {self.base_value} says holds is "
                f"{self.holds}; the figures say otherwise"
            )


class DecisionRule(Struct):
    """All of ``quorum`` and all of ``approval`` must hold (spec §9.1).

    Quorum requirements compare participation with the roll's totals; approval requirements compare
    the agreeing figures with their base. ``silence_follows_majority`` (从众, domain rule 13) adds
    the non-participants to the majority side before approval — never to the quorum — and is marked
    in every result it affects; it makes a rule weaker than any statutory one.
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

    def covers(self, statute: DecisionRule) -> bool:
        """Whether this rule is at least as strict as ``statute`` in every term (spec §9.1).

        Each requirement of the statute, quorum and approval apart, has one of this rule's that is
        at least as strict; and silence never follows the majority (it only helps a motion pass).
        """
        if self.silence_follows_majority and not statute.silence_follows_majority:
            return False
        return all(
            any(mine.at_least_as_strict_as(theirs) for mine in own)
            for own, required in ((self.quorum, statute.quorum), (self.approval, statute.approval))
            for theirs in required
        )

    def evaluate_quorum(self, totals: Figures, participation: Figures) -> tuple[Evaluation, ...]:
        """Participation against the roll's totals (spec §9.1)."""
        return tuple(
            r.evaluate(participation.of(r.measure), totals.of(r.measure)) for r in self.quorum
        )

    def evaluate_approval(
        self, agreeing: Figures, *, participating: Figures, totals: Figures
    ) -> tuple[Evaluation, ...]:
        """``agreeing`` against ``participating`` or ``totals``, per requirement base (spec §9.1)."""
        return tuple(
            r.evaluate(
                agreeing.of(r.measure),
                (totals if r.base is Base.TOTAL else participating).of(r.measure),
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

_SPECIAL_MATTERS: Final = frozenset({Matter.RAISE_FUND, Matter.REBUILD, Matter.CHANGE_USE})


def statutory_rule(matter: Matter) -> DecisionRule:
    """The rule the statute sets for ``matter``: special for (6)–(8), ordinary otherwise."""
    return SPECIAL if matter in _SPECIAL_MATTERS else ORDINARY
