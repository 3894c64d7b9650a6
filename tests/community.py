"""A small community for tests: a charter, a roll with every headcount rule, keys and devices.

The roll (areas in 0.01 m²; total 1,000 m², 10 persons): alice holds two units (20 % of the area
alone), the developer three unsold units (one person), a co-owned unit is one person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from evote import (
    Bank,
    Charter,
    CommunityBoard,
    CommunityConvener,
    CommunityDesk,
    ElectionId,
    Member,
    MemoryStorage,
    Organiser,
    OrganiserRole,
    Person,
    PersonId,
    PersonKind,
    PetitionOpener,
    Roll,
    SigningKey,
    Unit,
    UnitId,
)
from evote.errors import Check, Reason, Refused

COMMUNITY = ElectionId("lianhua-garden")
T0 = 1_790_000_000  # the charter's time; everything after
HOUR, DAY = 3_600, 86_400

_HOLDINGS: dict[str, tuple[PersonKind, dict[str, int]]] = {
    "alice": (PersonKind.OWNER, {"A-101": 10_000, "A-102": 10_000}),
    "bob": (PersonKind.OWNER, {"B-101": 8_000}),
    "chen-and-carol": (PersonKind.CO_OWNED, {"C-101": 9_000}),
    "developer": (PersonKind.DEVELOPER, {"D-101": 5_000, "D-102": 5_000, "D-103": 5_000}),
    "erin": (PersonKind.OWNER, {"E-101": 6_000}),
    "frank": (PersonKind.OWNER, {"F-101": 7_000}),
    "gina": (PersonKind.OWNER, {"G-101": 8_000}),
    "hank": (PersonKind.OWNER, {"H-101": 9_000}),
    "ivy": (PersonKind.OWNER, {"I-101": 9_000}),
    "jack": (PersonKind.OWNER, {"J-101": 9_000}),
}


def roll(community: str = COMMUNITY, *, drop: str | None = None) -> Roll:
    """The test roll; ``drop`` leaves one person (and their units) out."""
    held = {p: h for p, h in _HOLDINGS.items() if p != drop}
    units = sorted(
        (
            Unit(id=UnitId(u), building=u[0], area=a)
            for _, us in held.values()
            for u, a in us.items()
        ),
        key=lambda u: u.id,
    )
    persons = tuple(
        Person(id=PersonId(p), kind=kind, units=tuple(sorted(UnitId(u) for u in us)))
        for p, (kind, us) in sorted(held.items())
    )
    return Roll(election=ElectionId(community), units=tuple(units), persons=persons)


def key(name: str) -> SigningKey:
    return SigningKey(hashlib.sha256(f"tests/community/{name}".encode()).digest())


def charter(**overrides: object) -> Charter:
    fields: dict[str, object] = {
        "community": COMMUNITY,
        "name": "莲花花园",
        "convener": "莲花花园业主大会筹备组",
        "convener_key": key("convener").verify_key,
        "board_key": key("board").verify_key,
        "bank_key": key("bank").verify_key,
        "organisers": (
            Organiser(
                key=key("secretary").verify_key,
                role=OrganiserRole.PARTY_BRANCH,
                name="莲花社区党委书记",
            ),
            Organiser(
                key=key("property").verify_key, role=OrganiserRole.PROPERTY_COMPANY, name="莲花物业"
            ),
        ),
    }
    fields.update(overrides)
    return Charter(**fields)  # type: ignore[arg-type]


@dataclass
class Town:
    """A community on a board in memory, its roll published and its owners bound."""

    desk: CommunityDesk
    charter: Charter
    convener: CommunityConvener
    secretary: PetitionOpener
    property_company: PetitionOpener
    bank: Bank
    members: dict[str, Member] = field(default_factory=dict)
    at: int = T0

    def tick(self, seconds: int = 60) -> int:
        self.at += seconds
        return self.at

    def member(self, person: str) -> Member:
        return self.members[person]


def town(*, bound: tuple[str, ...] | None = None, the_charter: Charter | None = None) -> Town:
    """A community with every person bound, or only ``bound``."""
    the_charter = the_charter or charter()
    desk = CommunityDesk(CommunityBoard(COMMUNITY, MemoryStorage(), key("board")))
    t = Town(
        desk=desk,
        charter=the_charter,
        convener=CommunityConvener(key("convener"), the_charter),
        secretary=PetitionOpener(key("secretary"), the_charter),
        property_company=PetitionOpener(key("property"), the_charter),
        bank=Bank(key("bank"), the_charter, "6222-0000-1111"),
    )
    desk.found(the_charter, at=T0)
    desk.publish_roll(roll(), at=t.tick())
    for person in bound if bound is not None else tuple(_HOLDINGS):
        join(t, person)
    return t


def join(t: Town, person: str, *, name: str | None = None) -> Member:
    """Issue ``person`` a code and bind a credential with it (``name`` seeds the credential)."""
    issued = t.convener.issue_code(PersonId(person))
    t.desk.issue_code(issued.issue, at=t.tick())
    member = Member(PersonId(person), key(f"owner/{name or person}"), t.charter)
    t.desk.bind(member.join(issued.code), at=t.tick())
    t.members[person] = member
    return member


def refused(t: Town, action: Callable[[], object], reason: Reason, check: Check) -> Refused:
    """Run ``action``; it must be refused for ``reason`` under ``check``, as the next entry, and
    publish nothing.
    """
    size = len(t.desk.board)
    with pytest.raises(Refused) as caught:
        action()
    assert caught.value.reason is reason, caught.value
    assert caught.value.check is check
    assert caught.value.index == size
    assert len(t.desk.board) == size  # nothing published
    return caught.value
