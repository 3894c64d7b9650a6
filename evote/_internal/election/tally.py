"""The dual homomorphic tally, its threshold decryption and decoding (spec §12).

For every selection of every question two sums are formed from the live votes of the closed box:
the headcount sum ``Σ c`` and the area sum ``Σ weight·c``. Flats share a handful of floor plans, so
the votes are first summed per distinct weight, ``G_w = Σ_{weight = w} c``; then the headcount sum is
``Σ_w G_w`` and the area sum ``Σ_w w·G_w`` — one addition per vote plus one multiplication per
distinct weight, for both sums together.

Trustees decrypt only these aggregates: :func:`~evote._internal.election.counting.decrypt_tally`
recomputes them from the closed box itself and accepts nothing else to decrypt. The partial
decryptions of any k trustees are combined, and each total is decoded with the participation as its
bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from evote._internal.election.ballots import BallotKind
from evote._internal.election.election import Election
from evote._internal.election.results import QuestionCounts
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import ElectionId, PersonId, QuestionId
from evote._internal.messages import Message, Text
from evote._internal.registry.roll import Figures, Measure
from evote._internal.trustees.ceremony import TrusteeIndex
from evote._internal.trustees.decryption import (
    PartialDecryption,
    combine_verified,
    verify_partial_decryption,
)
from evote._internal.trustees.polynomial import lagrange_coefficients
from evote.errors import InvalidProof, ParameterError, Reason, Refused, ThresholdError
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import Ciphertext, sum_ciphertexts

__all__ = [
    "QuestionAggregate",
    "SelectionAggregate",
    "Tally",
    "TallyShare",
    "Vote",
    "aggregate_selections",
    "aggregate_votes",
    "check_share",
    "combine_tally",
]

#: Largest decoding table used for the area sums (about 3.4 s to build on one core, tens of MB).
MAX_TABLE: Final = 2**18

_PLACE = Text(
    "sum-place", "question {question}, selection {selection}, {measure}",
    "表决事项 {question} 选项 {selection} 的{measure}",
)  # fmt: skip
_MEASURES: Final = {
    Measure.HEADCOUNT: Text("headcount", "headcount", "人数"),
    Measure.AREA: Text("area", "area", "面积"),
}
_NOT_A_TRUSTEE = Text(
    "share-stranger", "a share from trustee {trustee}, who is not a trustee",
    "来自受托人 {trustee} 的解密份额，但其并非受托人",
)  # fmt: skip
_PARTIALS_COUNT = Text(
    "partials-count", "trustee {trustee}: {partials} partials for {sums} sums",
    "受托人 {trustee}：{sums} 个总和对应了 {partials} 个部分解密",
)  # fmt: skip
_PARTIAL_MARKED = Text(
    "partial-marked",
    "trustee {trustee}, {place}: a partial decryption marked as trustee {marked}'s",
    "受托人 {trustee}，{place}：部分解密标注的是受托人 {marked}",
)
_PARTIAL_PROOF = Text("partial-proof", "{place}: {problem}", "{place}：{problem}")
_REPEATED_TRUSTEE = Text("repeated-trustee", "repeated trustee", "受托人重复")
_OTHER_ELECTION = Text(
    "tally-other-election", "the tally is for another election", "该计票属于另一选举"
)
_TALLY_SHAPE = Text(
    "tally-shape", "the tally's questions and selections do not match the manifest",
    "计票的表决事项和选项与选举清单不符",
)  # fmt: skip
_TOO_FEW_SHARES = Text(
    "too-few-shares", "{valid} valid tally share(s), {threshold} needed",
    "有效解密份额 {valid} 份，需要 {threshold} 份",
)  # fmt: skip
_TOO_FEW_VALID = Text(
    "too-few-valid-shares", "{valid} valid tally share(s), {threshold} needed ({set_aside})",
    "有效解密份额 {valid} 份，需要 {threshold} 份（{set_aside}）",
)  # fmt: skip
_SET_ASIDE = Text("share-set-aside", "trustee {trustee}: {problem}", "受托人 {trustee}：{problem}")
_AND_SET_ASIDE = Text("shares-set-aside", "{first}; {rest}", "{first}；{rest}")
_TOTAL_EXCEEDS = Text(
    "total-exceeds", "question {question}: a total {total} exceeds its participation {bound}",
    "表决事项 {question}：总数 {total} 超过其参与数 {bound}",
)  # fmt: skip


@dataclass(frozen=True)
class Vote:
    """A counted vote: whose it is, which ballot, and its encrypted selections on one question."""

    person: PersonId
    tracking_code: Bytes32
    kind: BallotKind
    selections: tuple[Ciphertext, ...]


class SelectionAggregate(Struct):
    """The two encrypted sums of one selection."""

    headcount: Ciphertext
    area: Ciphertext


class QuestionAggregate(Struct):
    question: QuestionId
    participation: Figures
    selections: tuple[SelectionAggregate, ...]


class Tally(Struct):
    """The encrypted totals of a closed box, recomputable by anyone (spec §12.1)."""

    election: ElectionId
    fingerprint: Bytes32
    questions: tuple[QuestionAggregate, ...]

    def ciphertexts(self) -> list[Ciphertext]:
        """Every aggregate in decryption order: per question, per selection, headcount then area."""
        return [ciphertext for *_, ciphertext in self._sums()]

    def _sums(self) -> Iterator[tuple[QuestionAggregate, int, Measure, Ciphertext]]:
        """Every aggregate in decryption order, with its question, selection index and measure."""
        for question in self.questions:
            for index, selection in enumerate(question.selections):
                yield question, index, Measure.HEADCOUNT, selection.headcount
                yield question, index, Measure.AREA, selection.area


def _place(question: QuestionAggregate, index: int, measure: Measure) -> Message:
    return Message(
        _PLACE, {"question": question.question, "selection": index, "measure": _MEASURES[measure]}
    )


class TallyShare(Struct):
    """One trustee's partial decryption of every aggregate, in :meth:`Tally.ciphertexts` order."""

    trustee: TrusteeIndex
    partials: tuple[PartialDecryption, ...]


