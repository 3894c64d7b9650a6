"""Results from decrypted counts (spec §9): the worked example, threshold edges, committees, ratings,
silence follows the majority, a Fraction-based recomputation of the Civil Code rules, refusals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote._internal.election.committee import CommitteeResult, Tie
from evote._internal.election.manifest import (
    Candidate,
    CommitteeElection,
    Manifest,
    Motion,
    Question,
    Rating,
    Window,
)
from evote._internal.election.results import (
    MotionResult,
    QuestionCounts,
    QuestionResult,
    RatingResult,
    ScoreFigures,
    compute_results,
)
from evote._internal.election.rules import (
    ORDINARY,
    SPECIAL,
    Base,
    DecisionRule,
    Evaluation,
    Matter,
    Requirement,
)
from evote._internal.encoding import decode, encode
from evote._internal.ids import CandidateId, ElectionId, QuestionId
from evote._internal.registry.roll import Figures, Measure
from evote._internal.text.language import Language
from evote._internal.text.results import render_results
from evote.errors import InvalidEncoding, ParameterError
from evote.hazmat.signing import SigningKey

CONVENER = SigningKey(bytes(range(32))).verify_key
BOARD = SigningKey(bytes(range(1, 33))).verify_key
SILENT_ORDINARY = DecisionRule(
    name="ordinary-silence",
    quorum=ORDINARY.quorum,
    approval=ORDINARY.approval,
    silence_follows_majority=True,
)
SILENT_SPECIAL = DecisionRule(
    name="special-silence",
    quorum=SPECIAL.quorum,
    approval=SPECIAL.approval,
    silence_follows_majority=True,
)
NOBODY = Figures(area=0, headcount=0)


def fig(area: int, headcount: int) -> Figures:
    return Figures(area=area, headcount=headcount)


def manifest(*questions: Question) -> Manifest:
    return Manifest(
        election=ElectionId("results-test"),
        title="Results test",
        convener="Test convener",
        convener_key=CONVENER,
        board_key=BOARD,
        window=Window(opens=0, closes=1),
        trustees=1,
        threshold=1,
        questions=questions,
    )


def motion(rule: DecisionRule, qid: str = "m") -> Motion:
    """A motion decided by ``rule``: a statutory matter for the presets, a consultation otherwise."""
    matter = {"ordinary": Matter.OTHER, "special": Matter.RAISE_FUND}.get(rule.name)
    if rule not in (ORDINARY, SPECIAL):
        matter = None
    return Motion(
        id=QuestionId(qid), title="A motion", matter=matter, rule=None if matter else rule
    )


def render(*results: QuestionResult, language: Language = Language.EN) -> str:
    """The results written out, titles unknown (each question shown by its id)."""
    return render_results(manifest(motion(ORDINARY, "unrelated")), results, language=language)


def motion_counts(
    agree: Figures, oppose: Figures, abstain: Figures = NOBODY, qid: str = "m"
) -> QuestionCounts:
    return QuestionCounts(
        question=QuestionId(qid),
        participation=agree + oppose + abstain,
        selections=(agree, oppose, abstain),
    )


def decide(
    rule: DecisionRule,
    totals: Figures,
    agree: Figures,
    oppose: Figures,
    abstain: Figures = NOBODY,
) -> MotionResult:
    (result,) = compute_results(
        manifest(motion(rule)), totals, [motion_counts(agree, oppose, abstain)]
    )
    assert isinstance(result, MotionResult)
    return result


# --- The worked example of domain.md -----------------------------------------------------------

AREAS = {
    "A": 22000, "B": 8000, "C": 9000, "D": 6000, "E": 7000,
    "F": 8500, "G": 9500, "H": 11000, "I": 14000,
}  # fmt: skip
TOTALS = fig(95000, 9)


def of(persons: str) -> Figures:
    return fig(sum(AREAS[p] for p in persons), len(persons))


@dataclass(frozen=True)
class Example:
    participants: str
    agree: str
    rule: DecisionRule
    quorum_met: bool
    passed: bool
    failing: tuple[
        str, ...
    ]  # the requirements that do not hold: "quorum area", "approval headcount"


EXAMPLES = {
    "ordinary passes with A B C G": Example(
        "ABCGHI",
        "ABCG",
        ORDINARY,
        quorum_met=True,
        passed=True,
        failing=(),
    ),
    "ordinary fails with A H I: a headcount tie 3 vs 3": Example(
        "ABCGHI",
        "AHI",
        ORDINARY,
        quorum_met=True,
        passed=False,
        failing=("approval headcount",),
    ),
    "special passes with A B C G I": Example(
        "ABCGHI",
        "ABCGI",
        SPECIAL,
        quorum_met=True,
        passed=True,
        failing=(),
    ),
    "special fails with A B C G": Example(
        "ABCGHI",
        "ABCG",
        SPECIAL,
        quorum_met=True,
        passed=False,
        failing=("approval area", "approval headcount"),
    ),
    "quorum fails with 5 participants (ordinary)": Example(
        "ABCGH",
        "ABCGH",
        ORDINARY,
        quorum_met=False,
        passed=False,
        failing=("quorum area", "quorum headcount"),
    ),
    "quorum fails with 5 participants (special)": Example(
        "ABCGH",
        "ABCGH",
        SPECIAL,
        quorum_met=False,
        passed=False,
        failing=("quorum area", "quorum headcount"),
    ),
}


@pytest.mark.parametrize("case", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_worked_example(case: Example) -> None:
    opposing = "".join(p for p in case.participants if p not in case.agree)
    result = decide(case.rule, TOTALS, of(case.agree), of(opposing))
    assert result.totals == fig(95000, 9)
    assert result.participation == of(case.participants)
    assert result.non_participants == TOTALS - of(case.participants)
    assert result.agree == of(case.agree)
    assert (result.quorum_met, result.passed) == (case.quorum_met, case.passed)
    failing = tuple(
        f"{kind} {e.requirement.measure}"
        for kind, evaluations in (("quorum", result.quorum), ("approval", result.approval))
        for e in evaluations
        if not e.holds
    )
    assert failing == case.failing
    assert not result.silence_follows_majority_applied
    assert result.deemed_agree == result.agree


def test_worked_example_figures_and_checks() -> None:
    result = decide(ORDINARY, TOTALS, of("ABCG"), of("HI"))
    assert result.participation == fig(73500, 6)
    assert result.agree == fig(48500, 4)
    assert result.oppose == fig(25000, 2)
    assert [(c.value, c.base_value, c.holds) for c in result.quorum] == [
        (73500, 95000, True),
        (6, 9, True),
    ]
    assert [(c.value, c.base_value, c.holds) for c in result.approval] == [
        (48500, 73500, True),
        (4, 6, True),
    ]
    lines = render(result).splitlines()
    assert (
        "  ✓ participation by area: 735.00 m² of 950.00 m² on the roll — at least 2/3 needed: "
        "633.34 m² or more"
    ) in lines
    assert (
        "  ✓ participation by headcount: 6 persons of 9 persons on the roll — at least 2/3 "
        "needed: 6 persons or more"
    ) in lines
    assert (
        "  ✓ agreement by area: 485.00 m² of 735.00 m² participating — more than 1/2 needed: "
        "367.51 m² or more"
    ) in lines
    assert (result.quorum_met, result.approved, result.passed) == (True, True, True)


def test_special_and_ordinary_on_the_same_ballots() -> None:
    (ordinary, special) = compute_results(
        manifest(motion(ORDINARY, "o"), motion(SPECIAL, "s")),
        TOTALS,
        [
            motion_counts(of("ABCGI"), of("H"), qid="o"),
            motion_counts(of("ABCGI"), of("H"), qid="s"),
        ],
    )
    assert isinstance(ordinary, MotionResult)
    assert isinstance(special, MotionResult)
    assert ordinary.passed
    assert special.passed
    assert special.agree == fig(62500, 5)


# --- Threshold edges: exact fractions, both measures, realistic and huge areas -----------------


@dataclass(frozen=True)
class Edge:
    rule: DecisionRule
    totals: Figures
    agree: Figures
    oppose: Figures
    quorum_met: bool
    approved: bool
    failing: tuple[Measure, ...] = ()  # the measures whose check fails


EDGES = {
    # Quorum ≥ 2/3 of the total (domain rule 8), one measure at a time.
    "quorum: area exactly 2/3 passes": Edge(
        ORDINARY, fig(90000, 9), fig(60000, 7), NOBODY, quorum_met=True, approved=True
    ),
    "quorum: area 0.01 m² below 2/3 fails": Edge(
        ORDINARY, fig(90000, 9), fig(59999, 7), NOBODY, False, True, (Measure.AREA,)
    ),
    "quorum: headcount exactly 2/3 passes": Edge(
        ORDINARY, fig(90000, 9), fig(80000, 6), NOBODY, quorum_met=True, approved=True
    ),
    "quorum: headcount one below 2/3 fails": Edge(
        ORDINARY, fig(90000, 9), fig(80000, 5), NOBODY, False, True, (Measure.HEADCOUNT,)
    ),
    "quorum: 3 000 000 m², area exactly 2/3 passes": Edge(
        ORDINARY, fig(300_000_000, 3000), fig(200_000_000, 2500), NOBODY, True, True
    ),
    "quorum: 3 000 000 m², area 0.01 m² below 2/3 fails": Edge(
        ORDINARY,
        fig(300_000_000, 3000),
        fig(199_999_999, 2500),
        NOBODY,
        False,
        True,
        (Measure.AREA,),
    ),
    "quorum: 2/3 of an odd total, the next 0.01 m² up passes": Edge(
        ORDINARY, fig(100_000_001, 3000), fig(66_666_668, 2500), NOBODY, True, True
    ),
    "quorum: 2/3 of an odd total, 0.01 m² less fails": Edge(
        ORDINARY,
        fig(100_000_001, 3000),
        fig(66_666_667, 2500),
        NOBODY,
        False,
        True,
        (Measure.AREA,),
    ),
    "quorum: 3000 persons, exactly 2000 passes": Edge(
        ORDINARY, fig(300_000_000, 3000), fig(250_000_000, 2000), NOBODY, True, True
    ),
    "quorum: 3000 persons, 1999 fails": Edge(
        ORDINARY,
        fig(300_000_000, 3000),
        fig(250_000_000, 1999),
        NOBODY,
        False,
        True,
        (Measure.HEADCOUNT,),
    ),
    # Ordinary approval > 1/2 of the participants, strictly (domain rule 10).
    "ordinary: area exactly half fails": Edge(
        ORDINARY, fig(80000, 7), fig(36750, 4), fig(36750, 2), True, False, (Measure.AREA,)
    ),
    "ordinary: area half + 0.01 m² passes": Edge(
        ORDINARY, fig(80000, 7), fig(36751, 4), fig(36749, 2), True, True
    ),
    "ordinary: headcount exactly half fails": Edge(
        ORDINARY, fig(80000, 7), fig(48500, 3), fig(25000, 3), True, False, (Measure.HEADCOUNT,)
    ),
    "ordinary: headcount half + 1 passes": Edge(
        ORDINARY, fig(80000, 7), fig(48500, 4), fig(25000, 2), True, True
    ),
    "ordinary: 2 000 000 m², exactly half fails": Edge(
        ORDINARY,
        fig(220_000_000, 2200),
        fig(100_000_000, 1500),
        fig(100_000_000, 500),
        True,
        False,
        (Measure.AREA,),
    ),
    "ordinary: 2 000 000 m², half + 0.01 m² passes": Edge(
        ORDINARY,
        fig(220_000_000, 2200),
        fig(100_000_001, 1500),
        fig(99_999_999, 500),
        True,
        True,
    ),
    "ordinary: 2000 persons, exactly 1000 fails": Edge(
        ORDINARY,
        fig(220_000_000, 2200),
        fig(150_000_000, 1000),
        fig(50_000_000, 1000),
        True,
        False,
        (Measure.HEADCOUNT,),
    ),
    "ordinary: 2000 persons, 1001 passes": Edge(
        ORDINARY,
        fig(220_000_000, 2200),
        fig(150_000_000, 1001),
        fig(50_000_000, 999),
        True,
        True,
    ),
    # Special approval ≥ 3/4 of the participants (domain rule 9).
    "special: area exactly 3/4 passes": Edge(
        SPECIAL, fig(90000, 9), fig(60000, 7), fig(20000, 1), True, True
    ),
    "special: area 0.01 m² below 3/4 fails": Edge(
        SPECIAL, fig(90000, 9), fig(59999, 7), fig(20001, 1), True, False, (Measure.AREA,)
    ),
    "special: headcount exactly 3/4 passes": Edge(
        SPECIAL, fig(90000, 9), fig(70000, 6), fig(10000, 2), True, True
    ),
    "special: headcount one below 3/4 fails": Edge(
        SPECIAL, fig(90000, 9), fig(70000, 5), fig(10000, 3), True, False, (Measure.HEADCOUNT,)
    ),
    "special: 3/4 of 2 000 000.03 m², rounded up passes": Edge(
        SPECIAL,
        fig(220_000_000, 2200),
        fig(150_000_003, 1800),
        fig(50_000_000, 200),
        True,
        True,
    ),
    "special: 3/4 of 2 000 000.03 m², rounded down fails": Edge(
        SPECIAL,
        fig(220_000_000, 2200),
        fig(150_000_002, 1800),
        fig(50_000_001, 200),
        True,
        False,
        (Measure.AREA,),
    ),
    "special: 2000 persons, exactly 1500 passes": Edge(
        SPECIAL,
        fig(220_000_000, 2200),
        fig(180_000_000, 1500),
        fig(20_000_000, 500),
        True,
        True,
    ),
    "special: 2000 persons, 1499 fails": Edge(
        SPECIAL,
        fig(220_000_000, 2200),
        fig(180_000_000, 1499),
        fig(20_000_000, 501),
        True,
        False,
        (Measure.HEADCOUNT,),
    ),
}


@pytest.mark.parametrize("edge", EDGES.values(), ids=EDGES.keys())
def test_threshold_edges(edge: Edge) -> None:
    result = decide(edge.rule, edge.totals, edge.agree, edge.oppose)
    assert (result.quorum_met, result.approved) == (edge.quorum_met, edge.approved)
    assert result.passed == (edge.quorum_met and edge.approved)
    failing = [c.requirement.measure for c in (*result.quorum, *result.approval) if not c.holds]
    assert tuple(failing) == edge.failing
    assert ("PASSED" in render(result)) == result.passed


def test_checks_name_exact_figures_of_huge_areas() -> None:
    result = decide(SPECIAL, fig(220_000_000, 2200), fig(150_000_002, 1800), fig(50_000_001, 200))
    lines = render(result).splitlines()
    assert (
        "  ✗ agreement by area: 1 500 000.02 m² of 2 000 000.03 m² participating — at least 3/4 "
        "needed: 1 500 000.03 m² or more"
    ) in lines
    assert (
        "  ✓ agreement by headcount: 1 800 persons of 2 000 persons participating — at least 3/4 "
        "needed: 1 500 persons or more"
    ) in lines


# --- Committee elections (spec §9.3) -----------------------------------------------------------


def election(
    approvals: Sequence[Figures],
    *,
    participation: Figures,
    seats: int,
    alternates: int = 0,
    round_two: bool = False,
    totals: Figures | None = None,
) -> CommitteeResult:
    question = CommitteeElection(
        id=QuestionId("c"),
        title="Owners' committee",
        candidates=tuple(
            Candidate(id=CandidateId(name), name=name.upper())
            for name in "abcdefgh"[: len(approvals)]
        ),
        seats=seats,
        alternates=alternates,
        round_two=round_two,
    )
    counts = QuestionCounts(
        question=QuestionId("c"), participation=participation, selections=tuple(approvals)
    )
    (result,) = compute_results(manifest(question), totals or participation, [counts])
    assert isinstance(result, CommitteeResult)
    return result


P20 = fig(200000, 20)  # 20 participants holding 2 000 m²; all on the roll take part


def test_committee_double_majority_elects_and_ranks_by_headcount_then_area() -> None:
    result = election(
        [
            fig(110000, 11),
            fig(130000, 13),
            fig(120000, 12),
            fig(125000, 12),
            fig(115000, 11),
        ],
        participation=P20,
        seats=3,
        alternates=1,
    )
    assert result.quorum_met
    assert all(c.passed_round_one for c in result.candidates)
    assert result.ranking == ("b", "d", "c", "e", "a")
    assert [c.rank for c in result.candidates] == [5, 1, 3, 2, 4]
    assert result.elected == ("b", "d", "c")
    assert result.alternates == ("e",)  # a passes too, but there is one alternate place
    assert result.ties == ()
    assert result.unfilled_seats == 0
    assert not result.round_two_applied


def test_committee_round_one_needs_both_majorities() -> None:
    result = election(
        [fig(50000, 5), fig(40000, 4), fig(30000, 4), fig(48500, 3)],
        participation=fig(73500, 6),
        totals=TOTALS,
        seats=3,
    )
    passed = {c.candidate: c.passed_round_one for c in result.candidates}
    assert passed == {"a": True, "b": True, "c": False, "d": False}
    c = result.candidates[2]
    assert [check.holds for check in c.checks] == [False, True]  # 600 m² ≯ 367.50 m²
    assert (c.checks[0].value, c.checks[0].base_value) == (30000, 73500)
    d = result.candidates[3]
    assert [check.holds for check in d.checks] == [True, False]  # 3 of 6 is not a majority
    assert result.elected == ("a", "b")
    assert result.round_two_elected == ()
    assert result.unfilled_seats == 1
    assert not result.round_two_applied
    assert (
        "  note: 1 seat(s) stay empty: fewer candidates met the rule than there are seats, and "
        "round 2 is off."
    ) in render(result).splitlines()


def test_round_two_fills_the_empty_seat_by_rank_and_is_flagged() -> None:
    result = election(
        [fig(50000, 5), fig(40000, 4), fig(30000, 4), fig(48500, 3)],
        participation=fig(73500, 6),
        totals=TOTALS,
        seats=3,
        round_two=True,
    )
    assert result.elected == ("a", "b")
    assert result.round_two_applied
    assert result.round_two_elected == ("c",)  # 4 persons before 3, whatever the area
    assert result.unfilled_seats == 0
    text = render(result)
    assert "Round 2 filled 1 of 1 empty seat(s) by rank alone" in text
    assert "legally doubtful" in text
    assert "elected in round 2 (legally doubtful)" in text
    assert "第二轮当选（存疑）" in render(result, language=Language.ZH)


def test_a_tie_at_the_last_seat_of_round_two_is_reported() -> None:
    result = election(
        [fig(50000, 5), fig(30000, 3), fig(30000, 3)],
        participation=fig(73500, 6),
        totals=TOTALS,
        seats=2,
        round_two=True,
    )
    assert result.elected == ("a",)
    assert result.round_two_applied
    assert result.round_two_elected == ()
    (tie,) = result.ties
    assert (tie.round, tie.candidates, tie.seats, tie.alternates) == (2, ("b", "c"), 1, 0)
    assert result.unfilled_seats == 1
    notes = [line for line in render(result).splitlines() if line.startswith("  note: ")]
    assert notes[0].startswith("  note: Round 2: b, c have equal approving headcount")
    assert "legally doubtful" in notes[1]


def test_round_two_never_elects_a_candidate_nobody_approved() -> None:
    result = election(
        [fig(50000, 5), fig(0, 0)],
        participation=fig(73500, 6),
        totals=TOTALS,
        seats=2,
        round_two=True,
    )
    assert result.round_two_applied
    assert result.round_two_elected == ()
    assert result.unfilled_seats == 1


def test_a_tie_at_the_last_seat_is_reported_not_broken() -> None:
    result = election(
        [fig(130000, 13), fig(120000, 12), fig(120000, 12)],
        participation=P20,
        seats=2,
        round_two=True,  # round 2 fills empty seats, never a seat at stake in a tie
    )
    assert result.elected == ("a",)
    assert result.ties == (
        Tie(
            round=1,
            candidates=(CandidateId("b"), CandidateId("c")),
            seats=1,
            alternates=0,
        ),
    )
    assert [c.rank for c in result.candidates] == [1, 2, 2]
    assert result.unfilled_seats == 1
    assert not result.round_two_applied
    assert result.round_two_elected == ()


def test_a_tie_across_the_last_seat_and_the_first_alternate_place() -> None:
    result = election(
        [fig(130000, 13), fig(120000, 12), fig(120000, 12)],
        participation=P20,
        seats=2,
        alternates=1,
    )
    assert result.elected == ("a",)
    assert result.alternates == ()
    (tie,) = result.ties
    assert (tie.candidates, tie.seats, tie.alternates) == (("b", "c"), 1, 1)


def test_a_tie_within_the_seats_elects_everyone_in_it() -> None:
    result = election(
        [fig(130000, 13), fig(120000, 12), fig(120000, 12)], participation=P20, seats=3
    )
    assert result.elected == ("a", "b", "c")
    assert result.ties == ()


def test_a_tie_at_the_last_alternate_place() -> None:
    result = election(
        [
            fig(130000, 13),
            fig(125000, 12),
            fig(120000, 12),
            fig(110000, 11),
            fig(110000, 11),
        ],
        participation=P20,
        seats=3,
        alternates=1,
    )
    assert result.elected == ("a", "b", "c")
    assert result.alternates == ()
    (tie,) = result.ties
    assert (tie.round, tie.candidates, tie.seats, tie.alternates) == (1, ("d", "e"), 0, 1)
    assert "for 1 alternate place, which stay unfilled" in render(result)
    assert result.unfilled_seats == 0


def test_a_quorum_failure_elects_nobody() -> None:
    result = election(
        [fig(50000, 5), fig(59500, 5)],
        participation=of("ABCGH"),
        totals=TOTALS,
        seats=2,
        alternates=1,
        round_two=True,
    )
    assert not result.quorum_met
    assert all(c.passed_round_one for c in result.candidates)
    assert (result.elected, result.alternates, result.ties, result.round_two_elected) == (
        (),
        (),
        (),
        (),
    )
    assert not result.round_two_applied
    assert result.unfilled_seats == 2
    assert "  note: The quorum is not met: nobody is elected." in render(result).splitlines()
    assert "  注: 参与未达法定要求：无人当选。" in render(result, language=Language.ZH).splitlines()
    assert result.ranking == ("b", "a")


@st.composite
def committee_ballots(draw: st.DrawFn) -> tuple[CommitteeElection, Figures, QuestionCounts]:
    candidates = draw(st.integers(1, 6))
    seats = draw(st.integers(1, candidates))
    areas = draw(st.lists(st.integers(1, 30), min_size=1, max_size=12))
    approvals = [[0, 0] for _ in range(candidates)]
    participation = [0, 0]
    for area in areas:
        if draw(st.booleans()):
            continue  # does not take part
        participation[0] += area
        participation[1] += 1
        for chosen in draw(st.sets(st.integers(0, candidates - 1), max_size=seats)):
            approvals[chosen][0] += area
            approvals[chosen][1] += 1
    question = CommitteeElection(
        id=QuestionId("c"),
        title="Committee",
        candidates=tuple(Candidate(id=CandidateId(f"k{i}"), name="K") for i in range(candidates)),
        seats=seats,
        alternates=draw(st.integers(0, 3)),
        round_two=draw(st.booleans()),
    )
    counts = QuestionCounts(
        question=QuestionId("c"),
        participation=fig(*participation),
        selections=tuple(fig(*a) for a in approvals),
    )
    return question, fig(sum(areas), len(areas)), counts


@given(committee_ballots())
def test_committee_places_are_consistent(
    drawn: tuple[CommitteeElection, Figures, QuestionCounts],
) -> None:
    question, totals, counts = drawn
    (result,) = compute_results(manifest(question), totals, [counts])
    assert isinstance(result, CommitteeResult)
    tied = [c for tie in result.ties for c in tie.candidates]
    placed = [*result.elected, *result.alternates, *tied, *result.round_two_elected]
    assert len(placed) == len(set(placed))
    seats_at_stake = sum(tie.seats for tie in result.ties)
    assert len(result.elected) + len(result.round_two_elected) + seats_at_stake <= question.seats
    assert result.unfilled_seats == question.seats - len(result.elected) - len(
        result.round_two_elected
    )
    assert len(result.alternates) + sum(t.alternates for t in result.ties) <= question.alternates
    by_id = {c.candidate: c for c in result.candidates}
    ballot = [c.id for c in question.candidates]
    key = {c: (-by_id[c].approvals.headcount, -by_id[c].approvals.area) for c in by_id}
    assert list(result.ranking) == sorted(ballot, key=lambda c: (key[c], ballot.index(c)))
    for c in ballot:
        assert by_id[c].rank == 1 + sum(key[other] < key[c] for other in ballot)
    for c in (*result.elected, *result.alternates):
        assert by_id[c].passed_round_one
    for tie in result.ties:
        assert len({key[c] for c in tie.candidates}) == 1
        assert all(by_id[c].passed_round_one == (tie.round == 1) for c in tie.candidates)
    for c in result.round_two_elected:
        assert not by_id[c].passed_round_one
    # Nobody placed ranks below anyone who passed round 1 and was left out.
    left_out = [c for c in by_id if by_id[c].passed_round_one and c not in placed]
    for winner in [*result.elected, *result.alternates]:
        assert all(by_id[winner].rank < by_id[loser].rank for loser in left_out)
    if not result.quorum_met:
        assert placed == []


# --- Ratings (spec §9.4) -----------------------------------------------------------------------


def test_rating_distribution_and_no_score() -> None:
    question = Rating(id=QuestionId("r"), title="Satisfaction")
    scores = (fig(10000, 1), NOBODY, fig(22000, 1), fig(9500, 1), fig(8000, 1))
    counts = QuestionCounts(
        question=QuestionId("r"), participation=fig(73500, 6), selections=scores
    )
    (result,) = compute_results(manifest(question), TOTALS, [counts])
    assert result == RatingResult(
        question=QuestionId("r"),
        totals=TOTALS,
        participation=fig(73500, 6),
        non_participants=fig(21500, 3),
        distribution=tuple(
            ScoreFigures(score=s, figures=f) for s, f in zip((1, 2, 3, 4, 5), scores, strict=True)
        ),
        no_score=fig(24000, 2),
    )
    text = render(result)
    assert "no score" in text
    assert "240.00" in text


def test_rating_where_nobody_scores() -> None:
    question = Rating(id=QuestionId("r"), title="Satisfaction")
    counts = QuestionCounts(
        question=QuestionId("r"), participation=fig(73500, 6), selections=(NOBODY,) * 5
    )
    (result,) = compute_results(manifest(question), TOTALS, [counts])
    assert isinstance(result, RatingResult)
    assert result.no_score == fig(73500, 6)


# --- Silence follows the majority (spec §9.5) --------------------------------------------------


def test_silence_is_off_by_default() -> None:
    assert not ORDINARY.silence_follows_majority
    assert not SPECIAL.silence_follows_majority
    result = decide(ORDINARY, TOTALS, of("ABC"), of("G"), of("HI"))
    assert not result.silence_follows_majority_applied
    assert result.deemed_agree == result.agree
    assert "silence follows the majority" not in render(result)


def test_silence_adds_the_non_participants_to_the_majority_and_is_marked() -> None:
    # A B C agree (390 m², 3), G opposes, H I abstain; D E F stay away (215 m², 3 persons).
    off = decide(ORDINARY, TOTALS, of("ABC"), of("G"), of("HI"))
    on = decide(SILENT_ORDINARY, TOTALS, of("ABC"), of("G"), of("HI"))
    assert not off.passed  # 3 of 6 is not a majority
    assert on.silence_follows_majority_applied
    assert on.deemed_agree == of("ABC") + of("DEF")
    assert on.deemed_oppose == of("G")
    assert [(c.value, c.base_value) for c in on.approval] == [(60500, 95000), (6, 9)]
    assert on.passed
    lines = render(on).splitlines()
    assert (
        "  ✓ deemed agreement by area: 605.00 m² of 950.00 m² on the roll — more than 1/2 "
        "needed: 475.01 m² or more"
    ) in lines
    assert lines[-1].startswith("  PASSED: the quorum is met and the motion is approved (silence")
    assert "  deemed agree" in "\n".join(lines)


def test_silence_never_counts_toward_the_quorum() -> None:
    on = decide(SILENT_ORDINARY, TOTALS, of("ABCGH"), NOBODY)  # 5 of 9 take part, all agree
    assert on.deemed_agree == TOTALS  # everyone is deemed to agree ...
    assert on.approved
    assert not on.quorum_met  # ... yet the quorum counts only those who took part
    assert not on.passed
    assert [(c.value, c.base_value) for c in on.quorum] == [(59500, 95000), (5, 9)]
    assert (
        render(on)
        .splitlines()[-1]
        .startswith("  FAILED: the quorum is not met (silence follows the majority")
    )


def test_silence_follows_each_measure_separately_and_a_tie_adds_to_neither() -> None:
    # Agree A H I: 470 m², 3 persons; oppose B C G: 265 m², 3 persons. D E F stay away.
    on = decide(SILENT_ORDINARY, TOTALS, of("AHI"), of("BCG"))
    assert on.deemed_agree == fig(47000 + 21500, 3)  # area follows agree, headcount tied
    assert on.deemed_oppose == fig(26500, 3)
    assert [c.holds for c in on.approval] == [True, False]  # 3 of 9 deemed participants
    assert not on.passed


def test_silence_can_follow_oppose() -> None:
    on = decide(SILENT_SPECIAL, TOTALS, of("BC"), of("AGHI"))
    assert on.deemed_agree == of("BC")
    assert on.deemed_oppose == of("AGHI") + of("DEF")
    assert not on.approved


def test_silence_is_defined_for_motions_only() -> None:
    # Refused when the manifest is written, not discovered after the vote.
    with pytest.raises(ParameterError, match="weaker than the statute"):
        CommitteeElection(
            id=QuestionId("c"),
            title="Committee",
            candidates=(Candidate(id=CandidateId("a"), name="A"),),
            seats=1,
            rule=SILENT_ORDINARY,
        )


# --- Property: the Civil Code rules recomputed with Fractions ----------------------------------

CHOICES = ("absent", "agree", "oppose", "abstain")


@st.composite
def motion_ballots(draw: st.DrawFn) -> tuple[Figures, dict[str, Figures]]:
    """A roll of persons with areas, and each person's choice; the figures per choice."""
    persons = draw(st.lists(st.integers(1, draw(st.sampled_from([5, 10**4, 10**8]))), min_size=1))
    figures = dict.fromkeys(CHOICES, NOBODY)
    for area in persons:
        choice = draw(st.sampled_from(CHOICES))
        figures[choice] = figures[choice] + fig(area, 1)
    return fig(sum(persons), len(persons)), figures


