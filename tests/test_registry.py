"""The registry of owners (spec §10.1, §11.2): codes and bindings, each refusal changing nothing."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest

from evote import (
    Convener,
    ElectionId,
    PersonId,
    Reason,
    Registry,
    SigningKey,
    Voter,
)
from evote.errors import Refused
from tests.elections import CONVENER, manifest, roll

A, B, Z = PersonId("A"), PersonId("B"), PersonId("Z")
HOLDINGS = {"A": [10000, 12000], "B": [8000], "C": [9000]}


MANIFEST = manifest()
RERUN = msgspec.structs.replace(MANIFEST, title="Test assembly, run again")  # the same id


def _registry() -> Registry:
    return Registry(roll(HOLDINGS), CONVENER.verify_key, MANIFEST.hash())


def _state(registry: Registry) -> tuple[object, ...]:
    return (
        registry.unbound,
        {p: registry.credential(p) for p in (A, B)},
    )


def _refused(registry: Registry, reason: Reason, action: Callable[[], object]) -> None:
    before = _state(registry)
    with pytest.raises(Refused) as caught:
        action()
    assert caught.value.reason is reason, caught.value
    assert _state(registry) == before


def test_codes_and_credentials() -> None:
    registry = _registry()
    convener = Convener(CONVENER)
    forged = Convener(SigningKey.generate()).issue_code(MANIFEST, A).issue
    _refused(registry, Reason.BAD_SIGNATURE, lambda: registry.issue_code(forged))
    issued = convener.issue_code(MANIFEST, A)
    registry.issue_code(issued.issue)
    _refused(registry, Reason.CODE_INVALID, lambda: registry.issue_code(issued.issue))
    phone = Voter.create(A)
    wrong = phone.bind(MANIFEST, convener.issue_code(MANIFEST, A).code)  # never issued
    _refused(registry, Reason.CODE_INVALID, lambda: registry.bind(wrong))
    for_b = Voter(B, phone.credential).bind(MANIFEST, issued.code)  # A's code cannot bind B
    _refused(registry, Reason.CODE_INVALID, lambda: registry.bind(for_b))
    registry.bind(phone.bind(MANIFEST, issued.code))
    assert registry.credential(A) == phone.key
    assert registry.holder(phone.key) == A
    assert registry.unbound == [B, PersonId("C")]
    again = Voter.create(A).bind(MANIFEST, issued.code)
    _refused(registry, Reason.CODE_USED, lambda: registry.bind(again))
    issued_b = convener.issue_code(MANIFEST, B)
    registry.issue_code(issued_b.issue)
    shared = Voter(B, phone.credential).bind(MANIFEST, issued_b.code)
    _refused(registry, Reason.CREDENTIAL_IN_USE, lambda: registry.bind(shared))
    foreign = Voter.create(B).bind(
        msgspec.structs.replace(MANIFEST, election=ElectionId("another-election")), issued_b.code
    )
    _refused(registry, Reason.WRONG_ELECTION, lambda: registry.bind(foreign))
    # A re-run under the same id: its code issues and bindings never replay here (spec §10.1).
    replayed = Voter.create(B).bind(RERUN, issued_b.code)
    _refused(registry, Reason.WRONG_ELECTION, lambda: registry.bind(replayed))
    rerun_issue = convener.issue_code(RERUN, B).issue
    _refused(registry, Reason.WRONG_ELECTION, lambda: registry.issue_code(rerun_issue))
    stranger = convener.issue_code(MANIFEST, Z).issue
    _refused(registry, Reason.NOT_ON_ROLL, lambda: registry.issue_code(stranger))


def test_a_new_binding_replaces_the_credential() -> None:
    registry = _registry()
    convener = Convener(CONVENER)
    first, second = Voter.create(A), Voter.create(A)
    for phone in (first, second):
        issued = convener.issue_code(MANIFEST, A)
        registry.issue_code(issued.issue)
        registry.bind(phone.bind(MANIFEST, issued.code))
    assert registry.credential(A) == second.key
    assert registry.is_replaced(first.key)
    assert not registry.is_replaced(second.key)
    with pytest.raises(Refused) as caught:
        registry.require_live(first.key)
    assert caught.value.reason is Reason.NOT_AUTHORISED


def test_the_convener_key_cannot_become_a_credential() -> None:
    registry = _registry()
    issued = Convener(CONVENER).issue_code(MANIFEST, A)
    registry.issue_code(issued.issue)
    hijack = Voter(A, CONVENER).bind(MANIFEST, issued.code)
    _refused(registry, Reason.CREDENTIAL_IN_USE, lambda: registry.bind(hijack))
