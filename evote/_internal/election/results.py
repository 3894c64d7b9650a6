"""Results of an election from the decrypted totals of each question (spec §9).

:func:`compute_results` takes the manifest, the roll's totals and, per question, the participation
and the figures (area and headcount) of each selection — the plaintext of the homomorphic tally —
refuses counts that cannot be, and returns one result per question, for publication: a
:class:`MotionResult` decided by its rule (here), a :class:`~.committee.CommitteeResult`
(:mod:`~.committee`) or a :class:`RatingResult` (a distribution). Every threshold is decided by
:meth:`~.rules.Requirement.holds`, an integer cross-multiplication, and reported as an
:class:`~.rules.Evaluation`. Results are data, never prose: any language writes them
(:mod:`evote._internal.text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from evote._internal.election.committee import CommitteeResult, committee_result
from evote._internal.election.manifest import CommitteeElection, Manifest, Motion, Question, Rating
from evote._internal.election.rules import Evaluation, Matter
from evote._internal.encoding import Struct
from evote._internal.ids import QuestionId
from evote._internal.registry.roll import Figures, Measure
from evote.errors import ParameterError

__all__ = [
    "CommitteeResult",
    "MotionResult",
    "QuestionCounts",
    "QuestionResult",
    "RatingResult",
    "ScoreFigures",
    "compute_results",
]

_NOBODY: Final = Figures(area=0, headcount=0)


class QuestionCounts(Struct):
    """Decrypted totals of one question."""

    question: QuestionId
    #: area and headcount of the persons who took part in this question
    participation: Figures
    #: per selection, in ballot order, area and headcount of those who chose it
    selections: tuple[Figures, ...]


class MotionResult(Struct, tag_field="kind", tag="motion"):
    """The decision on a motion (spec §9.2, §9.5, §9.6).

    ``matter`` is the motion's (None for a consultation, whose result does not bind); ``custom_rule``
    says that a community's own, stricter rule decided a statutory matter.
    """

    question: QuestionId
    matter: Matter | None
    binding: bool
    custom_rule: bool
    totals: Figures
    participation: Figures
    non_participants: Figures  # totals − participation
    agree: Figures
    oppose: Figures
    abstain: Figures
    silence_follows_majority_applied: bool
    deemed_agree: Figures  # agree, plus the non-participants when silence follows agree (§9.5)
    deemed_oppose: Figures  # oppose, plus the non-participants when silence follows oppose (§9.5)
    quorum: tuple[Evaluation, ...]
    approval: tuple[Evaluation, ...]
    quorum_met: bool
    approved: bool
    passed: bool


class ScoreFigures(Struct):
    score: int
    figures: Figures


class RatingResult(Struct, tag_field="kind", tag="rating"):
    """The distribution of a satisfaction rating (spec §9.4, §9.6); nothing is decided."""

    question: QuestionId
    totals: Figures
    participation: Figures
    non_participants: Figures  # totals − participation
    distribution: tuple[ScoreFigures, ...]  # scores 1 … 5 in order
    no_score: Figures  # participation − Σ distribution


#: The result of one question; ``kind`` tells them apart on the wire (spec §9.6).
QuestionResult = MotionResult | CommitteeResult | RatingResult


# --- Motions (spec §9.2) and silence follows the majority (spec §9.5) ---------------------------


def _follow_majority(agree: int, oppose: int, silent: int) -> tuple[int, int]:
    """Add the silent to the side with strictly more; a tie adds to neither (spec §9.5)."""
    if agree > oppose:
        return agree + silent, oppose
    if oppose > agree:
        return agree, oppose + silent
    return agree, oppose


def _motion_result(motion: Motion, totals: Figures, counts: QuestionCounts) -> MotionResult:
    agree, oppose, abstain = counts.selections
    participation, rule = counts.participation, motion.decision_rule
    silent = totals - participation
    quorum = rule.evaluate_quorum(totals, participation)  # spec §9.1, never with the silent
    if rule.silence_follows_majority:  # spec §9.5
        area = _follow_majority(agree.area, oppose.area, silent.area)
        heads = _follow_majority(agree.headcount, oppose.headcount, silent.headcount)
        deemed_agree = Figures(area=area[0], headcount=heads[0])
        deemed_oppose = Figures(area=area[1], headcount=heads[1])
        approval = rule.evaluate_approval(
            deemed_agree,
            participating=totals,
            totals=totals,  # participants and the silent
        )
    else:  # spec §9.2
        deemed_agree, deemed_oppose = agree, oppose
        approval = rule.evaluate_approval(agree, participating=participation, totals=totals)
    quorum_met = all(c.holds for c in quorum)
    approved = all(c.holds for c in approval)
    return MotionResult(
        question=motion.id,
        matter=motion.matter,
        binding=motion.binding,
        custom_rule=motion.custom_rule,
        totals=totals,
        participation=participation,
        non_participants=silent,
        agree=agree,
        oppose=oppose,
        abstain=abstain,
        silence_follows_majority_applied=rule.silence_follows_majority,
        deemed_agree=deemed_agree,
        deemed_oppose=deemed_oppose,
        quorum=quorum,
        approval=approval,
        quorum_met=quorum_met,
        approved=approved,
        passed=quorum_met and approved,
    )


# --- Ratings (spec §9.4) ------------------------------------------------------------------------


def _sum(figures: Sequence[Figures]) -> Figures:
    total = _NOBODY
    for item in figures:
        total = total + item
    return total


def _rating_result(rating: Rating, totals: Figures, counts: QuestionCounts) -> RatingResult:
    return RatingResult(
        question=rating.id,
        totals=totals,
        participation=counts.participation,
        non_participants=totals - counts.participation,
        distribution=tuple(
            ScoreFigures(score=score, figures=figures)
            for score, figures in zip(Rating.SCORES, counts.selections, strict=True)
        ),
        no_score=counts.participation - _sum(counts.selections),
    )


# --- Refusals (spec §9.6) -----------------------------------------------------------------------


def _check_figures(figures: Figures, what: str) -> None:
    if figures.area < 0 or figures.headcount < 0:
        raise ParameterError(
            f"{what}: negative figures (area {figures.area}, headcount {figures.headcount})"
        )
    if figures.area < figures.headcount:
        raise ParameterError(
            f"{what}: area {figures.area} (0.01 m²) is less than headcount {figures.headcount}, "
            f"but every person holds at least 0.01 m²"
        )


def _check_within(part: Figures, whole: Figures, what: str, whole_what: str) -> None:
    for measure in Measure:
        if part.of(measure) > whole.of(measure):
            raise ParameterError(
                f"{what}: {measure} {part.of(measure)} exceeds the {whole_what} "
                f"{measure} {whole.of(measure)}"
            )


def _check_counts(question: Question, totals: Figures, counts: QuestionCounts) -> None:
    where, options = f"question {question.id}", question.options()
    if len(counts.selections) != len(options):
        raise ParameterError(
            f"{where}: expected {len(options)} selections ({', '.join(options)}), "
            f"found {len(counts.selections)}"
        )
    participation = counts.participation
    _check_figures(participation, f"{where}: participation")
    _check_within(participation, totals, f"{where}: participation", "roll's total")
    for option, figures in zip(options, counts.selections, strict=True):
        _check_figures(figures, f"{where}: selection {option}")
        _check_within(figures, participation, f"{where}: selection {option}", "participation")
    chosen = _sum(counts.selections)
    if isinstance(question, Motion):  # each participant chose exactly one option (blank = abstain)
        if chosen != participation:
            raise ParameterError(
                f"{where}: agree + oppose + abstain is area {chosen.area}, headcount "
                f"{chosen.headcount}, but participation is area {participation.area}, headcount "
                f"{participation.headcount} (a motion takes exactly one option per participant)"
            )
        return
    most = question.seats if isinstance(question, CommitteeElection) else 1
    limit = Figures(area=most * participation.area, headcount=most * participation.headcount)
    _check_within(chosen, limit, f"{where}: all selections together", f"{most} × participation")


def compute_results(
    manifest: Manifest, totals: Figures, counts: Sequence[QuestionCounts]
) -> tuple[QuestionResult, ...]:
    """The result of every question of ``manifest``, in manifest order (spec §9.2–§9.4).

    ``totals`` are the roll's total area (0.01 m²) and headcount; ``counts`` holds exactly one
    :class:`QuestionCounts` per question, in any order. Inconsistent counts are refused with
    :class:`~evote.errors.ParameterError` naming the question and the figures (spec §9.6).
    """
    _check_figures(totals, "roll totals")
    if totals.headcount < 1:
        raise ParameterError("roll totals: headcount 0 (an empty roll cannot vote)")
    by_question: dict[QuestionId, QuestionCounts] = {}
    for count in counts:
        if count.question in by_question:
            raise ParameterError(f"counts: question {count.question!r} appears twice")
        by_question[count.question] = count
    unknown = sorted(set(by_question) - {question.id for question in manifest.questions})
    if unknown:
        raise ParameterError(f"counts: question(s) {unknown} not in election {manifest.election}")
    missing = [question.id for question in manifest.questions if question.id not in by_question]
    if missing:
        raise ParameterError(f"counts: no counts for question(s) {missing}")
    results: list[QuestionResult] = []
    for question in manifest.questions:
        count = by_question[question.id]
        _check_counts(question, totals, count)
        if isinstance(question, Motion):
            results.append(_motion_result(question, totals, count))
        elif isinstance(question, CommitteeElection):
            results.append(
                committee_result(question, totals, count.participation, count.selections)
            )
        else:
            results.append(_rating_result(question, totals, count))
    return tuple(results)
