"""The worked example of domain.md, end to end through encryption, the box and threshold decryption."""

from __future__ import annotations

import pytest

from evote._internal.election.manifest import Motion
from evote._internal.election.results import MotionResult, compute_results
from evote._internal.election.rules import Matter
from evote._internal.ids import PersonId, QuestionId
from evote._internal.registry.roll import Figures
from tests.elections import World, world

# 9 persons, 10 units, 950 m²; A holds U3 (100 m²) and U4 (120 m²).
HOLDINGS = {
    "A": [10000, 12000], "B": [8000], "C": [9000], "D": [6000], "E": [7000],
    "F": [8500], "G": [9500], "H": [11000], "I": [14000],
}  # fmt: skip
QUESTIONS = (
    Motion(id=QuestionId("ordinary"), title="An ordinary matter", matter=Matter.PROPERTY_SERVICE),
    Motion(id=QuestionId("special"), title="A special matter", matter=Matter.RAISE_FUND),
)
AGREE, OPPOSE = [Motion.AGREE], [Motion.OPPOSE]


def _run(
    participants: list[str], ordinary_yes: set[str], special_yes: set[str]
) -> dict[str, MotionResult]:
    w: World = world(HOLDINGS, questions=QUESTIONS)
    w.bind_everyone()
    w.open()
    for person in participants:
        choices = {
            "ordinary": AGREE if person in ordinary_yes else OPPOSE,
            "special": AGREE if person in special_yes else OPPOSE,
        }
        w.box.cast(w.ballot(person, choices).ballot, at=w.tick())
    w.close()
    results = compute_results(w.election.manifest, w.election.roll.totals, w.counts())
    assert all(isinstance(r, MotionResult) for r in results)
    return {r.question: r for r in results if isinstance(r, MotionResult)}


def test_roll_totals() -> None:
    w = world(HOLDINGS, questions=QUESTIONS)
    assert w.election.roll.totals == Figures(area=95000, headcount=9)
    assert w.election.roll.weight(PersonId("A")) == 22000


def test_six_participants_meet_the_quorum_and_decide_both_ways() -> None:
    results = _run(list("ABCGHI"), ordinary_yes=set("ABCG"), special_yes=set("ABCGI"))
    ordinary, special = results["ordinary"], results["special"]
    assert ordinary.participation == Figures(area=73500, headcount=6)
    assert ordinary.quorum_met
    assert ordinary.agree == Figures(area=48500, headcount=4)
    assert ordinary.passed  # 485 > 367.5 and 4 > 3
    assert special.agree == Figures(area=62500, headcount=5)
    assert special.passed  # 625 ≥ 551.25 and 5 ≥ 4.5


def test_a_headcount_tie_fails_and_four_fifths_of_a_special_matter_is_not_enough() -> None:
    results = _run(list("ABCGHI"), ordinary_yes=set("AHI"), special_yes=set("ABCG"))
    ordinary, special = results["ordinary"], results["special"]
    assert ordinary.agree == Figures(area=47000, headcount=3)
    assert not ordinary.passed  # 470 > 367.5 but 3 > 3 fails
    assert special.agree == Figures(area=48500, headcount=4)
    assert not special.passed  # 4 < 4.5


@pytest.mark.parametrize("question", ["ordinary", "special"])
def test_five_participants_miss_the_quorum_whatever_they_vote(question: str) -> None:
    results = _run(list("ABCGH"), ordinary_yes=set("ABCGH"), special_yes=set("ABCGH"))
    assert not results[question].quorum_met
    assert not results[question].passed
