"""Owners' opinions on a satisfaction rating, and the replies (spec §16.6).

With the satisfaction evaluation (满意度评价) an owner may give improvement suggestions (业主可就存在
的问题提出改进意见). The score is a secret ballot of the election; the opinion is a separate, public
entry of the community's board, signed by the owner's credential, so that nothing links it to the
score. It names the rating it is about (an election's manifest hash and the rating's question);
the verifier checks against that election's record that the question is a rating (spec §16.7). An
organiser — the owners' committee or the property company — posts replies.
"""

from __future__ import annotations

from evote._internal.community.charter import CommunityId, ElectionQuestion
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import PersonId
from evote.errors import ParameterError
from evote.hazmat.signing import Signature, SigningKey, VerifyKey
from evote.hazmat.transcript import Domain

__all__ = ["Opinion", "OpinionBody", "Reply", "ReplyBody", "sign_opinion", "sign_reply"]

MAX_TEXT = 5_000


class OpinionBody(Struct):
    """``person``'s ``number``-th opinion (1, 2, …) on the rating ``about``."""

    community: CommunityId
    charter: Bytes32
    about: ElectionQuestion
    person: PersonId
    number: int
    text: str

    def __post_init__(self) -> None:
        if not 0 < len(self.text) <= MAX_TEXT:
            raise ParameterError(f"opinion: a text of 1 to {MAX_TEXT} characters")


class Opinion(Struct):
    body: OpinionBody
    signature: Signature


def sign_opinion(body: OpinionBody, credential: SigningKey) -> Opinion:
    return Opinion(body=body, signature=credential.sign(Domain.SIGN_OPINION, body))


class ReplyBody(Struct):
    """An organiser's reply to the opinion at board entry ``opinion``."""

    community: CommunityId
    charter: Bytes32
    opinion: int
    replier: VerifyKey
    text: str

    def __post_init__(self) -> None:
        if not 0 < len(self.text) <= MAX_TEXT:
            raise ParameterError(f"reply: a text of 1 to {MAX_TEXT} characters")


class Reply(Struct):
    body: ReplyBody
    signature: Signature


def sign_reply(body: ReplyBody, organiser: SigningKey) -> Reply:
    return Reply(body=body, signature=organiser.sign(Domain.SIGN_REPLY, body))
