"""The proceedings of an election: the state built from the board's entries, in order (spec §14.2).

:class:`Proceedings` takes entries one by one and either applies an entry or refuses it with a
:class:`~evote.errors.Refused` that names its reason, the verification check (spec §15) it falls
under and the entry's index — and then changes nothing. The convener's side
(:mod:`~evote._internal.host.assembly`) applies each event before publishing it, so that only
acceptable entries reach the board; the verifier (:mod:`~evote._internal.verify`) applies every
entry of a record to recount it. Both therefore follow the same rules.

An election goes through phases, each with the state it needs and nothing optional:

1. :class:`Announced` — the manifest (entry 0); the roll comes next;
2. :class:`KeyCeremony` — the manifest and the roll; the ceremony's messages, then its conclusion,
   which must equal the conclusion recomputed from the messages;
3. :class:`Voting` — the election, its registry of owners and its ballot box: codes, bindings,
   delegations, revocations, ballots, paper ballots, challenges, extensions and the close;
4. :class:`Counting` — the tally, equal to the recomputed one; each trustee's decryption share,
   every proof valid; the results, equal to the ones recomputed from at least k shares.

Each event says how it is applied (:mod:`~evote._internal.board.events`): a call into the phase
that takes it. Notices may come at any point after the manifest. Times never go back.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from evote._internal.board.events import Entry, Event
from evote._internal.election.ballots import Ballot, OpenedBallot
from evote._internal.election.box import BallotBox
from evote._internal.election.convener import Extension, Notice
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionCounts, QuestionResult, compute_results
from evote._internal.election.tally import Tally, TallyShare, check_share, combine_tally
from evote._internal.messages import Figure, Message, Text
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.registry import Registry
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyOutcome,
    CeremonyParameters,
    Complaint,
    Dealing,
    check_announcement,
    conclude,
)
from evote.errors import (
    CeremonyError,
    Check,
    InvalidInput,
    ParameterError,
    Reason,
    Refused,
    UsageError,
    message_of,
    refusing,
)
from evote.hazmat.signing import verify_signature
from evote.hazmat.transcript import Domain

__all__ = [
    "Announced",
    "Counting",
    "KeyCeremony",
    "Phase",
    "Proceedings",
    "Voting",
    "require_in_order",
]


def require_in_order(index: int, at: int, size: int, last_at: int | None) -> None:
    """Refuse an entry placed before the last applied one, or timed before it (spec §14.2).

    Every board's proceedings apply this first: an election's, a community's (spec §16.8).
    """
    if index < size:
        raise _refused(Reason.OUT_OF_ORDER, _OUT_OF_ORDER, Check.ORDER, entry=index, last=size - 1)
    if last_at is not None and at < last_at:
        raise _refused(Reason.TIME_GOES_BACK, _TIME_GOES_BACK, Check.ORDER, at=at, last=last_at)


class Phase(enum.IntEnum):
    """How far an election has come (spec §14.2)."""

    EMPTY = 0  # nothing yet
    ANNOUNCED = 1  # the manifest
    KEY_CEREMONY = 2  # and the roll: the ceremony's messages
    VOTING = 3  # the ceremony has concluded: the registry and the box take submissions
    COUNTING = 4  # the tally is published: decryption shares, then the results
    DECIDED = 5  # the results are published: only notices


def _refused(
    reason: Reason, message: str | Text | Message, check: Check | None = None, **figures: Figure
) -> Refused:
    return Refused(reason, message_of(message, figures), check=check)


# What the proceedings refuse, and why (spec §14.2).
_DEALING_EARLY = Text(
    "dealing-early", "a dealing before every trustee has announced",
    "在全部受托人完成公告之前提交的分发",
)  # fmt: skip
_DEALING_AGAIN = Text(
    "dealing-again", "a second dealing, or one from no trustee ({dealer})",
    "重复的分发，或来自非受托人的分发（{dealer}）",
)  # fmt: skip
_COMPLAINT_EARLY = Text(
    "complaint-early", "a complaint about trustee {dealer}, who has not dealt",
    "针对尚未分发的受托人 {dealer} 的投诉",
)  # fmt: skip
_COMPLAINT_STRANGER = Text(
    "complaint-stranger", "a complaint from no trustee ({accuser})",
    "来自非受托人的投诉（{accuser}）",
)  # fmt: skip
_CANNOT_CONCLUDE = Text(
    "ceremony-cannot-conclude", "the ceremony cannot conclude: {problem}",
    "密钥生成仪式无法完成：{problem}",
)  # fmt: skip
_DELEGATION_ON_BOARD = Text(
    "delegation-on-board", "this delegation is on the board already", "该委托已在公告板上"
)
_REVOKED_ALREADY = Text("revoked-already", "this delegation is revoked already", "该委托已被撤销")
_BALLOT_ON_BOARD = Text(
    "ballot-on-board", "this ballot is on the board already", "该选票已在公告板上"
)
_CHALLENGE_ON_BOARD = Text(
    "challenge-on-board", "this challenge is on the board already", "该查验已在公告板上"
)
_OUT_OF_ORDER = Text(
    "out-of-order", "entry {entry} comes after entry {last}", "第 {entry} 条出现在第 {last} 条之后"
)
_TIME_GOES_BACK = Text("entry-time-back", "time {at} is before {last}", "时间 {at} 早于 {last}")
_MANIFEST_FIRST = Text(
    "manifest-first", "the first entry must be the manifest", "第一条必须是选举清单"
)
_ROLL_SECOND = Text(
    "roll-second", "the roll must follow the manifest", "选举清单之后必须是业主名册"
)
_BEFORE_CEREMONY = Text(
    "before-ceremony", "a {kind} before the key ceremony", "密钥生成仪式完成之前的 {kind}"
)
_MANIFEST_ONCE = Text(
    "manifest-once", "the manifest comes once, as entry 0", "选举清单只出现一次，且为第 0 条"
)
_NOTICE_ON_BOARD = Text(
    "notice-on-board", "this notice is on the board already", "该公示已在公告板上"
)
_NOTICE_ELSEWHERE = Text(
    "notice-other-election", "a notice for election {election!r} with another manifest",
    "针对选举 {election!r} 另一份选举清单的公示",
)  # fmt: skip
_NOTICE_SIGNED = Text("notice-signer", "a notice not signed by the convener", "非召集人签名的公示")
_ROLL_ONCE = Text("roll-once", "the roll is published once", "业主名册只公布一次")
_ROLL_ELSEWHERE = Text(
    "roll-other-election", "the roll is for election {election!r}",
    "该业主名册属于选举 {election!r}",
)  # fmt: skip
_CEREMONY_CONCLUDED = Text(
    "ceremony-concluded", "the key ceremony has concluded", "密钥生成仪式已完成"
)
_CONCLUDED_ALREADY = Text(
    "ceremony-concluded-already", "the key ceremony has concluded already",
    "密钥生成仪式已经完成",
)  # fmt: skip
_OUTCOME_DIFFERS = Text(
    "outcome-differs", "the published outcome differs from the one recomputed",
    "公布的仪式结果与重新计算的结果不同",
)  # fmt: skip
_TALLY_PUBLISHED = Text("tally-published", "the tally has been published", "计票已公布")
_TALLY_ONCE = Text("tally-once", "the tally is published once", "计票只公布一次")
_BOX_OPEN = Text(
    "tally-box-open", "a tally of a box that is not closed", "对尚未关闭的投票箱的计票"
)
_TALLY_DIFFERS = Text(
    "tally-differs", "the published tally differs from the recomputed sums",
    "公布的计票与重新计算的总和不同",
)  # fmt: skip
_SHARE_EARLY = Text("share-early", "a decryption share before the tally", "计票之前的解密份额")
_SHARE_LATE = Text("share-late", "a decryption share after the results", "结果之后的解密份额")
_SHARED_TWICE = Text(
    "shared-twice", "trustee {trustee} shared twice", "受托人 {trustee} 提交了两次解密份额"
)
_RESULTS_ONCE = Text(
    "results-once", "results come once, after the tally", "结果只公布一次，且在计票之后"
)
_COUNTS_DIFFER = Text(
    "counts-differ", "the published counts differ from the decrypted ones",
    "公布的票数与解密所得的票数不同",
)  # fmt: skip
_RESULTS_DIFFER = Text(
    "results-differ", "the published results differ from the rules' outcome for {questions}",
    "公布的结果与依规则得出的结果在以下方面不同：{questions}",
)  # fmt: skip
_QUESTION_LIST = Text("question-list", "the list of questions", "表决事项列表")


# -- the phases ------------------------------------------------------------------------------------


@dataclass
class Announced:
    """The manifest is published; the roll comes next."""

    manifest: Manifest
    parameters: CeremonyParameters


@dataclass
class KeyCeremony:
    """The manifest and the roll; the ceremony's messages so far (spec §15.4)."""

    manifest: Manifest
    parameters: CeremonyParameters
    roll: Roll
    announcements: list[Announcement] = field(default_factory=list)
    dealings: list[Dealing] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)

    def announce(self, announcement: Announcement) -> None:
        with refusing(Reason.CEREMONY_INVALID):
            check_announcement(self.parameters, announcement, self.announcements)
        self.announcements.append(announcement)

    def deal(self, dealing: Dealing) -> None:
        # The dealing's content is checked by the conclusion, which disqualifies a bad dealer.
        if len(self.announcements) != self.parameters.trustees:
            raise _refused(Reason.WRONG_PHASE, _DEALING_EARLY)
        dealer = dealing.dealer
        if dealer not in self.parameters.indices or dealer in {d.dealer for d in self.dealings}:
            raise _refused(Reason.CEREMONY_INVALID, _DEALING_AGAIN, dealer=dealer)
        self.dealings.append(dealing)

    def complain(self, complaint: Complaint) -> None:
        if complaint.dealer not in {d.dealer for d in self.dealings}:
            raise _refused(Reason.CEREMONY_INVALID, _COMPLAINT_EARLY, dealer=complaint.dealer)
        if complaint.accuser not in self.parameters.indices:
            raise _refused(Reason.CEREMONY_INVALID, _COMPLAINT_STRANGER, accuser=complaint.accuser)
        self.complaints.append(complaint)

    def outcome(self) -> CeremonyOutcome:
        """The conclusion recomputed from the messages (spec §6.4); refused if there is none."""
        try:
            return conclude(self.parameters, self.announcements, self.dealings, self.complaints)
        except CeremonyError as error:
            raise _refused(Reason.CEREMONY_INVALID, _CANNOT_CONCLUDE, problem=error.said) from error


