"""Selection (0/1) and range proofs (spec §5.3): complete, and broken by any single change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote.errors import InvalidProof, ParameterError
from evote.hazmat.elgamal import (
    Ciphertext,
    encrypt,
    encrypt_with_nonce,
    generate_key_pair,
    sum_ciphertexts,
)
from evote.hazmat.group import Scalar
from evote.hazmat.proofs.disjunctive import (
    MAX_RANGE_WIDTH,
    DisjunctiveProof,
    RangeStatement,
    prove_range,
    prove_selection,
    verify_range,
    verify_selection,
)
from tests.support import FINGERPRINT, fingerprints
from tests.tampering import Case, collect, flatten, tamper

_, PUBLIC = generate_key_pair()
CONTEXT = b"credential:" + bytes(range(32))


def _statement(ciphertext: Ciphertext, bounds: tuple[int, int] = (0, 1)) -> RangeStatement:
    return RangeStatement(FINGERPRINT, PUBLIC, CONTEXT, ciphertext, *bounds)


def _selection_case(value: int) -> Case:
    ciphertext, nonce = encrypt(PUBLIC, value)
    proof = prove_selection(_statement(ciphertext), value, nonce)
    return flatten(
        fingerprint=FINGERPRINT,
        public_key=PUBLIC,
        context=CONTEXT,
        alpha=ciphertext.alpha,
        beta=ciphertext.beta,
        challenges=proof.challenges,
        responses=proof.responses,
    )


def _verify_selection(case: Case) -> None:
    verify_selection(
        RangeStatement(
            case["fingerprint"],
            case["public_key"],
            case["context"],
            Ciphertext(alpha=case["alpha"], beta=case["beta"]),
        ),
        DisjunctiveProof(
            challenges=collect(case, "challenges"), responses=collect(case, "responses")
        ),
    )


def _question(values: list[int], bounds: tuple[int, int]) -> tuple[Ciphertext, DisjunctiveProof]:
    encrypted = [encrypt(PUBLIC, v) for v in values]
    total = sum_ciphertexts(c for c, _ in encrypted)
    nonce = Scalar.from_int(0)
    for _, r in encrypted:
        nonce = nonce + r
    proof = prove_range(_statement(total, bounds), sum(values), nonce)
    return total, proof


def _range_case(values: list[int], bounds: tuple[int, int]) -> Case:
    total, proof = _question(values, bounds)
    return flatten(
        fingerprint=FINGERPRINT,
        public_key=PUBLIC,
        context=CONTEXT,
        alpha=total.alpha,
        beta=total.beta,
        lo=bounds[0],
        hi=bounds[1],
        challenges=proof.challenges,
        responses=proof.responses,
    )


def _verify_range(case: Case) -> None:
    verify_range(
        RangeStatement(
            case["fingerprint"],
            case["public_key"],
            case["context"],
            Ciphertext(alpha=case["alpha"], beta=case["beta"]),
            case["lo"],
            case["hi"],
        ),
        DisjunctiveProof(
            challenges=collect(case, "challenges"), responses=collect(case, "responses")
        ),
    )


@given(st.integers(0, 1), fingerprints(), st.binary(max_size=64))
def test_honest_selection_proofs_verify(value: int, fingerprint: bytes, context: bytes) -> None:
    ciphertext, nonce = encrypt(PUBLIC, value)
    statement = RangeStatement(fingerprint, PUBLIC, context, ciphertext)
    proof = prove_selection(statement, value, nonce)
    verify_selection(statement, proof)


@given(st.integers(0, 1), st.data())
def test_any_change_breaks_a_selection_proof(value: int, data: st.DataObject) -> None:
    case = _selection_case(value)
    _verify_selection(case)
    _, tampered = tamper(data, case)
    with pytest.raises(InvalidProof, match="selection proof"):
        _verify_selection(tampered)


@st.composite
def questions(draw: st.DrawFn) -> tuple[list[int], tuple[int, int]]:
    """Selections of a question and bounds their sum lies in."""
    values = draw(st.lists(st.integers(0, 1), min_size=1, max_size=8))
    total = sum(values)
    lo = draw(st.integers(0, total))
    hi = draw(st.integers(total, len(values)))
    return values, (lo, hi)


@given(questions())
def test_honest_range_proofs_verify(question: tuple[list[int], tuple[int, int]]) -> None:
    values, bounds = question
    total, proof = _question(values, bounds)
    assert len(proof.challenges) == bounds[1] - bounds[0] + 1
    verify_range(_statement(total, bounds), proof)


@given(questions(), st.data())
def test_any_change_breaks_a_range_proof(
    question: tuple[list[int], tuple[int, int]], data: st.DataObject
) -> None:
    case = _range_case(*question)
    _verify_range(case)
    _, tampered = tamper(data, case)
    with pytest.raises((InvalidProof, ParameterError)):
        _verify_range(tampered)


def test_exactly_one_of_three() -> None:
    total, proof = _question([0, 1, 0], (1, 1))
    verify_range(_statement(total, (1, 1)), proof)
    two, _ = _question([1, 1, 0], (2, 2))
    with pytest.raises(InvalidProof):
        verify_range(_statement(two, (1, 1)), proof)


def test_a_value_outside_the_range_cannot_be_proved() -> None:
    ciphertext, nonce = encrypt(PUBLIC, 2)
    with pytest.raises(ParameterError, match="outside the range"):
        prove_selection(_statement(ciphertext), 2, nonce)
    with pytest.raises(ParameterError, match="outside the range"):
        prove_range(_statement(ciphertext, (0, 1)), 2, nonce)


def test_a_proof_for_a_lie_does_not_verify() -> None:
    # The prover claims 1 while the ciphertext holds 2: the honest prover algorithm yields garbage.
    ciphertext, nonce = encrypt(PUBLIC, 2)
    one, _ = encrypt(PUBLIC, 1)
    lying = prove_selection(_statement(one), 1, nonce)
    with pytest.raises(InvalidProof):
        verify_selection(_statement(ciphertext), lying)


def test_selection_and_range_proofs_are_domain_separated() -> None:
    ciphertext, nonce = encrypt(PUBLIC, 1)
    proof = prove_selection(_statement(ciphertext), 1, nonce)
    with pytest.raises(InvalidProof):
        verify_range(_statement(ciphertext, (0, 1)), proof)


def test_wrong_number_of_branches_is_named() -> None:
    ciphertext, nonce = encrypt(PUBLIC, 1)
    proof = prove_selection(_statement(ciphertext), 1, nonce)
    short = DisjunctiveProof(challenges=proof.challenges[:1], responses=proof.responses[:1])
    with pytest.raises(InvalidProof, match="expected 2 challenges and responses, found 1 and 1"):
        verify_selection(_statement(ciphertext), short)


@pytest.mark.parametrize("bounds", [(-1, 1), (2, 1), (0, MAX_RANGE_WIDTH + 1)])
def test_bad_bounds_are_refused(bounds: tuple[int, int]) -> None:
    ciphertext, _ = encrypt(PUBLIC, 1)
    with pytest.raises(ParameterError, match="range"):
        _statement(ciphertext, bounds)


def test_a_selection_is_proved_in_zero_to_one_only() -> None:
    ciphertext, nonce = encrypt(PUBLIC, 1)
    with pytest.raises(ParameterError, match=r"\[0, 1\]"):
        prove_selection(_statement(ciphertext, (1, 2)), 1, nonce)


def test_a_selection_in_the_clear_is_refused() -> None:
    # Nonce 0 gives α = O and β = m·G: a valid proof exists, but the vote is not secret.
    zero = Scalar.from_int(0)
    ciphertext = encrypt_with_nonce(PUBLIC, 1, zero)
    proof = prove_selection(_statement(ciphertext), 1, zero)
    with pytest.raises(InvalidProof, match="α = O"):
        verify_selection(_statement(ciphertext), proof)
