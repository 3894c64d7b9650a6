"""The ballot box: accepts or refuses every submission, and knows which ballot counts (spec §11).

Every method checks its submission completely before changing anything: a submission is either
accepted, recorded and acknowledged, or refused with a :class:`Refused` naming the :class:`Reason`,
leaving the box exactly as it was. Accepted submissions are kept in order with their time; what
counts is then a pure function of them (spec §11.3):

- per person and question, the live vote is the ballot of highest precedence — the person's own
  electronic ballot, then a paper ballot entered for them, then a proxy's — and, among equals, the
  one signed last: by the latest credential or delegation, then by the highest counter its signer
  gave it, whatever order the board received them in (a re-vote replaces, unless the policy
  forbids re-voting);
- a proxy's ballot stops counting when its delegation, or one it derives from, is revoked, and on
  the questions its proxy has passed on to another proxy.

A credential replaced by a new binding (a lost phone) can sign nothing more; what it signed before
stands, and the owner replaces or revokes it with the new credential.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from evote._internal.election.ballots import (
    MAX_COUNTER,
    Ballot,
    BallotKind,
    OpenedBallot,
    check_ballot_proofs,
    check_ballot_signature,
    check_openings,
)
from evote._internal.election.convener import Extension
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.election import Election
from evote._internal.election.manifest import CommitteeElection
from evote._internal.election.tally import Tally, Vote, aggregate_votes
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import PersonId, QuestionId
from evote._internal.messages import Text
from evote._internal.registry.registry import Registry
from evote._internal.registry.roll import Figures
from evote.errors import Reason, Refused, UsageError, refusing
from evote.hazmat.elgamal import Ciphertext
from evote.hazmat.signing import verify_signature
from evote.hazmat.transcript import Domain

__all__ = [
    "MAX_EXTENSION",
    "PRECEDENCE",
    "BallotBox",
    "Receipt",
]

#: Longest extension of the voting window: 3 months (domain rule 26).
MAX_EXTENSION: Final = 92 * 86_400

# What the box refuses, and why (spec §11.2).
_TIME_GOES_BACK = Text(
    "time-goes-back", "time {at} is before the previous event at {last}",
    "时间 {at} 早于上一事件的时间 {last}",
)  # fmt: skip
_VOTING_CLOSED = Text("voting-closed", "voting has closed", "投票已截止")
_VOTING_OPENS = Text("voting-opens", "voting opens at {opens}", "投票期自 {opens} 开始")
_EXTENSION = Text("extension", "extension", "延长投票期")
_EXTENSION_SIGNED = Text(
    "extension-signer", "extension (not signed by the convener)", "延长投票期（非召集人签名）"
)
_COMMITTEE_EXTENDED = Text(
    "committee-extended", "a committee election cannot be extended",
    "含业主委员会选举的选举不能延长投票期",
)  # fmt: skip
_EXTENSION_RANGE = Text(
    "extension-range",
    "the new close {closes} must be after {after} and within 3 months of {original}",
    "新的截止时间 {closes} 必须晚于 {after}，且不超过 {original} 之后 3 个月",
)
_BOX_CLOSED = Text("box-closed", "the box is already closed", "投票箱已关闭")
_WINDOW_RUNS = Text("window-runs", "the window runs until {closes}", "投票期持续至 {closes}")
_DELEGATION = Text("delegation", "delegation", "委托")
_DELEGATION_EXPIRED = Text(
    "delegation-expired", "the delegation has already expired", "该委托已过期"
)
_PROXY_NOT_BOUND = Text(
    "proxy-not-bound", "the proxy must be the bound credential of a person on the roll",
    "代理人必须是名册上人员已绑定的凭证",
)  # fmt: skip
_TO_ONESELF = Text("delegation-to-oneself", "a delegation to oneself", "委托给自己")
_CYCLE = Text("delegation-cycle", "the delegation would form a cycle", "该委托会形成循环")
_OVERLAP = Text(
    "delegation-overlap", "a delegation already covers some of these questions",
    "已有委托涵盖其中部分表决事项",
)  # fmt: skip
_PROXY_FULL = Text(
    "proxy-full", "the proxy already holds the maximum of {cap} owners",
    "该代理人已受 {cap} 位业主委托，达到上限",
)  # fmt: skip
_NOT_OWNERS_CREDENTIAL = Text(
    "not-owners-credential", "not signed by the bound credential of {owner!r}",
    "不是由 {owner!r} 已绑定的凭证签名",
)  # fmt: skip
_PARENT_UNKNOWN = Text(
    "parent-unknown", "the parent delegation is unknown, revoked or expired",
    "上级委托不存在、已撤销或已过期",
)  # fmt: skip
_PASS_ON_BY = Text(
    "pass-on-by", "only the parent's proxy may pass it on, for the same owner",
    "只有上级委托的代理人可以转委托，且须为同一业主",
)  # fmt: skip
_PASS_ON_WIDER = Text(
    "pass-on-wider", "a passed-on delegation cannot widen its parent's scope or time",
    "转委托不能扩大上级委托的委托范围或期限",
)  # fmt: skip
_TOO_DEEP = Text(
    "delegation-depth", "delegation depth {depth} exceeds the allowed {allowed}",
    "委托层级 {depth} 超过允许的 {allowed} 层",
)  # fmt: skip
_SCOPE = Text(
    "scope-invalid", "the scope must list distinct questions of the election",
    "委托范围必须列出本次选举中互不相同的表决事项",
)  # fmt: skip
_REVOCATION = Text("revocation", "revocation", "撤销委托")
_NO_SUCH_DELEGATION = Text("delegation-unknown", "no such delegation", "没有该委托")
_REVOKER = Text(
    "revoker", "only the delegator or the owner may revoke", "只有委托人或业主本人可以撤销委托"
)
_PAPER_CAST = Text(
    "paper-cast", "paper ballots are entered by the convener", "纸质选票由召集人录入"
)
_ONLY_PAPER = Text(
    "only-paper", "only paper ballots are entered by the convener", "召集人只录入纸质选票"
)
_PAPER_CHALLENGED = Text("paper-challenged", "a paper ballot is not challenged", "纸质选票不能查验")
_CAST_CHALLENGED = Text(
    "cast-challenged", "this ballot was cast; a cast ballot cannot be challenged",
    "该选票已投出；已投出的选票不能查验",
)  # fmt: skip
_SPOILED = Text(
    "spoiled", "this ballot was challenged and can never be cast",
    "该选票已被查验，永远不能投出",
)  # fmt: skip
_NO_REVOTING = Text(
    "revoting-disabled", "re-voting is not allowed in this election", "本次选举不允许重新投票"
)
_COUNTER_USED = Text(
    "counter-used",
    "this credential signed a ballot for {person!r} with counter {counter} before",
    "该凭证此前已为 {person!r} 签署过选票序号为 {counter} 的选票",
)
_COUNTER_RANGE = Text(
    "counter-range", "the ballot counter must be 1 … {most}", "选票序号必须在 1 … {most} 之间"
)
_OTHER_ELECTION_OR_KEY = Text(
    "ballot-other-election", "the ballot is for another election or key",
    "该选票属于另一选举或另一选举公钥",
)  # fmt: skip
_DIRECT_SHAPE = Text(
    "direct-ballot-shape", "a direct ballot has no delegation and no scan",
    "本人选票不带委托，也不带扫描件",
)  # fmt: skip
_NOT_BOUND = Text(
    "not-bound-credential", "not the bound credential of {person!r}",
    "不是 {person!r} 已绑定的凭证",
)  # fmt: skip
_PAPER_SHAPE = Text(
    "paper-ballot-shape", "a paper ballot has a scan hash and no delegation",
    "纸质选票带扫描件哈希，不带委托",
)  # fmt: skip
_PAPER_SIGNER = Text(
    "paper-signer", "paper ballots are signed by the convener", "纸质选票由召集人签名"
)
_PROXY_SHAPE = Text(
    "proxy-ballot-shape", "a proxy ballot has a delegation and no scan",
    "代理人选票带委托，不带扫描件",
)  # fmt: skip
_NOT_IN_BOX = Text(
    "delegation-not-in-box", "no such delegation in this box", "本投票箱中没有该委托"
)
_DELEGATION_MISMATCH = Text(
    "delegation-mismatch", "the delegation is not from this owner to this credential",
    "该委托并非由此业主委托给此凭证",
)  # fmt: skip
_DELEGATION_FALLEN = Text(
    "delegation-fallen", "the delegation is revoked or expired", "该委托已撤销或已过期"
)
_PASSED_ON = Text(
    "passed-on", "the proxy has passed this delegation on entirely",
    "代理人已将该委托全部转委托",
)  # fmt: skip
_REPLAYED = Text(
    "ciphertext-replayed", "a ciphertext of this ballot was submitted before",
    "该选票中的某个密文此前已提交过",
)  # fmt: skip


class Receipt(Struct):
    """The acknowledgement of a ballot: its tracking code and its place among the ballots."""

    tracking_code: Bytes32
    sequence: int


#: Precedence of a ballot for its person (spec §11.3): own ballot over paper over proxy.
PRECEDENCE: Final = {BallotKind.DIRECT: 3, BallotKind.PAPER: 2, BallotKind.PROXY: 1}


@dataclass(slots=True)
class _Accepted:
    """What the box keeps of an accepted ballot: no proofs, which are checked and done with."""

    sequence: int
    tracking_code: Bytes32
    person: PersonId
    kind: BallotKind
    delegation: bytes | None
    covers: frozenset[QuestionId]
    selections: dict[QuestionId, tuple[Ciphertext, ...]]
    #: (precedence, epoch, counter): among a person's live ballots on a question, the greatest
    #: counts (spec §11.3).
    order: tuple[int, int, int]


@dataclass(eq=False)
class _Given:
    """The unrevoked delegations given from one place: an owner's own, or one proxy's pass-ons.

    Only these are scanned, so that delegating and revoking again and again costs each time the
    same, never more (spec §11.2).
    """

    members: dict[bytes, _DelegationState] = field(default_factory=dict)
    covered: Counter[QuestionId] = field(default_factory=Counter)  # members covering each question
    unexpired: dict[bytes, _DelegationState] = field(default_factory=dict)  # pruned as they expire

    def add(self, identity: bytes, state: _DelegationState) -> None:
        self.members[identity] = state
        self.unexpired[identity] = state
        self.covered.update(state.scope)

    def remove(self, identity: bytes) -> None:
        state = self.members.pop(identity)
        self.unexpired.pop(identity, None)
        self.covered.subtract(state.scope)
        for question in state.scope:
            if self.covered[question] == 0:
                del self.covered[question]

    def overlaps(self, scope: frozenset[QuestionId], at: int, settled: int | None) -> bool:
        """Whether one usable at ``at`` covers some of ``scope``.

        Those expired by ``settled`` — the time of the box's last accepted step, which no later
        step precedes — are dropped for good.
        """
        if settled is not None:
            expired = [i for i, s in self.unexpired.items() if settled >= s.delegation.body.expires]
            for identity in expired:
                del self.unexpired[identity]
        return any(s.stands(at) and s.scope & scope for s in self.unexpired.values())


@dataclass(eq=False)
class _DelegationState:
    delegation: Delegation
    chain: tuple[PersonId, ...]  # the owner, then every proxy down to this one
    scope: frozenset[QuestionId]
    epoch: int  # 1 + the number of delegations accepted before it: orders its proxy's ballots
    revoked: bool = False
    fallen: bool = False  # revoked, or derived from a revoked delegation: it counts no more
    #: What its proxy passed on: by id, and how many of them cover each question.
    children: _Given = field(default_factory=_Given)

    @property
    def depth(self) -> int:
        """1 for an owner's own delegation, one more for each pass-on (spec §11.2)."""
        return len(self.chain) - 1

    @property
    def proxy(self) -> PersonId:
        return self.chain[-1]

    def stands(self, at: int | None = None) -> bool:
        """Unrevoked, as is every delegation it derives from — and, given ``at``, usable then.

        A pass-on never outlasts its parent, so its own expiry stands for its whole chain.
        """
        return not self.fallen and (at is None or at < self.delegation.body.expires)


