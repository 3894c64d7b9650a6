"""The prime-order group of Ed25519: scalars and points (spec §2).

Libsodium is the only group engine. Two of its behaviours shape this module (spec §2.3):
``crypto_core_ed25519_is_valid_point`` rejects the identity, and the no-clamp scalar multiplications
fail on a zero scalar or an identity result. The identity is therefore represented explicitly
(``01 00…00``) and every operation special-cases it, so that callers never see those failures.

An object of these types that exists is valid: bytes become a :class:`Point` or :class:`Scalar` only
through a constructor that checks length, canonical form and subgroup membership.
"""

from __future__ import annotations

import hmac
import os
from typing import Final, Self

import nacl.bindings as sodium

from evote._internal.encoding import HexValue, parse_hex
from evote.errors import InvalidPoint, InvalidScalar

__all__ = [
    "BASE",
    "IDENTITY",
    "ORDER",
    "POINT_BYTES",
    "SCALAR_BYTES",
    "Point",
    "PublicKey",
    "Scalar",
]

#: ℓ, the order of the prime-order subgroup (spec §2.1).
ORDER: Final = 2**252 + 27742317777372353535851937790883648493
POINT_BYTES: Final = 32
SCALAR_BYTES: Final = 32

_IDENTITY_ENCODING: Final = b"\x01" + bytes(31)

# The libsodium calls this module makes, under module-level names so that a benchmark can count them.
_is_valid_point = sodium.crypto_core_ed25519_is_valid_point
_point_add = sodium.crypto_core_ed25519_add
_point_sub = sodium.crypto_core_ed25519_sub
_mul = sodium.crypto_scalarmult_ed25519_noclamp
_mul_base = sodium.crypto_scalarmult_ed25519_base_noclamp
_from_uniform = sodium.crypto_core_ed25519_from_uniform
_scalar_add = sodium.crypto_core_ed25519_scalar_add
_scalar_sub = sodium.crypto_core_ed25519_scalar_sub
_scalar_mul = sodium.crypto_core_ed25519_scalar_mul
_scalar_negate = sodium.crypto_core_ed25519_scalar_negate
_scalar_invert = sodium.crypto_core_ed25519_scalar_invert
_scalar_reduce = sodium.crypto_core_ed25519_scalar_reduce


class Scalar(HexValue):
    """An integer modulo ℓ, held as its canonical 32-byte little-endian encoding (spec §2.2).

    Arithmetic goes through libsodium, whose scalar functions run in constant time, because scalars
    are often secret (nonces, key shares). Convert to ``int`` only for public values.
    """

    __slots__ = ("_encoding",)
    _encoding: bytes

    def __init__(self, encoding: bytes) -> None:
        # Internal: callers outside this module use from_bytes / from_int / random.
        self._encoding = encoding

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Parse a canonical encoding: exactly 32 bytes, little-endian, value below ℓ."""
        if not isinstance(data, bytes | bytearray):
            raise InvalidScalar(f"scalar: expected bytes, found {type(data).__name__}")
        if len(data) != SCALAR_BYTES:
            raise InvalidScalar(f"scalar: expected {SCALAR_BYTES} bytes, found {len(data)}")
        if int.from_bytes(data, "little") >= ORDER:
            raise InvalidScalar("scalar: value is not below the group order ℓ (non-canonical)")
        return cls(bytes(data))

    @classmethod
    def from_hex(cls, text: str) -> Self:
        return cls.from_bytes(parse_hex(text, "scalar", InvalidScalar))

    @classmethod
    def from_int(cls, value: int) -> Self:
        """The residue of a public integer (negative values wrap around modulo ℓ)."""
        return cls((value % ORDER).to_bytes(SCALAR_BYTES, "little"))

    @classmethod
    def from_digest(cls, digest: bytes) -> Self:
        """Reduce a 64-byte hash output modulo ℓ, as libsodium's ``scalar_reduce`` does (spec §3.3)."""
        if len(digest) != 64:
            raise InvalidScalar(f"digest: expected 64 bytes, found {len(digest)}")
        return cls(_scalar_reduce(digest))

    @classmethod
    def random(cls) -> Self:
        """A uniformly random non-zero scalar from the operating system's generator."""
        while True:
            encoding = _scalar_reduce(os.urandom(64))
            if encoding != bytes(SCALAR_BYTES):
                return cls(encoding)

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar(_scalar_add(self._encoding, other._encoding))

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar(_scalar_sub(self._encoding, other._encoding))

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar(_scalar_mul(self._encoding, other._encoding))

    def __neg__(self) -> Scalar:
        return Scalar(_scalar_negate(self._encoding))

    def inverse(self) -> Scalar:
        if self.is_zero():
            raise ZeroDivisionError("the zero scalar has no inverse")
        return Scalar(_scalar_invert(self._encoding))

    def is_zero(self) -> bool:
        return hmac.compare_digest(self._encoding, bytes(SCALAR_BYTES))

    def __int__(self) -> int:
        """The value in [0, ℓ). Not constant-time: for public scalars only."""
        return int.from_bytes(self._encoding, "little")

    def __bytes__(self) -> bytes:
        return self._encoding

    def hex(self) -> str:
        return self._encoding.hex()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self._encoding, other._encoding)

    def __hash__(self) -> int:
        return hash(self._encoding)

    def __repr__(self) -> str:
        return f"Scalar({self._encoding.hex()[:16]}…)"


