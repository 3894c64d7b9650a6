"""Threshold decryption (spec §6.5–§6.6): every subset of ≥ k trustees decrypts, smaller ones cannot."""

from __future__ import annotations

import itertools

import pytest

from evote._internal.trustees.decryption import PartialDecryption, combine_partial_decryptions
from evote.errors import InvalidProof, ParameterError, ThresholdError
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import encrypt, sum_ciphertexts
from evote.hazmat.group import BASE
from tests.support import FINGERPRINT, ceremony

SHAPES = [(n, k) for n in range(1, 6) for k in range(1, n + 1)]


@pytest.mark.parametrize(("trustees", "threshold"), SHAPES)
def test_every_subset_of_at_least_k_decrypts_and_smaller_ones_are_refused(
    trustees: int, threshold: int
) -> None:
    outcome, keys = ceremony(trustees, threshold)
    total = sum_ciphertexts(encrypt(outcome.joint_key, 1)[0].scale(w) for w in (3, 4, 5))
    partials = [key.partial_decrypt(FINGERPRINT, total) for key in keys]
    decoder = DiscreteLog(100)
    for size in range(1, trustees + 1):
        for subset in itertools.combinations(partials, size):
            if size >= threshold:
                point = combine_partial_decryptions(
                    FINGERPRINT, total, subset, outcome.verification_keys, threshold
                )
                assert decoder.decode(point) == 12
            else:
                with pytest.raises(ThresholdError, match=f"at least {threshold} are needed"):
                    combine_partial_decryptions(
                        FINGERPRINT, total, subset, outcome.verification_keys, threshold
                    )


def test_fewer_than_k_partials_do_not_give_the_plaintext_even_unchecked() -> None:
    # Interpolating k − 1 shares as if they were enough yields a wrong point: the threshold is real.
    from evote._internal.trustees.polynomial import lagrange_coefficients  # noqa: PLC0415

    outcome, keys = ceremony(5, 3)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    partials = [key.partial_decrypt(FINGERPRINT, ciphertext) for key in keys[:2]]
    coefficients = lagrange_coefficients([p.trustee for p in partials])
    point = ciphertext.beta
    for partial in partials:
        point = point - partial.point * coefficients[partial.trustee]
    assert point != BASE


def test_a_bad_partial_decryption_is_rejected_by_name() -> None:
    outcome, keys = ceremony(3, 2)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    good = [key.partial_decrypt(FINGERPRINT, ciphertext) for key in keys]
    bad = PartialDecryption(trustee=2, point=good[1].point + BASE, proof=good[1].proof)
    with pytest.raises(InvalidProof, match="partial decryption of trustee 2"):
        combine_partial_decryptions(
            FINGERPRINT, ciphertext, [good[0], bad], outcome.verification_keys, 2
        )
    # The honest pair still decrypts.
    point = combine_partial_decryptions(
        FINGERPRINT, ciphertext, [good[0], good[2]], outcome.verification_keys, 2
    )
    assert point == BASE


def test_a_partial_decryption_of_another_ciphertext_or_election_is_rejected() -> None:
    outcome, keys = ceremony(3, 2)
    first, _ = encrypt(outcome.joint_key, 1)
    second, _ = encrypt(outcome.joint_key, 1)
    partials = [key.partial_decrypt(FINGERPRINT, first) for key in keys[:2]]
    with pytest.raises(InvalidProof):
        combine_partial_decryptions(FINGERPRINT, second, partials, outcome.verification_keys, 2)
    with pytest.raises(InvalidProof):
        combine_partial_decryptions(bytes(32), first, partials, outcome.verification_keys, 2)


def test_a_partial_decryption_claimed_by_another_trustee_is_rejected() -> None:
    outcome, keys = ceremony(3, 2)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    partial = keys[0].partial_decrypt(FINGERPRINT, ciphertext)
    impostor = PartialDecryption(trustee=3, point=partial.point, proof=partial.proof)
    with pytest.raises(InvalidProof, match="trustee 3"):
        combine_partial_decryptions(
            FINGERPRINT,
            ciphertext,
            [keys[1].partial_decrypt(FINGERPRINT, ciphertext), impostor],
            outcome.verification_keys,
            2,
        )


def test_duplicate_and_unknown_trustees_are_refused() -> None:
    outcome, keys = ceremony(3, 2)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    partial = keys[0].partial_decrypt(FINGERPRINT, ciphertext)
    with pytest.raises(ThresholdError, match="appears twice"):
        combine_partial_decryptions(
            FINGERPRINT, ciphertext, [partial, partial], outcome.verification_keys, 2
        )
    stranger = PartialDecryption(trustee=4, point=partial.point, proof=partial.proof)
    with pytest.raises(ThresholdError, match="unknown trustee"):
        combine_partial_decryptions(
            FINGERPRINT, ciphertext, [partial, stranger], outcome.verification_keys, 2
        )


def test_the_zero_ciphertext_decrypts_to_zero() -> None:
    outcome, keys = ceremony(3, 2)
    empty = sum_ciphertexts([])
    partials = [key.partial_decrypt(FINGERPRINT, empty) for key in keys[1:]]
    point = combine_partial_decryptions(FINGERPRINT, empty, partials, outcome.verification_keys, 2)
    assert point.is_identity()


@pytest.mark.parametrize("threshold", [0, -1, 4])
def test_a_threshold_outside_the_ceremony_is_refused(threshold: int) -> None:
    outcome, keys = ceremony(3, 2)
    ciphertext, _ = encrypt(outcome.joint_key, 1)
    partials = [key.partial_decrypt(FINGERPRINT, ciphertext) for key in keys]
    with pytest.raises(ParameterError, match="threshold"):
        combine_partial_decryptions(
            FINGERPRINT, ciphertext, partials, outcome.verification_keys, threshold
        )
