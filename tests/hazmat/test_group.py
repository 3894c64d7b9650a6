"""The group layer (spec §2): parsing refuses every malformed input; the identity is handled."""

from __future__ import annotations

import nacl.bindings as sodium
import pytest
from hypothesis import given

from evote.errors import InvalidPoint, InvalidScalar
from evote.hazmat.group import BASE, IDENTITY, ORDER, Point, PublicKey, Scalar
from evote.hazmat.transcript import hash_to_point
from tests.support import nonzero_scalars, points, scalars

ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"

# Encodings every parser must refuse, with the reason (spec §2.3).
INVALID_POINTS = {
    "empty": "",
    "31 bytes": "58" + "66" * 30,
    "33 bytes": "58" + "66" * 32,
    "order 4 (y = 0)": "00" * 32,
    "order 4 (y = 0, sign set)": "00" * 31 + "80",
    "order 8": ORDER_8,
    "order 8 (other)": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "order 8 (negated)": ORDER_8[:-2] + "85",
    "order 2 (y = -1)": "ec" + "ff" * 30 + "7f",
    "identity with sign bit (non-canonical)": "01" + "00" * 30 + "80",
    "y = p (non-canonical 0)": "ed" + "ff" * 30 + "7f",
    "y = p + 1 (non-canonical identity)": "ee" + "ff" * 30 + "7f",
    "y = 2^255 - 1": "ff" * 32,
    "not on the curve (y = 2)": "02" + "00" * 31,
    "upper-case hex of a valid point": hash_to_point("H").hex().upper(),
    "not hex": "zz" * 32,
    "hex with spaces": " ".join([hash_to_point("H").hex()[i : i + 2] for i in range(0, 64, 2)]),
    "hex with a trailing newline": hash_to_point("H").hex() + "\n",
}

INVALID_SCALARS = {
    "empty": "",
    "31 bytes": "01" * 31,
    "33 bytes": "01" * 33,
    "equal to the order": ORDER.to_bytes(32, "little").hex(),
    "order + 1": (ORDER + 1).to_bytes(32, "little").hex(),
    "2^253": (2**253).to_bytes(32, "little").hex(),
    "all ones": "ff" * 32,
    "upper-case hex": Scalar.from_int(0xABCDEF).hex().upper(),
    "hex with a space": " " + Scalar.from_int(7).hex(),
}


@pytest.mark.parametrize("encoding", INVALID_POINTS.values(), ids=INVALID_POINTS.keys())
def test_invalid_point_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(InvalidPoint, match="point"):
        Point.from_hex(encoding)
    with pytest.raises(InvalidPoint):
        PublicKey.from_hex(encoding)


def test_upper_case_hex_is_refused_even_for_a_valid_point() -> None:
    valid = hash_to_point("H").hex()
    assert valid != valid.upper()
    with pytest.raises(InvalidPoint, match="lower-case"):
        Point.from_hex(valid.upper())


def test_point_outside_the_prime_order_subgroup_is_refused() -> None:
    mixed = sodium.crypto_core_ed25519_add(bytes(BASE), bytes.fromhex(ORDER_8))
    with pytest.raises(InvalidPoint, match="prime-order subgroup"):
        Point.from_bytes(mixed)


@pytest.mark.parametrize("encoding", INVALID_SCALARS.values(), ids=INVALID_SCALARS.keys())
def test_invalid_scalar_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(InvalidScalar, match="scalar"):
        Scalar.from_hex(encoding)


def test_non_bytes_are_refused() -> None:
    with pytest.raises(InvalidPoint, match="expected bytes"):
        Point.from_bytes("58" * 32)  # type: ignore[arg-type]
    with pytest.raises(InvalidScalar, match="expected bytes"):
        Scalar.from_bytes(7)  # type: ignore[arg-type]


def test_identity_is_a_point_but_not_a_public_key() -> None:
    assert Point.from_hex("01" + "00" * 31) == IDENTITY
    assert IDENTITY.is_identity()
    with pytest.raises(InvalidPoint, match="identity"):
        PublicKey.from_hex("01" + "00" * 31)
    with pytest.raises(InvalidPoint, match="identity"):
        PublicKey.from_point(IDENTITY)


def test_base_point_is_the_standard_one() -> None:
    assert BASE.hex() == "58" + "66" * 31
    assert BASE * Scalar.from_int(ORDER - 1) == -BASE


@given(points())
def test_identity_is_handled_by_every_operation(point: Point) -> None:
    zero = Scalar.from_int(0)
    assert point + IDENTITY == point
    assert IDENTITY + point == point
    assert point - point == IDENTITY
    assert point - IDENTITY == point
    assert point * zero == IDENTITY
    assert IDENTITY * Scalar.from_int(5) == IDENTITY
    assert -IDENTITY == IDENTITY
    assert BASE * zero == IDENTITY


@given(scalars(), scalars())
def test_scalar_multiplication_is_a_homomorphism(a: Scalar, b: Scalar) -> None:
    assert BASE * (a + b) == BASE * a + BASE * b
    assert BASE * (a - b) == BASE * a - BASE * b
    assert (BASE * a) * b == BASE * (a * b)


@given(scalars(), scalars())
def test_scalar_arithmetic_matches_integers(a: Scalar, b: Scalar) -> None:
    assert int(a + b) == (int(a) + int(b)) % ORDER
    assert int(a - b) == (int(a) - int(b)) % ORDER
    assert int(a * b) == int(a) * int(b) % ORDER
    assert int(-a) == -int(a) % ORDER


@given(nonzero_scalars())
def test_inverse(a: Scalar) -> None:
    assert a * a.inverse() == Scalar.from_int(1)


def test_zero_has_no_inverse() -> None:
    with pytest.raises(ZeroDivisionError):
        Scalar.from_int(0).inverse()


@given(points())
def test_point_encoding_round_trips(point: Point) -> None:
    assert Point.from_bytes(bytes(point)) == point
    assert Point.from_hex(point.hex()) == point


@given(scalars())
def test_scalar_encoding_round_trips(scalar: Scalar) -> None:
    assert Scalar.from_bytes(bytes(scalar)) == scalar
    assert Scalar.from_hex(scalar.hex()) == scalar


def test_random_scalars_are_nonzero_and_distinct() -> None:
    drawn = {Scalar.random() for _ in range(64)}
    assert len(drawn) == 64
    assert not any(s.is_zero() for s in drawn)


def test_from_digest_reduces_modulo_the_order() -> None:
    digest = b"\xff" * 64
    assert int(Scalar.from_digest(digest)) == int.from_bytes(digest, "little") % ORDER
    with pytest.raises(InvalidScalar, match="64 bytes"):
        Scalar.from_digest(b"\x00" * 32)


def test_independent_generators_are_valid_distinct_and_fixed() -> None:
    h = hash_to_point("H")
    assert Point.from_bytes(bytes(h)) == h
    assert not h.is_identity()
    assert h not in (BASE, hash_to_point("H2"))
    assert h == hash_to_point("H")


def test_from_uniform_refuses_the_identity() -> None:
    # Libsodium maps 32 zero bytes to the identity (verified); it must not become a generator.
    with pytest.raises(InvalidPoint, match="identity"):
        Point.from_uniform(bytes(32))
