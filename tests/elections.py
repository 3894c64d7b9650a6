"""A real election for tests: manifest, roll, key ceremony, box, and owners with bound credentials."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from evote import (
    BallotBox,
    BallotKind,
    Bytes32,
    Candidate,
    CandidateId,
    CeremonyOutcome,
    CeremonyTrustee,
    CommitteeElection,
    Convener,
    Election,
    ElectionId,
    Manifest,
    Matter,
    Motion,
    OpenedBallot,
    Person,
    PersonId,
    PersonKind,
    Policy,
    Question,
    QuestionCounts,
    QuestionId,
    Rating,
    Registry,
    Roll,
    SigningKey,
    TallyShare,
    TrusteeKey,
    Unit,
    UnitId,
    Voter,
    Window,
    combine_tally,
    conclude,
    decrypt_tally,
    prepare_ballot,
)

ELECTION = ElectionId("test-election")
OPENS, CLOSES = 1_000, 2_000
CONVENER = SigningKey(bytes(range(32)))
BOARD = SigningKey(bytes(range(1, 33)))

STANDARD_QUESTIONS: tuple[Question, ...] = (
    Motion(
        id=QuestionId("hire"), title="Hire the property company", matter=Matter.PROPERTY_SERVICE
    ),
    Motion(id=QuestionId("fund"), title="Raise the maintenance fund", matter=Matter.RAISE_FUND),
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
def _ceremony(manifest: Manifest) -> tuple[CeremonyOutcome, tuple[TrusteeKey, ...]]:
    parameters = manifest.ceremony_parameters()
    states = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [s.announce() for s in states]
    dealings = [s.deal(announcements) for s in states]
    outcome = conclude(parameters, announcements, dealings, [])
    return outcome, tuple(s.finish(outcome, dealings) for s in states)


@dataclass
class World:
    """An election in progress, with a credential for every person and a clock.

    The box and the registry are driven directly, as the proceedings drive them (spec §14.2).
    """

    election: Election
    keys: tuple[TrusteeKey, ...]
    registry: Registry
    box: BallotBox
    credentials: dict[str, SigningKey] = field(default_factory=dict)
    now: int = 0
    #: The last ballot counter of each (signer, person): each new ballot takes the next one.
    counters: Counter[tuple[bytes, str]] = field(default_factory=Counter)

    def tick(self, at: int | None = None) -> int:
        self.now = max(self.now + 1, at or 0)
        return self.now

    @property
    def manifest_hash(self) -> Bytes32:
        return Bytes32(self.election.manifest.hash())

    def bind_everyone(self) -> None:
        for person in self.election.roll.persons:
            self.bind(person.id)

    def bind(self, name: str) -> SigningKey:
        issued = Convener(CONVENER).issue_code(self.election.manifest, PersonId(name))
        with self.box.registration(at=self.tick()):
            self.registry.issue_code(issued.issue)
        voter = Voter.create(PersonId(name))
        with self.box.registration(at=self.tick()):
            self.registry.bind(voter.bind(self.election.manifest, issued.code))
        self.credentials[name] = voter.credential
        return voter.credential

    def ballot(
        self,
        person: str,
        choices: Mapping[str, Sequence[int]],
        *,
        signer: SigningKey | None = None,
        kind: BallotKind = BallotKind.DIRECT,
        questions: Sequence[str] | None = None,
        delegation: Bytes32 | None = None,
        scan: Bytes32 | None = None,
        counter: int | None = None,
    ) -> OpenedBallot:
        signer = signer or self.credentials[person]
        if counter is None:
            self.counters[bytes(signer.verify_key), person] += 1
            counter = self.counters[bytes(signer.verify_key), person]
        return prepare_ballot(
            self.election,
            PersonId(person),
            signer,
            {QuestionId(q): c for q, c in choices.items()},
            counter=counter,
            kind=kind,
            questions=None if questions is None else [QuestionId(q) for q in questions],
            delegation=delegation,
            scan=scan,
        )

    def open(self) -> None:
        self.tick(OPENS)

    def close(self) -> None:
        self.box.close(at=self.tick(CLOSES))

    def shares(self) -> list[TallyShare]:
        return [decrypt_tally(key, self.box) for key in (self.keys[0], self.keys[2])]

    def counts(self) -> tuple[QuestionCounts, ...]:
        return combine_tally(self.election, self.box.tally(), self.shares())


def world(
    holdings: Mapping[str, Sequence[int]],
    *,
    kinds: Mapping[str, PersonKind] | None = None,
    questions: Sequence[Question] = STANDARD_QUESTIONS,
    policy: Policy | None = None,
) -> World:
    the_manifest = manifest(questions, policy)
    outcome, keys = _ceremony(the_manifest)
    election = Election(manifest=the_manifest, roll=roll(holdings, kinds), ceremony=outcome)
    registry = Registry(election.roll, the_manifest.convener_key, the_manifest.hash())
    return World(election=election, keys=keys, registry=registry, box=BallotBox(election, registry))