def civil_code(totals: Figures, agree: Figures, participation: Figures, special: bool) -> bool:
    quorum = all(Fraction(participation.of(m)) >= Fraction(2, 3) * totals.of(m) for m in Measure)
    if special:
        approval = all(
            Fraction(agree.of(m)) >= Fraction(3, 4) * participation.of(m) for m in Measure
        )
    else:
        approval = all(
            Fraction(agree.of(m)) > Fraction(1, 2) * participation.of(m) for m in Measure
        )
    return quorum and approval


@given(motion_ballots(), st.booleans())
def test_passed_is_the_civil_code_rule(
    drawn: tuple[Figures, dict[str, Figures]], silence: bool
) -> None:
    totals, figures = drawn
    agree, oppose, abstain = figures["agree"], figures["oppose"], figures["abstain"]
    rules = (SILENT_ORDINARY, SILENT_SPECIAL) if silence else (ORDINARY, SPECIAL)
    results = compute_results(
        manifest(motion(rules[0], "o"), motion(rules[1], "s")),
        totals,
        [motion_counts(agree, oppose, abstain, "o"), motion_counts(agree, oppose, abstain, "s")],
    )
    participation = agree + oppose + abstain
    for result, special in zip(results, (False, True), strict=True):
        assert isinstance(result, MotionResult)
        assert result.participation == participation
        assert result.non_participants == figures["absent"]
        if not silence:
            assert result.passed == civil_code(totals, agree, participation, special)
            continue
        # Silence follows the majority: recomputed per measure; the quorum is untouched.
        deemed = fig(
            *(
                agree.of(m) + figures["absent"].of(m) if agree.of(m) > oppose.of(m) else agree.of(m)
                for m in Measure
            )
        )
        assert result.deemed_agree == deemed
        quorum = all(
            Fraction(participation.of(m)) >= Fraction(2, 3) * totals.of(m) for m in Measure
        )
        assert result.passed == (quorum and civil_code(totals, deemed, totals, special))