@dataclass
class Voting:
    """The election, its registry of owners and its box take submissions (spec §15.5–§15.8).

    Each call is refused if the board has it already: the box would acknowledge a repeat and record
    nothing, and the board must not carry anything twice (spec §14.2).
    """

    election: Election
    registry: Registry
    box: BallotBox
    _sums: Tally | None = None

    def issue_code(self, issue: CodeIssue, *, at: int) -> None:
        with self.box.registration(at=at):
            self.registry.issue_code(issue)

    def bind(self, binding: Binding, *, at: int) -> None:
        with self.box.registration(at=at):
            self.registry.bind(binding)

    def delegate(self, delegation: Delegation, *, at: int) -> None:
        if self.box.knows(delegation):
            raise _refused(Reason.DUPLICATE, _DELEGATION_ON_BOARD)
        self.box.delegate(delegation, at=at)

    def revoke(self, revocation: Revocation, *, at: int) -> None:
        if self.box.knows(revocation):
            raise _refused(Reason.DUPLICATE, _REVOKED_ALREADY)
        self.box.revoke(revocation, at=at)

    def cast(self, ballot: Ballot, *, at: int) -> None:
        if self.box.has_ballot(ballot):
            raise _refused(Reason.DUPLICATE, _BALLOT_ON_BOARD)
        self.box.cast(ballot, at=at)

    def enter_paper(self, ballot: Ballot, *, at: int) -> None:
        if self.box.has_ballot(ballot):
            raise _refused(Reason.DUPLICATE, _BALLOT_ON_BOARD)
        self.box.enter_paper(ballot, at=at)

    def challenge(self, opened: OpenedBallot, *, at: int) -> None:
        if self.box.knows(opened):
            raise _refused(Reason.DUPLICATE, _CHALLENGE_ON_BOARD)
        self.box.spoil(opened, at=at)

    def extend(self, extension: Extension, *, at: int) -> None:
        self.box.extend(extension, at=at)

    def close(self, *, at: int) -> None:
        self.box.close(at=at)

    def sums(self) -> Tally:
        """The homomorphic sums of the closed box (spec §12.1), computed once."""
        if self._sums is None:
            self._sums = self.box.tally()  # a usage error while the box is open
        return self._sums


