"""Who signs what on a community's board: the convener, organisers, owners and the bank (§16).

Each holds its key and the charter, and returns the signed message to publish; an owner's device
also keeps the number of its last action on each petition, notice and rating, so that each new
one takes the next (spec §16.3).
"""

from __future__ import annotations

from collections.abc import Sequence

from evote._internal.community.charter import Charter, ElectionQuestion, Purpose
from evote._internal.community.fund import Statement, StatementBody, Transaction, sign_statement
from evote._internal.community.notices import (
    Answer,
    AnswerBody,
    CommunityNotice,
    CommunityNoticeBody,
    NoticeKind,
    Objection,
    ObjectionBody,
    RollCorrection,
    RollCorrectionBody,
    sign_answer,
    sign_notice,
    sign_objection,
    sign_roll_correction,
)
from evote._internal.community.opinions import Opinion, OpinionBody, Reply, ReplyBody, sign_opinion
from evote._internal.community.opinions import sign_reply as _sign_reply
from evote._internal.community.petitions import (
    DelegationRevocation,
    DelegationRevocationBody,
    Petition,
    PetitionBody,
    PetitionDelegation,
    PetitionDelegationBody,
    PetitionSignature,
    SignatureBody,
    open_petition,
    sign_petition,
)
from evote._internal.election.convener import IssuedCode
from evote._internal.encoding import Bytes32
from evote._internal.ids import PersonId
from evote._internal.registry.credentials import Binding, bind, issue_code, new_activation_code
from evote._internal.registry.roll import Roll
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import SigningKey, VerifyKey
from evote.hazmat.transcript import Domain

__all__ = ["Bank", "CommunityConvener", "Member", "PetitionOpener"]


def _hash(charter: Charter) -> Bytes32:
    return Bytes32(charter.hash())


class CommunityConvener:
    """The convener of the community: its key is the charter's ``convener_key``."""

    __slots__ = ("_key", "charter")

    def __init__(self, key: SigningKey, charter: Charter) -> None:
        self._key, self.charter = key, charter

    def issue_code(self, person: PersonId, *, randomness: Randomness = OS_RANDOMNESS) -> IssuedCode:
        """A one-time activation code for ``person`` on the community's board (spec §16.2)."""
        code = new_activation_code(randomness=randomness)
        charter = self.charter
        issue = issue_code(charter.community, _hash(charter), person, code, self._key)
        return IssuedCode(code=code, issue=issue)

    def notice(
        self, notice: str, kind: NoticeKind, subject: str, text: str, *, until: int,
        election: bytes | None = None,
    ) -> CommunityNotice:  # fmt: skip
        """A notice (公示) posted until ``until``; a meeting notice names its manifest hash."""
        body = CommunityNoticeBody(
            community=self.charter.community, charter=_hash(self.charter), notice=notice,
            kind=kind, subject=subject, text=text, until=until,
            election=None if election is None else Bytes32(election),
        )  # fmt: skip
        return sign_notice(body, self._key)

    def answer(self, objection: int, text: str, *, upheld: bool) -> Answer:
        """The answer to the objection at board entry ``objection``."""
        body = AnswerBody(
            community=self.charter.community, charter=_hash(self.charter), objection=objection,
            upheld=upheld, text=text,
        )  # fmt: skip
        return sign_answer(body, self._key)

    def correct_roll(
        self, roll: Roll, reason: str, *, objections: Sequence[int] = ()
    ) -> RollCorrection:
        body = RollCorrectionBody(
            community=self.charter.community, charter=_hash(self.charter), roll=roll,
            reason=reason, objections=tuple(objections),
        )  # fmt: skip
        return sign_roll_correction(body, self._key)


class PetitionOpener:
    """Whoever opens petitions or replies to opinions: an organiser of the charter, or an owner
    (who opens petitions with their credential).
    """  # noqa: D205

    __slots__ = ("_key", "charter")

    def __init__(self, key: SigningKey, charter: Charter) -> None:
        self._key, self.charter = key, charter

    @property
    def key(self) -> VerifyKey:
        return self._key.verify_key

    def open_petition(
        self, petition: str, purpose: Purpose, title: str, text: str, *, opens: int,
        deadline: int,
    ) -> Petition:  # fmt: skip
        body = PetitionBody(
            community=self.charter.community, charter=_hash(self.charter), petition=petition,
            purpose=purpose, title=title, text=text, opener=self.key, opens=opens,
            deadline=deadline,
        )  # fmt: skip
        return open_petition(body, self._key)

    def reply(self, opinion: int, text: str) -> Reply:
        """A reply to the opinion at board entry ``opinion``."""
        body = ReplyBody(
            community=self.charter.community, charter=_hash(self.charter), opinion=opinion,
            replier=self.key, text=text,
        )  # fmt: skip
        return _sign_reply(body, self._key)


