"""Exponential ElGamal (spec §4): decrypt(Σ wᵢ·Enc(mᵢ)) = Σ wᵢ·mᵢ."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote.errors import ParameterError
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import (
    Ciphertext,
    decrypt_to_point,
    encode_message,
    encrypt,
    generate_key_pair,
    sum_ciphertexts,
)
from evote.hazmat.group import BASE, IDENTITY, ORDER, Scalar

SECRET, PUBLIC = generate_key_pair()
DECODER = DiscreteLog(100 * 10_000)

votes = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 10_000)),  # (message, weight)
    min_size=0,
    max_size=8,
)


@given(votes)
def test_weighted_sum_decrypts_to_weighted_sum_of_messages(pairs: list[tuple[int, int]]) -> None:
    ciphertexts = [encrypt(PUBLIC, m)[0].scale(w) for m, w in pairs]
    total = sum_ciphertexts(ciphertexts)
    assert DECODER.decode(decrypt_to_point(SECRET, total)) == sum(m * w for m, w in pairs)


@given(st.lists(st.integers(0, 50), max_size=6))
def test_sum_decrypts_to_sum(messages: list[int]) -> None:
    total = sum_ciphertexts(encrypt(PUBLIC, m)[0] for m in messages)
    assert DECODER.decode(decrypt_to_point(SECRET, total)) == sum(messages)


def test_empty_sum_and_zero_weight_are_the_zero_ciphertext() -> None:
    assert sum_ciphertexts([]) == Ciphertext.zero()
    ciphertext, _ = encrypt(PUBLIC, 1)
    assert ciphertext.scale(0) == Ciphertext(alpha=IDENTITY, beta=IDENTITY)
    assert decrypt_to_point(SECRET, Ciphertext.zero()) == IDENTITY


def test_encryption_is_randomised_and_uses_the_returned_nonce() -> None:
    first, nonce = encrypt(PUBLIC, 1)
    second, _ = encrypt(PUBLIC, 1)
    assert first != second
    assert first.alpha == BASE * nonce
    assert first.beta == BASE + PUBLIC * nonce


def test_addition_is_componentwise() -> None:
    a, _ = encrypt(PUBLIC, 1)
    b, _ = encrypt(PUBLIC, 0)
    assert a + b == Ciphertext(alpha=a.alpha + b.alpha, beta=a.beta + b.beta)


def test_messages_encode_as_multiples_of_the_base() -> None:
    assert encode_message(0) == IDENTITY
    assert encode_message(1) == BASE
    assert encode_message(1234) == BASE * Scalar.from_int(1234)


@pytest.mark.parametrize("message", [-1, ORDER])
def test_messages_outside_range_are_refused(message: int) -> None:
    with pytest.raises(ParameterError, match="message"):
        encrypt(PUBLIC, message)


@pytest.mark.parametrize("weight", [-1, ORDER])
def test_weights_outside_range_are_refused(weight: int) -> None:
    ciphertext, _ = encrypt(PUBLIC, 1)
    with pytest.raises(ParameterError, match="weight"):
        ciphertext.scale(weight)
