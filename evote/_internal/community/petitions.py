"""Joint petitions (联名): opening, signatures and withdrawals, and progress (spec §16.3).

A petition is opened by an organiser the charter registered or by a bound owner, signed with
their key: it states its purpose, title and text, the time it opens and its deadline. A bound
owner signs with their credential; each action of a credential on a petition carries a number
above its one before (1, 2, …), so that no signature or withdrawal can be replayed. Signatures
are public, as the person's id (their units), never a name. A withdrawal is accepted while the
petition is open and not yet reached; nothing counts at or after the deadline.

The petition counts over the roll in force when it opened: a person counts once with all their
area (domain rules 1–6). The moment the signers' figures reach the purpose's rule is an entry of
the board, and at the deadline the petition closes as reached or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evote._internal.community.charter import CommunityId, PetitionRule, Purpose
from evote._internal.election.rules import Evaluation
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import PersonId, check_id
from evote._internal.registry.roll import Figures, Roll
from evote.errors import ParameterError
from evote.hazmat.signing import Signature, SigningKey, VerifyKey
from evote.hazmat.transcript import Domain

__all__ = [
    "DelegationRevocation",
    "DelegationRevocationBody",
    "Petition",
    "PetitionBody",
    "PetitionClosing",
    "PetitionDelegation",
    "PetitionDelegationBody",
    "PetitionSignature",
    "Progress",
    "Reaching",
    "SignatureBody",
    "Tally",
    "open_petition",
    "sign_petition",
]

MAX_TEXT = 20_000  # characters of a petition's text


class PetitionBody(Struct):
    """What the opener signs (spec §16.3); ``charter`` is the charter hash."""

    community: CommunityId
    charter: Bytes32
    petition: str
    purpose: Purpose
    title: str
    text: str
    opener: VerifyKey
    opens: int
    deadline: int

    def __post_init__(self) -> None:
        check_id(self.petition, "petition id")
        if not self.title or not 0 < len(self.text) <= MAX_TEXT:
            raise ParameterError(
                f"petition {self.petition}: a title and a text of 1 to {MAX_TEXT} characters"
            )
        if not 0 <= self.opens < self.deadline:
            raise ParameterError(f"petition {self.petition}: the deadline comes after the opening")


class Petition(Struct):
    body: PetitionBody
    signature: Signature


def open_petition(body: PetitionBody, opener: SigningKey) -> Petition:
    """The opening, signed by ``opener`` (whose key ``body.opener`` names)."""
    if body.opener != opener.verify_key:
        raise ParameterError("the petition names another opener's key")
    return Petition(body=body, signature=opener.sign(Domain.SIGN_PETITION, body))


class SignatureBody(Struct):
    """``person`` signs (or, with ``withdraw``, withdraws from) ``petition``; ``number`` is above
    the number of the signing credential's action on it before, if any (spec §16.3). ``proxy`` is
    the key of the proxy who signs for ``person`` under a petition delegation; None when the
    person signs with their own credential.
    """  # noqa: D205

    community: CommunityId
    charter: Bytes32
    petition: str
    person: PersonId
    number: int
    withdraw: bool = False
    proxy: VerifyKey | None = None


class PetitionSignature(Struct):
    body: SignatureBody
    signature: Signature


def sign_petition(body: SignatureBody, credential: SigningKey) -> PetitionSignature:
    return PetitionSignature(
        body=body, signature=credential.sign(Domain.SIGN_PETITION_SIGNATURE, body)
    )


class PetitionDelegationBody(Struct):
    """``owner`` lets ``proxy`` (another owner's credential) sign petitions of the purposes in
    ``scope`` for them, until ``expires``; ``number`` is above the owner credential's last
    delegation's (spec §16.3).
    """  # noqa: D205

    community: CommunityId
    charter: Bytes32
    owner: PersonId
    proxy: VerifyKey
    scope: tuple[Purpose, ...]
    expires: int
    number: int

    def __post_init__(self) -> None:
        if not self.scope or list(self.scope) != sorted(set(self.scope)):
            raise ParameterError(
                "petition delegation: a scope of one or more purposes, distinct and in order"
            )


class PetitionDelegation(Struct):
    """Signed by the owner's credential."""

    body: PetitionDelegationBody
    signature: Signature


class DelegationRevocationBody(Struct):
    """``owner`` revokes their petition delegation at board entry ``delegation``."""

    community: CommunityId
    charter: Bytes32
    owner: PersonId
    delegation: int


class DelegationRevocation(Struct):
    """Signed by the owner's credential."""

    body: DelegationRevocationBody
    signature: Signature


class Progress(Struct):
    """How far a petition has come: the signers' figures against each requirement (§16.3)."""

    petition: str
    signed: Figures
    totals: Figures
    evaluations: tuple[Evaluation, ...]
    reached: bool


class Reaching(Struct):
    """The board's entry for the moment a petition reached its rule: the figures at that moment."""

    petition: str
    progress: Progress


class PetitionClosing(Struct):
    """The board's entry at the deadline: the petition closed, reached or not, and its figures."""

    petition: str
    progress: Progress


@dataclass
class Tally:
    """One petition's state: its opening, its roll and rule, who signs now and each person's count."""

    petition: Petition
    roll: Roll
    rule: PetitionRule
    opened_at: int
    signers: dict[PersonId, int] = field(default_factory=dict)  # person → time of signing
    signed: Figures = field(default_factory=lambda: Figures(area=0, headcount=0))
    reached_at: int | None = None
    closed: bool = False

    @property
    def body(self) -> PetitionBody:
        return self.petition.body

    def add(self, person: PersonId, at: int) -> None:
        """``person`` signs: one more person, with all their area (domain rules 1–6)."""
        self.signers[person] = at
        self.signed += Figures(area=self.roll.weight(person), headcount=1)

    def remove(self, person: PersonId) -> None:
        del self.signers[person]
        self.signed -= Figures(area=self.roll.weight(person), headcount=1)

    def progress(self) -> Progress:
        """The signers' figures now, against the rule (spec §16.3).

        Kept as running sums, so a signature costs the same at any size; a property test checks
        them against a plain recount of the signatures.
        """
        signed = self.signed
        totals = self.roll.totals
        evaluations = tuple(
            r.evaluate(signed.of(r.measure), totals.of(r.measure)) for r in self.rule.requirements
        )
        return Progress(
            petition=self.body.petition,
            signed=signed,
            totals=totals,
            evaluations=evaluations,
            reached=self.rule.holds(signed, totals),
        )