@dataclass
class Counting:
    """The tally is published: the trustees' shares, then the results (spec §15.9–§15.11).

    ``counts`` are kept from the moment a results entry shows the decryption sound, even if the
    entry is then refused for its results; ``results`` once they are published.
    """

    voting: Voting
    tally: Tally
    shares: list[TallyShare] = field(default_factory=list)
    counts: tuple[QuestionCounts, ...] | None = None
    results: tuple[QuestionResult, ...] | None = None
    _decrypted: tuple[int, tuple[QuestionCounts, ...]] | None = None  # shares used, counts

    @property
    def election(self) -> Election:
        return self.voting.election

    def decrypted_counts(self) -> tuple[QuestionCounts, ...]:
        """The counts the shares so far decrypt to (spec §12.3), computed once per set of shares."""
        if self._decrypted is None or self._decrypted[0] != len(self.shares):
            counts = combine_tally(self.election, self.tally, self.shares)
            self._decrypted = (len(self.shares), counts)
        return self._decrypted[1]


# -- the proceedings -------------------------------------------------------------------------------


class Proceedings:
    """The state of an election after the entries applied so far (spec §14.2).

    ``check_proofs`` replaces the box's check of a ballot's proofs where they are checked ahead, in
    parallel (the verifier, spec §15.14); it raises the same errors.
    """

    def __init__(self, *, check_proofs: Callable[[Ballot], None] | None = None) -> None:
        self.check_proofs = check_proofs  # read when the ceremony concludes and the box opens
        self.size = 0
        self.last_at: int | None = None
        self._state: Announced | KeyCeremony | Voting | Counting | None = None
        self._notices: set[bytes] = set()

    # -- where the election stands -----------------------------------------------------------

    @property
    def phase(self) -> Phase:
        state = self._state
        if state is None:
            return Phase.EMPTY
        if isinstance(state, Announced):
            return Phase.ANNOUNCED
        if isinstance(state, KeyCeremony):
            return Phase.KEY_CEREMONY
        if isinstance(state, Voting):
            return Phase.VOTING
        return Phase.COUNTING if state.results is None else Phase.DECIDED

    @property
    def manifest(self) -> Manifest:
        state = self._state
        if state is None:
            raise UsageError("no manifest has been published")
        return state.election.manifest if isinstance(state, Voting | Counting) else state.manifest

    @property
    def ceremony(self) -> KeyCeremony:
        """The key ceremony in progress."""
        if not isinstance(self._state, KeyCeremony):
            raise UsageError(f"no key ceremony in progress (the election is {self.phase.name})")
        return self._state

    def _voting(self) -> Voting:
        state = self._state
        if isinstance(state, Voting):
            return state
        if isinstance(state, Counting):
            return state.voting
        raise UsageError("the key ceremony has not concluded")

    @property
    def election(self) -> Election:
        return self._voting().election

    @property
    def registry(self) -> Registry:
        return self._voting().registry

    @property
    def box(self) -> BallotBox:
        return self._voting().box

    def _counting(self) -> Counting:
        if not isinstance(self._state, Counting):
            raise UsageError("the tally has not been published")
        return self._state

    @property
    def tally(self) -> Tally:
        return self._counting().tally

    @property
    def shares(self) -> tuple[TallyShare, ...]:
        return tuple(self._counting().shares)

    @property
    def counts(self) -> tuple[QuestionCounts, ...] | None:
        """The decrypted counts, once a results entry showed them sound; None before."""
        return self._state.counts if isinstance(self._state, Counting) else None

    @property
    def results(self) -> tuple[QuestionResult, ...] | None:
        """The results, once published; None before."""
        return self._state.results if isinstance(self._state, Counting) else None

    def sums(self) -> Tally:
        """The homomorphic sums of the closed box (spec §12.1): what the tally must be."""
        return self._voting().sums()

    def decrypted_counts(self) -> tuple[QuestionCounts, ...]:
        """The counts the tally's shares so far decrypt to (spec §12.3): what the results hold."""
        return self._counting().decrypted_counts()

    # -- the one entry point -----------------------------------------------------------------

    def apply(self, entry: Entry) -> None:
        """Apply the next entry, or raise :class:`~evote.errors.Refused` and change nothing.

        The refusal carries the entry's index and the check it falls under: the one the rule
        names, or else the one of the event's kind (:meth:`~evote._internal.board.events.Event.check_of`).
        """
        index, event = entry.index, entry.event
        try:
            require_in_order(index, entry.at, self.size, self.last_at)
            with refusing():
                event.apply(self, entry.at)
        except Refused as refused:
            check = refused.check or type(event).check_of(refused.reason)
            raise refused.placed(check, index) from refused.__cause__
        self.size = index + 1
        self.last_at = entry.at

    def _require(self, needed: Phase, kind: str) -> None:
        """Refuse an event of ``kind`` that comes before the phase it needs (spec §14.2)."""
        phase = self.phase
        if phase is Phase.EMPTY:
            raise _refused(Reason.WRONG_PHASE, _MANIFEST_FIRST, Check.SETUP)
        if needed >= Phase.KEY_CEREMONY and phase is Phase.ANNOUNCED:
            raise _refused(Reason.WRONG_PHASE, _ROLL_SECOND, Check.SETUP)
        if needed >= Phase.VOTING and phase is Phase.KEY_CEREMONY:
            raise _refused(Reason.WRONG_PHASE, _BEFORE_CEREMONY, Check.ORDER, kind=kind)

    # -- setup (spec §15.3) ------------------------------------------------------------------

    def open(self, manifest: Manifest) -> None:
        if self._state is not None or self.size != 0:
            raise _refused(Reason.WRONG_PHASE, _MANIFEST_ONCE)
        self._state = Announced(manifest=manifest, parameters=manifest.ceremony_parameters())

    def post_notice(self, notice: Notice) -> None:
        if self._state is None:
            raise _refused(Reason.WRONG_PHASE, _MANIFEST_FIRST)
        manifest = self.manifest
        if bytes(notice.signature) in self._notices:
            raise _refused(Reason.DUPLICATE, _NOTICE_ON_BOARD)
        body = notice.body
        if body.election != manifest.election or bytes(body.manifest) != manifest.hash():
            raise _refused(Reason.WRONG_ELECTION, _NOTICE_ELSEWHERE, election=body.election)
        with refusing():
            verify_signature(
                manifest.convener_key, Domain.SIGN_NOTICE, notice.body, notice.signature,
                what=_NOTICE_SIGNED,
            )  # fmt: skip
        self._notices.add(bytes(notice.signature))

    def publish_roll(self, roll: Roll) -> None:
        state = self._state
        if state is None:
            raise _refused(Reason.WRONG_PHASE, _MANIFEST_FIRST)
        if not isinstance(state, Announced):
            raise _refused(Reason.DUPLICATE, _ROLL_ONCE)
        if roll.election != state.manifest.election:
            raise _refused(Reason.WRONG_ELECTION, _ROLL_ELSEWHERE, election=roll.election)
        self._state = KeyCeremony(manifest=state.manifest, parameters=state.parameters, roll=roll)

    # -- the key ceremony (spec §15.4) -------------------------------------------------------

    def key_ceremony(self, event: Event) -> KeyCeremony:
        """The ceremony that takes ``event``'s message; refused once it has concluded."""
        self._require(Phase.KEY_CEREMONY, type(event).__name__)
        if not isinstance(self._state, KeyCeremony):
            raise _refused(Reason.WRONG_PHASE, _CEREMONY_CONCLUDED)
        return self._state

    def conclude(self, published: CeremonyOutcome) -> None:
        state = self._state
        self._require(Phase.KEY_CEREMONY, "CeremonyConcluded")
        if not isinstance(state, KeyCeremony):
            raise _refused(Reason.WRONG_PHASE, _CONCLUDED_ALREADY)
        outcome = state.outcome()
        if outcome != published:
            raise _refused(Reason.CEREMONY_INVALID, _OUTCOME_DIFFERS)
        try:
            election = Election(manifest=state.manifest, roll=state.roll, ceremony=outcome)
        except ParameterError as error:
            raise _refused(Reason.CEREMONY_INVALID, str(error)) from error
        registry = Registry(state.roll, state.manifest.convener_key, state.manifest.hash())
        box = BallotBox(election, registry, check_proofs=self.check_proofs)
        self._state = Voting(election=election, registry=registry, box=box)

    # -- voting (spec §15.5–§15.8) -----------------------------------------------------------

    def voting(self, event: Event) -> Voting:
        """The voting phase, which takes ``event``; refused once the tally is published."""
        self._require(Phase.VOTING, type(event).__name__)
        if not isinstance(self._state, Voting):
            raise _refused(Reason.WRONG_PHASE, _TALLY_PUBLISHED, Check.ORDER)
        return self._state

    # -- counting (spec §15.9–§15.11) --------------------------------------------------------

    def publish_tally(self, tally: Tally) -> None:
        self._require(Phase.VOTING, "TallyPublished")
        state = self._state
        if not isinstance(state, Voting):
            raise _refused(Reason.WRONG_PHASE, _TALLY_ONCE)
        if not state.box.closed:
            raise _refused(Reason.WRONG_PHASE, _BOX_OPEN)
        if tally != state.sums():
            raise _refused(Reason.TALLY_MISMATCH, _TALLY_DIFFERS)
        self._state = Counting(voting=state, tally=tally)

    def add_share(self, share: TallyShare) -> None:
        self._require(Phase.VOTING, "SharePublished")
        state = self._state
        if not isinstance(state, Counting):
            raise _refused(Reason.WRONG_PHASE, _SHARE_EARLY)
        if state.results is not None:
            raise _refused(Reason.WRONG_PHASE, _SHARE_LATE)
        if share.trustee in {s.trustee for s in state.shares}:
            raise _refused(Reason.DUPLICATE, _SHARED_TWICE, trustee=share.trustee)
        with refusing(Reason.SHARE_INVALID):
            check_share(state.election, state.tally, share)
        state.shares.append(share)

    def publish_results(
        self, counts: tuple[QuestionCounts, ...], results: tuple[QuestionResult, ...]
    ) -> None:
        self._require(Phase.VOTING, "ResultsPublished")
        state = self._state
        if not isinstance(state, Counting) or state.results is not None:
            raise _refused(Reason.WRONG_PHASE, _RESULTS_ONCE)
        try:
            decrypted = state.decrypted_counts()
        except InvalidInput as error:  # too few valid shares, or a total beyond its bound
            raise _refused(Reason.DECRYPTION_FAILED, error.said, Check.DECRYPTION) from error
        if decrypted != counts:
            raise _refused(Reason.COUNTS_MISMATCH, _COUNTS_DIFFER, Check.DECRYPTION)
        state.counts = decrypted  # decryption is sound, whatever becomes of the results
        election = state.election
        try:
            recomputed = compute_results(election.manifest, election.roll.totals, decrypted)
        except ParameterError as error:  # counts no sound decryption gives; never on a valid board
            raise _refused(Reason.RESULTS_MISMATCH, str(error)) from error
        if recomputed != results:
            different = [r.question for r, p in zip(recomputed, results, strict=False) if r != p]
            raise _refused(
                Reason.RESULTS_MISMATCH, _RESULTS_DIFFER, questions=different or _QUESTION_LIST
            )
        state.results = recomputed