def aggregate_selections(
    width: int, votes: Iterable[tuple[int, Sequence[Ciphertext]]]
) -> tuple[SelectionAggregate, ...]:
    """Both sums of each of ``width`` selections over ``(weight, selections)`` votes (spec §12.1).

    ``G_w = Σ`` of the votes of weight w; headcount ``Σ_w G_w``; area ``Σ_w w·G_w``.
    """
    groups: dict[int, list[Ciphertext]] = {}
    for weight, selections in votes:
        if len(selections) != width:
            raise ParameterError(f"a vote with {len(selections)} selections, expected {width}")
        group = groups.get(weight)
        if group is None:
            groups[weight] = list(selections)
        else:
            groups[weight] = [a + b for a, b in zip(group, selections, strict=True)]
    ordered = sorted(groups.items())
    return tuple(
        SelectionAggregate(
            headcount=sum_ciphertexts(group[index] for _, group in ordered),
            area=sum_ciphertexts(group[index].scale(weight) for weight, group in ordered),
        )
        for index in range(width)
    )


def aggregate_votes(election: Election, votes: Mapping[QuestionId, Sequence[Vote]]) -> Tally:
    """The tally of the given live votes (spec §12.1)."""
    roll = election.roll
    questions = []
    for question in election.manifest.questions:
        counted = votes.get(question.id, [])
        selections = aggregate_selections(
            len(question.options()),
            ((roll.weight(vote.person), vote.selections) for vote in counted),
        )
        questions.append(
            QuestionAggregate(
                question=question.id,
                participation=roll.figures(vote.person for vote in counted),
                selections=selections,
            )
        )
    return Tally(
        election=election.manifest.election,
        fingerprint=Bytes32(election.fingerprint),
        questions=tuple(questions),
    )


def check_share(election: Election, tally: Tally, share: TallyShare) -> None:
    """Raise unless every partial decryption of ``share`` is valid for ``tally`` (spec §12.3).

    :class:`ThresholdError` for an unknown trustee or the wrong number of partials;
    :class:`InvalidProof` for a partial decryption whose proof fails.
    """
    sums = list(tally._sums())
    keys = election.ceremony.verification_keys
    if not 1 <= share.trustee <= len(keys):
        raise ThresholdError(_NOT_A_TRUSTEE, trustee=share.trustee)
    if len(share.partials) != len(sums):
        raise ThresholdError(
            _PARTIALS_COUNT, trustee=share.trustee, partials=len(share.partials), sums=len(sums)
        )
    key = keys[share.trustee - 1]
    for (question, index, measure, ciphertext), partial in zip(sums, share.partials, strict=True):
        if partial.trustee != share.trustee:
            raise InvalidProof(
                _PARTIAL_MARKED, trustee=share.trustee, place=_place(question, index, measure),
                marked=partial.trustee,
            )  # fmt: skip
        try:
            verify_partial_decryption(election.fingerprint, ciphertext, partial, key)
        except InvalidProof as error:
            raise InvalidProof(
                _PARTIAL_PROOF, place=_place(question, index, measure), problem=error.said
            ) from None


