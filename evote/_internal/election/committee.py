"""The result of a committee election: round 1, ranking, alternates, ties and round 2 (spec §9.3).

:func:`committee_result` checks each candidate's approvals against the election's decision rule
(round 1; by default the ordinary double majority of the participants, domain rule 15). Then
:func:`place` ranks the candidates by approving headcount, then approving area, both
descending (domain rule 16), and gives the seats, then the alternate places (候补委员), to the
passing candidates in rank order. Candidates equal on both measures share a rank; when such a group
straddles the last seat or the last alternate place, the places at stake stay unfilled and the group
is reported as a :class:`Tie` for a run-off or a lot drawn by the convener — never broken here.
Round 2 (opt-in, domain rule 17) fills the seats still empty by rank alone and is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evote._internal.election.manifest import CommitteeElection
from evote._internal.election.rules import Evaluation
from evote._internal.encoding import Struct
from evote._internal.ids import CandidateId, QuestionId
from evote._internal.registry.roll import Figures

__all__ = [
    "CandidateResult",
    "CommitteeResult",
    "Contender",
    "Placement",
    "Tie",
    "committee_result",
    "place",
    "rank",
]


@dataclass(frozen=True, slots=True)
class Contender:
    """A candidate as the placement sees it: its approvals and whether it met the rule in round 1."""

    candidate: CandidateId
    approvals: Figures
    passed_round_one: bool


class Tie(Struct):
    """Candidates equal on both measures competing for the last places of a round (spec §9.3).

    ``seats`` and ``alternates`` are the places at stake among them; they stay unfilled until a
    run-off or a lot drawn by the convener decides (domain rule 16).
    """

    round: int  # 1, or 2 for a tie at the last seat of round 2
    candidates: tuple[CandidateId, ...]  # in ballot order
    seats: int
    alternates: int


@dataclass(frozen=True, slots=True)
class Placement:
    """Where every place went (spec §9.3)."""

    ranks: dict[CandidateId, int]  # competition rank: 1 + the number of candidates strictly ahead
    ranking: tuple[CandidateId, ...]  # every candidate by rank; equal ranks in ballot order
    elected: tuple[CandidateId, ...]  # round 1, in rank order
    alternates: tuple[CandidateId, ...]  # in rank order
    ties: tuple[Tie, ...]
    round_two_applied: bool
    round_two_elected: tuple[CandidateId, ...]
    unfilled_seats: int


def _key(contender: Contender) -> tuple[int, int]:
    return (-contender.approvals.headcount, -contender.approvals.area)


def rank(contenders: Sequence[Contender]) -> list[list[Contender]]:
    """Groups of candidates equal on both measures, best first; ballot order within a group."""
    groups: list[list[Contender]] = []
    for contender in sorted(contenders, key=_key):  # sorted() is stable: ballot order within ties
        if groups and groups[-1][0].approvals == contender.approvals:
            groups[-1].append(contender)
        else:
            groups.append([contender])
    return groups


def _fill(
    groups: Sequence[Sequence[Contender]], seats: int, alternates: int, round_: int
) -> tuple[list[CandidateId], list[CandidateId], list[Tie]]:
    """Places 1…seats are seats, the next ``alternates`` places alternate places (spec §9.3).

    A group of k equal candidates covers the next k places. It takes them when they are all seats
    or all alternate places; when it straddles the last seat or the last alternate place, the
    places it covers there are at stake in a :class:`Tie`. Later groups keep their own places.
    """
    elected: list[CandidateId] = []
    alternate: list[CandidateId] = []
    ties: list[Tie] = []
    covered = 0  # places covered by the groups so far
    for group in groups:
        if covered >= seats + alternates:
            break
        first, last = covered, covered + len(group)  # the group covers places first+1 … last
        seat_places = max(0, min(last, seats) - first)
        alternate_places = max(0, min(last, seats + alternates) - max(first, seats))
        ids = [c.candidate for c in group]
        if seat_places == len(group):
            elected += ids
        elif alternate_places == len(group):
            alternate += ids
        else:
            ties.append(
                Tie(
                    round=round_,
                    candidates=tuple(ids),
                    seats=seat_places,
                    alternates=alternate_places,
                )
            )
        covered = last
    return elected, alternate, ties


def place(
    contenders: Sequence[Contender],
    *,
    seats: int,
    alternates: int,
    round_two: bool,
    quorum_met: bool,
) -> Placement:
    """Rank the candidates and give out the seats and alternate places (spec §9.3).

    Without the quorum nobody is elected. Round 1 places only the candidates that passed it.
    Round 2, when ``round_two`` is on, fills the seats that round 1 left empty — not those at stake
    in a tie — from the candidates that failed round 1 but were approved by at least one person,
    by rank alone, with the same tie rule; it gives no alternate places.
    """
    groups = rank(contenders)
    ranks: dict[CandidateId, int] = {}
    ahead = 0
    for group in groups:
        for contender in group:
            ranks[contender.candidate] = ahead + 1
        ahead += len(group)
    ranking = tuple(c.candidate for group in groups for c in group)
    if not quorum_met:
        return Placement(
            ranks=ranks,
            ranking=ranking,
            elected=(),
            alternates=(),
            ties=(),
            round_two_applied=False,
            round_two_elected=(),
            unfilled_seats=seats,
        )
    passed = [group for group in groups if group[0].passed_round_one]
    elected, alternate, ties = _fill(passed, seats, alternates, 1)
    empty = seats - len(elected) - sum(tie.seats for tie in ties)  # not at stake in a tie
    round_two_elected: list[CandidateId] = []
    if empty and round_two:
        others = [
            group
            for group in groups
            if not group[0].passed_round_one and group[0].approvals.headcount > 0
        ]
        round_two_elected, _, round_two_ties = _fill(others, empty, 0, 2)
        ties += round_two_ties
    return Placement(
        ranks=ranks,
        ranking=ranking,
        elected=tuple(elected),
        alternates=tuple(alternate),
        ties=tuple(ties),
        round_two_applied=bool(empty and round_two),
        round_two_elected=tuple(round_two_elected),
        unfilled_seats=seats - len(elected) - len(round_two_elected),
    )


class CandidateResult(Struct):
    """One candidate: approvals, round-1 checks and rank (spec §9.3)."""

    candidate: CandidateId
    approvals: Figures
    checks: tuple[
        Evaluation, ...
    ]  # the rule's approval requirements, approvals against participation
    passed_round_one: bool  # every check holds
    rank: int  # 1 + the number of candidates ranked strictly ahead


class CommitteeResult(Struct, tag_field="kind", tag="committee"):
    """The outcome of a committee election (spec §9.3, §9.6)."""

    question: QuestionId
    custom_rule: bool  # a community's own, stricter rule instead of the ordinary one
    totals: Figures
    participation: Figures
    non_participants: Figures  # totals − participation
    seats: int
    alternate_places: int
    quorum: tuple[Evaluation, ...]
    quorum_met: bool
    candidates: tuple[CandidateResult, ...]  # in ballot order
    ranking: tuple[CandidateId, ...]  # every candidate by rank; equal ranks in ballot order
    elected: tuple[CandidateId, ...]  # in round 1, in rank order
    alternates: tuple[CandidateId, ...]  # in rank order
    ties: tuple[Tie, ...]
    round_two_applied: bool  # seats filled by rank alone: legally doubtful (domain rule 17)
    round_two_elected: tuple[CandidateId, ...]
    unfilled_seats: int  # seats − elected − round_two_elected, seats at stake in a tie included


def committee_result(
    election: CommitteeElection,
    totals: Figures,
    participation: Figures,
    approvals: Sequence[Figures],
) -> CommitteeResult:
    """The result from the approvals of each candidate, in ballot order (spec §9.3).

    The counts must be consistent (:func:`~evote._internal.election.results.compute_results`
    checks them).
    """
    rule = election.decision_rule  # never silence-follows-majority (spec §9.5): it is weaker
    quorum = rule.evaluate_quorum(totals, participation)
    quorum_met = all(c.holds for c in quorum)
    checks = [
        rule.evaluate_approval(a, participating=participation, totals=totals) for a in approvals
    ]
    contenders = [
        Contender(
            candidate=candidate.id,
            approvals=figures,
            passed_round_one=all(c.holds for c in candidate_checks),
        )
        for candidate, figures, candidate_checks in zip(
            election.candidates, approvals, checks, strict=True
        )
    ]
    placement = place(
        contenders,
        seats=election.seats,
        alternates=election.alternates,
        round_two=election.round_two,
        quorum_met=quorum_met,
    )
    return CommitteeResult(
        question=election.id,
        custom_rule=election.custom_rule,
        totals=totals,
        participation=participation,
        non_participants=totals - participation,
        seats=election.seats,
        alternate_places=election.alternates,
        quorum=quorum,
        quorum_met=quorum_met,
        candidates=tuple(
            CandidateResult(
                candidate=contender.candidate,
                approvals=contender.approvals,
                checks=candidate_checks,
                passed_round_one=contender.passed_round_one,
                rank=placement.ranks[contender.candidate],
            )
            for contender, candidate_checks in zip(contenders, checks, strict=True)
        ),
        ranking=placement.ranking,
        elected=placement.elected,
        alternates=placement.alternates,
        ties=placement.ties,
        round_two_applied=placement.round_two_applied,
        round_two_elected=placement.round_two_elected,
        unfilled_seats=placement.unfilled_seats,
    )
