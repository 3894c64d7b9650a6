"""A law: the decrypted tally equals the tally of the plaintext intentions, under the same rules.

Random rolls (multi-unit owners, the developer, co-owned units), random votes, re-votes, paper
ballots, delegations with revocations, and late ballots go through the real box and the real
threshold decryption; an independent plaintext model applies the precedence rules of spec §11.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote._internal.election.ballots import BallotKind
from evote._internal.election.delegation import delegate, revoke
from evote._internal.election.manifest import Candidate, CommitteeElection, Motion, Rating
from evote._internal.election.results import QuestionCounts, compute_results
from evote._internal.election.rules import Matter
from evote._internal.encoding import Bytes32
from evote._internal.ids import CandidateId, PersonId, QuestionId
from evote._internal.registry.roll import Figures, PersonKind
from evote.errors import Reason, Refused
from evote.hazmat.signing import SigningKey
from tests.elections import CLOSES, CONVENER, ELECTION, world

QUESTIONS = (
    Motion(id=QuestionId("hire"), title="Hire", matter=Matter.PROPERTY_SERVICE),
    CommitteeElection(
        id=QuestionId("committee"),
        title="Committee",
        candidates=tuple(Candidate(id=CandidateId(f"c{i}"), name=f"C{i}") for i in range(3)),
        seats=2,
    ),
    Rating(id=QuestionId("service"), title="Service"),
)
PLANS = (6512, 8912, 10230, 12050)

Choices = dict[str, list[int]]


@st.composite
def choices(draw: st.DrawFn) -> Choices:
    return {
        "hire": draw(st.lists(st.integers(0, 2), max_size=1)),  # blank = abstain
        "committee": sorted(draw(st.sets(st.integers(0, 2), max_size=2))),
        "service": draw(st.lists(st.integers(0, 4), max_size=1)),
    }


@dataclass
class Plan:
    holdings: dict[str, list[int]]
    kinds: dict[str, PersonKind]
    actions: list[tuple[str, str, Choices | None]]  # (verb, person, choices)
    proxies: dict[str, str]  # owner → the person who votes for them


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(2, 5))
    names = [f"P{i}" for i in range(count)]
    holdings = {n: draw(st.lists(st.sampled_from(PLANS), min_size=1, max_size=3)) for n in names}
    kinds = {n: draw(st.sampled_from([PersonKind.OWNER, PersonKind.CO_OWNED])) for n in names}
    if draw(st.booleans()):
        kinds[names[0]] = PersonKind.DEVELOPER
    actions: list[tuple[str, str, Choices | None]] = []
    proxies: dict[str, str] = {}
    for name in names:
        mine: list[tuple[str, str, Choices | None]] = [
            ("direct", name, draw(choices())) for _ in range(draw(st.integers(0, 2)))
        ]
        if draw(st.booleans()):
            mine.append(("paper", name, draw(choices())))
        if draw(st.booleans()):
            proxies[name] = draw(st.sampled_from([n for n in names if n != name]))
            mine.append(("delegate", name, None))
            mine.append(("proxy", name, draw(choices())))
            if draw(st.booleans()):
                mine.append(("revoke", name, None))
        if draw(st.booleans()):
            mine.append(("late", name, draw(choices())))
        actions.extend(mine)
    # Interleave people freely while keeping each person's own order (a delegation precedes its use).
    order = draw(st.permutations(range(len(actions))))
    keyed = sorted(range(len(actions)), key=lambda i: (order[i], i))
    per_person: dict[str, list[tuple[str, str, Choices | None]]] = {}
    for action in actions:
        per_person.setdefault(action[1], []).append(action)
    interleaved = []
    cursors = dict.fromkeys(per_person, 0)
    for index in keyed:
        person = actions[index][1]
        interleaved.append(per_person[person][cursors[person]])
        cursors[person] += 1
    late = [a for a in interleaved if a[0] == "late"]
    return Plan(holdings, kinds, [a for a in interleaved if a[0] != "late"] + late, proxies)


def _expected(plan: Plan, weights: Mapping[PersonId, int]) -> list[QuestionCounts]:
    """The plaintext model: own ballot, else paper, else an unrevoked proxy; the latest of each."""
    direct: dict[str, Choices] = {}
    paper: dict[str, Choices] = {}
    proxy: dict[str, Choices] = {}
    revoked: set[str] = set()
    for verb, person, chosen in plan.actions:
        if verb == "direct" and chosen is not None:
            direct[person] = chosen
        elif verb == "paper" and chosen is not None:
            paper[person] = chosen
        elif verb == "proxy" and chosen is not None and person not in revoked:
            proxy[person] = chosen
        elif verb == "revoke":
            revoked.add(person)
    live: dict[str, Choices] = {}
    for person in plan.holdings:
        chosen = direct.get(person) or paper.get(person)
        if chosen is None and person not in revoked:
            chosen = proxy.get(person)
        if chosen is not None:
            live[person] = chosen
    counts = []
    for question in QUESTIONS:
        width = len(question.options())
        chosen_by = {p: set(c[question.id] or ([Motion.ABSTAIN] if question.id == "hire" else []))
                     for p, c in live.items()}  # fmt: skip
        counts.append(
            QuestionCounts(
                question=question.id,
                participation=Figures(
                    area=sum(weights[PersonId(p)] for p in live), headcount=len(live)
                ),
                selections=tuple(
                    Figures(
                        area=sum(weights[PersonId(p)] for p, s in chosen_by.items() if i in s),
                        headcount=sum(1 for s in chosen_by.values() if i in s),
                    )
                    for i in range(width)
                ),
            )
        )
    return counts


@settings(max_examples=min(settings().max_examples, 20))
@given(plans())
def test_decrypted_tally_equals_the_plaintext_intentions(plan: Plan) -> None:
    w = world(plan.holdings, kinds=plan.kinds, questions=QUESTIONS)
    w.bind_everyone()
    w.open()
    proxies: dict[str, tuple[SigningKey, Bytes32]] = {}
    closed = False
    for step, (verb, person, chosen) in enumerate(plan.actions):
        if verb == "delegate":
            proxy = w.credentials[plan.proxies[person]]
            delegation = delegate(
                ELECTION, w.manifest_hash, PersonId(person), w.credentials[person],
                proxy.verify_key, expires=CLOSES + 100,
            )  # fmt: skip
            w.box.delegate(delegation, at=w.tick())
            proxies[person] = (proxy, delegation.id())
        elif verb == "revoke":
            w.box.revoke(
                revoke(ELECTION, w.manifest_hash, proxies[person][1], w.credentials[person]),
                at=w.tick(),
            )
        elif verb == "proxy":
            proxy, identity = proxies[person]
            ballot = w.ballot(person, chosen or {}, signer=proxy, kind=BallotKind.PROXY,
                              delegation=identity).ballot  # fmt: skip
            revoked = any(v == "revoke" and p == person for v, p, _ in plan.actions[:step])
            if revoked:  # a proxy cannot cast after the revocation
                with pytest.raises(Refused) as refused:
                    w.box.cast(ballot, at=w.tick())
                assert refused.value.reason is Reason.DELEGATION_INVALID
            else:
                w.box.cast(ballot, at=w.tick())
        elif verb == "paper":
            scan = Bytes32(bytes(32))
            ballot = w.ballot(person, chosen or {}, signer=CONVENER, kind=BallotKind.PAPER,
                              scan=scan).ballot  # fmt: skip
            w.box.enter_paper(ballot, at=w.tick())
        elif verb == "direct":
            w.box.cast(w.ballot(person, chosen or {}).ballot, at=w.tick())
        else:  # late
            if not closed:
                w.close()
                closed = True
            ballot = w.ballot(person, chosen or {}).ballot
            with pytest.raises(Refused) as refused:
                w.box.cast(ballot, at=w.tick())
            assert refused.value.reason is Reason.OUTSIDE_WINDOW
    if not closed:
        w.close()
    weights = w.election.roll.weights
    expected = _expected(plan, weights)
    decrypted = list(w.counts())
    assert decrypted == expected
    manifest, totals = w.election.manifest, w.election.roll.totals
    assert compute_results(manifest, totals, decrypted) == compute_results(
        manifest, totals, expected
    )
