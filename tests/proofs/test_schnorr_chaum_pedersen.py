"""Schnorr (spec §5.1) and Chaum–Pedersen (spec §5.2) proofs, through their real uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote._internal.trustees.ceremony import coefficient_statement, trustee_key_statement
from evote._internal.trustees.decryption import PartialDecryption, verify_partial_decryption
from evote.errors import InvalidProof
from evote.hazmat.elgamal import Ciphertext, encrypt
from evote.hazmat.group import BASE, PublicKey, Scalar
from evote.hazmat.proofs.chaum_pedersen import ChaumPedersenProof
from evote.hazmat.proofs.schnorr import SchnorrProof, knowledge_holds, prove_knowledge
from tests.support import FINGERPRINT, ceremony, fingerprints, nonzero_scalars
from tests.tampering import Case, flatten, tamper


@given(nonzero_scalars(), fingerprints(), st.integers(1, 64))
def test_honest_schnorr_proofs_verify(secret: Scalar, fingerprint: bytes, trustee: int) -> None:
    public = PublicKey.from_point(BASE * secret)
    proof = prove_knowledge(trustee_key_statement(fingerprint, trustee), secret, public)
    assert knowledge_holds(trustee_key_statement(fingerprint, trustee), proof, public)


def _schnorr_holds(case: Case) -> bool:
    return knowledge_holds(
        trustee_key_statement(case["fingerprint"], case["trustee"]),
        SchnorrProof(challenge=case["challenge"], response=case["response"]),
        case["public"],
    )


@given(nonzero_scalars(), st.data())
def test_any_change_breaks_a_schnorr_proof(secret: Scalar, data: st.DataObject) -> None:
    public = PublicKey.from_point(BASE * secret)
    proof = prove_knowledge(trustee_key_statement(FINGERPRINT, 2), secret, public)
    case = flatten(
        fingerprint=FINGERPRINT,
        trustee=2,
        public=public,
        challenge=proof.challenge,
        response=proof.response,
    )
    assert _schnorr_holds(case)
    _, tampered = tamper(data, case)
    assert not _schnorr_holds(tampered)


@given(nonzero_scalars())
def test_schnorr_proofs_are_bound_to_their_use(secret: Scalar) -> None:
    public = PublicKey.from_point(BASE * secret)
    proof = prove_knowledge(trustee_key_statement(FINGERPRINT, 1), secret, public)
    assert knowledge_holds(trustee_key_statement(FINGERPRINT, 1), proof, public)
    assert not knowledge_holds(coefficient_statement(FINGERPRINT, 1, 0), proof, public)


def _partial_case() -> tuple[Case, PublicKey]:
    outcome, keys = ceremony(3, 2)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    partial = keys[1].partial_decrypt(FINGERPRINT, ciphertext)
    case = flatten(
        fingerprint=FINGERPRINT,
        alpha=ciphertext.alpha,
        beta=ciphertext.beta,
        trustee=partial.trustee,
        point=partial.point,
        challenge=partial.proof.challenge,
        response=partial.proof.response,
        verification_key=keys[1].verification_key,
    )
    return case, keys[1].verification_key


def _verify_partial(case: Case) -> None:
    verify_partial_decryption(
        case["fingerprint"],
        Ciphertext(alpha=case["alpha"], beta=case["beta"]),
        PartialDecryption(
            trustee=case["trustee"],
            point=case["point"],
            proof=ChaumPedersenProof(challenge=case["challenge"], response=case["response"]),
        ),
        case["verification_key"],
    )


def test_honest_partial_decryption_verifies() -> None:
    case, _ = _partial_case()
    _verify_partial(case)


@given(st.data())
def test_any_change_breaks_a_partial_decryption(data: st.DataObject) -> None:
    case, _ = _partial_case()
    _, tampered = tamper(data, case)
    with pytest.raises(InvalidProof, match="partial decryption"):
        _verify_partial(tampered)
