"""Notices (公示), objections (异议) and answers, and corrections of the roll (spec §16.4).

The convener posts a notice of a kind — the roll, a candidate list, a meeting notice, results,
decisions — with its subject and text and the end of its notice period; a meeting notice names the
manifest hash of the election it convenes, and must be posted at least the charter's number of days
(15 by default, domain rule 21) before that election's voting opens. While a notice is posted, a
bound owner may file an objection to it, signed with their credential; the convener answers each
objection once, saying whether it is upheld. The roll may be corrected: the corrected roll
supersedes the one before, with its reason and the objections it answers.
"""

from __future__ import annotations

import enum

from evote._internal.community.charter import CommunityId
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import PersonId, check_id
from evote._internal.registry.roll import Roll
from evote.errors import ParameterError
from evote.hazmat.signing import Signature, SigningKey
from evote.hazmat.transcript import Domain

__all__ = [
    "Answer",
    "AnswerBody",
    "CommunityNotice",
    "CommunityNoticeBody",
    "NoticeKind",
    "Objection",
    "ObjectionBody",
    "RollCorrection",
    "RollCorrectionBody",
    "sign_answer",
    "sign_notice",
    "sign_objection",
    "sign_roll_correction",
]

MAX_TEXT = 20_000


def _check_text(what: str, text: str) -> None:
    if not 0 < len(text) <= MAX_TEXT:
        raise ParameterError(f"{what}: a text of 1 to {MAX_TEXT} characters")


class NoticeKind(enum.StrEnum):
    ROLL = "roll"  # 业主名册
    CANDIDATES = "candidates"  # 候选人名单
    MEETING = "meeting"  # 会议通知
    RESULTS = "results"  # 表决结果
    DECISIONS = "decisions"  # 业主大会决定
    OTHER = "other"


class CommunityNoticeBody(Struct):
    """A notice, posted until ``until`` (Unix seconds); a meeting notice names its election."""

    community: CommunityId
    charter: Bytes32
    notice: str
    kind: NoticeKind
    subject: str
    text: str
    until: int
    election: Bytes32 | None = None  # the manifest hash of the election a meeting notice convenes

    def __post_init__(self) -> None:
        check_id(self.notice, "notice id")
        if not self.subject:
            raise ParameterError(f"notice {self.notice}: a subject is required")
        _check_text(f"notice {self.notice}", self.text)
        if (self.kind is NoticeKind.MEETING) != (self.election is not None):
            raise ParameterError(
                f"notice {self.notice}: a meeting notice, and only it, names its election"
            )


class CommunityNotice(Struct):
    body: CommunityNoticeBody
    signature: Signature


def sign_notice(body: CommunityNoticeBody, convener: SigningKey) -> CommunityNotice:
    return CommunityNotice(body=body, signature=convener.sign(Domain.SIGN_COMMUNITY_NOTICE, body))


class ObjectionBody(Struct):
    """``person`` objects to ``notice``: their ``number``-th objection to it (1, 2, …)."""

    community: CommunityId
    charter: Bytes32
    notice: str
    person: PersonId
    number: int
    text: str

    def __post_init__(self) -> None:
        _check_text("objection", self.text)


class Objection(Struct):
    body: ObjectionBody
    signature: Signature


def sign_objection(body: ObjectionBody, credential: SigningKey) -> Objection:
    return Objection(body=body, signature=credential.sign(Domain.SIGN_OBJECTION, body))


class AnswerBody(Struct):
    """The convener's answer to the objection at board entry ``objection``."""

    community: CommunityId
    charter: Bytes32
    objection: int
    upheld: bool
    text: str

    def __post_init__(self) -> None:
        _check_text("answer", self.text)


class Answer(Struct):
    body: AnswerBody
    signature: Signature


def sign_answer(body: AnswerBody, convener: SigningKey) -> Answer:
    return Answer(body=body, signature=convener.sign(Domain.SIGN_ANSWER, body))


class RollCorrectionBody(Struct):
    """The corrected roll, which supersedes the one before; ``objections`` are the board entries
    of the objections it answers, if any.
    """  # noqa: D205

    community: CommunityId
    charter: Bytes32
    roll: Roll
    reason: str
    objections: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _check_text("roll correction: reason", self.reason)


class RollCorrection(Struct):
    body: RollCorrectionBody
    signature: Signature


def sign_roll_correction(body: RollCorrectionBody, convener: SigningKey) -> RollCorrection:
    return RollCorrection(body=body, signature=convener.sign(Domain.SIGN_ROLL_CORRECTION, body))
