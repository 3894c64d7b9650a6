"""The roll: units with their floor areas, and the persons who vote for them (spec §8.1).

Headcount rules (domain rules 1–6): one unit is one person, except that a person holding several
units counts once with their summed area, all of the developer's unsold units together are one
person, and the co-owners of a unit are one person who designate one voter. A person votes once for
all their units. Areas are integers in 0.01 m², never floats.

The roll is fixed and published before voting opens; its hash enters the election fingerprint.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import cached_property

from evote._internal.encoding import Struct, encode
from evote._internal.ids import ElectionId, PersonId, UnitId, check_id
from evote.errors import ParameterError
from evote.hazmat.transcript import Domain, Transcript

__all__ = ["MAX_UNIT_AREA", "Figures", "Measure", "Person", "PersonKind", "Roll", "Unit"]

#: Largest area of one unit, in 0.01 m² (10⁶ m²): a bound that keeps every total small for decoding.
MAX_UNIT_AREA = 100_000_000


class Measure(enum.StrEnum):
    AREA = "area"  # exclusive floor area, in 0.01 m²
    HEADCOUNT = "headcount"  # persons (domain rule 3)


class Figures(Struct):
    """Area and headcount of a group of persons: the roll, the participants, the agreeing..."""

    area: int
    headcount: int

    def of(self, measure: Measure) -> int:
        return self.area if measure is Measure.AREA else self.headcount

    def __add__(self, other: Figures) -> Figures:
        return Figures(area=self.area + other.area, headcount=self.headcount + other.headcount)

    def __sub__(self, other: Figures) -> Figures:
        return Figures(area=self.area - other.area, headcount=self.headcount - other.headcount)


class PersonKind(enum.StrEnum):
    OWNER = "owner"  # one owner of one or more units
    DEVELOPER = "developer"  # the developer's unsold or undelivered units, together one person
    CO_OWNED = "co-owned"  # the co-owners of a unit, one person with one designated voter


class Unit(Struct):
    """An exclusive part (专有部分): its id, building and area in 0.01 m²."""

    id: UnitId
    building: str
    area: int

    def __post_init__(self) -> None:
        check_id(self.id, "unit id")
        check_id(self.building, f"unit {self.id}: building")
        if not 0 < self.area <= MAX_UNIT_AREA:
            raise ParameterError(f"unit {self.id}: area must be positive and at most 10⁶ m²")


class Person(Struct):
    """One person in the headcount, and the units they vote for (spec §8.1)."""

    id: PersonId
    kind: PersonKind
    units: tuple[UnitId, ...]

    def __post_init__(self) -> None:
        check_id(self.id, "person id")
        if not self.units:
            raise ParameterError(f"person {self.id}: holds no unit")
        if list(self.units) != sorted(set(self.units)):
            raise ParameterError(
                f"person {self.id}: units must be distinct and in increasing order"
            )


class Roll(Struct, dict=True):
    """Units and persons of one election, each in increasing order of id (spec §8.1).

    Every unit is held by exactly one person, and at most one person is the developer.
    """

    election: ElectionId
    units: tuple[Unit, ...]
    persons: tuple[Person, ...]

    def __post_init__(self) -> None:
        check_id(self.election, "election id")
        if not self.persons:
            raise ParameterError("roll: no person (an empty roll cannot vote)")
        unit_ids = [u.id for u in self.units]
        if unit_ids != sorted(set(unit_ids)):
            raise ParameterError("roll: unit ids must be distinct and in increasing order")
        person_ids = [p.id for p in self.persons]
        if person_ids != sorted(set(person_ids)):
            raise ParameterError("roll: person ids must be distinct and in increasing order")
        holder: dict[UnitId, PersonId] = {}
        for person in self.persons:
            for unit in person.units:
                if unit in holder:
                    raise ParameterError(
                        f"roll: unit {unit} is held by both {holder[unit]} and {person.id}"
                    )
                holder[unit] = person.id
        known = set(unit_ids)
        unknown = sorted(set(holder) - known)
        if unknown:
            raise ParameterError(f"roll: persons hold unknown unit(s) {unknown}")
        unheld = sorted(known - set(holder))
        if unheld:
            raise ParameterError(f"roll: unit(s) {unheld} held by no person")
        if sum(p.kind is PersonKind.DEVELOPER for p in self.persons) > 1:
            raise ParameterError("roll: the developer's units must all belong to one person")

    @cached_property
    def _areas(self) -> dict[UnitId, int]:
        return {unit.id: unit.area for unit in self.units}

    @cached_property
    def _persons(self) -> dict[PersonId, Person]:
        return {person.id: person for person in self.persons}

    @cached_property
    def weights(self) -> dict[PersonId, int]:
        """Each person's area weight: the sum of their units' areas (domain rule 3)."""
        areas = self._areas
        return {p.id: sum(areas[u] for u in p.units) for p in self.persons}

    @cached_property
    def totals(self) -> Figures:
        """Total area and headcount: the bases of every quorum (domain rule 8)."""
        return Figures(area=sum(self._areas.values()), headcount=len(self.persons))

    def person(self, person: PersonId) -> Person | None:
        return self._persons.get(person)

    def weight(self, person: PersonId) -> int:
        weight = self.weights.get(person)
        if weight is None:
            raise ParameterError(f"roll: {person!r} is not a person on the roll")
        return weight

    def figures(self, persons: Iterable[PersonId]) -> Figures:
        """Area and headcount of a set of persons on the roll (each counted once)."""
        distinct = set(persons)
        return Figures(area=sum(self.weight(p) for p in distinct), headcount=len(distinct))

    @cached_property
    def _hash(self) -> bytes:
        return Transcript(Domain.ROLL).data(encode(self)).digest()

    def hash(self) -> bytes:
        """SHA-256 of ``TAG "evote/v1/roll" ‖ BYTES canonical JSON`` (spec §8.2)."""
        return self._hash