class Point(HexValue):
    """An element of the prime-order subgroup of Ed25519, held as its 32-byte encoding (spec §2.3).

    The identity is a valid element, encoded ``01`` followed by 31 zero bytes.
    """

    __slots__ = ("_encoding",)
    _encoding: bytes

    def __init__(self, encoding: bytes) -> None:
        # Internal: only for encodings produced by libsodium from valid points. Use from_bytes.
        self._encoding = encoding

    @classmethod
    def from_bytes(cls, data: bytes) -> Self:
        """Parse an untrusted encoding; raise :class:`InvalidPoint` unless canonical and in the group."""
        if not isinstance(data, bytes | bytearray):
            raise InvalidPoint(f"point: expected bytes, found {type(data).__name__}")
        if len(data) != POINT_BYTES:
            raise InvalidPoint(f"point: expected {POINT_BYTES} bytes, found {len(data)}")
        data = bytes(data)
        if data != _IDENTITY_ENCODING and not _is_valid_point(data):
            raise InvalidPoint(
                "point: not the canonical encoding of an element of the prime-order subgroup"
            )
        return cls._checked(data)

    @classmethod
    def _checked(cls, data: bytes) -> Self:
        # Hook for subclasses that add an invariant (PublicKey).
        return cls(data)

    @classmethod
    def from_hex(cls, text: str) -> Self:
        return cls.from_bytes(parse_hex(text, "point", InvalidPoint))

    @classmethod
    def from_validated_hex(cls, text: str) -> Self:
        """A point from hex validated before (see ``decode_prevalidated``, spec §15.14)."""
        return cls(bytes.fromhex(text))

    @classmethod
    def from_uniform(cls, data: bytes) -> Point:
        """Elligator 2 of 32 uniform bytes, into the prime-order subgroup; the identity is refused."""
        encoding = _from_uniform(bytes(data))
        if encoding == _IDENTITY_ENCODING:
            raise InvalidPoint("from_uniform: these bytes map to the identity")
        return Point(encoding)

    def is_identity(self) -> bool:
        return self._encoding == _IDENTITY_ENCODING

    def __add__(self, other: Point) -> Point:
        if other._encoding == _IDENTITY_ENCODING:
            return self
        if self._encoding == _IDENTITY_ENCODING:
            return other
        return Point(_point_add(self._encoding, other._encoding))

    def __sub__(self, other: Point) -> Point:
        if other._encoding == _IDENTITY_ENCODING:
            return self
        return Point(_point_sub(self._encoding, other._encoding))

    def __neg__(self) -> Point:
        return Point(_point_sub(_IDENTITY_ENCODING, self._encoding))

    def __mul__(self, scalar: Scalar) -> Point:
        """Scalar multiplication; the base point uses libsodium's fixed-base table."""
        if scalar.is_zero() or self._encoding == _IDENTITY_ENCODING:
            return IDENTITY
        if self._encoding == _BASE_ENCODING:
            return Point(_mul_base(scalar._encoding))
        return Point(_mul(scalar._encoding, self._encoding))

    def __bytes__(self) -> bytes:
        return self._encoding

    def hex(self) -> str:
        return self._encoding.hex()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self._encoding == other._encoding

    def __hash__(self) -> int:
        return hash(self._encoding)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._encoding.hex()[:16]}…)"


class PublicKey(Point):
    """A point that must not be the identity: a public key x·G, a verification key or a commitment.

    An identity public key would make every encryption under it readable (spec §2.4).
    """

    __slots__ = ()

    @classmethod
    def _checked(cls, data: bytes) -> Self:
        if data == _IDENTITY_ENCODING:
            raise InvalidPoint("public key: the identity point is not allowed here")
        return cls(data)

    @classmethod
    def from_point(cls, point: Point) -> Self:
        return cls._checked(bytes(point))


_BASE_ENCODING: Final = _mul_base((1).to_bytes(SCALAR_BYTES, "little"))
#: G, the standard Ed25519 base point (spec §2.1).
BASE: Final = PublicKey(_BASE_ENCODING)
#: The neutral element.
IDENTITY: Final = Point(_IDENTITY_ENCODING)
