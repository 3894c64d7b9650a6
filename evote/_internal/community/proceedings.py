"""The proceedings of a community: the state built from its board's entries, in order (§16.8).

Like an election's proceedings (:mod:`evote._internal.proceedings`), :class:`CommunityProceedings`
either applies the next entry or refuses it with a :class:`~evote.errors.Refused` that names its
reason, its check and the entry's index, and then changes nothing. The host applies each event
before publishing it; the verifier applies every entry of a record. Entry 0 is the charter, entry 1
the roll; after them, anything in any order the rules allow, and times never go back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from evote._internal.community.charter import Charter
from evote._internal.community.events import (
    CharterPublished,
    CommunityEntry,
    CommunityRollPublished,
    PetitionReached,
)
from evote._internal.community.fund import Statement
from evote._internal.community.notices import (
    Answer,
    CommunityNotice,
    Objection,
    RollCorrection,
)
from evote._internal.community.opinions import Opinion, Reply
from evote._internal.community.petitions import (
    DelegationRevocation,
    Petition,
    PetitionClosing,
    PetitionDelegation,
    PetitionSignature,
    Reaching,
    Tally,
)
from evote._internal.encoding import Struct
from evote._internal.ids import PersonId
from evote._internal.messages import Figure, Text
from evote._internal.proceedings import require_in_order
from evote._internal.registry.registry import Registry
from evote._internal.registry.roll import Roll
from evote.errors import Check, InvalidSignature, Reason, Refused, message_of, refusing
from evote.hazmat.signing import Signature, VerifyKey, verify_signature
from evote.hazmat.transcript import Domain

__all__ = ["CommunityProceedings", "Filed", "RollInForce"]


def _refused(reason: Reason, text: Text, check: Check | None = None, **figures: Figure) -> Refused:
    return Refused(reason, message_of(text, figures), check=check)


_CHARTER_FIRST = Text(
    "charter-first", "the first entry must be the charter", "第一条必须是社区章程"
)
_CHARTER_ONCE = Text(
    "charter-once", "the charter comes once, as entry 0", "社区章程只出现一次，且为第 0 条"
)
_ROLL_SECOND = Text(
    "community-roll-second", "the roll must follow the charter", "社区章程之后必须是业主名册"
)
_ROLL_ONCE = Text(
    "community-roll-once", "the roll is published once; later rolls are corrections",
    "业主名册只公布一次，此后的名册须以更正的形式公布",
)  # fmt: skip
_ROLL_ELSEWHERE = Text(
    "community-roll-elsewhere", "the roll is for {community!r}, not this community",
    "该名册属于 {community!r}，不属于本社区",
)  # fmt: skip
_OTHER_COMMUNITY = Text(
    "other-community", "{what} for {community!r} or for another charter",
    "{what}针对的是 {community!r} 或另一份社区章程",
)  # fmt: skip
_NOT_SIGNED_BY = Text(
    "not-signed-by", "{what}: not signed by {signer}", "{what}：不是由{signer}签名"
)
_PENDING_REACH = Text(
    "pending-reach",
    "petition {petition!r} reached its rule at the entry before: the board must say so next",
    "联名 {petition!r} 已在上一条达到要求：公告板下一条必须予以记录",
)
_WHAT: dict[str, Text] = {
    "petition": Text("what-petition", "petition", "联名"),
    "signature": Text("what-petition-signature", "petition signature", "联名签名"),
    "delegation": Text("what-petition-delegation", "petition delegation", "联名委托"),
    "revocation": Text(
        "what-delegation-revocation", "revocation of a petition delegation", "撤销联名委托"
    ),
    "notice": Text("what-community-notice", "notice", "公示"),
    "objection": Text("what-objection", "objection", "异议"),
    "answer": Text("what-answer", "answer", "答复"),
    "correction": Text("what-roll-correction", "roll correction", "名册更正"),
    "statement": Text("what-statement", "statement", "账户流水"),
    "opinion": Text("what-opinion", "opinion", "意见"),
    "reply": Text("what-reply", "reply", "回复"),
}
_SIGNERS: dict[str, Text] = {
    "convener": Text("signer-convener", "the convener", "召集人"),
    "bank": Text("signer-bank", "the bank of the charter", "章程登记的银行"),
    "opener": Text("signer-opener", "the opener it names", "其所称的发起人"),
    "credential": Text("signer-credential", "the person's credential", "该人员的凭证"),
    "proxy": Text("signer-proxy", "the proxy it names", "其所称的受托人"),
    "replier": Text("signer-replier", "the organiser it names", "其所称的组织者"),
}
_PROXY_NOT_OWNER = Text(
    "proxy-not-owner", "the proxy is not the bound credential of another owner on the roll",
    "受托人不是名册上另一位业主已绑定的凭证",
)  # fmt: skip
_DELEGATION_EXPIRED = Text(
    "petition-delegation-expired", "the delegation expires at {expires}, not after {at}",
    "该委托于 {expires} 到期，不晚于 {at}",
)  # fmt: skip
_DELEGATION_STANDING = Text(
    "petition-delegation-standing",
    "{person!r} has a delegation standing already (entry {entry}): revoke it first",
    "{person!r} 已有有效的委托（第 {entry} 条）：请先撤销",
)
_NOT_THEIRS = Text(
    "petition-delegation-not-theirs", "entry {entry} is not a delegation of {person!r}",
    "第 {entry} 条不是 {person!r} 的委托",
)  # fmt: skip
_REVOKED_ALREADY = Text(
    "petition-delegation-revoked", "the delegation of entry {entry} is revoked already",
    "第 {entry} 条委托已被撤销",
)  # fmt: skip
_NO_MANDATE = Text(
    "no-petition-delegation",
    "{person!r} has no standing delegation to this proxy for a petition for {purpose}",
    "{person!r} 没有委托该受托人签署以“{purpose}”为目的的联名",
)
_PETITION_AGAIN = Text(
    "petition-again",
    "petition {petition!r} is on the board already",
    "联名 {petition!r} 已在公告板上",
)
_NO_PETITION = Text("no-petition", "no petition {petition!r}", "没有联名 {petition!r}")
_OPENER = Text(
    "opener-unknown",
    "the opener is neither an organiser of the charter nor a bound owner",
    "发起人既不是章程登记的组织者，也不是已绑定凭证的业主",
)
_OPENS = Text(
    "petition-opens", "opened at {at}, outside its own opening {opens} to deadline {deadline}",
    "于 {at} 发起，不在其所载的发起时间 {opens} 至截止时间 {deadline} 之间",
)  # fmt: skip
_PAST_DEADLINE = Text(
    "past-deadline", "petition {petition!r} closed at its deadline {deadline}; this is at {at}",
    "联名 {petition!r} 已于截止时间 {deadline} 结束；本条时间为 {at}",
)  # fmt: skip
_NOT_ON_THIS_ROLL = Text(
    "not-on-this-roll", "{person!r} is not on the roll this counts over",
    "{person!r} 不在本项所依据的名册上",
)  # fmt: skip
_UNBOUND = Text("unbound", "{person!r} has bound no credential", "{person!r} 尚未绑定凭证")
_NUMBER = Text(
    "number-used", "{person!r}: action number {number} is not above {last}, the signing key's last",
    "{person!r}：操作序号 {number} 不大于签名密钥的上一个序号 {last}",
)  # fmt: skip
_SIGNED_ALREADY = Text(
    "signed-already", "{person!r} has signed petition {petition!r} already",
    "{person!r} 已经签署过联名 {petition!r}",
)  # fmt: skip
_NOT_SIGNING = Text(
    "not-signing", "{person!r} has no signature on petition {petition!r} to withdraw",
    "{person!r} 在联名 {petition!r} 上没有可撤回的签名",
)  # fmt: skip
_REACHED = Text(
    "reached-no-withdrawal",
    "petition {petition!r} has reached its rule: its signatures can no longer be withdrawn",
    "联名 {petition!r} 已达到要求：签名不可再撤回",
)
_NOT_REACHING = Text(
    "not-reaching", "petition {petition!r} did not just reach its rule",
    "联名 {petition!r} 并非刚刚达到要求",
)  # fmt: skip
_PROGRESS = Text(
    "progress-differs", "the figures of petition {petition!r} differ from the recount",
    "联名 {petition!r} 的数据与重新统计的不同",
)  # fmt: skip
_CLOSED_ALREADY = Text(
    "petition-closed-already", "petition {petition!r} is closed already", "联名 {petition!r} 已结束"
)
_CLOSE_EARLY = Text(
    "close-early", "petition {petition!r} closes at its deadline {deadline}, not at {at}",
    "联名 {petition!r} 应在截止时间 {deadline} 结束，而非 {at}",
)  # fmt: skip
_NOTICE_AGAIN = Text(
    "community-notice-again", "notice {notice!r} is on the board already",
    "公示 {notice!r} 已在公告板上",
)  # fmt: skip
_NOTICE_ENDS = Text(
    "notice-ends", "notice {notice!r} ends at {until}, before it is posted at {at}",
    "公示 {notice!r} 的结束时间 {until} 早于发布时间 {at}",
)  # fmt: skip
_NO_NOTICE = Text("no-notice", "no notice {notice!r}", "没有公示 {notice!r}")
_NOTICE_OVER = Text(
    "notice-over", "notice {notice!r} was posted until {until}; this is at {at}",
    "公示 {notice!r} 的公示期至 {until}；本条时间为 {at}",
)  # fmt: skip
_NO_ENTRY = Text("no-such-entry", "entry {entry} is not {what}", "第 {entry} 条不是{what}")
_ANSWERED = Text(
    "answered", "the objection of entry {entry} has an answer already",
    "第 {entry} 条异议已有答复",
)  # fmt: skip
_SAME_ROLL = Text(
    "same-roll", "the corrected roll is the roll in force", "更正后的名册与现行名册相同"
)
_CHAIN_TOTAL = Text(
    "chain-total", "the statement of {day} opens at {opening} and closes at {closing}, but its "
    "transactions sum to {total}",
    "{day} 的流水期初余额为 {opening}、期末余额为 {closing}，但交易合计为 {total}",
)  # fmt: skip
_CHAIN_GAP = Text(
    "chain-gap", "the statement of {day} follows the one of {previous}: a day is missing or repeated",
    "{day} 的流水接在 {previous} 之后：缺少或重复了某一天",
)  # fmt: skip
_CHAIN_OPENING = Text(
    "chain-opening", "the statement of {day} opens at {opening}; the day before closed at "
    "{previous}",
    "{day} 的流水期初余额为 {opening}；前一天的期末余额为 {previous}",
)  # fmt: skip
_CHAIN_ACCOUNT = Text(
    "chain-account", "the statement of {day} is for account {account!r}, not {expected!r}",
    "{day} 的流水属于账户 {account!r}，而非 {expected!r}",
)  # fmt: skip
_TRANSACTION_AGAIN = Text(
    "transaction-again", "transaction {transaction!r} appeared on an earlier statement",
    "交易 {transaction!r} 已出现在之前的流水中",
)  # fmt: skip
_UNAUTHORISED_TRANSFER = Text(
    "large-transfer-uncited",
    "transfer {transaction!r} of {amount} fen is above {limit} fen and cites no decision",
    "转账 {transaction!r} 金额 {amount} 分，超过 {limit} 分，却未引用任何决定",
)
_NOT_ORGANISER = Text(
    "not-organiser", "the replier is not an organiser of the charter", "回复人不是章程登记的组织者"
)


@dataclass(frozen=True)
class RollInForce:
    """A roll of the community and the entry and time from which it is in force."""

    index: int
    at: int
    roll: Roll


Item = TypeVar("Item", bound=Struct)


@dataclass(frozen=True)
class Filed(Generic[Item]):
    """A signed item at its place on the board: a notice, an objection, an opinion, and so on."""

    index: int
    at: int
    item: Item


class CommunityProceedings:
    """The state of a community's board (spec §16.8)."""

    def __init__(self) -> None:
        self.size = 0
        self.last_at: int | None = None
        self._index = 0  # the index of the entry being applied
        self.charter: Charter | None = None
        self.charter_hash = b""
        self.rolls: list[RollInForce] = []
        self._registry: Registry | None = None
        self.petitions: dict[str, Tally] = {}
        self._pending: str | None = None  # a petition that reached its rule at the last entry
        self.notices: dict[str, Filed[CommunityNotice]] = {}
        self.objections: dict[int, Filed[Objection]] = {}
        self.answers: dict[int, Filed[Answer]] = {}  # objection's entry → the answer
        self.corrections: list[Filed[RollCorrection]] = []
        self.statements: list[Filed[Statement]] = []
        self.opinions: dict[int, Filed[Opinion]] = {}
        self.replies: list[Filed[Reply]] = []
        self.delegations: dict[int, Filed[PetitionDelegation]] = {}
        self._standing: dict[PersonId, int] = {}  # owner → the entry of their delegation standing
        self._revoked: set[int] = set()  # the entries of the delegations revoked
        self._numbers: dict[tuple[str, str, bytes], int] = {}  # (what, about, credential) → last
        self._transactions: set[str] = set()

    # -- order (spec §16.8) ------------------------------------------------------------------

    def apply(self, entry: CommunityEntry) -> None:
        """Apply the next entry, or raise :class:`~evote.errors.Refused` and change nothing."""
        index, event = entry.index, entry.event
        try:
            require_in_order(index, entry.at, self.size, self.last_at)
            if self._pending is not None and not isinstance(event, PetitionReached):
                raise _refused(
                    Reason.PROGRESS_MISMATCH, _PENDING_REACH, Check.PETITIONS,
                    petition=self._pending,
                )  # fmt: skip
            self._require_founding(event)
            self._index = index
            with refusing():
                event.apply(self, entry.at)
        except Refused as refused:
            check = refused.check or type(event).check_of(refused.reason)
            raise refused.placed(check, index) from refused.__cause__
        self.size = index + 1
        self.last_at = entry.at

    def _require_founding(self, event: object) -> None:
        """The charter is entry 0, the roll entry 1, and nothing comes before them (§16.1)."""
        if self.charter is None and not isinstance(event, CharterPublished):
            raise _refused(Reason.WRONG_PHASE, _CHARTER_FIRST, Check.CHARTER)
        unrolled = self.charter is not None and self._registry is None
        if unrolled and not isinstance(event, CommunityRollPublished):
            raise _refused(Reason.WRONG_PHASE, _ROLL_SECOND, Check.CHARTER)

    @property
    def pending(self) -> str | None:
        """The petition that reached its rule at the last entry, until the board says so."""
        return self._pending

    # -- the charter, the roll and the registry (spec §16.2) ---------------------------------

    def _founded(self) -> Charter:
        if self.charter is None:
            raise _refused(Reason.WRONG_PHASE, _CHARTER_FIRST, Check.CHARTER)
        return self.charter

    def registered(self) -> Registry:
        """The registry of owners; refused before the roll is published."""
        self._founded()
        if self._registry is None:
            raise _refused(Reason.WRONG_PHASE, _ROLL_SECOND, Check.CHARTER)
        return self._registry

    @property
    def roll(self) -> Roll:
        return self.registered().roll

    def found(self, charter: Charter) -> None:
        if self.size != 0:
            raise _refused(Reason.WRONG_PHASE, _CHARTER_ONCE, Check.CHARTER)
        self.charter = charter
        self.charter_hash = charter.hash()

    def publish_roll(self, roll: Roll, *, at: int) -> None:
        charter = self._founded()
        if self._registry is not None or self.size != 1:
            raise _refused(Reason.WRONG_PHASE, _ROLL_ONCE, Check.CHARTER)
        if roll.election != charter.community:
            raise _refused(Reason.WRONG_ELECTION, _ROLL_ELSEWHERE, community=roll.election)
        self._registry = Registry(roll, charter.convener_key, self.charter_hash)
        self.rolls.append(RollInForce(self._index, at, roll))

    def roll_at(self, at: int) -> Roll | None:
        """The roll in force at time ``at``: the last published at or before it."""
        found = [r.roll for r in self.rolls if r.at <= at]
        return found[-1] if found else None

    # -- signed items ------------------------------------------------------------------------

    def _ours(self, body: Struct, what: str) -> None:
        """Refuse as ``wrong-election`` what names another community or charter."""
        community, charter = getattr(body, "community"), getattr(body, "charter")  # noqa: B009
        if community != self._founded().community or bytes(charter) != self.charter_hash:
            raise _refused(
                Reason.WRONG_ELECTION, _OTHER_COMMUNITY, what=_WHAT[what], community=community
            )

    def _signed(
        self, key: VerifyKey, domain: Domain, body: Struct, signature: Signature, what: str,
        signer: str,
    ) -> None:  # fmt: skip
        try:
            verify_signature(key, domain, body, signature, what=_WHAT[what])
        except InvalidSignature:
            raise _refused(
                Reason.BAD_SIGNATURE, _NOT_SIGNED_BY, what=_WHAT[what], signer=_SIGNERS[signer]
            ) from None

    def _credential(self, person: PersonId, roll: Roll | None = None) -> VerifyKey:
        """The credential bound to ``person`` now; refused if they are not on ``roll`` (the roll
        in force by default) or have bound none.
        """  # noqa: D205
        registry = self.registered()
        if (roll or registry.roll).person(person) is None:
            raise _refused(Reason.NOT_ON_ROLL, _NOT_ON_THIS_ROLL, person=person)
        credential = registry.credential(person)
        if credential is None:
            raise _refused(Reason.NOT_BOUND, _UNBOUND, person=person)
        return credential

    def _next_number(
        self, what: str, about: str, person: PersonId, credential: VerifyKey, number: int
    ) -> None:
        """Refuse a number not above the last this credential used on the item: a replay (§16.3).

        Numbers are per credential: a new device (a new binding) starts again from 1.
        """
        last = self._numbers.get((what, about, bytes(credential)), 0)
        if number <= last:
            raise _refused(Reason.COUNTER_USED, _NUMBER, person=person, number=number, last=last)

    def _count(self, what: str, about: str, credential: VerifyKey, number: int) -> None:
        self._numbers[(what, about, bytes(credential))] = number

    # -- petitions (spec §16.3) --------------------------------------------------------------

    def _petition(self, petition: str) -> Tally:
        tally = self.petitions.get(petition)
        if tally is None:
            raise _refused(Reason.UNKNOWN_REFERENCE, _NO_PETITION, petition=petition)
        return tally

    def open_petition(self, petition: Petition, *, at: int) -> None:
        body = petition.body
        charter, registry = self._founded(), self.registered()
        self._ours(body, "petition")
        if body.petition in self.petitions:
            raise _refused(Reason.DUPLICATE, _PETITION_AGAIN, petition=body.petition)
        self._signed(
            body.opener, Domain.SIGN_PETITION, body, petition.signature, "petition", "opener"
        )
        holder = registry.holder(body.opener)
        owner = (
            holder is not None
            and not registry.is_replaced(body.opener)
            and registry.roll.person(holder) is not None  # still an owner
        )
        if charter.organiser(body.opener) is None and not owner:
            raise _refused(Reason.NOT_AUTHORISED, _OPENER)
        if not body.opens <= at < body.deadline:
            raise _refused(
                Reason.OUTSIDE_WINDOW, _OPENS, at=at, opens=body.opens, deadline=body.deadline
            )
        self.petitions[body.petition] = Tally(
            petition=petition, roll=registry.roll, rule=charter.rule(body.purpose), opened_at=at
        )

    def delegate(self, delegation: PetitionDelegation, *, at: int) -> None:
        """An owner lets another owner sign petitions for them, within a scope (spec §16.3)."""
        body = delegation.body
        self._ours(body, "delegation")
        credential = self._credential(body.owner)
        self._signed(
            credential, Domain.SIGN_PETITION_DELEGATION, body, delegation.signature,
            "delegation", "credential",
        )  # fmt: skip
        self._next_number("delegation", "", body.owner, credential, body.number)
        registry = self.registered()
        holder = registry.holder(body.proxy)
        if (
            holder is None
            or holder == body.owner
            or registry.is_replaced(body.proxy)
            or registry.roll.person(holder) is None
        ):
            raise _refused(Reason.DELEGATION_INVALID, _PROXY_NOT_OWNER)
        if body.expires <= at:
            raise _refused(
                Reason.DELEGATION_INVALID, _DELEGATION_EXPIRED, expires=body.expires, at=at
            )
        standing = self._standing_delegation(body.owner, at)
        if standing is not None:
            raise _refused(Reason.DELEGATION_INVALID, _DELEGATION_STANDING, person=body.owner,
                           entry=standing.index)  # fmt: skip
        self._count("delegation", "", credential, body.number)
        self.delegations[self._index] = Filed(self._index, at, delegation)
        self._standing[body.owner] = self._index

    def revoke(self, revocation: DelegationRevocation) -> None:
        body = revocation.body
        self._ours(body, "revocation")
        credential = self._credential(body.owner)
        self._signed(
            credential, Domain.SIGN_DELEGATION_REVOCATION, body, revocation.signature,
            "revocation", "credential",
        )  # fmt: skip
        filed = self.delegations.get(body.delegation)
        if filed is None:
            raise _refused(Reason.UNKNOWN_REFERENCE, _NO_ENTRY, entry=body.delegation,
                           what=_WHAT["delegation"])  # fmt: skip
        if filed.item.body.owner != body.owner:
            raise _refused(
                Reason.DELEGATION_INVALID, _NOT_THEIRS, entry=body.delegation, person=body.owner
            )
        if body.delegation in self._revoked:
            raise _refused(Reason.DUPLICATE, _REVOKED_ALREADY, entry=body.delegation)
        self._revoked.add(body.delegation)
        if self._standing.get(body.owner) == body.delegation:
            del self._standing[body.owner]

    def _standing_delegation(self, owner: PersonId, at: int) -> Filed[PetitionDelegation] | None:
        """The owner's delegation not revoked and not expired at ``at``, if any."""
        index = self._standing.get(owner)
        if index is None or self.delegations[index].item.body.expires <= at:
            return None
        return self.delegations[index]

    def _signer(self, signature: PetitionSignature, tally: Tally, at: int) -> VerifyKey:
        """The key that must have signed: the person's credential, or their proxy's (§16.3)."""
        body = signature.body
        if body.proxy is None:
            return self._credential(body.person, tally.roll)
        if tally.roll.person(body.person) is None:
            raise _refused(Reason.NOT_ON_ROLL, _NOT_ON_THIS_ROLL, person=body.person)
        standing = self._standing_delegation(body.person, at)
        purpose = tally.body.purpose
        registry = self.registered()
        proxy = registry.holder(body.proxy)
        if (
            standing is None
            or standing.item.body.proxy != body.proxy
            or purpose not in standing.item.body.scope
            or registry.is_replaced(body.proxy)
            or proxy is None
            or registry.roll.person(proxy) is None  # the proxy is an owner still
        ):
            raise _refused(Reason.NOT_AUTHORISED, _NO_MANDATE, person=body.person,
                           purpose=purpose.phrase)  # fmt: skip
        return body.proxy

    def sign_petition(self, signature: PetitionSignature, *, at: int) -> None:
        body = signature.body
        self._ours(body, "signature")
        tally = self._petition(body.petition)
        if tally.closed or at >= tally.body.deadline:
            raise _refused(
                Reason.PETITION_CLOSED, _PAST_DEADLINE, petition=body.petition,
                deadline=tally.body.deadline, at=at,
            )  # fmt: skip
        credential = self._signer(signature, tally, at)
        self._signed(
            credential, Domain.SIGN_PETITION_SIGNATURE, body, signature.signature, "signature",
            "credential" if body.proxy is None else "proxy",
        )  # fmt: skip
        self._next_number("signature", body.petition, body.person, credential, body.number)
        signing = body.person in tally.signers
        if body.withdraw and not signing:
            raise _refused(
                Reason.NOT_SIGNED, _NOT_SIGNING, person=body.person, petition=body.petition
            )
        if body.withdraw and tally.reached_at is not None:
            raise _refused(Reason.PETITION_REACHED, _REACHED, petition=body.petition)
        if not body.withdraw and signing:
            raise _refused(
                Reason.ALREADY_SIGNED, _SIGNED_ALREADY, person=body.person, petition=body.petition
            )
        self._count("signature", body.petition, credential, body.number)
        if body.withdraw:
            tally.remove(body.person)
        else:
            tally.add(body.person, at)
        if tally.reached_at is None and tally.progress().reached:
            self._pending = body.petition

    def reach_petition(self, reaching: Reaching, *, at: int) -> None:
        tally = self._petition(reaching.petition)
        if self._pending != reaching.petition:
            raise _refused(Reason.PROGRESS_MISMATCH, _NOT_REACHING, petition=reaching.petition)
        if reaching.progress != tally.progress():
            raise _refused(Reason.PROGRESS_MISMATCH, _PROGRESS, petition=reaching.petition)
        tally.reached_at = at
        self._pending = None

    def close_petition(self, closing: PetitionClosing, *, at: int) -> None:
        tally = self._petition(closing.petition)
        if tally.closed:
            raise _refused(Reason.DUPLICATE, _CLOSED_ALREADY, petition=closing.petition)
        if at < tally.body.deadline:
            raise _refused(
                Reason.OUTSIDE_WINDOW, _CLOSE_EARLY, petition=closing.petition,
                deadline=tally.body.deadline, at=at,
            )  # fmt: skip
        if closing.progress != tally.progress():
            raise _refused(Reason.PROGRESS_MISMATCH, _PROGRESS, petition=closing.petition)
        tally.closed = True

    def open_petitions(self, at: int) -> list[str]:
        """The petitions still open whose deadline is at or before ``at``: due to close."""
        return [p for p, t in self.petitions.items() if not t.closed and t.body.deadline <= at]

    # -- notices, objections, answers and roll corrections (spec §16.4) ----------------------

    def post_notice(self, notice: CommunityNotice, *, at: int) -> None:
        body = notice.body
        charter = self._founded()
        self._ours(body, "notice")
        if body.notice in self.notices:
            raise _refused(Reason.DUPLICATE, _NOTICE_AGAIN, notice=body.notice)
        self._signed(
            charter.convener_key, Domain.SIGN_COMMUNITY_NOTICE, body, notice.signature, "notice",
            "convener",
        )  # fmt: skip
        if body.until < at:
            raise _refused(Reason.OUTSIDE_WINDOW, _NOTICE_ENDS, notice=body.notice,
                           until=body.until, at=at)  # fmt: skip
        self.notices[body.notice] = Filed(self._index, at, notice)

    def file_objection(self, objection: Objection, *, at: int) -> None:
        body = objection.body
        self._ours(body, "objection")
        filed = self.notices.get(body.notice)
        if filed is None:
            raise _refused(Reason.UNKNOWN_REFERENCE, _NO_NOTICE, notice=body.notice)
        until = filed.item.body.until
        if at > until:
            raise _refused(
                Reason.OUTSIDE_WINDOW, _NOTICE_OVER, notice=body.notice, until=until, at=at
            )
        credential = self._credential(body.person)
        self._signed(
            credential, Domain.SIGN_OBJECTION, body, objection.signature, "objection", "credential"
        )
        self._next_number("objection", body.notice, body.person, credential, body.number)
        self._count("objection", body.notice, credential, body.number)
        self.objections[self._index] = Filed(self._index, at, objection)

    def answer(self, answer: Answer, *, at: int) -> None:
        body = answer.body
        charter = self._founded()
        self._ours(body, "answer")
        if body.objection not in self.objections:
            raise _refused(
                Reason.UNKNOWN_REFERENCE, _NO_ENTRY, entry=body.objection, what=_WHAT["objection"]
            )
        if body.objection in self.answers:
            raise _refused(Reason.DUPLICATE, _ANSWERED, entry=body.objection)
        self._signed(
            charter.convener_key, Domain.SIGN_ANSWER, body, answer.signature, "answer", "convener"
        )
        self.answers[body.objection] = Filed(self._index, at, answer)

    def correct_roll(self, correction: RollCorrection, *, at: int) -> None:
        body = correction.body
        charter, registry = self._founded(), self.registered()
        self._ours(body, "correction")
        self._signed(
            charter.convener_key, Domain.SIGN_ROLL_CORRECTION, body, correction.signature,
            "correction", "convener",
        )  # fmt: skip
        if body.roll.election != charter.community:
            raise _refused(Reason.WRONG_ELECTION, _ROLL_ELSEWHERE, community=body.roll.election)
        for entry in body.objections:
            if entry not in self.objections:
                raise _refused(
                    Reason.UNKNOWN_REFERENCE, _NO_ENTRY, entry=entry, what=_WHAT["objection"]
                )
        if body.roll == registry.roll:
            raise _refused(Reason.DUPLICATE, _SAME_ROLL)
        registry.roll = body.roll
        self.rolls.append(RollInForce(self._index, at, body.roll))
        self.corrections.append(Filed(self._index, at, correction))

    # -- the shared fund (spec §16.5) --------------------------------------------------------

    def post_statement(self, statement: Statement, *, at: int) -> None:
        body = statement.body
        charter = self._founded()
        self._ours(body, "statement")
        self._signed(
            charter.bank_key, Domain.SIGN_STATEMENT, body, statement.signature, "statement", "bank"
        )
        total = sum(t.amount for t in body.transactions)
        if body.opening + total != body.closing:
            raise _refused(Reason.STATEMENT_CHAIN, _CHAIN_TOTAL, day=body.day,
                           opening=body.opening, closing=body.closing, total=total)  # fmt: skip
        if self.statements:
            previous = self.statements[-1].item.body
            if body.account != previous.account:
                raise _refused(Reason.STATEMENT_CHAIN, _CHAIN_ACCOUNT, day=body.day,
                               account=body.account, expected=previous.account)  # fmt: skip
            if (body.date - previous.date).days != 1:
                raise _refused(
                    Reason.STATEMENT_CHAIN, _CHAIN_GAP, day=body.day, previous=previous.day
                )
            if body.opening != previous.closing:
                raise _refused(Reason.STATEMENT_CHAIN, _CHAIN_OPENING, day=body.day,
                               opening=body.opening, previous=previous.closing)  # fmt: skip
        for t in body.transactions:
            if t.id in self._transactions:
                raise _refused(Reason.DUPLICATE, _TRANSACTION_AGAIN, transaction=t.id)
            if -t.amount > charter.large_transfer and t.decision is None:
                raise _refused(Reason.DECISION_INVALID, _UNAUTHORISED_TRANSFER,
                               transaction=t.id, amount=-t.amount,
                               limit=charter.large_transfer)  # fmt: skip
        self._transactions.update(t.id for t in body.transactions)
        self.statements.append(Filed(self._index, at, statement))

    # -- opinions and replies (spec §16.6) ---------------------------------------------------

    def give_opinion(self, opinion: Opinion, *, at: int) -> None:
        body = opinion.body
        self._ours(body, "opinion")
        credential = self._credential(body.person)
        self._signed(
            credential, Domain.SIGN_OPINION, body, opinion.signature, "opinion", "credential"
        )
        about = f"{bytes(body.about.election).hex()}/{body.about.question}"
        self._next_number("opinion", about, body.person, credential, body.number)
        self._count("opinion", about, credential, body.number)
        self.opinions[self._index] = Filed(self._index, at, opinion)

    def post_reply(self, reply: Reply, *, at: int) -> None:
        body = reply.body
        charter = self._founded()
        self._ours(body, "reply")
        if body.opinion not in self.opinions:
            raise _refused(
                Reason.UNKNOWN_REFERENCE, _NO_ENTRY, entry=body.opinion, what=_WHAT["opinion"]
            )
        if charter.organiser(body.replier) is None:
            raise _refused(Reason.NOT_AUTHORISED, _NOT_ORGANISER)
        self._signed(body.replier, Domain.SIGN_REPLY, body, reply.signature, "reply", "replier")
        self.replies.append(Filed(self._index, at, reply))
