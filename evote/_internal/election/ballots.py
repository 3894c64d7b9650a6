"""Encrypted ballots: preparation on the owner's device, checks, tracking codes, challenges (spec §10.2).

A ballot holds, per question, one exponential ElGamal ciphertext per selection (1 = chosen) with a
0/1 proof each, and a range proof that the number of chosen selections lies in the question's bounds.
Every proof is bound to the election fingerprint and, through its context, to the person, the
signing credential, the question and the selection, so that no part of a ballot can be moved to
another voter, question or place. The ballot is signed by the credential; its tracking code is the
hash of the whole signed ballot.

Before casting, the voter may challenge the ballot (Benaloh): the device reveals every nonce, anyone
re-checks the encryption, and the challenged ballot is spoiled for good. The same format serves a
proxy's ballot for an owner (with the delegation's id) and a paper ballot entered by the convener
(with the hash of its scan).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from evote._internal.election.election import Election
from evote._internal.election.manifest import Motion, Question
from evote._internal.encoding import Bytes32, Struct, encode
from evote._internal.ids import PersonId, QuestionId
from evote._internal.messages import Text
from evote.errors import InvalidProof, ParameterError, Reason, Refused
from evote.hazmat.elgamal import Ciphertext, encrypt, encrypt_with_nonce, sum_ciphertexts
from evote.hazmat.group import Scalar
from evote.hazmat.proofs.disjunctive import (
    DisjunctiveProof,
    RangeStatement,
    prove_range,
    prove_selection,
    verify_range,
    verify_selection,
)
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import Signature, SigningKey, VerifyKey, verify_signature
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "MAX_COUNTER",
    "Ballot",
    "BallotBody",
    "BallotKind",
    "OpenedBallot",
    "ProofsChecked",
    "QuestionBallot",
    "QuestionOpening",
    "check_ballot",
    "check_ballot_proofs",
    "check_ballot_signature",
    "check_opened_ballot",
    "check_openings",
    "prepare_ballot",
    "proof_context",
]


#: The largest ballot counter: a JSON-safe integer (spec §10.2).
MAX_COUNTER: Final = 2**53 - 1

_BALLOT = Text("ballot", "ballot", "选票")
_OTHER_FINGERPRINT = Text(
    "ballot-fingerprint",
    "ballot for election {election!r} with another fingerprint, not this election {this!r}",
    "选票属于选举 {election!r}，选举指纹不同，不是本次选举 {this!r}",
)
_QUESTIONS_COVERED = Text(
    "ballot-questions", "ballot covers questions {found!r}, expected {expected!r}",
    "选票涵盖的表决事项为 {found!r}，应为 {expected!r}",
)  # fmt: skip
_QUESTION_WIDTH = Text(
    "ballot-width",
    "question {question}: expected {width} selections and proofs, found {selections} and {proofs}",
    "表决事项 {question}：应有 {width} 个选项及其证明，实有 {selections} 个选项和 {proofs} 个证明",
)
_SELECTION_PROOF = Text(
    "selection-proof", "question {question}, selection {selection}: {problem}",
    "表决事项 {question} 选项 {selection}：{problem}",
)  # fmt: skip
_RANGE_PROOF = Text(
    "range-proof", "question {question}: {problem}", "表决事项 {question}：{problem}"
)
_OPENINGS_QUESTIONS = Text(
    "openings-questions", "the openings do not cover the ballot's questions in order",
    "查验公开的数据未按顺序涵盖选票的各表决事项",
)  # fmt: skip
_OPENING_LENGTH = Text(
    "opening-length", "question {question}: opening of the wrong length",
    "表决事项 {question}：公开的数据长度不符",
)  # fmt: skip
_OPENING_MISMATCH = Text(
    "opening-mismatch",
    "question {question}, selection {selection}: the opening does not reproduce the ciphertext",
    "表决事项 {question} 选项 {selection}：公开的数据不能重现密文",
)


class BallotKind(enum.StrEnum):
    DIRECT = "direct"  # cast by the person with their own credential
    PROXY = "proxy"  # cast for the person by a proxy, under a delegation
    PAPER = "paper"  # a returned paper ballot, entered by the convener


class QuestionBallot(Struct):
    """One question: a ciphertext and a 0/1 proof per selection, and a range proof on their sum."""

    question: QuestionId
    selections: tuple[Ciphertext, ...]
    proofs: tuple[DisjunctiveProof, ...]
    range_proof: DisjunctiveProof


class BallotBody(Struct):
    """What the credential signs (spec §10.2).

    ``counter`` orders the ballots one credential signs for one person: the signer's order, not
    the order in which the board received them (1 … 2^53 − 1; each used once). ``delegation`` is
    set exactly for proxy ballots (the delegation's id), ``scan`` exactly for paper ballots
    (SHA-256 of the scanned paper).
    """

    election: str
    fingerprint: Bytes32
    person: PersonId
    kind: BallotKind
    credential: VerifyKey
    counter: int
    delegation: Bytes32 | None
    scan: Bytes32 | None
    questions: tuple[QuestionBallot, ...]


class Ballot(Struct, dict=True):
    body: BallotBody
    signature: Signature

    def tracking_code(self) -> Bytes32:
        """``SHA-256(TAG "evote/v1/ballot" ‖ BYTES canonical JSON of the ballot)`` (spec §10.2)."""
        return self._tracking_code

    @cached_property
    def _tracking_code(self) -> Bytes32:
        return Bytes32(Transcript(Domain.BALLOT).data(encode(self)).digest())


class QuestionOpening(Struct):
    """The plaintext values and nonces of one question's selections."""

    question: QuestionId
    values: tuple[int, ...]
    nonces: tuple[Scalar, ...]


class OpenedBallot(Struct):
    """A ballot with its openings: secret on the device; published when challenged (spec §10.3)."""

    ballot: Ballot
    openings: tuple[QuestionOpening, ...]


def proof_context(
    person: PersonId, credential: VerifyKey, question: QuestionId, selection: int | None
) -> bytes:
    """The context of a selection proof (``selection`` its index) or a range proof (None) (§10.2).

    ``SHA-256(TAG "evote/v1/ballot-context" ‖ TEXT person ‖ BYTES credential ‖ TEXT question
    [‖ UINT selection])``.
    """
    transcript = Transcript(Domain.BALLOT_CONTEXT).text(person).data(credential).text(question)
    if selection is not None:
        transcript.uint(selection)
    return transcript.digest()


def _chosen_values(question: Question, choice: Collection[int]) -> tuple[int, ...]:
    """The 0/1 value of each selection for the chosen indices; a blank motion is abstain."""
    options = question.options()
    chosen = set(choice)
    if len(chosen) != len(choice):
        raise ParameterError(f"question {question.id}: a selection is chosen twice")
    if isinstance(question, Motion) and not chosen:
        chosen = {Motion.ABSTAIN}  # domain rule 12: a blank motion counts as abstain
    if any(not 0 <= index < len(options) for index in chosen):
        raise ParameterError(
            f"question {question.id}: selections are numbered 0…{len(options) - 1}"
        )
    lo, hi = question.bounds()
    if not lo <= len(chosen) <= hi:
        raise ParameterError(
            f"question {question.id}: {len(chosen)} selection(s) chosen, allowed {lo} to {hi}"
        )
    return tuple(int(index in chosen) for index in range(len(options)))


def prepare_ballot(
    election: Election,
    person: PersonId,
    signer: SigningKey,
    choices: Mapping[QuestionId, Collection[int]],
    *,
    counter: int,
    kind: BallotKind = BallotKind.DIRECT,
    questions: Sequence[QuestionId] | None = None,
    delegation: Bytes32 | None = None,
    scan: Bytes32 | None = None,
    randomness: Randomness = OS_RANDOMNESS,
) -> OpenedBallot:
    """Encrypt, prove and sign a ballot on the voter's device (spec §10.2).

    ``choices`` maps each question to the indices of its chosen selections (see each question's
    ``options()``); a question left out is blank. ``counter`` is greater than that of every earlier
    ballot ``signer`` signed for ``person``: of their ballots the box counts the greatest.
    ``questions`` limits the ballot to some questions (a proxy's delegated scope); by default it
    covers all of them, in manifest order. The result keeps the openings: cast ``.ballot``, or
    publish the whole to challenge it.
    """
    if not 1 <= counter <= MAX_COUNTER:
        raise ParameterError(f"a ballot counter is 1 … {MAX_COUNTER}, not {counter}")
    manifest = election.manifest
    covered = _covered_questions(election, questions)
    unknown = set(choices) - {q.id for q in covered}
    if unknown:
        raise ParameterError(f"choices for question(s) not on this ballot: {sorted(unknown)}")
    credential = signer.verify_key
    parts, openings = [], []
    for question in covered:
        values = _chosen_values(question, choices.get(question.id, ()))
        part, nonces = _encrypt_question(election, person, credential, question, values, randomness)
        parts.append(part)
        openings.append(QuestionOpening(question=question.id, values=values, nonces=nonces))
    body = BallotBody(
        election=manifest.election,
        fingerprint=Bytes32(election.fingerprint),
        person=person,
        kind=kind,
        credential=credential,
        counter=counter,
        delegation=delegation,
        scan=scan,
        questions=tuple(parts),
    )
    ballot = Ballot(body=body, signature=signer.sign(Domain.SIGN_BALLOT, body))
    return OpenedBallot(ballot=ballot, openings=tuple(openings))


def _covered_questions(
    election: Election, questions: Sequence[QuestionId] | None
) -> tuple[Question, ...]:
    manifest = election.manifest
    if questions is None:
        return manifest.questions
    wanted = set(questions)
    if len(wanted) != len(questions) or not wanted:
        raise ParameterError("a ballot's questions must be distinct and not empty")
    for question in wanted:
        manifest.question(question)  # raises for an unknown question
    return tuple(q for q in manifest.questions if q.id in wanted)


def _encrypt_question(
    election: Election,
    person: PersonId,
    credential: VerifyKey,
    question: Question,
    values: tuple[int, ...],
    randomness: Randomness,
) -> tuple[QuestionBallot, tuple[Scalar, ...]]:
    key, fingerprint = election.joint_key, election.fingerprint
    selections, proofs, nonces = [], [], []
    for index, value in enumerate(values):
        ciphertext, nonce = encrypt(key, value, randomness=randomness)
        context = proof_context(person, credential, question.id, index)
        statement = RangeStatement(fingerprint, key, context, ciphertext)
        proofs.append(prove_selection(statement, value, nonce, randomness=randomness))
        selections.append(ciphertext)
        nonces.append(nonce)
    total_nonce = nonces[0]
    for nonce in nonces[1:]:
        total_nonce = total_nonce + nonce
    lo, hi = question.bounds()
    context = proof_context(person, credential, question.id, None)
    statement = RangeStatement(fingerprint, key, context, sum_ciphertexts(selections), lo, hi)
    range_proof = prove_range(statement, sum(values), total_nonce, randomness=randomness)
    part = QuestionBallot(
        question=question.id,
        selections=tuple(selections),
        proofs=tuple(proofs),
        range_proof=range_proof,
    )
    return part, tuple(nonces)


def check_ballot(election: Election, ballot: Ballot, questions: Sequence[QuestionId]) -> None:
    """Check a ballot's form, signature and every proof (spec §10.2).

    ``questions`` are the questions it must cover, in manifest order (all of them, or a delegated
    scope). Raises :class:`~evote.errors.Refused` for a ballot of another election
    (``wrong-fingerprint``) or of the wrong questions or shape (``malformed``),
    :class:`~evote.errors.InvalidSignature`, or :class:`InvalidProof` naming the question and
    selection.
    """
    check_ballot_signature(election, ballot, questions)
    check_ballot_proofs(election, ballot)


def check_ballot_signature(
    election: Election, ballot: Ballot, questions: Sequence[QuestionId]
) -> None:
    """The cheap part of :func:`check_ballot`: the ballot's form and its signature (spec §10.2)."""
    body = ballot.body
    manifest = election.manifest
    if body.election != manifest.election or body.fingerprint != election.fingerprint:
        raise Refused(
            Reason.WRONG_FINGERPRINT, _OTHER_FINGERPRINT,
            election=body.election, this=manifest.election,
        )  # fmt: skip
    if [part.question for part in body.questions] != list(questions):
        raise Refused(
            Reason.MALFORMED, _QUESTIONS_COVERED,
            found=[p.question for p in body.questions], expected=list(questions),
        )  # fmt: skip
    for part in body.questions:
        width = len(manifest.question(part.question).options())
        if len(part.selections) != width or len(part.proofs) != width:
            raise Refused(
                Reason.MALFORMED, _QUESTION_WIDTH, question=part.question, width=width,
                selections=len(part.selections), proofs=len(part.proofs),
            )  # fmt: skip
    verify_signature(body.credential, Domain.SIGN_BALLOT, body, ballot.signature, what=_BALLOT)


def check_ballot_proofs(election: Election, ballot: Ballot) -> None:
    """The costly part of :func:`check_ballot`: every selection and range proof (spec §10.2).

    Assumes the form was checked (:func:`check_ballot_signature`). Raises :class:`InvalidProof`
    naming the question and selection that does not hold.
    """
    body = ballot.body
    key, fingerprint = election.joint_key, election.fingerprint
    for part in body.questions:
        question = election.manifest.question(part.question)
        for index, (ciphertext, proof) in enumerate(zip(part.selections, part.proofs, strict=True)):
            context = proof_context(body.person, body.credential, part.question, index)
            try:
                verify_selection(RangeStatement(fingerprint, key, context, ciphertext), proof)
            except InvalidProof as error:
                raise InvalidProof(
                    _SELECTION_PROOF, question=part.question, selection=index, problem=error.said
                ) from error
        context = proof_context(body.person, body.credential, part.question, None)
        lo, hi = question.bounds()
        total = sum_ciphertexts(part.selections)
        try:
            verify_range(RangeStatement(fingerprint, key, context, total, lo, hi), part.range_proof)
        except InvalidProof as error:
            raise InvalidProof(_RANGE_PROOF, question=part.question, problem=error.said) from error


@dataclass(frozen=True, slots=True)
class ProofsChecked:
    """That every proof of the ballot ``tracking_code`` holds in the election ``fingerprint``.

    :meth:`check` makes it, in whatever process it runs (a pool of workers), so that the process
    which casts the ballot need not check the proofs again (spec §10.2, §14.2).
    """

    tracking_code: bytes
    fingerprint: bytes

    @classmethod
    def check(cls, election: Election, ballot: Ballot) -> ProofsChecked:
        """Check every proof of ``ballot`` (:func:`check_ballot_proofs`) and say so."""
        check_ballot_proofs(election, ballot)
        return cls(tracking_code=bytes(ballot.tracking_code()), fingerprint=election.fingerprint)


def check_opened_ballot(
    election: Election, opened: OpenedBallot, questions: Sequence[QuestionId]
) -> None:
    """Check a challenged ballot: the ballot itself, and that its openings re-encrypt it (§10.3).

    Raises what :func:`check_ballot` raises, and :class:`InvalidProof` when an opening does not
    reproduce its ciphertext.
    """
    check_ballot(election, opened.ballot, questions)
    check_openings(election, opened)


def check_openings(election: Election, opened: OpenedBallot) -> None:
    """That the openings of a challenged ballot re-encrypt its ciphertexts (spec §10.3)."""
    parts = opened.ballot.body.questions
    if [o.question for o in opened.openings] != [p.question for p in parts]:
        raise Refused(Reason.MALFORMED, _OPENINGS_QUESTIONS)
    key = election.joint_key
    for part, opening in zip(parts, opened.openings, strict=True):
        if len(opening.values) != len(part.selections) or len(opening.nonces) != len(
            part.selections
        ):
            raise Refused(Reason.MALFORMED, _OPENING_LENGTH, question=part.question)
        for index, (ciphertext, value, nonce) in enumerate(
            zip(part.selections, opening.values, opening.nonces, strict=True)
        ):
            if value not in (0, 1) or encrypt_with_nonce(key, value, nonce) != ciphertext:
                raise InvalidProof(_OPENING_MISMATCH, question=part.question, selection=index)
