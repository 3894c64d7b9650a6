"""Results of an election from the decrypted totals of each question (spec §9).

:func:`compute_results` takes the manifest, the roll's totals and, per question, the participation
and the figures (area and headcount) of each selection — the plaintext of the homomorphic tally —
refuses counts that cannot be, and returns one result per question, for publication: a
:class:`MotionResult` decided by its :class:`~.rules.DecisionRule` (here), a
:class:`~.committee.CommitteeResult` (:mod:`~.committee`) or a :class:`RatingResult` (a
distribution). Every threshold is decided by :meth:`~.rules.Requirement.holds`, an integer
cross-multiplication, and reported as an :class:`~.rules.Evaluation` whose sentence names the exact
figures. :func:`render_results` prints the results as text tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from evote._internal.election.committee import ROUND_TWO_MARK, CommitteeResult, committee_result
from evote._internal.election.manifest import CommitteeElection, Manifest, Motion, Question, Rating
from evote._internal.election.rules import Evaluation, format_area, format_count
from evote._internal.encoding import Struct
from evote._internal.ids import QuestionId
from evote._internal.registry.roll import Figures, Measure
from evote.errors import ParameterError

__all__ = [
    "SILENCE_MARK",
    "CommitteeResult",
    "MotionResult",
    "QuestionCounts",
    "QuestionResult",
    "RatingResult",
    "ScoreFigures",
    "compute_results",
    "render_results",
]

#: How a result says that silence followed the majority (domain rule 13, spec §9.5).
SILENCE_MARK: Final = "silence follows the majority (从众) applied"

_NOBODY: Final = Figures(area=0, headcount=0)


class QuestionCounts(Struct):
    """Decrypted totals of one question."""

    question: QuestionId
    #: area and headcount of the persons who took part in this question
    participation: Figures
    #: per selection, in ballot order, area and headcount of those who chose it
    selections: tuple[Figures, ...]


class MotionResult(Struct, tag_field="kind", tag="motion"):
    """The decision on a motion (spec §9.2, §9.5, §9.6)."""

    question: QuestionId
    totals: Figures
    participation: Figures
    non_participants: Figures  # totals − participation
    rule: str
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
    reason: str


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
    participation, rule = counts.participation, motion.rule
    silent = totals - participation
    quorum = rule.evaluate_quorum(totals, participation)  # spec §9.1, never with the silent
    if rule.silence_follows_majority:  # spec §9.5
        area = _follow_majority(agree.area, oppose.area, silent.area)
        heads = _follow_majority(agree.headcount, oppose.headcount, silent.headcount)
        deemed_agree = Figures(area=area[0], headcount=heads[0])
        deemed_oppose = Figures(area=area[1], headcount=heads[1])
        approval = rule.evaluate_approval(
            deemed_agree,
            participating=totals,  # participants plus non-participants
            totals=totals,
            subject="deemed agreeing",
            participating_words="participating plus non-participating",
        )
    else:  # spec §9.2
        deemed_agree, deemed_oppose = agree, oppose
        approval = rule.evaluate_approval(agree, participating=participation, totals=totals)
    quorum_met = all(c.holds for c in quorum)
    approved = all(c.holds for c in approval)
    return MotionResult(
        question=motion.id,
        totals=totals,
        participation=participation,
        non_participants=silent,
        rule=rule.name,
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
        reason=_motion_reason(quorum, approval, silence=rule.silence_follows_majority),
    )


def _motion_reason(
    quorum: Sequence[Evaluation], approval: Sequence[Evaluation], *, silence: bool
) -> str:
    """One sentence: the failing checks (the quorum's first), or every approval check (spec §9.2)."""
    failing_quorum = [c.description for c in quorum if not c.holds]
    failing = [c.description for c in approval if not c.holds]
    if failing_quorum:
        verdict, because = "fails", "quorum not met: " + "; ".join(failing_quorum)
    elif failing:
        verdict, because = "fails", "; ".join(failing)
    else:
        verdict, because = "passes", " and ".join(c.description for c in approval)
    return f"{verdict}, with {SILENCE_MARK}: {because}" if silence else f"{verdict}: {because}"


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


# --- Text tables --------------------------------------------------------------------------------

_FIGURES_HEADER: Final = ("", "area (m²)", "headcount")
_NUMERIC_COLUMNS: Final = frozenset({"rank", "area (m²)", "headcount"})


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell; figures right-aligned, text left-aligned."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    right = [name in _NUMERIC_COLUMNS for name in header]
    return [
        "  "
        + "  ".join(
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(row, widths, right, strict=True)
        ).rstrip()
        for row in table
    ]


def _figures_rows(
    result: QuestionResult, *labelled: tuple[str, Figures]
) -> list[tuple[str, str, str]]:
    pairs = [
        ("roll total", result.totals),
        ("participating", result.participation),
        ("not participating", result.non_participants),
        *labelled,
    ]
    return [(label, format_area(f.area), format_count(f.headcount)) for label, f in pairs]


def _check_lines(checks: Sequence[Evaluation]) -> list[str]:
    return [f"  {'✓' if c.holds else '✗'} {c.description}" for c in checks]


def _render_motion(result: MotionResult) -> list[str]:
    labelled = [("agree", result.agree), ("oppose", result.oppose), ("abstain", result.abstain)]
    if result.silence_follows_majority_applied:
        labelled += [("deemed agree", result.deemed_agree), ("deemed oppose", result.deemed_oppose)]
    return [
        f"Motion {result.question} (rule {result.rule})",
        *_table(_FIGURES_HEADER, _figures_rows(result, *labelled)),
        *_check_lines(result.quorum),
        *_check_lines(result.approval),
        f"  {'PASSED' if result.passed else 'FAILED'} — {result.reason}",
    ]


def _render_committee(result: CommitteeResult) -> list[str]:
    outcome = dict.fromkeys(result.elected, "elected")
    outcome |= dict.fromkeys(result.alternates, "alternate")
    outcome |= {c: f"tie (round {t.round})" for t in result.ties for c in t.candidates}
    outcome |= dict.fromkeys(result.round_two_elected, f"elected in round 2, {ROUND_TWO_MARK}")
    rows = [
        (
            str(c.rank),
            c.candidate,
            format_area(c.approvals.area),
            format_count(c.approvals.headcount),
            "passed" if c.passed_round_one else "failed",
            outcome.get(c.candidate, "-"),
        )
        for c in sorted(result.candidates, key=lambda c: result.ranking.index(c.candidate))
    ]
    header = ("rank", "candidate", "area (m²)", "headcount", "round 1", "outcome")
    return [
        f"Committee election {result.question}: {result.seats} seat(s), "
        f"{result.alternate_places} alternate place(s) (rule {result.rule})",
        *_table(_FIGURES_HEADER, _figures_rows(result)),
        *_check_lines(result.quorum),
        *_table(header, rows),
        *(f"  note: {note}" for note in result.notes),
    ]


def _render_rating(result: RatingResult) -> list[str]:
    labelled = [(f"score {s.score}", s.figures) for s in result.distribution]
    rows = _figures_rows(result, *labelled, ("no score", result.no_score))
    return [f"Rating {result.question}", *_table(_FIGURES_HEADER, rows)]


def render_results(results: Sequence[QuestionResult]) -> str:
    """The results as text: per question a table of area (m²) and headcount, and the outcome."""
    blocks: list[list[str]] = []
    for result in results:
        if isinstance(result, MotionResult):
            blocks.append(_render_motion(result))
        elif isinstance(result, CommitteeResult):
            blocks.append(_render_committee(result))
        else:
            blocks.append(_render_rating(result))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
