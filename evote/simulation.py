"""Simulated estates, for the demo, the benchmarks and the tests — never for a real election.

A real roll comes from the land registry through :func:`evote.read_roll_csv`. Here a seeded
``random.Random`` draws a plausible one: owners of one flat or two, a few co-owned flats, the
developer's unsold flats as one person (domain rules 3 and 4), and areas from a handful of floor
plans, as in a real estate. The same seed gives the same roll.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from evote._internal.ids import ElectionId, PersonId, UnitId
from evote._internal.registry.roll import Person, PersonKind, Roll, Unit

__all__ = ["FLOOR_PLANS", "estate", "floor_plans"]

#: The floor plans of the demo estate, in 0.01 m².
FLOOR_PLANS: Final = (6_512, 7_830, 8_912, 8_945, 10_230, 11_675, 12_050, 14_388, 16_020)


def floor_plans(rng: random.Random, count: int = 36) -> tuple[int, ...]:
    """``count`` distinct areas in 0.01 m², from small flats (45 m²) to large ones (180 m²)."""
    return tuple(sorted(rng.sample(range(4_500, 18_000), count)))


def estate(
    election: ElectionId,
    owners: int,
    rng: random.Random,
    *,
    buildings: int = 12,
    plans: Sequence[int] = FLOOR_PLANS,
    two_flats: float = 0.08,
    co_owned: float = 0.05,
    developer: bool = True,
) -> Roll:
    """A roll of ``owners`` owners in ``buildings`` buildings, drawn from ``rng``.

    Each owner holds two flats with probability ``two_flats`` (one person with their summed area),
    and is a co-owned flat's designated voter with probability ``co_owned``; with ``developer``,
    one flat in twenty more is unsold and the developer holds them all, as one person. Unit ids
    read ``<building>栋-<owner>-<flat>``; person ids ``P<owner>`` and ``DEVELOPER``.

        >>> roll = estate(ElectionId("demo"), 100, random.Random(1))
        >>> roll.totals.headcount  # 100 owners and the developer
        101
    """
    width = max(4, len(str(owners)))
    units: list[Unit] = []
    persons: list[Person] = []
    for index in range(owners):
        building = f"{index % buildings + 1}栋"
        flats = 2 if rng.random() < two_flats else 1
        ids = tuple(UnitId(f"{building}-{index + 1:0{width}}-{k}") for k in range(flats))
        units += [Unit(id=u, building=building, area=rng.choice(plans)) for u in ids]
        kind = PersonKind.CO_OWNED if rng.random() < co_owned else PersonKind.OWNER
        persons.append(
            Person(id=PersonId(f"P{index + 1:0{width}}"), kind=kind, units=tuple(sorted(ids)))
        )
    if developer:
        count = max(1, owners // 20)
        digits = max(2, len(str(count - 1)))  # fixed width: the ids sort as their numbers
        unsold = tuple(UnitId(f"开发商-{k:0{digits}}") for k in range(count))
        units += [Unit(id=u, building="开发商", area=rng.choice(plans)) for u in unsold]
        persons.append(Person(id=PersonId("DEVELOPER"), kind=PersonKind.DEVELOPER, units=unsold))
    return Roll(
        election=election,
        units=tuple(sorted(units, key=lambda u: u.id)),
        persons=tuple(sorted(persons, key=lambda p: p.id)),
    )
