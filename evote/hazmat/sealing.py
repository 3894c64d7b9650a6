"""Sealed boxes for key-ceremony shares, with publicly checkable openings (spec §6.3).

A share travels in a libsodium sealed box (X25519, XSalsa20-Poly1305) to the recipient trustee's
ceremony encryption key. That X25519 key is derived so that it also has an Edwards form in our group:
the secret is a clamped 32-byte string ``t`` whose residue ``x = t mod ℓ`` is the Edwards secret, with
``P = x·G`` and X25519 public key ``u(P)`` (the Montgomery u-coordinate of P). Then the box's
Diffie–Hellman value ``X25519(t, epk)`` equals ``u(x·E)``, where E is the Edwards point of the box's
ephemeral key — so a recipient can reveal ``Z = x·E`` with a Chaum–Pedersen proof, and anyone can
open that one box, without the recipient's secret (spec §6.4).
"""

from __future__ import annotations

from typing import Final, Self

import nacl.bindings as sodium
from nacl.exceptions import CryptoError

from evote.errors import InvalidPoint, ParameterError
from evote.hazmat.group import BASE, ORDER, Point, PublicKey, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness

__all__ = [
    "SEAL_OVERHEAD",
    "EncryptionSecret",
    "clamp",
    "ephemeral_point",
    "open_with_shared_point",
    "seal",
]

#: Bytes a sealed box adds to its plaintext: the ephemeral key (32) and the MAC (16).
SEAL_OVERHEAD: Final = 48

_FIELD_PRIME: Final = 2**255 - 19
# X25519 with this clamped scalar maps every point of order ℓ to its own u-coordinate, because
# 5ℓ − 1 ≡ −1 (mod ℓ) and u(−Q) = u(Q). crypto_box_beforenm(S, _UNIT) is therefore HSalsa20(S, 0),
# the box key of the Diffie–Hellman value S (spec §6.4).
_UNIT: Final = (5 * ORDER - 1).to_bytes(32, "little")


def _is_clamped(raw: bytes) -> bool:
    return len(raw) == 32 and raw[0] & 7 == 0 and raw[31] & 0xC0 == 0x40


def clamp(random: bytes) -> bytes:
    """32 uniformly random bytes in clamped X25519 form (spec §6.3), not yet checked as a secret."""
    raw = bytearray(random)
    raw[0] &= 248
    raw[31] = (raw[31] & 127) | 64
    return bytes(raw)


class EncryptionSecret:
    """A trustee's ceremony encryption secret: a clamped X25519 secret with an Edwards residue."""

    __slots__ = ("_public", "_raw", "_scalar")

    def __init__(self, raw: bytes) -> None:
        if not _is_clamped(raw):
            raise ParameterError("encryption secret: expected 32 bytes in clamped X25519 form")
        self._raw = bytes(raw)
        self._scalar = Scalar.from_int(int.from_bytes(raw, "little"))
        if self._scalar.is_zero():
            raise ParameterError("encryption secret: residue modulo ℓ is zero")
        self._public = PublicKey.from_point(BASE * self._scalar)

    @classmethod
    def from_random_bytes(cls, random: bytes) -> Self:
        """Clamp 32 uniformly random bytes into a secret (the X25519 convention)."""
        return cls(clamp(random))

    @classmethod
    def generate(cls, *, randomness: Randomness = OS_RANDOMNESS) -> Self:
        return cls.from_random_bytes(randomness.bytes(32))

    @property
    def scalar(self) -> Scalar:
        """The Edwards secret x = t mod ℓ."""
        return self._scalar

    @property
    def public(self) -> PublicKey:
        """The Edwards public key P = x·G, whose u-coordinate is the X25519 public key."""
        return self._public

    def __bytes__(self) -> bytes:
        return self._raw

    def open(self, box: bytes) -> bytes | None:
        """The plaintext of a sealed box addressed to this key, or None if it does not open."""
        try:
            return sodium.crypto_box_seal_open(box, _x25519_public(self._public), self._raw)
        except CryptoError:
            return None

    def shared_point(self, box: bytes) -> Point:
        """``Z = x·E`` for the box's ephemeral point E (the value a complaint reveals)."""
        return ephemeral_point(box) * self._scalar


def _x25519_public(public: PublicKey) -> bytes:
    return sodium.crypto_sign_ed25519_pk_to_curve25519(bytes(public))


def _nonce(ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    """BLAKE2b-192(epk ‖ pk), unkeyed: the nonce of a sealed box, as crypto_box_seal derives it."""
    return sodium.crypto_generichash_blake2b_salt_personal(
        ephemeral_public + recipient_public, digest_size=24
    )


def seal(
    recipient: PublicKey, plaintext: bytes, *, randomness: Randomness = OS_RANDOMNESS
) -> bytes:
    """A sealed box of ``plaintext`` for ``recipient``, with a fresh ephemeral key.

    Exactly libsodium's crypto_box_seal, with the ephemeral secret drawn from ``randomness``:
    ``epk ‖ crypto_box_easy(m, nonce = BLAKE2b-192(epk ‖ pk), pk, esk)``.
    """
    ephemeral_secret = randomness.bytes(32)
    public = _x25519_public(recipient)
    ephemeral_public = sodium.crypto_scalarmult_base(ephemeral_secret)
    nonce = _nonce(ephemeral_public, public)
    return ephemeral_public + sodium.crypto_box_easy(plaintext, nonce, public, ephemeral_secret)


def ephemeral_point(box: bytes) -> Point:
    """The Edwards point E (sign bit 0) of a sealed box's ephemeral X25519 key (spec §6.3).

    ``y = (u − 1) / (u + 1) mod p``. Raises :class:`InvalidPoint` unless u is canonical and E lies in
    the prime-order subgroup, which is what makes the box publicly openable by a complaint.
    """
    if len(box) < SEAL_OVERHEAD:
        raise InvalidPoint(f"sealed box: expected at least {SEAL_OVERHEAD} bytes, found {len(box)}")
    u = int.from_bytes(box[:32], "little")
    if u >= _FIELD_PRIME or u == _FIELD_PRIME - 1:
        raise InvalidPoint(
            "sealed box: ephemeral key is not a canonical X25519 key of a valid point"
        )
    y = (u - 1) * pow(u + 1, -1, _FIELD_PRIME) % _FIELD_PRIME
    try:
        return Point.from_bytes(y.to_bytes(32, "little"))
    except InvalidPoint:
        raise InvalidPoint("sealed box: ephemeral key is not in the prime-order subgroup") from None


def open_with_shared_point(recipient: PublicKey, box: bytes, shared: Point) -> bytes | None:
    """Open a sealed box for ``recipient`` given ``Z = x·E``; None if it does not open (spec §6.4)."""
    if len(box) < SEAL_OVERHEAD or shared.is_identity():
        return None
    nonce = _nonce(box[:32], _x25519_public(recipient))
    dh_value = sodium.crypto_sign_ed25519_pk_to_curve25519(bytes(shared))
    key = sodium.crypto_box_beforenm(dh_value, _UNIT)
    try:
        return sodium.crypto_box_open_easy_afternm(box[32:], nonce, key)
    except CryptoError:
        return None
