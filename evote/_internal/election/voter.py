"""An owner's device, or a proxy's: one credential, and everything it signs (spec §10).

A :class:`Voter` holds the Ed25519 credential of one person of the roll. With it the device binds
itself (revealing the activation code the convener delivered), prepares ballots — its own, or,
for a proxy, the ballot of an owner who delegated to it — delegates, passes a delegation on, and
revokes. Nothing here talks to a board: each method returns the signed message to publish.

To audit the device (a Benaloh challenge, spec §10.3), publish a prepared :class:`OpenedBallot`
whole instead of casting its ``ballot``: anyone can then check that it encrypts the choices; it is
spoiled for good, and the owner prepares another to cast.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from evote._internal.election.ballots import BallotKind, OpenedBallot, prepare_ballot
from evote._internal.election.delegation import Delegation, Revocation, delegate, revoke
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import Bytes32
from evote._internal.ids import PersonId, QuestionId
from evote._internal.registry.credentials import Binding, bind
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import SigningKey, VerifyKey

__all__ = ["Voter"]


class Voter:
    """The device of ``person``, holding ``credential``: a secret that never leaves the device.

    Everything it signs names the election and its manifest hash, so that nothing it signed for
    one election can be replayed into another that reuses the id (spec §10).
    """

    __slots__ = ("counter", "credential", "person")

    def __init__(self, person: PersonId, credential: SigningKey, *, counter: int = 0) -> None:
        self.person = person
        self.credential = credential
        #: The counter of the last ballot this device prepared: the next one has a greater one, so
        #: that its last ballot counts, in whatever order they reach the board (spec §10.2).
        #: A device restoring its state passes it back.
        self.counter = counter

    def _next_counter(self) -> int:
        self.counter += 1
        return self.counter

    @classmethod
    def create(cls, person: PersonId, *, randomness: Randomness = OS_RANDOMNESS) -> Voter:
        """A device of ``person`` with a fresh credential."""
        return cls(person, SigningKey.generate(randomness=randomness))

    @property
    def key(self) -> VerifyKey:
        """The credential's public key: what a binding publishes and a delegation names."""
        return self.credential.verify_key

    def bind(self, manifest: Manifest, code: str) -> Binding:
        """Bind this credential to the person with the activation code they received (§10.1)."""
        return bind(manifest.election, Bytes32(manifest.hash()), self.person, self.credential, code)

    def prepare_ballot(
        self,
        election: Election,
        choices: Mapping[QuestionId, Collection[int]],
        *,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> OpenedBallot:
        """The person's own ballot: ``choices`` maps each question to its chosen options (§10.2).

        A question left out is blank (a blank motion counts as abstain). Cast ``.ballot``; keep
        the rest secret, or publish it all to challenge the device.
        """
        return prepare_ballot(
            election,
            self.person,
            self.credential,
            choices,
            counter=self._next_counter(),
            randomness=randomness,
        )

    def prepare_proxy_ballot(
        self,
        election: Election,
        delegation: Delegation,
        choices: Mapping[QuestionId, Collection[int]],
        *,
        questions: Sequence[QuestionId] | None = None,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> OpenedBallot:
        """A proxy's ballot for the owner who gave ``delegation``, on the questions it covers.

        ``questions`` narrows them, when this proxy has passed some of them on (spec §11.2).
        """
        body = delegation.body
        return prepare_ballot(
            election,
            body.owner,
            self.credential,
            choices,
            counter=self._next_counter(),
            kind=BallotKind.PROXY,
            questions=body.scope if questions is None else questions,
            delegation=delegation.id(),
            randomness=randomness,
        )

    def delegate(
        self,
        manifest: Manifest,
        proxy: VerifyKey,
        *,
        expires: int,
        scope: Sequence[QuestionId] | None = None,
    ) -> Delegation:
        """Give the person's vote to the holder of ``proxy`` until ``expires`` (spec §10.4).

        ``scope`` lists the questions it covers; None, every question.
        """
        return delegate(
            manifest.election,
            Bytes32(manifest.hash()),
            self.person,
            self.credential,
            proxy,
            expires=expires,
            scope=scope,
        )

    def pass_on(
        self,
        delegation: Delegation,
        proxy: VerifyKey,
        *,
        expires: int,
        scope: Sequence[QuestionId] | None = None,
    ) -> Delegation:
        """As the proxy of ``delegation``, pass it on to another proxy, where the policy allows."""
        body = delegation.body
        return delegate(
            body.election,
            body.manifest,
            body.owner,
            self.credential,
            proxy,
            expires=expires,
            scope=body.scope if scope is None else scope,
            parent=delegation.id(),
        )

    def revoke(self, delegation: Delegation) -> Revocation:
        """Withdraw a delegation this device gave or passed on — or one given for its person."""
        body = delegation.body
        return revoke(body.election, body.manifest, delegation.id(), self.credential)
