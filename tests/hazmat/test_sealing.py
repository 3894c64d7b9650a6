"""Sealed share boxes (spec §6.3–§6.4): libsodium-compatible, and openable by a revealed point."""

from __future__ import annotations

import nacl.bindings as sodium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nacl.public import PrivateKey, SealedBox
from nacl.public import PublicKey as X25519PublicKey

from evote.errors import InvalidPoint, ParameterError
from evote.hazmat.group import BASE
from evote.hazmat.sealing import EncryptionSecret, ephemeral_point, open_with_shared_point, seal

SECRET = EncryptionSecret.generate()


def test_x25519_key_is_the_montgomery_form_of_the_edwards_key() -> None:
    x25519_public = sodium.crypto_scalarmult_base(bytes(SECRET))
    assert x25519_public == sodium.crypto_sign_ed25519_pk_to_curve25519(bytes(SECRET.public))
    assert SECRET.public == BASE * SECRET.scalar


@given(st.binary(max_size=64))
def test_boxes_interoperate_with_libsodium_sealed_boxes(message: bytes) -> None:
    assert SealedBox(PrivateKey(bytes(SECRET))).decrypt(seal(SECRET.public, message)) == message
    x25519 = X25519PublicKey(sodium.crypto_sign_ed25519_pk_to_curve25519(bytes(SECRET.public)))
    assert SECRET.open(SealedBox(x25519).encrypt(message)) == message


@given(st.binary(max_size=64))
def test_the_revealed_point_opens_exactly_that_box(message: bytes) -> None:
    box = seal(SECRET.public, message)
    assert open_with_shared_point(SECRET.public, box, SECRET.shared_point(box)) == message
    other = seal(SECRET.public, message)
    assert open_with_shared_point(SECRET.public, other, SECRET.shared_point(box)) is None
    assert open_with_shared_point(SECRET.public, box, SECRET.shared_point(box) + BASE) is None


def test_boxes_for_another_key_do_not_open() -> None:
    box = seal(EncryptionSecret.generate().public, b"share")
    assert SECRET.open(box) is None


def test_ephemeral_keys_must_map_into_the_subgroup() -> None:
    box = seal(SECRET.public, b"x" * 32)
    assert ephemeral_point(box) * SECRET.scalar == SECRET.shared_point(box)
    for bad_u in (2**255 - 20, 2**255 - 19, 2**255 - 1, 0):
        with pytest.raises(InvalidPoint, match="sealed box"):
            ephemeral_point(bad_u.to_bytes(32, "little") + box[32:])
    with pytest.raises(InvalidPoint, match="at least 48 bytes"):
        ephemeral_point(box[:40])


def test_secrets_must_be_clamped() -> None:
    with pytest.raises(ParameterError, match="clamped"):
        EncryptionSecret(b"\x01" * 32)
