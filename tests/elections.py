"""A real election for tests: manifest, roll, key ceremony, box, and owners with bound credentials."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from evote._internal.election.ballots import BallotKind, OpenedBallot, prepare_ballot
from evote._internal.election.box import BallotBox
from evote._internal.election.election import Election
from evote._internal.election.manifest import (
    Candidate,
    CommitteeElection,
    Manifest,
    Motion,
    Policy,
    Question,
    Rating,
    Window,
)
from evote._internal.election.results import QuestionCounts
from evote._internal.election.rules import ORDINARY, SPECIAL
from evote._internal.election.tally import aggregate, combine_tally, decrypt_tally
from evote._internal.encoding import Bytes32
from evote._internal.ids import CandidateId, ElectionId, PersonId, QuestionId, UnitId
from evote._internal.registry.credentials import bind, issue_code, new_activation_code
from evote._internal.registry.roll import Person, PersonKind, Roll, Unit
from evote._internal.trustees.ceremony import CeremonyParameters, conclude
from evote._internal.trustees.decryption import TrusteeKey
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.hazmat.signing import SigningKey

ELECTION = ElectionId("test-election")
OPENS, CLOSES = 1_000, 2_000
CONVENER = SigningKey(bytes(range(32)))
BOARD = SigningKey(bytes(range(1, 33)))

STANDARD_QUESTIONS: tuple[Question, ...] = (
    Motion(id=QuestionId("hire"), title="Hire the property company", rule=ORDINARY),
    Motion(id=QuestionId("fund"), title="Raise the maintenance fund", rule=SPECIAL),
    CommitteeElection(
        id=QuestionId("committee"),
        title="Owners' committee",
        candidates=tuple(
            Candidate(id=CandidateId(f"c{i}"), name=f"Candidate {i}") for i in range(1, 4)
        ),
        seats=2,
        alternates=1,
    ),
    Rating(id=QuestionId("service"), title="Satisfaction with the property service"),
)


def manifest(
    questions: Sequence[Question] = STANDARD_QUESTIONS, policy: Policy | None = None
) -> Manifest:
    return Manifest(
        election=ELECTION,
        title="Test assembly",
        convener="Test convener",
        convener_key=CONVENER.verify_key,
        board_key=BOARD.verify_key,
        window=Window(opens=OPENS, closes=CLOSES),
        trustees=3,
        threshold=2,
        questions=tuple(questions),
        policy=policy or Policy(),
    )


def roll(
    holdings: Mapping[str, Sequence[int]], kinds: Mapping[str, PersonKind] | None = None
) -> Roll:
    """A roll from ``{person: [area of each unit, in 0.01 m²]}``."""
    kinds = kinds or {}
    units, persons = [], []
    for person, areas in sorted(holdings.items()):
        ids = [UnitId(f"{person}-{i}") for i in range(len(areas))]
        units += [Unit(id=u, building="1栋", area=a) for u, a in zip(ids, areas, strict=True)]
        persons.append(
            Person(
                id=PersonId(person),
                kind=kinds.get(person, PersonKind.OWNER),
                units=tuple(sorted(ids)),
            )
        )
    return Roll(
        election=ELECTION, units=tuple(sorted(units, key=lambda u: u.id)), persons=tuple(persons)
    )


@functools.cache
def _ceremony(manifest_hash: bytes) -> tuple[object, tuple[TrusteeKey, ...]]:
    parameters = CeremonyParameters(election=Bytes32(manifest_hash), trustees=3, threshold=2)
    states = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [s.announce() for s in states]
    dealings = [s.deal(announcements) for s in states]
    outcome = conclude(parameters, announcements, dealings, [])
    return outcome, tuple(s.finish(outcome, dealings) for s in states)


@dataclass
class World:
    """An election in progress, with a credential for every person and a clock."""

    election: Election
    keys: tuple[TrusteeKey, ...]
    box: BallotBox
    credentials: dict[str, SigningKey] = field(default_factory=dict)
    now: int = 0

    def tick(self, at: int | None = None) -> int:
        self.now = max(self.now + 1, at or 0)
        return self.now

    def bind_everyone(self) -> None:
        for person in self.election.roll.persons:
            self.bind(person.id)

    def bind(self, name: str) -> SigningKey:
        person = PersonId(name)
        code = new_activation_code()
        issue = issue_code(ELECTION, person, code, CONVENER)
        self.box.issue_code(issue, at=self.tick())
        credential = SigningKey.generate()
        self.box.bind(bind(ELECTION, person, credential, code), at=self.tick())
        self.credentials[name] = credential
        return credential

    def ballot(
        self,
        person: str,
        choices: Mapping[str, Sequence[int]],
        *,
        signer: SigningKey | None = None,
        kind: BallotKind = BallotKind.DIRECT,
        **options: object,
    ) -> OpenedBallot:
        return prepare_ballot(
            self.election,
            PersonId(person),
            signer or self.credentials[person],
            {QuestionId(q): c for q, c in choices.items()},
            kind=kind,
            **options,  # type: ignore[arg-type]
        )

    def open(self) -> None:
        self.tick(OPENS)

    def close(self) -> None:
        self.box.close(at=self.tick(CLOSES))

    def counts(self) -> tuple[QuestionCounts, ...]:
        tally = aggregate(self.box)
        shares = [decrypt_tally(key, self.box) for key in (self.keys[0], self.keys[2])]
        return combine_tally(self.election, tally, shares)


def world(
    holdings: Mapping[str, Sequence[int]],
    *,
    kinds: Mapping[str, PersonKind] | None = None,
    questions: Sequence[Question] = STANDARD_QUESTIONS,
    policy: Policy | None = None,
) -> World:
    the_manifest = manifest(questions, policy)
    outcome, keys = _ceremony(the_manifest.hash())
    election = Election(manifest=the_manifest, roll=roll(holdings, kinds), ceremony=outcome)  # type: ignore[arg-type]
    return World(election=election, keys=keys, box=BallotBox(election))
