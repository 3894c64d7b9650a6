"""``evote demo``: a whole owners' assembly vote in one process, on the real library.

A simulated estate — owners of one or more flats, the developer's unsold flats, co-owned flats —
votes on an ordinary and a special motion, elects an owners' committee and rates the property
service. Three trustees hold the key, any two decrypt, and one of them is absent at the end. Owners
bind credentials with one-time codes; some delegate to a proxy, one revokes, one votes after
delegating (overriding the proxy); some vote twice; some return paper ballots; one challenges the
ballot their phone prepared. The box decides what counts, the tally is decrypted, and the results
are printed with area and headcount side by side — and checked against the simulated intentions.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from evote.ballots import BallotKind, prepare_ballot
from evote.box import BallotBox
from evote.credentials import CodeIssue, bind, code_hash, new_activation_code
from evote.delegation import delegate, revoke
from evote.election import Election
from evote.encoding import Bytes32
from evote.errors import EvoteError
from evote.hazmat.signing import SigningKey
from evote.ids import CandidateId, ElectionId, PersonId, QuestionId, UnitId
from evote.manifest import Candidate, CommitteeElection, Manifest, Motion, Rating, Window
from evote.results import QuestionCounts, compute_results, render_results
from evote.roll import Person, PersonKind, Roll, Unit
from evote.rules import ORDINARY, SPECIAL, Figures
from evote.tally import aggregate, combine_tally, decrypt_tally
from evote.trustees.ceremony import CeremonyParameters, conclude
from evote.trustees.decryption import TrusteeKey
from evote.trustees.trustee import CeremonyTrustee

__all__ = ["run_demo"]

ELECTION = ElectionId("demo-2026-assembly")
OPENS, CLOSES = 1_780_000_000, 1_780_000_000 + 15 * 86_400  # a 15-day vote (domain rule 21)
FLOOR_PLANS = (6_512, 7_830, 8_912, 8_945, 10_230, 11_675, 12_050, 14_388, 16_020)  # 0.01 m²
QUESTIONS = (
    Motion(id=QuestionId("renew"), title="续聘物业服务企业 Renew the property company",
           rule=ORDINARY),
    Motion(id=QuestionId("fund"), title="使用维修资金更换电梯 Use the fund to replace lifts",
           rule=SPECIAL),
    CommitteeElection(
        id=QuestionId("committee"), title="选举业主委员会 Elect the owners' committee",
        candidates=tuple(Candidate(id=CandidateId(f"C{i}"), name=f"候选人{i}") for i in range(1, 10)),
        seats=5, alternates=2,
    ),
    Rating(id=QuestionId("service"), title="物业服务满意度 Satisfaction with the service"),
)  # fmt: skip

Choices = dict[QuestionId, list[int]]


@dataclass
class Estate:
    """The simulation: who holds what, and what each person intends."""

    roll: Roll
    intentions: dict[PersonId, Choices] = field(default_factory=dict)
    counted: dict[PersonId, Choices] = field(default_factory=dict)  # the vote that should count


def _estate(owners: int, rng: random.Random) -> Roll:
    units: list[Unit] = []
    persons: list[Person] = []
    for index in range(owners):
        person = PersonId(f"P{index + 1:04}")
        flats = 2 if rng.random() < 0.08 else 1
        ids = tuple(UnitId(f"{index % 12 + 1}栋-{index + 1:04}-{k}") for k in range(flats))
        units += [
            Unit(id=u, building=f"{index % 12 + 1}栋", area=rng.choice(FLOOR_PLANS)) for u in ids
        ]
        kind = PersonKind.CO_OWNED if rng.random() < 0.05 else PersonKind.OWNER
        persons.append(Person(id=person, kind=kind, units=tuple(sorted(ids))))
    unsold = tuple(UnitId(f"开发商-{k:02}") for k in range(max(1, owners // 20)))
    units += [Unit(id=u, building="开发商", area=rng.choice(FLOOR_PLANS)) for u in unsold]
    persons.append(Person(id=PersonId("DEVELOPER"), kind=PersonKind.DEVELOPER, units=unsold))
    return Roll(
        election=ELECTION,
        units=tuple(sorted(units, key=lambda u: u.id)),
        persons=tuple(sorted(persons, key=lambda p: p.id)),
    )


#: How likely an owner approves each candidate: some are popular, some are not.
POPULARITY = (0.78, 0.72, 0.66, 0.6, 0.55, 0.5, 0.35, 0.25, 0.15)


def _choices(rng: random.Random) -> Choices:
    renew = rng.choices([Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN], weights=(6, 3, 1))[0]
    fund = rng.choices([Motion.AGREE, Motion.OPPOSE, Motion.ABSTAIN], weights=(7, 2, 1))[0]
    approved = [i for i, p in enumerate(POPULARITY) if rng.random() < p]
    return {
        QuestionId("renew"): [renew],
        QuestionId("fund"): [fund],
        QuestionId("committee"): sorted(rng.sample(approved, min(5, len(approved)))),
        QuestionId("service"): [] if rng.random() < 0.1 else [rng.choice(range(5))],
    }


def _ceremony(manifest: Manifest, roll: Roll) -> tuple[Election, list[TrusteeKey]]:
    parameters = CeremonyParameters(election=Bytes32(manifest.hash()), trustees=3, threshold=2)
    trustees = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [t.announce() for t in trustees]
    dealings = [t.deal(announcements) for t in trustees]
    complaints = [c for t in trustees for c in t.check_shares(announcements, dealings)]
    outcome = conclude(parameters, announcements, dealings, complaints)
    keys = [t.finish(outcome, dealings) for t in trustees]
    return Election(manifest=manifest, roll=roll, ceremony=outcome), keys


_CONVENER = SigningKey(hashlib.sha256(b"evote demo convener").digest())


def _manifest() -> Manifest:
    return Manifest(
        election=ELECTION,
        title="2026年度业主大会 Owners' assembly 2026",
        convener="业主大会筹备组 Preparatory group",
        convener_key=_CONVENER.verify_key,
        window=Window(opens=OPENS, closes=CLOSES),
        trustees=3,
        threshold=2,
        questions=QUESTIONS,
    )


class _Simulation:
    """Everything owners, proxies and the convener do, in time order, with what should count."""

    def __init__(self, election: Election, box: BallotBox, rng: random.Random) -> None:
        self.election, self.box, self.rng = election, box, rng
        self.estate = Estate(roll=election.roll)
        self.credentials: dict[PersonId, SigningKey] = {}
        self.paper_voters: list[PersonId] = []
        self.now = OPENS - 86_400
        self.events = dict.fromkeys(
            ("bound", "delegated", "revoked", "overridden", "direct", "re-votes", "paper",
             "challenged"), 0,
        )  # fmt: skip

    def tick(self) -> int:
        self.now += 60
        return self.now

    def register(self) -> None:
        """The convener issues codes; most owners bind a phone, the others will vote on paper."""
        for person in self.estate.roll.persons:
            if self.rng.random() < 0.06:
                self.paper_voters.append(person.id)
                continue
            code = new_activation_code()
            issue = CodeIssue(person=person.id, code_hash=code_hash(ELECTION, person.id, code))
            self.box.issue_code(issue, at=self.tick())
            credential = SigningKey.generate()
            self.box.bind(bind(ELECTION, person.id, credential, code), at=self.tick())
            self.credentials[person.id] = credential
            self.events["bound"] += 1

    def cast(self, person: PersonId, signer: SigningKey, choices: Choices, **kind: object) -> None:
        opened = prepare_ballot(self.election, person, signer, choices, **kind)  # type: ignore[arg-type]
        self.box.cast(opened.ballot, at=self.tick())

    def delegations(self) -> list[PersonId]:
        """Some owners delegate; the first revokes, the second votes in person after all."""
        bound = sorted(self.credentials)
        proxies = self.rng.sample(bound, k=max(1, len(bound) // 40))
        owners = self.rng.sample([p for p in bound if p not in proxies], k=max(3, len(bound) // 12))
        for index, owner in enumerate(owners):
            proxy = self.credentials[proxies[index % len(proxies)]]
            delegation = delegate(ELECTION, owner, self.credentials[owner], proxy.verify_key,
                                  expires=CLOSES)  # fmt: skip
            self.box.delegate(delegation, at=self.tick())
            self.events["delegated"] += 1
            intent = _choices(self.rng)
            self.cast(owner, proxy, intent, kind=BallotKind.PROXY, delegation=delegation.id())
            self.estate.counted[owner] = intent
            if index == 0:
                revocation = revoke(ELECTION, delegation.id(), self.credentials[owner])
                self.box.revoke(revocation, at=self.tick())
                self.events["revoked"] += 1
                del self.estate.counted[owner]
            elif index == 1:
                own = _choices(self.rng)
                self.cast(owner, self.credentials[owner], own)
                self.events["overridden"] += 1
                self.estate.counted[owner] = own
        return owners

    def own_votes(self, delegating: list[PersonId]) -> None:
        """Most others vote on their phone; one audits it first (Benaloh); a few vote twice."""
        for person, credential in sorted(self.credentials.items()):
            if person in delegating or self.rng.random() > 0.82:
                continue
            intent = _choices(self.rng)
            if self.events["challenged"] == 0:
                audited = prepare_ballot(self.election, person, credential, intent)
                self.box.spoil(audited, at=self.tick())
                self.events["challenged"] += 1
            self.cast(person, credential, intent)
            self.events["direct"] += 1
            if self.rng.random() < 0.05:
                intent = _choices(self.rng)
                self.cast(person, credential, intent)
                self.events["re-votes"] += 1
            self.estate.counted[person] = intent

    def paper(self) -> None:
        """The convener enters the paper ballots that came back, with the hash of each scan."""
        for person in self.paper_voters:
            if self.rng.random() > 0.7:
                continue
            intent = _choices(self.rng)
            scan = Bytes32(
                hashlib.sha256(f"scan of the paper ballot of {person}".encode()).digest()
            )
            opened = prepare_ballot(self.election, person, _CONVENER, intent,
                                    kind=BallotKind.PAPER, scan=scan)  # fmt: skip
            self.box.enter_paper(opened.ballot, at=self.tick())
            self.events["paper"] += 1
            self.estate.counted[person] = intent

    def run(self) -> None:
        self.register()
        self.now = OPENS
        self.own_votes(self.delegations())
        self.paper()
        self.box.close(at=CLOSES)


def _expected(estate: Estate) -> list[QuestionCounts]:
    """The tally computed from the simulated intentions, in the clear."""
    weights = estate.roll.weights
    result = []
    for question in QUESTIONS:
        chosen: Mapping[PersonId, set[int]] = {
            person: set(choices[question.id] or ([Motion.ABSTAIN] if isinstance(question, Motion) else []))
            for person, choices in estate.counted.items()
        }  # fmt: skip
        result.append(QuestionCounts(
            question=question.id,
            participation=estate.roll.figures(chosen),
            selections=tuple(
                Figures(area=sum(weights[p] for p, s in chosen.items() if i in s),
                        headcount=sum(1 for s in chosen.values() if i in s))
                for i in range(len(question.options()))
            ),
        ))  # fmt: skip
    return result


def run_demo(*, owners: int, seed: int) -> int:
    if owners < 3:
        raise EvoteError("--owners must be at least 3")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 -- simulates the owners' choices, not cryptography
    election, keys = _ceremony(_manifest(), _estate(owners, rng))
    roll = election.roll
    print(f"evote demo — {election.manifest.title}")
    print(
        f"  roll: {roll.totals.headcount} persons (incl. the developer), {len(roll.units)} units, "
        f"{roll.totals.area / 100:,.2f} m²; 3 trustees, any 2 decrypt"
    )
    box = BallotBox(election)
    simulation = _Simulation(election, box, rng)
    simulation.run()
    print(
        "  {bound} owners bound a phone; {delegated} delegated to a proxy ({revoked} revoked, "
        "{overridden} voted in person after all); {direct} voted in person, {re-votes} of them "
        "twice; {paper} paper ballots; {challenged} ballot challenged and spoiled".format(
            **simulation.events
        )
    )
    tally = aggregate(box)
    shares = [decrypt_tally(keys[0], box), decrypt_tally(keys[2], box)]  # trustee 2 is absent
    counts = combine_tally(election, tally, shares)
    if list(counts) != _expected(simulation.estate):
        raise EvoteError("the decrypted tally differs from the simulated intentions: a bug")
    print("  decrypted by trustees 1 and 3 (trustee 2 absent); totals equal the intentions")
    print()
    print(render_results(compute_results(election.manifest, roll.totals, counts)), end="")
    print(f"\n  done in {time.perf_counter() - started:.1f} s")
    return 0