# --- Refusals (spec §9.6) ----------------------------------------------------------------------

REFUSAL_MANIFEST = manifest(
    motion(ORDINARY, "m"),
    CommitteeElection(
        id=QuestionId("c"),
        title="Committee",
        candidates=tuple(Candidate(id=CandidateId(x), name=x) for x in "xyz"),
        seats=2,
    ),
    Rating(id=QuestionId("r"), title="Satisfaction"),
)
PARTICIPATION = fig(73500, 6)
VALID = {
    "m": motion_counts(fig(48500, 4), fig(25000, 2)),
    "c": QuestionCounts(
        question=QuestionId("c"),
        participation=PARTICIPATION,
        selections=(fig(48500, 4), fig(25000, 2), fig(73500, 6)),
    ),
    "r": QuestionCounts(
        question=QuestionId("r"),
        participation=PARTICIPATION,
        selections=(fig(10000, 1),) + (NOBODY,) * 4,
    ),
}


def test_valid_counts_are_accepted_in_any_order() -> None:
    results = compute_results(REFUSAL_MANIFEST, TOTALS, list(reversed(VALID.values())))
    assert [r.question for r in results] == ["m", "c", "r"]


def _with(question: str, **changes: object) -> list[QuestionCounts]:
    counts = dict(VALID)
    fields = {
        "question": counts[question].question,
        "participation": counts[question].participation,
        "selections": counts[question].selections,
        **changes,
    }
    counts[question] = QuestionCounts(**fields)  # type: ignore[arg-type]
    return list(counts.values())


