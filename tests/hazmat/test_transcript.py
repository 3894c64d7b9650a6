"""The Fiat–Shamir transcript (spec §3): exact bytes, and no two field sequences collide."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote.errors import ParameterError
from evote.hazmat.group import BASE, ORDER, Scalar
from evote.hazmat.transcript import Domain, FieldType, Transcript


def test_field_layout_is_type_length_value() -> None:
    encoded = Transcript(Domain.RANGE).uint(7).data(b"ab").encode()
    tag = Domain.RANGE.value.encode()
    assert encoded == (
        bytes([FieldType.TAG]) + len(tag).to_bytes(4, "big") + tag
        + bytes([FieldType.UINT]) + (8).to_bytes(4, "big") + (7).to_bytes(8, "big")
        + bytes([FieldType.BYTES]) + (2).to_bytes(4, "big") + b"ab"
    )  # fmt: skip


def test_challenge_is_sha512_reduced_and_digest_is_sha256() -> None:
    transcript = Transcript(Domain.SELECTION).point(BASE)
    encoded = transcript.encode()
    expected = int.from_bytes(hashlib.sha512(encoded).digest(), "little") % ORDER
    assert int(transcript.challenge()) == expected
    assert transcript.digest() == hashlib.sha256(encoded).digest()


@given(st.binary(max_size=40), st.binary(max_size=40), st.binary(max_size=40))
def test_length_prefixes_prevent_ambiguity(a: bytes, b: bytes, c: bytes) -> None:
    first = Transcript(Domain.RANGE).data(a).data(b + c).encode()
    second = Transcript(Domain.RANGE).data(a + b).data(c).encode()
    assert (first == second) == (b == b"")


def test_type_bytes_separate_equal_values() -> None:
    value = bytes(Scalar.from_int(9))
    as_scalar = Transcript(Domain.RANGE).scalar(Scalar.from_int(9)).challenge()
    as_bytes = Transcript(Domain.RANGE).data(value).challenge()
    assert as_scalar != as_bytes


def test_domain_tags_separate_identical_statements() -> None:
    challenges = {Transcript(domain).point(BASE).challenge() for domain in Domain}
    assert len(challenges) == len(Domain)


def test_domain_tags_are_unique_and_versioned() -> None:
    values = [d.value for d in Domain]
    assert len(set(values)) == len(values)
    assert all(v.startswith("evote/v1/") for v in values)


@pytest.mark.parametrize("value", [-1, 2**64])
def test_uint_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(ParameterError, match="2\\^64"):
        Transcript(Domain.RANGE).uint(value)


@pytest.mark.parametrize("size", [0, 31, 33, 64])
def test_fingerprint_must_be_32_bytes(size: int) -> None:
    with pytest.raises(ParameterError, match="fingerprint"):
        Transcript(Domain.RANGE).fingerprint(bytes(size))


def test_text_is_utf8() -> None:
    encoded = Transcript(Domain.CEREMONY).text("业主").encode()
    assert encoded.endswith(bytes([FieldType.TEXT]) + (6).to_bytes(4, "big") + "业主".encode())