class Member:
    """An owner's device on the community's board: ``person`` and their credential."""

    __slots__ = ("_numbers", "charter", "credential", "person")

    def __init__(
        self, person: PersonId, credential: SigningKey, charter: Charter,
        *, numbers: dict[str, int] | None = None,
    ) -> None:  # fmt: skip
        self.person, self.credential, self.charter = person, credential, charter
        self._numbers: dict[tuple[str, str], int] = {
            tuple(key.split("/", 1)): value  # type: ignore[misc]
            for key, value in (numbers or {}).items()
        }

    @property
    def numbers(self) -> dict[str, int]:
        """The last number of each kind of action on each item, to keep between runs."""
        return {f"{what}/{about}": n for (what, about), n in self._numbers.items()}

    def _next(self, what: str, about: str) -> int:
        number = self._numbers.get((what, about), 0) + 1
        self._numbers[(what, about)] = number
        return number

    def join(self, code: str) -> Binding:
        """Bind the credential with the activation code the convener issued (spec §16.2)."""
        charter = self.charter
        return bind(charter.community, _hash(charter), self.person, self.credential, code)

    def opener(self) -> PetitionOpener:
        """This owner as the opener of a petition."""
        return PetitionOpener(self.credential, self.charter)

    def sign(self, petition: str, *, withdraw: bool = False) -> PetitionSignature:
        """Sign ``petition``, or withdraw the signature."""
        body = SignatureBody(
            community=self.charter.community, charter=_hash(self.charter), petition=petition,
            person=self.person, number=self._next("signature", petition), withdraw=withdraw,
        )  # fmt: skip
        return sign_petition(body, self.credential)

    def sign_for(
        self, owner: PersonId, petition: str, *, withdraw: bool = False
    ) -> PetitionSignature:
        """As ``owner``'s proxy, sign ``petition`` for them (or withdraw their signature)."""
        body = SignatureBody(
            community=self.charter.community, charter=_hash(self.charter), petition=petition,
            person=owner, number=self._next("signature", petition), withdraw=withdraw,
            proxy=self.credential.verify_key,
        )  # fmt: skip
        return sign_petition(body, self.credential)

    def delegate(
        self, proxy: VerifyKey, scope: Sequence[Purpose], *, expires: int
    ) -> PetitionDelegation:
        """Let the owner holding ``proxy`` sign petitions of ``scope`` for this owner (§16.3)."""
        body = PetitionDelegationBody(
            community=self.charter.community, charter=_hash(self.charter), owner=self.person,
            proxy=proxy, scope=tuple(sorted(set(scope))), expires=expires,
            number=self._next("delegation", ""),
        )  # fmt: skip
        return PetitionDelegation(
            body=body, signature=self.credential.sign(Domain.SIGN_PETITION_DELEGATION, body)
        )

    def revoke(self, delegation: int) -> DelegationRevocation:
        """Revoke this owner's petition delegation at board entry ``delegation``."""
        body = DelegationRevocationBody(
            community=self.charter.community, charter=_hash(self.charter), owner=self.person,
            delegation=delegation,
        )  # fmt: skip
        return DelegationRevocation(
            body=body, signature=self.credential.sign(Domain.SIGN_DELEGATION_REVOCATION, body)
        )

    def object(self, notice: str, text: str) -> Objection:
        body = ObjectionBody(
            community=self.charter.community, charter=_hash(self.charter), notice=notice,
            person=self.person, number=self._next("objection", notice), text=text,
        )  # fmt: skip
        return sign_objection(body, self.credential)

    def opine(self, about: ElectionQuestion, text: str) -> Opinion:
        key = f"{bytes(about.election).hex()}/{about.question}"
        body = OpinionBody(
            community=self.charter.community, charter=_hash(self.charter), about=about,
            person=self.person, number=self._next("opinion", key), text=text,
        )  # fmt: skip
        return sign_opinion(body, self.credential)


class Bank:
    """The data-sharing bank of the shared-fund account: its key is the charter's ``bank_key``."""

    __slots__ = ("_key", "account", "charter")

    def __init__(self, key: SigningKey, charter: Charter, account: str) -> None:
        self._key, self.charter, self.account = key, charter, account

    def statement(self, day: str, opening: int, transactions: Sequence[Transaction]) -> Statement:
        """The statement of ``day``: its closing balance is the opening plus the transactions."""
        body = StatementBody(
            community=self.charter.community, charter=_hash(self.charter), account=self.account,
            day=day, opening=opening, transactions=tuple(transactions),
            closing=opening + sum(t.amount for t in transactions),
        )  # fmt: skip
        return sign_statement(body, self._key)