REFUSALS: dict[str, tuple[Figures, Callable[[], list[QuestionCounts]], str]] = {
    "a question without counts": (TOTALS, lambda: [VALID["m"], VALID["c"]], r"no counts .*'r'"),
    "an unknown question": (
        TOTALS,
        lambda: [*VALID.values(), motion_counts(fig(1, 1), NOBODY, qid="q9")],
        r"'q9'.* not in election",
    ),
    "a question counted twice": (
        TOTALS,
        lambda: [*VALID.values(), VALID["m"]],
        "'m' appears twice",
    ),
    "too few selections for a motion": (
        TOTALS,
        lambda: _with("m", selections=(fig(48500, 4), fig(25000, 2))),
        r"question m: expected 3 selections \(agree, oppose, abstain\), found 2",
    ),
    "too many selections for a committee": (
        TOTALS,
        lambda: _with("c", selections=(NOBODY,) * 4),
        "question c: expected 3 selections",
    ),
    "a negative headcount": (
        TOTALS,
        lambda: _with("r", selections=(fig(10000, -1),) + (NOBODY,) * 4),
        "question r: selection 1: negative",
    ),
    "a negative area": (
        TOTALS,
        lambda: _with("m", participation=fig(-1, 0), selections=(NOBODY,) * 3),
        "question m: participation: negative",
    ),
    "less area than persons": (
        TOTALS,
        lambda: _with("m", participation=fig(5, 6), selections=(fig(3, 4), fig(2, 2), NOBODY)),
        "area 5 .* less than headcount 6",
    ),
    "participation above the roll's headcount": (
        fig(95000, 5),
        lambda: list(VALID.values()),
        "question m: participation: headcount 6 exceeds the roll's total headcount 5",
    ),
    "participation above the roll's area": (
        fig(73499, 9),
        lambda: list(VALID.values()),
        "question m: participation: area 73500 exceeds the roll's total area 73499",
    ),
    "a selection above participation": (
        TOTALS,
        lambda: _with("c", selections=(fig(73501, 4), NOBODY, NOBODY)),
        "question c: selection x: area 73501 exceeds the participation area 73500",
    ),
    "a motion whose headcounts do not sum to participation": (
        TOTALS,
        lambda: _with("m", selections=(fig(48500, 3), fig(25000, 2), NOBODY)),
        "question m: agree \\+ oppose \\+ abstain is area 73500, headcount 5",
    ),
    "a motion whose areas do not sum to participation": (
        TOTALS,
        lambda: _with("m", selections=(fig(48500, 4), fig(24999, 2), NOBODY)),
        "area 73499, headcount 6, but participation is area 73500",
    ),
    "more approvals than seats allow": (
        TOTALS,
        lambda: _with("c", selections=(fig(73500, 6),) * 3),
        "question c: all selections together: area 220500 exceeds the 2 × participation",
    ),
    "more scores than participants": (
        TOTALS,
        lambda: _with("r", selections=(fig(40000, 3), fig(40000, 3)) + (NOBODY,) * 3),
        "question r: all selections together: area 80000 exceeds the 1 × participation",
    ),
    "an empty roll": (NOBODY, lambda: list(VALID.values()), "empty roll"),
    "negative roll totals": (fig(-5, 9), lambda: list(VALID.values()), "roll totals: negative"),
}


