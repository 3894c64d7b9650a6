"""Exponential ElGamal over the prime-order group (spec §4).

``Enc_K(m; r) = (α, β) = (r·G, m·G + r·K)``. Ciphertexts add component-wise, which adds the messages,
and multiply by a public integer weight, which multiplies the message. Decryption yields the point
m·G; :mod:`evote.hazmat.dlog` recovers m within a stated bound.

In an election the secret key is shared among trustees and never assembled; :func:`decrypt_to_point`
with a whole secret key serves single-key uses and known-answer tests.

    >>> from evote.hazmat.dlog import DiscreteLog
    >>> secret, public = generate_key_pair()
    >>> (yes, _), (no, _) = encrypt(public, 1), encrypt(public, 0)
    >>> weighted = yes.scale(8_912) + no.scale(10_230)  # floor areas in 0.01 m²
    >>> DiscreteLog(20_000).decode(decrypt_to_point(secret, weighted))
    8912
"""

from __future__ import annotations

from collections.abc import Iterable

from evote._internal.encoding import Struct
from evote.errors import ParameterError
from evote.hazmat.group import BASE, IDENTITY, ORDER, Point, PublicKey, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness

__all__ = [
    "Ciphertext",
    "decrypt_to_point",
    "encode_message",
    "encrypt",
    "encrypt_with_nonce",
    "generate_key_pair",
    "sum_ciphertexts",
]


class Ciphertext(Struct):
    """An exponential ElGamal ciphertext ``(α, β) = (r·G, m·G + r·K)`` (spec §4.1)."""

    alpha: Point
    beta: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        """Encrypts the sum of the messages (spec §4.2)."""
        return Ciphertext(alpha=self.alpha + other.alpha, beta=self.beta + other.beta)

    def scale(self, weight: int) -> Ciphertext:
        """Encrypts ``weight · m`` for a public integer weight in [0, ℓ) (spec §4.2)."""
        if not 0 <= weight < ORDER:
            raise ParameterError(f"weight {weight} is outside [0, ℓ)")
        if weight == 1:
            return self
        factor = Scalar.from_int(weight)
        return Ciphertext(alpha=self.alpha * factor, beta=self.beta * factor)

    @classmethod
    def zero(cls) -> Ciphertext:
        """The neutral element ``(O, O)``: the encryption of 0 with nonce 0, and the empty sum."""
        return cls(alpha=IDENTITY, beta=IDENTITY)


def generate_key_pair(*, randomness: Randomness = OS_RANDOMNESS) -> tuple[Scalar, PublicKey]:
    """A single-holder key pair ``(x, x·G)``."""
    secret = randomness.scalar()
    return secret, PublicKey.from_point(BASE * secret)


def encode_message(message: int) -> Point:
    """``m·G`` for an integer m in [0, ℓ); 0 is the identity."""
    if not 0 <= message < ORDER:
        raise ParameterError(f"message {message} is outside [0, ℓ)")
    if message == 1:
        return BASE
    return BASE * Scalar.from_int(message)


def encrypt(
    public_key: PublicKey, message: int, *, randomness: Randomness = OS_RANDOMNESS
) -> tuple[Ciphertext, Scalar]:
    """Encrypt ``message`` with a fresh nonce; return the ciphertext and the nonce.

    The nonce is secret: it is needed for the proofs and for a Benaloh challenge, never published
    otherwise.
    """
    nonce = randomness.scalar()
    return encrypt_with_nonce(public_key, message, nonce), nonce


def encrypt_with_nonce(public_key: PublicKey, message: int, nonce: Scalar) -> Ciphertext:
    """``(r·G, m·G + r·K)`` for the given nonce r: what re-checks an opened ballot (spec §4.1, §10.3).

    For m = 0, m·G is O and adding it is free: β = r·K.
    """
    return Ciphertext(alpha=BASE * nonce, beta=encode_message(message) + public_key * nonce)


def decrypt_to_point(secret_key: Scalar, ciphertext: Ciphertext) -> Point:
    """``β − x·α = m·G`` (spec §4.3)."""
    return ciphertext.beta - ciphertext.alpha * secret_key


def sum_ciphertexts(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The homomorphic sum; the empty sum is :meth:`Ciphertext.zero`."""
    alpha, beta = IDENTITY, IDENTITY
    for ciphertext in ciphertexts:
        alpha = alpha + ciphertext.alpha
        beta = beta + ciphertext.beta
    return Ciphertext(alpha=alpha, beta=beta)
