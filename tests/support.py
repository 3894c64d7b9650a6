"""Helpers for tests: hypothesis strategies and a real key ceremony, run in process."""

from __future__ import annotations

import functools
import hashlib

from hypothesis import strategies as st

from evote import (
    Bytes32,
    CeremonyOutcome,
    CeremonyParameters,
    CeremonyTrustee,
    TrusteeKey,
    conclude,
)
from evote.hazmat.group import BASE, ORDER, Point, PublicKey, Scalar

FINGERPRINT = hashlib.sha256(b"tests: election fingerprint").digest()


def scalars() -> st.SearchStrategy[Scalar]:
    return st.integers(min_value=0, max_value=ORDER - 1).map(Scalar.from_int)


def nonzero_scalars() -> st.SearchStrategy[Scalar]:
    return st.integers(min_value=1, max_value=ORDER - 1).map(Scalar.from_int)


def points() -> st.SearchStrategy[Point]:
    """Arbitrary group elements, the identity included."""
    return scalars().map(lambda s: BASE * s)


def public_keys() -> st.SearchStrategy[PublicKey]:
    return nonzero_scalars().map(lambda s: PublicKey.from_point(BASE * s))


def fingerprints() -> st.SearchStrategy[bytes]:
    return st.binary(min_size=32, max_size=32)


def parameters(trustees: int, threshold: int, name: str = "tests") -> CeremonyParameters:
    election = Bytes32(hashlib.sha256(name.encode()).digest())
    return CeremonyParameters(election=election, trustees=trustees, threshold=threshold)


@functools.cache
def ceremony(trustees: int, threshold: int) -> tuple[CeremonyOutcome, tuple[TrusteeKey, ...]]:
    """An honest ceremony, cached per shape: its public outcome and every trustee's key."""
    params = parameters(trustees, threshold)
    states = [CeremonyTrustee.start(params, i) for i in params.indices]
    announcements = [s.announce() for s in states]
    dealings = [s.deal(announcements) for s in states]
    complaints = [c for s in states for c in s.check_shares(announcements, dealings)]
    assert complaints == []
    outcome = conclude(params, announcements, dealings, complaints)
    return outcome, tuple(s.finish(outcome, dealings) for s in states)
