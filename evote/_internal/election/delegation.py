"""Proxy delegations and their revocation (spec §10.4).

An owner signs a delegation naming the proxy's credential, the questions it covers (all, or a list)
and an expiry. The proxy then casts a separate ballot for that owner, weighted with the owner's
weight. Where the policy allows depth above 1, a proxy may pass a delegation on by signing a child
delegation that names its parent. A delegation is identified by the hash of its canonical encoding.
The rules that need the state of the election — who holds which credential, which delegations are
active, how many a proxy holds — are applied by the ballot box (spec §11.2).
"""

from __future__ import annotations

from collections.abc import Sequence

from evote._internal.encoding import Bytes32, Struct, encode
from evote._internal.ids import ElectionId, PersonId, QuestionId
from evote.hazmat.signing import Signature, SigningKey, VerifyKey
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "Delegation",
    "DelegationBody",
    "Revocation",
    "RevocationBody",
    "delegate",
    "revoke",
]


class DelegationBody(Struct):
    """``delegator`` gives ``proxy`` the vote of ``owner`` on ``scope`` (None: every question).

    ``parent`` is None for the owner's own delegation (then ``delegator`` is the owner's credential),
    or the id of the delegation being passed on (then ``delegator`` is that delegation's proxy).
    ``expires`` is in seconds since the Unix epoch: after it the proxy can no longer cast.
    """

    election: ElectionId
    manifest: Bytes32
    owner: PersonId
    delegator: VerifyKey
    proxy: VerifyKey
    scope: tuple[QuestionId, ...] | None
    expires: int
    parent: Bytes32 | None


class Delegation(Struct):
    body: DelegationBody
    signature: Signature

    def id(self) -> Bytes32:
        """``SHA-256(TAG "evote/v1/delegation" ‖ BYTES canonical JSON)`` (spec §10.4)."""
        return Bytes32(Transcript(Domain.DELEGATION).data(encode(self)).digest())


class RevocationBody(Struct):
    """``revoker`` (the delegator, or the owner) withdraws delegation ``delegation``."""

    election: ElectionId
    manifest: Bytes32
    delegation: Bytes32
    revoker: VerifyKey


class Revocation(Struct):
    body: RevocationBody
    signature: Signature


def delegate(
    election: ElectionId,
    manifest: Bytes32,
    owner: PersonId,
    delegator: SigningKey,
    proxy: VerifyKey,
    *,
    expires: int,
    scope: Sequence[QuestionId] | None = None,
    parent: Bytes32 | None = None,
) -> Delegation:
    """Sign a delegation of ``owner``'s vote to ``proxy`` (spec §10.4)."""
    body = DelegationBody(
        election=election,
        manifest=manifest,
        owner=owner,
        delegator=delegator.verify_key,
        proxy=proxy,
        scope=None if scope is None else tuple(scope),
        expires=expires,
        parent=parent,
    )
    return Delegation(body=body, signature=delegator.sign(Domain.SIGN_DELEGATION, body))


def revoke(
    election: ElectionId, manifest: Bytes32, delegation: Bytes32, revoker: SigningKey
) -> Revocation:
    """Sign the revocation of a delegation, by its delegator or by the owner (spec §10.4)."""
    body = RevocationBody(
        election=election, manifest=manifest, delegation=delegation, revoker=revoker.verify_key
    )
    return Revocation(body=body, signature=revoker.sign(Domain.SIGN_REVOCATION, body))
