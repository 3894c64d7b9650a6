"""Results written out in Chinese or English, from their data and the manifest (spec §9.6).

A question is shown by its title; a candidate by its name; every figure side by side by area and
by headcount; every threshold as the smallest figure that meets it, with the fraction it comes
from; the outcome and why. Nothing here is part of the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from evote._internal.election.committee import CommitteeResult, Tie
from evote._internal.election.manifest import CommitteeElection, Manifest
from evote._internal.election.results import MotionResult, QuestionResult, RatingResult
from evote._internal.election.rules import Base, Evaluation, Matter
from evote._internal.ids import CandidateId
from evote._internal.messages import printable, width
from evote._internal.registry.roll import Figures, Measure
from evote._internal.text.language import (
    Language,
    format_area,
    format_count,
    format_figure,
    fraction,
    minimum,
)

__all__ = ["render_results"]

EN, ZH = Language.EN, Language.ZH

_MATTERS: Final[dict[Matter, tuple[str, str]]] = {
    Matter.RULES_OF_PROCEDURE: ("the rules of procedure", "制定和修改业主大会议事规则"),
    Matter.MANAGEMENT_COVENANT: ("the management covenant", "制定和修改管理规约"),
    Matter.COMMITTEE: (
        "electing or replacing the owners' committee",
        "选举业主委员会或者更换业主委员会成员",
    ),
    Matter.PROPERTY_SERVICE: (
        "hiring or dismissing the property company",
        "选聘和解聘物业服务企业或者其他管理人",
    ),
    Matter.USE_FUND: ("using the maintenance fund", "使用建筑物及其附属设施的维修资金"),
    Matter.RAISE_FUND: ("raising the maintenance fund", "筹集建筑物及其附属设施的维修资金"),
    Matter.REBUILD: ("rebuilding", "改建、重建建筑物及其附属设施"),
    Matter.CHANGE_USE: (
        "changing the use of common parts",
        "改变共有部分的用途或者利用共有部分从事经营活动",
    ),
    Matter.OTHER: ("another major matter", "有关共有和共同管理权利的其他重大事项"),
}
_ZH_ITEMS: Final = "一二三四五六七八九"

# Words, by key: (English, Chinese).
_WORDS: Final[dict[str, tuple[str, str]]] = {
    "area": ("area (m²)", "面积（m²）"),
    "headcount": ("headcount", "人数"),
    "roll total": ("roll total", "总计"),
    "participating": ("participating", "参与"),
    "not participating": ("not participating", "未参与"),
    "agree": ("agree", "同意"),
    "oppose": ("oppose", "反对"),
    "abstain": ("abstain", "弃权"),
    "deemed agree": ("deemed agree", "视为同意"),
    "deemed oppose": ("deemed oppose", "视为反对"),
    "no score": ("no score", "未评分"),
    "rank": ("rank", "名次"),
    "candidate": ("candidate", "候选人"),
    "round 1": ("round 1", "第一轮"),
    "outcome": ("outcome", "结果"),
    "met": ("met", "达到"),
    "not met": ("not met", "未达到"),
    "elected": ("elected", "当选"),
    "alternate": ("alternate", "候补"),
}
_SUBJECTS: Final[dict[str, tuple[str, str]]] = {
    "participation": ("participation", "参与"),
    "agreement": ("agreement", "同意"),
    "deemed agreement": ("deemed agreement", "视为同意"),
    "approvals": ("approvals", "赞成"),
}


def _word(key: str, language: Language) -> str:
    english, chinese = _WORDS[key]
    return chinese if language is ZH else english


def _matter(matter: Matter, language: Language) -> str:
    english, chinese = _MATTERS[matter]
    if language is ZH:
        return f"《民法典》第二百七十八条第（{_ZH_ITEMS[matter.item - 1]}）项：{chinese}"
    return f"Civil Code art. 278 ({matter.item}), {english}"


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]
) -> list[str]:
    """Columns padded to their widest cell (a Chinese character counts twice); figures right."""
    table = [header, *rows]
    widths = [max(width(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = []
        for cell, size, right in zip(row, widths, numeric, strict=True):
            pad = " " * (size - width(cell))
            cells.append(pad + cell if right else cell + pad)
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _figures_table(
    result: QuestionResult, labelled: Sequence[tuple[str, Figures]], language: Language
) -> list[str]:
    pairs = [
        (_word("roll total", language), result.totals),
        (_word("participating", language), result.participation),
        (_word("not participating", language), result.non_participants),
        *labelled,
    ]
    rows = [(label, format_area(f.area), format_count(f.headcount)) for label, f in pairs]
    header = ("", _word("area", language), _word("headcount", language))
    return _table(header, rows, (False, True, True))


def _evaluation(
    evaluation: Evaluation, subject: str, language: Language, *, silent: bool = False
) -> str:
    """One line: the figure, its base, what the requirement needs and whether it is met.

    ``silent``: silence follows the majority, so the participating base is every person (§9.5).
    """
    requirement = evaluation.requirement
    measure = requirement.measure
    mark = "✓" if evaluation.holds else "✗"
    value = format_figure(evaluation.value, measure, language)
    base_value = format_figure(evaluation.base_value, measure, language)
    share = fraction(requirement.numerator, requirement.denominator, language)
    least = format_figure(minimum(requirement, evaluation.base_value), measure, language)
    english_subject, chinese_subject = _SUBJECTS[subject]
    total = requirement.base is Base.TOTAL or silent
    if language is ZH:
        what = "面积" if measure is Measure.AREA else "人数"
        base = ("总" if total else "参与") + what
        relation = "超过" if requirement.strict else "达到"
        return (
            f"  {mark} {chinese_subject}{what} {value}，{base} {base_value}："
            f"须{relation}{share}，即不少于 {least}"
        )
    by = "area" if measure is Measure.AREA else "headcount"
    base = "on the roll" if total else "participating"
    relation = "more than" if requirement.strict else "at least"
    return (
        f"  {mark} {english_subject} by {by}: {value} of {base_value} {base} — {relation} "
        f"{share} needed: {least} or more"
    )


# -- motions ---------------------------------------------------------------------------------------


def _rule_line(result: MotionResult, language: Language) -> str:
    if result.matter is None:
        if language is ZH:
            return "  征询意见（不属《民法典》第二百七十八条事项）：结果不具约束力"
        return "  A consultation, outside Civil Code art. 278: the result does not bind"
    matter = _matter(result.matter, language)
    if result.custom_rule:
        rule = (
            "适用本小区自定的规则，严于法定规则"
            if language is ZH
            else "decided by the community's own rule, stricter than the statute's"
        )
    else:
        special = result.matter in (Matter.RAISE_FUND, Matter.REBUILD, Matter.CHANGE_USE)
        if language is ZH:
            rule = (
                "适用法定规则（" + ("特别事项，四分之三" if special else "一般事项，过半数") + "）"
            )
        else:
            rule = "decided by the statute's rule for " + (
                "special matters (3/4)" if special else "ordinary matters (more than half)"
            )
    return f"  {matter} — {rule}" if language is EN else f"  {matter}——{rule}"


def _motion_outcome(result: MotionResult, language: Language) -> str:
    if language is ZH:
        if result.passed:
            verdict = "通过"
        elif not result.quorum_met:
            verdict = "未通过——参与未达法定要求"
        else:
            verdict = "未通过——同意未达标准"
        if result.silence_follows_majority_applied:
            verdict += "（已适用“从众”规则：未参与者计入多数一方）"
        return f"  {verdict}" + ("" if result.binding else "（不具约束力）")
    if result.passed:
        verdict = "PASSED: the quorum is met and the motion is approved"
    elif not result.quorum_met:
        verdict = "FAILED: the quorum is not met"
    else:
        verdict = "FAILED: not approved"
    if result.silence_follows_majority_applied:
        verdict += (
            " (silence follows the majority, 从众: the non-participants count with the majority)"
        )
    return f"  {verdict}" + ("" if result.binding else " (not binding)")


def _render_motion(result: MotionResult, title: str, language: Language) -> list[str]:
    labelled = [
        (_word("agree", language), result.agree),
        (_word("oppose", language), result.oppose),
        (_word("abstain", language), result.abstain),
    ]
    if result.silence_follows_majority_applied:
        labelled += [
            (_word("deemed agree", language), result.deemed_agree),
            (_word("deemed oppose", language), result.deemed_oppose),
        ]
    heading = f"议案：{title}" if language is ZH else f"Motion: {title}"
    subject = "deemed agreement" if result.silence_follows_majority_applied else "agreement"
    return [
        f"{heading} [{result.question}]",
        _rule_line(result, language),
        *_figures_table(result, labelled, language),
        *(_evaluation(e, "participation", language) for e in result.quorum),
        *(
            _evaluation(e, subject, language, silent=result.silence_follows_majority_applied)
            for e in result.approval
        ),
        _motion_outcome(result, language),
    ]


# -- committee elections ---------------------------------------------------------------------------


def _names(question: CommitteeElection | None) -> dict[CandidateId, str]:
    if question is None:
        return {}
    return {c.id: printable(f"{c.name} ({c.id})") for c in question.candidates}


def _places(tie: Tie, language: Language) -> str:
    parts = []
    if tie.seats:
        parts.append(
            f"{tie.seats}个席位"
            if language is ZH
            else f"{tie.seats} seat{'s' if tie.seats > 1 else ''}"
        )
    if tie.alternates:
        parts.append(
            f"{tie.alternates}个候补名额"
            if language is ZH
            else f"{tie.alternates} alternate place{'s' if tie.alternates > 1 else ''}"
        )
    return ("和" if language is ZH else " and ").join(parts)


def _committee_notes(
    result: CommitteeResult, names: dict[CandidateId, str], language: Language
) -> list[str]:
    zh = language is ZH
    notes = []
    if not result.quorum_met:
        notes.append(
            "参与未达法定要求：无人当选。" if zh else "The quorum is not met: nobody is elected."
        )
    for tie in result.ties:
        who = ("、" if zh else ", ").join(names.get(c, c) for c in tie.candidates)
        notes.append(
            f"第{tie.round}轮：{who}的赞成人数和面积相同，争夺{_places(tie, language)}；"
            "在重新投票或由召集人抽签决定前空缺。"
            if zh
            else f"Round {tie.round}: {who} have equal approving headcount and area for "
            f"{_places(tie, language)}, which stay unfilled until a run-off or a lot drawn by the "
            "convener decides."
        )
    empty = result.seats - len(result.elected) - sum(t.seats for t in result.ties if t.round == 1)
    if result.round_two_applied:
        filled = len(result.round_two_elected)
        notes.append(
            f"第二轮按名次补足{empty}个空缺席位中的{filled}个，未经双过半：法律效力存疑（深圳旧做法）。"
            if zh
            else f"Round 2 filled {filled} of {empty} empty seat(s) by rank alone, without the "
            "double majority: legally doubtful (an older Shenzhen practice)."
        )
    elif result.quorum_met and empty:
        notes.append(
            f"{empty}个席位空缺：达到规则要求的候选人少于席位数，且未启用第二轮。"
            if zh
            else f"{empty} seat(s) stay empty: fewer candidates met the rule than there are "
            "seats, and round 2 is off."
        )
    return [f"  {'注' if zh else 'note'}: {note}" for note in notes]


def _render_committee(
    result: CommitteeResult, title: str, question: CommitteeElection | None, language: Language
) -> list[str]:
    zh = language is ZH
    names = _names(question)
    heading = (
        f"选举业主委员会：{title} [{result.question}]：{result.seats}个席位，"
        f"{result.alternate_places}名候补"
        if zh
        else f"Committee election: {title} [{result.question}]: {result.seats} seat(s), "
        f"{result.alternate_places} alternate place(s)"
    )
    how = (
        "  候选人须获得规则要求的赞成（法定规则为超过参与面积和参与人数的二分之一"
        + ("，本次适用更严的自定规则" if result.custom_rule else "")
        + "）；达到者依名次当选——先比赞成人数，再比赞成面积——至席位满为止，其后达到者为候补委员。"
        if zh
        else "  A candidate needs the rule's approvals (by the statute, more than half of the "
        "participants by area and by headcount"
        + ("; here the community's stricter rule" if result.custom_rule else "")
        + "); those who have them are elected in rank order — by approving headcount, then by "
        "approving area — up to the seats, and the next ones become alternates."
    )
    outcome: dict[CandidateId, str] = dict.fromkeys(result.elected, _word("elected", language))
    outcome |= dict.fromkeys(result.alternates, _word("alternate", language))
    for tie in result.ties:
        for candidate in tie.candidates:
            outcome[candidate] = f"并列（第{tie.round}轮）" if zh else f"tie (round {tie.round})"
    outcome |= dict.fromkeys(
        result.round_two_elected,
        "第二轮当选（存疑）" if zh else "elected in round 2 (legally doubtful)",
    )
    by_candidate = {c.candidate: c for c in result.candidates}
    rows = [
        (
            str(by_candidate[c].rank),
            names.get(c, c),
            format_area(by_candidate[c].approvals.area),
            format_count(by_candidate[c].approvals.headcount),
            _word("met" if by_candidate[c].passed_round_one else "not met", language),
            outcome.get(c, "-"),
        )
        for c in result.ranking
    ]
    header = tuple(
        _word(k, language) for k in ("rank", "candidate", "area", "headcount", "round 1", "outcome")
    )
    return [
        heading,
        how,
        *_figures_table(result, [], language),
        *(_evaluation(e, "participation", language) for e in result.quorum),
        *_table(header, rows, (True, False, True, True, False, False)),
        *_committee_notes(result, names, language),
    ]


# -- ratings ---------------------------------------------------------------------------------------


def _render_rating(result: RatingResult, title: str, language: Language) -> list[str]:
    labelled = [
        (f"{s.score}分" if language is ZH else f"score {s.score}", s.figures)
        for s in result.distribution
    ]
    labelled.append((_word("no score", language), result.no_score))
    heading = f"满意度评价：{title}" if language is ZH else f"Rating: {title}"
    return [f"{heading} [{result.question}]", *_figures_table(result, labelled, language)]


def render_results(
    manifest: Manifest, results: Sequence[QuestionResult], *, language: Language = EN
) -> str:
    """The results as text tables, in ``language``: per question its figures and its outcome."""
    questions = {q.id: q for q in manifest.questions}
    blocks: list[list[str]] = []
    for result in results:
        question = questions.get(result.question)
        # Titles and names come from the manifest: printed, they must not move the terminal.
        title = printable(question.title if question is not None else str(result.question))
        if isinstance(result, MotionResult):
            blocks.append(_render_motion(result, title, language))
        elif isinstance(result, CommitteeResult):
            committee = question if isinstance(question, CommitteeElection) else None
            blocks.append(_render_committee(result, title, committee, language))
        else:
            blocks.append(_render_rating(result, title, language))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
