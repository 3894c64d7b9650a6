"""The one Fiat–Shamir construction, and the tagged hash built the same way (spec §3).

A transcript is a sequence of typed, length-prefixed fields whose first field is a domain tag. Its
bytes are hashed with SHA-512 and reduced modulo ℓ to give a challenge, or with SHA-256 to give a
32-byte digest (fingerprints, identifiers). Every challenge in evote hashes, in this order: the domain
tag of its proof kind, the election (or ceremony) fingerprint, the whole statement and the commitments.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Final, Self

from evote.errors import ParameterError
from evote.hazmat.group import Point, Scalar

__all__ = ["FINGERPRINT_BYTES", "Domain", "FieldType", "Transcript", "hash_to_point"]

FINGERPRINT_BYTES: Final = 32
_UINT_MAX: Final = 2**64 - 1
_FIELD_MAX: Final = 2**32 - 1


class Domain(enum.StrEnum):
    """Every domain tag evote hashes, one per proof kind or digest purpose (spec §3.2)."""

    TRUSTEE_KEY = "evote/v1/proof/trustee-key"
    COEFFICIENT = "evote/v1/proof/coefficient"
    COMPLAINT = "evote/v1/proof/complaint"
    DECRYPTION_SHARE = "evote/v1/proof/decryption-share"
    SELECTION = "evote/v1/proof/selection"
    RANGE = "evote/v1/proof/range"
    CEREMONY = "evote/v1/ceremony"
    GENERATOR = "evote/v1/generator"
    MANIFEST = "evote/v1/manifest"
    ROLL = "evote/v1/roll"
    ELECTION = "evote/v1/election"
    ACTIVATION_CODE = "evote/v1/activation-code"
    BALLOT_CONTEXT = "evote/v1/ballot-context"
    BALLOT = "evote/v1/ballot"
    DELEGATION = "evote/v1/delegation"
    SIGN_BINDING = "evote/v1/signature/binding"
    SIGN_DELEGATION = "evote/v1/signature/delegation"
    SIGN_REVOCATION = "evote/v1/signature/revocation"
    SIGN_BALLOT = "evote/v1/signature/ballot"
    SIGN_TREE_HEAD = "evote/v1/signature/tree-head"
    SIGN_CODE_ISSUE = "evote/v1/signature/code-issue"
    SIGN_EXTENSION = "evote/v1/signature/extension"
    SIGN_NOTICE = "evote/v1/signature/notice"
    CHARTER = "evote/v1/charter"
    SIGN_ROLL_CORRECTION = "evote/v1/signature/roll-correction"
    SIGN_PETITION = "evote/v1/signature/petition"
    SIGN_PETITION_SIGNATURE = "evote/v1/signature/petition-signature"
    SIGN_PETITION_DELEGATION = "evote/v1/signature/petition-delegation"
    SIGN_DELEGATION_REVOCATION = "evote/v1/signature/petition-delegation-revocation"
    SIGN_COMMUNITY_NOTICE = "evote/v1/signature/community-notice"
    SIGN_OBJECTION = "evote/v1/signature/objection"
    SIGN_ANSWER = "evote/v1/signature/answer"
    SIGN_STATEMENT = "evote/v1/signature/statement"
    SIGN_OPINION = "evote/v1/signature/opinion"
    SIGN_REPLY = "evote/v1/signature/reply"


class FieldType(enum.IntEnum):
    """The type byte that starts every field (spec §3.1)."""

    TAG = 1
    FINGERPRINT = 2
    POINT = 3
    SCALAR = 4
    UINT = 5
    BYTES = 6
    TEXT = 7


class Transcript:
    """Accumulates fields ``type (1 byte) ‖ length (4 bytes, big-endian) ‖ value`` (spec §3.1)."""

    __slots__ = ("_parts",)

    def __init__(self, domain: Domain) -> None:
        self._parts: list[bytes] = []
        self._field(FieldType.TAG, Domain(domain).value.encode("ascii"))

    def _field(self, kind: FieldType, value: bytes) -> None:
        if len(value) > _FIELD_MAX:
            raise ParameterError(f"transcript field of {len(value)} bytes exceeds 2^32 − 1")
        self._parts.append(bytes((kind,)) + len(value).to_bytes(4, "big") + value)

    def fingerprint(self, fingerprint: bytes) -> Self:
        if len(fingerprint) != FINGERPRINT_BYTES:
            raise ParameterError(
                f"fingerprint: expected {FINGERPRINT_BYTES} bytes, found {len(fingerprint)}"
            )
        self._field(FieldType.FINGERPRINT, bytes(fingerprint))
        return self

    def point(self, point: Point) -> Self:
        self._field(FieldType.POINT, bytes(point))
        return self

    def points(self, *points: Point) -> Self:
        for point in points:
            self._field(FieldType.POINT, bytes(point))
        return self

    def scalar(self, scalar: Scalar) -> Self:
        self._field(FieldType.SCALAR, bytes(scalar))
        return self

    def uint(self, value: int) -> Self:
        """An integer in [0, 2⁶⁴), as 8 bytes big-endian."""
        if not 0 <= value <= _UINT_MAX:
            raise ParameterError(f"transcript integer {value} is outside [0, 2^64)")
        self._field(FieldType.UINT, value.to_bytes(8, "big"))
        return self

    def data(self, value: bytes) -> Self:
        self._field(FieldType.BYTES, bytes(value))
        return self

    def text(self, value: str) -> Self:
        self._field(FieldType.TEXT, value.encode("utf-8"))
        return self

    def encode(self) -> bytes:
        """The exact bytes that are hashed."""
        return b"".join(self._parts)

    def challenge(self) -> Scalar:
        """SHA-512 of the transcript, read little-endian and reduced modulo ℓ (spec §3.3)."""
        return Scalar.from_digest(hashlib.sha512(self.encode()).digest())

    def digest(self) -> bytes:
        """SHA-256 of the transcript: a 32-byte fingerprint or identifier (spec §3.4)."""
        return hashlib.sha256(self.encode()).digest()


def hash_to_point(name: str) -> Point:
    """An independent generator named by a published tag (spec §2.5).

    Elligator 2 (libsodium ``from_uniform``) of the SHA-256 digest of the transcript
    ``TAG "evote/v1/generator" ‖ TEXT name``. No one knows its discrete logarithm to the base point.
    """
    return Point.from_uniform(Transcript(Domain.GENERATOR).text(name).digest())
