"""Languages, and how figures are written in them: areas, headcounts, fractions, thresholds.

Areas are integers in 0.01 m², written in m² with two decimals and thousands grouped by spaces;
headcounts are integers. A threshold is never written as a fraction of a person: what a
requirement needs is the smallest integer figure that meets it (spec §9.1), so "at least 3/4 of
162 persons" reads "at least 122 persons".
"""

from __future__ import annotations

from typing import Final

from evote._internal.election.rules import Requirement
from evote._internal.messages import Language
from evote._internal.registry.roll import Measure

__all__ = [
    "Language",
    "format_area",
    "format_count",
    "format_figure",
    "fraction",
    "minimum",
]


def format_count(value: int) -> str:
    """An integer with thousands grouped by spaces: ``1234567`` → ``1 234 567``."""
    return f"{value:,}".replace(",", " ")


def format_area(hundredths: int) -> str:
    """An area in 0.01 m² as m² with two decimals, thousands grouped: ``9500000`` → ``95 000.00``."""
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{format_count(whole)}.{cents:02d}"


def format_figure(value: int, measure: Measure, language: Language) -> str:
    """``value`` of ``measure`` with its unit: ``8 912.00 m²``; ``3 persons`` / ``3 人``."""
    if measure is Measure.AREA:
        return f"{format_area(value)} m²"
    if language is Language.ZH:
        return f"{format_count(value)} 人"
    return f"{format_count(value)} person{'' if value == 1 else 's'}"


_DIGITS: Final = "零一二三四五六七八九"


def _chinese(number: int) -> str:
    """1 … 99 in Chinese numerals; other numbers in Arabic digits."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if not tens:
        return _DIGITS[ones]
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def fraction(numerator: int, denominator: int, language: Language) -> str:
    """``2/3``, or ``三分之二``; a half is ``1/2`` / ``二分之一``."""
    if language is Language.ZH:
        return f"{_chinese(denominator)}分之{_chinese(numerator)}"
    return f"{numerator}/{denominator}"


def minimum(requirement: Requirement, base_value: int) -> int:
    """The smallest figure that meets ``requirement`` against ``base_value`` (spec §9.1).

    ``v·d ≥ n·b`` needs v ≥ ⌈n·b / d⌉; ``v·d > n·b`` needs v ≥ ⌊n·b / d⌋ + 1 — integers only.
    """
    product, d = requirement.numerator * base_value, requirement.denominator
    return product // d + 1 if requirement.strict else -(-product // d)