@pytest.mark.parametrize(("totals", "counts", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_inconsistent_counts_are_refused(
    totals: Figures, counts: Callable[[], list[QuestionCounts]], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        compute_results(REFUSAL_MANIFEST, totals, counts())


# --- Wire forms and text (spec §9.6) -----------------------------------------------------------


def test_results_round_trip_as_a_tagged_union() -> None:
    results = compute_results(REFUSAL_MANIFEST, TOTALS, list(VALID.values()))
    data = encode(results)
    assert decode(data, tuple[QuestionResult, ...]) == results
    assert [r.__struct_config__.tag for r in results] == ["motion", "committee", "rating"]
    assert data.startswith(
        b'[{"kind":"motion","question":"m","matter":"other-major-matter","binding":true,'
        b'"custom_rule":false,"totals":{"area":95000,"headcount":9}'
    )


def test_an_evaluation_that_contradicts_its_figures_cannot_be_decoded() -> None:
    requirement = Requirement(
        measure=Measure.HEADCOUNT, base=Base.PARTICIPATING, numerator=1, denominator=2, strict=True
    )
    evaluation = requirement.evaluate(3, 6)
    assert not evaluation.holds
    forged = encode(evaluation).replace(b'"holds":false', b'"holds":true')
    with pytest.raises(InvalidEncoding, match="the figures say otherwise"):
        decode(forged, Evaluation)


def test_render_results_shows_figures_side_by_side_and_the_outcome() -> None:
    results = compute_results(REFUSAL_MANIFEST, TOTALS, list(VALID.values()))
    text = render_results(REFUSAL_MANIFEST, results)
    assert "Motion: A motion [m]" in text
    assert "Civil Code art. 278 (9), another major matter" in text
    assert "area (m²)  headcount" in text
    assert "  roll total            950.00          9" in text
    assert "  PASSED: the quorum is met and the motion is approved" in text
    assert "Committee election: Committee [c]: 2 seat(s), 0 alternate place(s)" in text
    assert "Rating: Satisfaction [r]" in text


def test_results_read_in_chinese() -> None:
    results = compute_results(REFUSAL_MANIFEST, TOTALS, list(VALID.values()))
    text = render_results(REFUSAL_MANIFEST, results, language=Language.ZH)
    assert "议案：A motion [m]" in text
    assert "《民法典》第二百七十八条第（九）项：有关共有和共同管理权利的其他重大事项" in text
    assert "面积（m²）" in text
    assert "  通过" in text.splitlines()
    assert "  ✓ 同意人数 4 人，参与人数 6 人：须超过二分之一，即不少于 4 人" in text.splitlines()
    assert "选举业主委员会：Committee [c]：2个席位，0名候补" in text
    assert "满意度评价：Satisfaction [r]" in text
