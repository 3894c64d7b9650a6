"""Ed25519 signatures for credentials, delegations, paper entries and board heads (spec §7.2).

Every signed message is a transcript (spec §3.1): ``TAG domain ‖ BYTES canonical JSON of the
content``, so that a signature made for one purpose can never be read as one for another.
Verification keys must be canonical points of the prime-order subgroup other than the identity —
what every honestly generated Ed25519 key is — which rules out the small-order keys that let one
signature verify under many messages.
"""

from __future__ import annotations

from typing import ClassVar, Self

import nacl.bindings as sodium
import nacl.signing
from nacl.exceptions import BadSignatureError

from evote._internal.encoding import Bytes32, HexBytes, encode
from evote._internal.messages import Text
from evote.errors import InvalidEncoding, InvalidPoint, InvalidSignature
from evote.hazmat.group import PublicKey
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.transcript import Domain, Transcript

__all__ = ["Signature", "SigningKey", "VerifyKey", "signed_message", "verify_signature"]

_DOES_NOT_VERIFY = Text(
    "signature-fails", "{what}: the signature does not verify", "{what}：签名无法验证"
)


class VerifyKey(Bytes32):
    """An Ed25519 public key: 32 bytes encoding a non-identity point of the prime-order group."""

    @classmethod
    def checked(cls, raw: bytes) -> Self:
        try:
            PublicKey.from_bytes(bytes(raw))
        except InvalidPoint as error:
            raise InvalidEncoding(f"Ed25519 key: {error}") from None
        return cls(raw)


class Signature(HexBytes):
    """A 64-byte Ed25519 signature."""

    LENGTH: ClassVar[int | None] = 64


def signed_message(domain: Domain, content: object) -> bytes:
    """The bytes that are signed: ``TAG domain ‖ BYTES encode(content)`` (spec §7.2)."""
    return Transcript(domain).data(encode(content)).encode()


class SigningKey:
    """A secret Ed25519 key: a voter's credential, a convener's or the board's key."""

    __slots__ = ("_key",)

    def __init__(self, seed: bytes) -> None:
        self._key = nacl.signing.SigningKey(bytes(seed))

    @classmethod
    def generate(cls, *, randomness: Randomness = OS_RANDOMNESS) -> Self:
        """A fresh key: its seed is 32 random bytes."""
        return cls(randomness.bytes(32))

    @property
    def seed(self) -> bytes:
        """The 32-byte secret seed. Keep it secret."""
        return bytes(self._key)

    @property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(bytes(self._key.verify_key))

    def sign(self, domain: Domain, content: object) -> Signature:
        return Signature(self._key.sign(signed_message(domain, content)).signature)


def verify_signature(
    key: VerifyKey, domain: Domain, content: object, signature: Signature, *, what: str | Text
) -> None:
    """Raise :class:`InvalidSignature` naming ``what`` unless ``signature`` is valid (spec §7.2).

    ``what`` names the signed item: a :class:`~evote._internal.messages.Text`, to be written in
    any language, or a string in English.
    """
    try:
        # crypto_sign_open refuses a non-canonical S and a small-order R or key.
        sodium.crypto_sign_open(bytes(signature) + signed_message(domain, content), bytes(key))
    except BadSignatureError:
        raise InvalidSignature(_DOES_NOT_VERIFY, what=what) from None