def _valid_shares(
    election: Election, tally: Tally, shares: Sequence[TallyShare]
) -> tuple[list[TallyShare], dict[int, Message]]:
    """The shares whose every partial decryption verifies, and why the others were set aside.

    A share set aside no longer counts against its trustee once a later share of that trustee is
    valid; a share repeating a trustee already valid is set aside as repeated.
    """
    valid: list[TallyShare] = []
    rejected: dict[int, Message] = {}
    for share in shares:
        if share.trustee in {s.trustee for s in valid}:
            rejected[share.trustee] = Message(_REPEATED_TRUSTEE)
            continue
        try:
            check_share(election, tally, share)
        except (InvalidProof, ThresholdError) as error:
            rejected[share.trustee] = error.said
            continue
        valid.append(share)
        rejected.pop(share.trustee, None)
    return valid, rejected


def _set_aside(rejected: Mapping[int, Message]) -> Message:
    """Why each share was set aside, by trustee: ``trustee 1: …; trustee 3: …``."""
    said = [
        Message(_SET_ASIDE, {"trustee": t, "problem": why}) for t, why in sorted(rejected.items())
    ]
    joined = said[-1]
    for message in reversed(said[:-1]):
        joined = Message(_AND_SET_ASIDE, {"first": message, "rest": joined})
    return joined


def combine_tally(
    election: Election, tally: Tally, shares: Sequence[TallyShare]
) -> tuple[QuestionCounts, ...]:
    """Decrypt and decode the tally from the shares of at least k trustees (spec §12.3).

    A share with any bad partial decryption is set aside; if fewer than k valid shares remain,
    :class:`ThresholdError` names the trustees set aside and why. Each headcount is decoded within
    the question's participating headcount and each area within its participating area.
    """
    if tally.fingerprint != election.fingerprint:
        raise Refused(Reason.TALLY_MISMATCH, _OTHER_ELECTION)
    shape = [(q.id, len(q.options())) for q in election.manifest.questions]
    if [(q.question, len(q.selections)) for q in tally.questions] != shape:
        raise Refused(Reason.TALLY_MISMATCH, _TALLY_SHAPE)
    threshold = election.manifest.threshold
    valid, rejected = _valid_shares(election, tally, shares)
    if len(valid) < threshold:
        if not rejected:
            raise ThresholdError(_TOO_FEW_SHARES, valid=len(valid), threshold=threshold)
        raise ThresholdError(
            _TOO_FEW_VALID, valid=len(valid), threshold=threshold, set_aside=_set_aside(rejected)
        )
    chosen = valid[:threshold]
    # Every partial decryption of the chosen shares is verified (above): combine them directly,
    # with the Lagrange coefficients of the chosen trustees computed once.
    coefficients = lagrange_coefficients(share.trustee for share in chosen)
    area_bound = max(q.participation.area for q in tally.questions)
    decodings = sum(len(q.selections) for q in tally.questions)
    decoders = {
        Measure.HEADCOUNT: DiscreteLog(max(q.participation.headcount for q in tally.questions)),
        Measure.AREA: DiscreteLog(
            area_bound, baby_steps=min(math.isqrt(area_bound * decodings) + 1, MAX_TABLE)
        ),
    }
    columns = zip(*(share.partials for share in chosen), strict=True)  # the partials per sum
    values: dict[tuple[QuestionId, int, Measure], int] = {}
    for (question, index, measure, ciphertext), partials in zip(
        tally._sums(), columns, strict=True
    ):
        value = decoders[measure].decode(combine_verified(ciphertext, partials, coefficients))
        bound = question.participation.of(measure)
        if value > bound:
            raise Refused(
                Reason.DECRYPTION_FAILED, _TOTAL_EXCEEDS,
                question=question.question, total=value, bound=bound,
            )  # fmt: skip
        values[question.question, index, measure] = value
    return tuple(
        QuestionCounts(
            question=question.question,
            participation=question.participation,
            selections=tuple(
                Figures(
                    area=values[question.question, index, Measure.AREA],
                    headcount=values[question.question, index, Measure.HEADCOUNT],
                )
                for index in range(len(question.selections))
            ),
        )
        for question in tally.questions
    )
