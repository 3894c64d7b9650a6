"""The events of a community's board, one tagged type per kind, and its record's layout (§16.1).

Like an election's events (:mod:`evote._internal.board.events`), each kind states its record
``file``, its verification ``checks`` and how the community's proceedings ``apply`` it.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, ClassVar, Final, Literal

from evote._internal.board.heads import SignedTreeHead
from evote._internal.community.charter import Charter, CommunityId
from evote._internal.community.fund import Statement
from evote._internal.community.notices import Answer, CommunityNotice, Objection, RollCorrection
from evote._internal.community.opinions import Opinion, Reply
from evote._internal.community.petitions import (
    DelegationRevocation,
    Petition,
    PetitionClosing,
    PetitionDelegation,
    PetitionSignature,
    Reaching,
)
from evote._internal.encoding import Struct
from evote._internal.ids import check_id
from evote._internal.record import Layout, RecordFile
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.roll import Roll
from evote.errors import Check, Reason

if TYPE_CHECKING:
    from evote._internal.community.proceedings import CommunityProceedings

__all__ = [
    "COMMUNITY_KINDS",
    "COMMUNITY_LAYOUT",
    "AnswerPosted",
    "AnyCommunityEvent",
    "CharterPublished",
    "CommunityCodeIssued",
    "CommunityCredentialBound",
    "CommunityEntry",
    "CommunityEvent",
    "CommunityNoticePosted",
    "CommunityRecordIndex",
    "CommunityRollPublished",
    "ObjectionFiled",
    "OpinionGiven",
    "PetitionClosed",
    "PetitionDelegated",
    "PetitionDelegationRevoked",
    "PetitionOpened",
    "PetitionReached",
    "PetitionSigned",
    "ReplyPosted",
    "RollCorrected",
    "StatementPosted",
]

CHARTER_FILE: Final = "charter.json"
ROLL_FILE: Final = "roll.json"
REGISTRATION_FILE: Final = "registration.jsonl"
PETITIONS_FILE: Final = "petitions.jsonl"
NOTICES_FILE: Final = "notices.jsonl"
FUND_FILE: Final = "fund.jsonl"
OPINIONS_FILE: Final = "opinions.jsonl"


class CommunityEvent(Struct, tag_field="type"):
    file: ClassVar[str]
    checks: ClassVar[tuple[Check, ...]]

    @classmethod
    def check_of(cls, reason: Reason) -> Check:  # noqa: ARG003 -- the same interface as elections'
        return cls.checks[0]


class CharterPublished(CommunityEvent, tag="charter"):
    file = CHARTER_FILE
    checks = (Check.CHARTER,)

    charter: Charter

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:  # noqa: ARG002
        proceedings.found(self.charter)


class CommunityRollPublished(CommunityEvent, tag="roll"):
    file = ROLL_FILE
    checks = (Check.CHARTER,)

    roll: Roll

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.publish_roll(self.roll, at=at)


class CommunityCodeIssued(CommunityEvent, tag="code"):
    file = REGISTRATION_FILE
    checks = (Check.REGISTRATION,)

    issue: CodeIssue

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:  # noqa: ARG002
        proceedings.registered().issue_code(self.issue)


class CommunityCredentialBound(CommunityEvent, tag="binding"):
    file = REGISTRATION_FILE
    checks = (Check.REGISTRATION,)

    binding: Binding

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:  # noqa: ARG002
        proceedings.registered().bind(self.binding)


class PetitionOpened(CommunityEvent, tag="petition"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    petition: Petition

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.open_petition(self.petition, at=at)


class PetitionSigned(CommunityEvent, tag="petition-signature"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    signature: PetitionSignature

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.sign_petition(self.signature, at=at)


class PetitionDelegated(CommunityEvent, tag="petition-delegation"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    delegation: PetitionDelegation

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.delegate(self.delegation, at=at)


class PetitionDelegationRevoked(CommunityEvent, tag="petition-delegation-revocation"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    revocation: DelegationRevocation

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:  # noqa: ARG002
        proceedings.revoke(self.revocation)


class PetitionReached(CommunityEvent, tag="petition-reached"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    reaching: Reaching

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.reach_petition(self.reaching, at=at)


class PetitionClosed(CommunityEvent, tag="petition-closed"):
    file = PETITIONS_FILE
    checks = (Check.PETITIONS,)

    closing: PetitionClosing

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.close_petition(self.closing, at=at)


class CommunityNoticePosted(CommunityEvent, tag="notice"):
    file = NOTICES_FILE
    checks = (Check.NOTICES,)

    notice: CommunityNotice

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.post_notice(self.notice, at=at)


class ObjectionFiled(CommunityEvent, tag="objection"):
    file = NOTICES_FILE
    checks = (Check.NOTICES,)

    objection: Objection

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.file_objection(self.objection, at=at)


class AnswerPosted(CommunityEvent, tag="answer"):
    file = NOTICES_FILE
    checks = (Check.NOTICES,)

    answer: Answer

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.answer(self.answer, at=at)


class RollCorrected(CommunityEvent, tag="roll-correction"):
    file = NOTICES_FILE
    checks = (Check.NOTICES,)

    correction: RollCorrection

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.correct_roll(self.correction, at=at)


class StatementPosted(CommunityEvent, tag="statement"):
    file = FUND_FILE
    checks = (Check.FUND,)

    statement: Statement

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.post_statement(self.statement, at=at)


class OpinionGiven(CommunityEvent, tag="opinion"):
    file = OPINIONS_FILE
    checks = (Check.OPINIONS,)

    opinion: Opinion

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.give_opinion(self.opinion, at=at)


class ReplyPosted(CommunityEvent, tag="reply"):
    file = OPINIONS_FILE
    checks = (Check.OPINIONS,)

    reply: Reply

    def apply(self, proceedings: CommunityProceedings, at: int) -> None:
        proceedings.post_reply(self.reply, at=at)


AnyCommunityEvent = (
    CharterPublished
    | CommunityRollPublished
    | CommunityCodeIssued
    | CommunityCredentialBound
    | PetitionOpened
    | PetitionDelegated
    | PetitionDelegationRevoked
    | PetitionSigned
    | PetitionReached
    | PetitionClosed
    | CommunityNoticePosted
    | ObjectionFiled
    | AnswerPosted
    | RollCorrected
    | StatementPosted
    | OpinionGiven
    | ReplyPosted
)

COMMUNITY_KINDS: Final[tuple[type[CommunityEvent], ...]] = typing.get_args(AnyCommunityEvent)


class CommunityEntry(Struct):
    """One event at its place (from 0) and time (Unix seconds) on a community's board."""

    index: int
    at: int
    event: AnyCommunityEvent


class CommunityRecordIndex(Struct):
    """``record.json`` of a community's record (spec §16.1)."""

    format: Literal["evote-community-record"]
    version: Literal[1]
    community: CommunityId
    size: int
    head: SignedTreeHead
    files: tuple[RecordFile, ...]

    def __post_init__(self) -> None:
        check_id(self.community, "community")

    @property
    def board(self) -> str:
        return self.community


def _index(
    community: str, size: int, head: SignedTreeHead, files: tuple[RecordFile, ...]
) -> CommunityRecordIndex:
    return CommunityRecordIndex(
        format="evote-community-record", version=1, community=CommunityId(community), size=size,
        head=head, files=files,
    )  # fmt: skip


#: A community's record (spec §16.1): the charter is entry 0, the first roll entry 1.
COMMUNITY_LAYOUT: Final = Layout(
    format="evote-community-record",
    version=1,
    index_type=CommunityRecordIndex,
    make_index=_index,
    file_of={str(k.__struct_config__.tag): k.file for k in COMMUNITY_KINDS},
    sole_place={CHARTER_FILE: -0.5, ROLL_FILE: 0.5},
)