class BallotBox:
    """The box of one election (spec §11). Times are seconds since the Unix epoch and never go back."""

    def __init__(
        self,
        election: Election,
        registry: Registry,
        *,
        check_proofs: Callable[[Ballot], None] | None = None,
    ) -> None:
        # ``check_proofs`` replaces check_ballot_proofs where the proofs of every ballot are
        # checked ahead, in parallel (the verifier, spec §15.14); it raises the same errors.
        if registry.roll != election.roll or registry.manifest != election.manifest.hash():
            raise UsageError("the registry is not the election's")
        self.election = election
        self.registry = registry
        self._check_proofs = check_proofs or (lambda b: check_ballot_proofs(election, b))
        self._manifest = election.manifest
        self._all_questions = frozenset(q.id for q in election.manifest.questions)
        self._closes = election.manifest.window.closes
        self._last_at: int | None = None
        self._closed = False
        self._delegations: dict[bytes, _DelegationState] = {}  # every one accepted, by id
        self._given: dict[PersonId, _Given] = defaultdict(_Given)  # owners' own, unrevoked
        #: Per proxy, the owners whose standing delegations it holds, and how many of each.
        self._held: dict[PersonId, Counter[PersonId]] = defaultdict(Counter)
        self._counters: set[tuple[bytes, PersonId, int]] = set()  # (credential, person, counter)
        self._accepted: list[_Accepted] = []
        self._accepted_for: dict[PersonId, list[_Accepted]] = defaultdict(list)
        self._by_tracking: dict[bytes, _Accepted] = {}
        self._spoiled: set[bytes] = set()
        self._seen: set[bytes] = set()
        self.accepted = 0  # submissions accepted so far (what the board records is the board's)

    # -- time and phase (spec §11.1) -----------------------------------------------------------

    def _clock(self, at: int) -> None:
        if self._last_at is not None and at < self._last_at:
            raise Refused(Reason.TIME_GOES_BACK, _TIME_GOES_BACK, at=at, last=self._last_at)

    def _record(self, at: int) -> None:
        self._last_at = at
        self.accepted += 1

    def _require_not_closed(self, at: int) -> None:
        if self._closed or at >= self._closes:
            raise Refused(Reason.OUTSIDE_WINDOW, _VOTING_CLOSED)

    def _require_window(self, at: int) -> None:
        self._require_not_closed(at)
        if at < self._manifest.window.opens:
            raise Refused(Reason.OUTSIDE_WINDOW, _VOTING_OPENS, opens=self._manifest.window.opens)

    @contextlib.contextmanager
    def registration(self, *, at: int) -> Iterator[None]:
        """A code issue or a binding at ``at``, made by the registry inside the block (spec §14.2).

        Registration belongs to the registry; the box only says whether its window allows it: the
        time (§11.1) and the box not closed, before the block. It records the submission only if
        the block raises nothing, so that a refusal changes nothing here either.
        """
        self._clock(at)
        self._require_not_closed(at)
        yield
        self._record(at)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def closes(self) -> int:
        """When voting closes: the manifest's window, or its extension."""
        return self._closes

    def extend(self, extension: Extension, *, at: int) -> None:
        """Extend the voting window (domain rule 26): later, by at most 3 months, before it closes.

        Signed by the convener; not for an election with a committee election among its questions.
        """
        self._clock(at)
        self._require_not_closed(at)
        body = extension.body
        self.registry.require_election(body.election, body.manifest, _EXTENSION)
        with refusing():
            verify_signature(
                self._manifest.convener_key, Domain.SIGN_EXTENSION, body, extension.signature,
                what=_EXTENSION_SIGNED,
            )  # fmt: skip
        if any(isinstance(q, CommitteeElection) for q in self._manifest.questions):
            raise Refused(Reason.EXTENSION_INVALID, _COMMITTEE_EXTENDED)
        closes = body.closes
        if not self._closes < closes <= self._manifest.window.closes + MAX_EXTENSION:
            raise Refused(
                Reason.EXTENSION_INVALID, _EXTENSION_RANGE,
                closes=closes, after=self._closes, original=self._manifest.window.closes,
            )  # fmt: skip
        self._closes = closes
        self._record(at)

    def close(self, *, at: int) -> None:
        """Close the box; allowed once, at or after the end of the voting window."""
        self._clock(at)
        if self._closed:
            raise Refused(Reason.OUTSIDE_WINDOW, _BOX_CLOSED)
        if at < self._closes:
            raise Refused(Reason.OUTSIDE_WINDOW, _WINDOW_RUNS, closes=self._closes)
        self._closed = True
        self._record(at)

    # -- people and credentials (spec §11.2) ---------------------------------------------------

    def _require_on_roll(self, person: PersonId) -> None:
        self.registry.person(person)

    def knows(self, submission: Delegation | Revocation | OpenedBallot) -> bool:
        """Whether this submission was accepted already (a repeat would change nothing)."""
        if isinstance(submission, Delegation):
            return bytes(submission.id()) in self._delegations
        if isinstance(submission, Revocation):
            state = self._delegations.get(bytes(submission.body.delegation))
            return state is not None and state.revoked
        return bytes(submission.ballot.tracking_code()) in self._spoiled

    # -- delegations (spec §11.2) --------------------------------------------------------------

    def _passed_on(self, state: _DelegationState) -> frozenset[QuestionId]:
        """The questions its proxy has passed on through an unrevoked child delegation."""
        return frozenset(state.children.covered)

    def _giver(self, state: _DelegationState) -> _Given:
        """Where ``state`` was given from: its owner's own delegations, or its parent's pass-ons."""
        parent = state.delegation.body.parent
        if parent is None:
            return self._given[state.delegation.body.owner]
        return self._delegations[bytes(parent)].children

    def delegate(self, delegation: Delegation, *, at: int) -> None:
        """Accept a delegation (spec §11.2): checked against the roll, the bindings and the policy."""
        self._clock(at)
        identity = bytes(delegation.id())
        if identity in self._delegations:
            return  # the same delegation again: already accepted
        self._require_not_closed(at)
        state = self._check_delegation(delegation, at)
        self._delegations[identity] = state
        self._giver(state).add(identity, state)
        self._held[state.proxy][state.chain[0]] += 1
        self._record(at)

    def _check_delegation(self, delegation: Delegation, at: int) -> _DelegationState:
        body = delegation.body
        invalid = Reason.DELEGATION_INVALID
        self.registry.require_election(body.election, body.manifest, _DELEGATION)
        self._require_on_roll(body.owner)
        with refusing():
            verify_signature(
                body.delegator, Domain.SIGN_DELEGATION, body, delegation.signature,
                what=_DELEGATION,
            )  # fmt: skip
        self.registry.require_live(body.delegator)
        if body.expires <= at:
            raise Refused(invalid, _DELEGATION_EXPIRED)
        scope = self._scope(body.scope)
        proxy = self.registry.holder(body.proxy)
        if proxy is None or self.registry.is_replaced(body.proxy):
            raise Refused(invalid, _PROXY_NOT_BOUND)
        chain, siblings = self._lineage(delegation, scope, at)
        if proxy == chain[-1]:
            raise Refused(invalid, _TO_ONESELF)
        if proxy in chain:
            raise Refused(invalid, _CYCLE)
        if siblings.overlaps(scope, at, self._last_at):
            raise Refused(invalid, _OVERLAP)
        cap = self._manifest.policy.max_delegations_per_proxy
        held: Mapping[PersonId, int] = self._held.get(proxy, {})
        if cap is not None and body.owner not in held and len(held) >= cap:
            raise Refused(invalid, _PROXY_FULL, cap=cap)
        return _DelegationState(
            delegation=delegation,
            chain=(*chain, proxy),
            scope=scope,
            epoch=len(self._delegations) + 1,
        )

    def _lineage(
        self, delegation: Delegation, scope: frozenset[QuestionId], at: int
    ) -> tuple[tuple[PersonId, ...], _Given]:
        """The persons it passes through so far, and the delegations it must not overlap."""
        body = delegation.body
        invalid = Reason.DELEGATION_INVALID
        if body.parent is None:
            if self.registry.credential(body.owner) != body.delegator:
                raise Refused(Reason.NOT_AUTHORISED, _NOT_OWNERS_CREDENTIAL, owner=body.owner)
            return (body.owner,), self._given.get(body.owner, _Given())
        parent = self._delegations.get(bytes(body.parent))
        if parent is None or not parent.stands(at):
            raise Refused(invalid, _PARENT_UNKNOWN)
        parent_body = parent.delegation.body
        if body.delegator != parent_body.proxy or body.owner != parent_body.owner:
            raise Refused(invalid, _PASS_ON_BY)
        if not scope <= parent.scope or body.expires > parent_body.expires:
            raise Refused(invalid, _PASS_ON_WIDER)
        allowed = self._manifest.policy.delegation_depth
        if parent.depth + 1 > allowed:
            raise Refused(invalid, _TOO_DEEP, depth=parent.depth + 1, allowed=allowed)
        return parent.chain, parent.children

    def _scope(self, scope: tuple[QuestionId, ...] | None) -> frozenset[QuestionId]:
        if scope is None:
            return self._all_questions
        chosen = frozenset(scope)
        if not chosen or len(chosen) != len(scope) or not chosen <= self._all_questions:
            raise Refused(Reason.DELEGATION_INVALID, _SCOPE)
        return chosen

    def revoke(self, revocation: Revocation, *, at: int) -> None:
        """Withdraw a delegation, by its delegator or its owner, until the box closes (§11.2)."""
        self._clock(at)
        body = revocation.body
        state = self._delegations.get(bytes(body.delegation))
        if state is not None and state.revoked:
            return  # revoked already: nothing changes
        self._require_not_closed(at)
        self.registry.require_election(body.election, body.manifest, _REVOCATION)
        if state is None:
            raise Refused(Reason.DELEGATION_INVALID, _NO_SUCH_DELEGATION)
        owner = state.delegation.body.owner
        if body.revoker not in (state.delegation.body.delegator, self.registry.credential(owner)):
            raise Refused(Reason.NOT_AUTHORISED, _REVOKER)
        with refusing():
            verify_signature(
                body.revoker, Domain.SIGN_REVOCATION, body, revocation.signature,
                what=_REVOCATION,
            )  # fmt: skip
        self.registry.require_live(body.revoker)
        state.revoked = True
        if not state.fallen:
            self._giver(state).remove(bytes(body.delegation))
            self._fall(state)
        self._record(at)

    def _fall(self, state: _DelegationState) -> None:
        """A revoked delegation and everything derived from it count no more (spec §11.2).

        Each delegation falls once: the work of all revocations together is linear.
        """
        falling = [state]
        while falling:
            current = falling.pop()
            current.fallen = True
            held = self._held[current.proxy]
            held[current.chain[0]] -= 1
            if held[current.chain[0]] == 0:
                del held[current.chain[0]]
            falling.extend(current.children.members.values())

    # -- ballots (spec §11.2) ------------------------------------------------------------------

    def cast(self, ballot: Ballot, *, at: int) -> Receipt:
        """Accept an electronic ballot, the person's own or a proxy's (spec §11.2)."""
        self._clock(at)
        if ballot.body.kind is BallotKind.PAPER:
            raise Refused(Reason.MALFORMED, _PAPER_CAST)
        return self._accept(ballot, at)

    def enter_paper(self, ballot: Ballot, *, at: int) -> Receipt:
        """Accept a paper ballot that the convener entered for a person (spec §11.2)."""
        self._clock(at)
        if ballot.body.kind is not BallotKind.PAPER:
            raise Refused(Reason.MALFORMED, _ONLY_PAPER)
        return self._accept(ballot, at)

    def spoil(self, opened: OpenedBallot, *, at: int) -> None:
        """Publish a challenged ballot (Benaloh): checked, then spoiled for good (spec §11.2)."""
        self._clock(at)
        ballot = opened.ballot
        tracking = bytes(ballot.tracking_code())
        if tracking in self._spoiled:
            return  # challenged already
        if ballot.body.kind is BallotKind.PAPER:
            raise Refused(Reason.MALFORMED, _PAPER_CHALLENGED)
        if tracking in self._by_tracking:
            raise Refused(Reason.REPLAY, _CAST_CHALLENGED)
        questions = self._admissible(ballot, at)
        with refusing():
            check_ballot_signature(self.election, ballot, questions)
        self._refuse_replays(ballot)
        with refusing():
            self._check_proofs(ballot)
            check_openings(self.election, opened)
        self._spoiled.add(tracking)
        self._seen.update(_ciphertext_keys(ballot))
        self._record(at)

    def _accept(self, ballot: Ballot, at: int) -> Receipt:
        tracking = bytes(ballot.tracking_code())
        earlier = self._by_tracking.get(tracking)
        if earlier is not None:
            return Receipt(tracking_code=Bytes32(tracking), sequence=earlier.sequence)
        if tracking in self._spoiled:
            raise Refused(Reason.SPOILED, _SPOILED)
        questions = self._admissible(ballot, at)
        with refusing():
            check_ballot_signature(self.election, ballot, questions)
        covers = frozenset(questions)
        if not self._manifest.policy.revoting and self._has_voted(ballot, covers):
            raise Refused(Reason.REVOTING_DISABLED, _NO_REVOTING)
        self._refuse_replays(ballot)
        body = ballot.body
        counter = (bytes(body.credential), body.person, body.counter)
        if counter in self._counters:
            raise Refused(
                Reason.COUNTER_USED, _COUNTER_USED, person=body.person, counter=body.counter
            )
        with refusing():
            self._check_proofs(ballot)
        accepted = _Accepted(
            sequence=len(self._accepted),
            tracking_code=Bytes32(tracking),
            person=body.person,
            kind=body.kind,
            delegation=None if body.delegation is None else bytes(body.delegation),
            covers=covers,
            selections={part.question: part.selections for part in body.questions},
            order=(PRECEDENCE[body.kind], self._epoch(ballot), body.counter),
        )
        self._counters.add(counter)
        self._accepted.append(accepted)
        self._accepted_for[ballot.body.person].append(accepted)
        self._by_tracking[tracking] = accepted
        self._seen.update(_ciphertext_keys(ballot))
        self._record(at)
        return Receipt(tracking_code=Bytes32(tracking), sequence=accepted.sequence)

    def _epoch(self, ballot: Ballot) -> int:
        """Which of a person's credentials or delegations signed it: later ones come after."""
        body = ballot.body
        if body.kind is BallotKind.DIRECT:
            return self.registry.epoch(body.credential)
        if body.kind is BallotKind.PROXY:
            assert body.delegation is not None
            return self._delegations[bytes(body.delegation)].epoch
        return 0  # paper: the convener's, one series per person

    def _admissible(self, ballot: Ballot, at: int) -> list[QuestionId]:
        """Window, election, roll and authority; the questions the ballot must cover."""
        body = ballot.body
        self._require_window(at)
        if not 1 <= body.counter <= MAX_COUNTER:
            raise Refused(Reason.MALFORMED, _COUNTER_RANGE, most=MAX_COUNTER)
        if (
            body.election != self._manifest.election
            or body.fingerprint != self.election.fingerprint
        ):
            raise Refused(Reason.WRONG_FINGERPRINT, _OTHER_ELECTION_OR_KEY)
        self._require_on_roll(body.person)
        self.registry.require_live(body.credential)
        scope = self._all_questions
        if body.kind is BallotKind.DIRECT:
            if body.delegation is not None or body.scan is not None:
                raise Refused(Reason.MALFORMED, _DIRECT_SHAPE)
            if self.registry.credential(body.person) != body.credential:
                raise Refused(Reason.NOT_AUTHORISED, _NOT_BOUND, person=body.person)
        elif body.kind is BallotKind.PAPER:
            if body.delegation is not None or body.scan is None:
                raise Refused(Reason.MALFORMED, _PAPER_SHAPE)
            if body.credential != self._manifest.convener_key:
                raise Refused(Reason.NOT_AUTHORISED, _PAPER_SIGNER)
        else:
            scope = self._proxy_scope(ballot, at)
        return [q.id for q in self._manifest.questions if q.id in scope]

    def _proxy_scope(self, ballot: Ballot, at: int) -> frozenset[QuestionId]:
        """The questions a proxy may vote on now: its scope, less what it has passed on."""
        body = ballot.body
        if body.delegation is None or body.scan is not None:
            raise Refused(Reason.MALFORMED, _PROXY_SHAPE)
        state = self._delegations.get(bytes(body.delegation))
        invalid = Reason.DELEGATION_INVALID
        if state is None:
            raise Refused(invalid, _NOT_IN_BOX)
        delegation = state.delegation.body
        if delegation.owner != body.person or delegation.proxy != body.credential:
            raise Refused(invalid, _DELEGATION_MISMATCH)
        if not state.stands(at):
            raise Refused(invalid, _DELEGATION_FALLEN)
        scope = state.scope - self._passed_on(state)
        if not scope:
            raise Refused(invalid, _PASSED_ON)
        return scope

    def _has_voted(self, ballot: Ballot, covers: frozenset[QuestionId]) -> bool:
        body = ballot.body
        return any(
            a.kind is body.kind and self._live_questions(a) & covers
            for a in self._accepted_for[body.person]
        )

    def _refuse_replays(self, ballot: Ballot) -> None:
        keys = _ciphertext_keys(ballot)
        if len(set(keys)) != len(keys) or not self._seen.isdisjoint(keys):
            raise Refused(Reason.REPLAY, _REPLAYED)

    # -- what counts (spec §11.3) --------------------------------------------------------------

    def _live_questions(self, accepted: _Accepted) -> frozenset[QuestionId]:
        """The questions on which an accepted ballot still counts, before precedence."""
        if accepted.kind is not BallotKind.PROXY:
            return accepted.covers
        assert accepted.delegation is not None
        state = self._delegations[accepted.delegation]
        if not state.stands():
            return frozenset()
        return accepted.covers - self._passed_on(state)

    def votes(self) -> dict[QuestionId, list[Vote]]:
        """The live vote of every person on every question, in manifest order (spec §11.3)."""
        best: dict[tuple[PersonId, QuestionId], _Accepted] = {}
        for accepted in self._accepted:
            for question in self._live_questions(accepted):
                key = (accepted.person, question)
                current = best.get(key)
                if current is None or accepted.order > current.order:
                    best[key] = accepted
        result: dict[QuestionId, list[Vote]] = {q.id: [] for q in self._manifest.questions}
        for (person, question), accepted in sorted(best.items()):
            result[question].append(
                Vote(
                    person=person,
                    tracking_code=accepted.tracking_code,
                    kind=accepted.kind,
                    selections=accepted.selections[question],
                )
            )
        return result

    def tally(self) -> Tally:
        """The homomorphic sums of the live votes of the closed box (spec §12.1)."""
        if not self._closed:
            raise UsageError("the box is still open: only a closed box is tallied")
        return aggregate_votes(self.election, self.votes())

    def participation(self) -> dict[QuestionId, Figures]:
        """Area and headcount of those with a live vote, per question."""
        roll = self.election.roll
        return {q: roll.figures(v.person for v in votes) for q, votes in self.votes().items()}

    def has_ballot(self, ballot: Ballot) -> bool:
        """Whether this very ballot was accepted."""
        return bytes(ballot.tracking_code()) in self._by_tracking

    @property
    def tracking_codes(self) -> list[Bytes32]:
        """The tracking code of every accepted ballot, in the order of acceptance."""
        return [a.tracking_code for a in self._accepted]


def _ciphertext_keys(ballot: Ballot) -> list[bytes]:
    return [
        bytes(c.alpha) + bytes(c.beta) for part in ballot.body.questions for c in part.selections
    ]
