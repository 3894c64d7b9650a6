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
    refusing,
)
from evote.hazmat.signing import verify_signature
from evote.hazmat.transcript import Domain

__all__ = ["Announced", "Counting", "KeyCeremony", "Phase", "Proceedings", "Voting"]


class Phase(enum.IntEnum):
    """How far an election has come (spec §14.2)."""

    EMPTY = 0  # nothing yet
    ANNOUNCED = 1  # the manifest
    KEY_CEREMONY = 2  # and the roll: the ceremony's messages
    VOTING = 3  # the ceremony has concluded: the registry and the box take submissions
    COUNTING = 4  # the tally is published: decryption shares, then the results
    DECIDED = 5  # the results are published: only notices


def _refused(reason: Reason, message: str, check: Check | None = None) -> Refused:
    return Refused(reason, message, check=check)


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
            raise _refused(Reason.WRONG_PHASE, "a dealing before every trustee has announced")
        dealer = dealing.dealer
        if dealer not in self.parameters.indices or dealer in {d.dealer for d in self.dealings}:
            raise _refused(
                Reason.CEREMONY_INVALID, f"a second dealing, or one from no trustee ({dealer})"
            )
        self.dealings.append(dealing)

    def complain(self, complaint: Complaint) -> None:
        if complaint.dealer not in {d.dealer for d in self.dealings}:
            raise _refused(
                Reason.CEREMONY_INVALID,
                f"a complaint about trustee {complaint.dealer}, who has not dealt",
            )
        if complaint.accuser not in self.parameters.indices:
            raise _refused(
                Reason.CEREMONY_INVALID, f"a complaint from no trustee ({complaint.accuser})"
            )
        self.complaints.append(complaint)

    def outcome(self) -> CeremonyOutcome:
        """The conclusion recomputed from the messages (spec §6.4); refused if there is none."""
        try:
            return conclude(self.parameters, self.announcements, self.dealings, self.complaints)
        except CeremonyError as error:
            raise _refused(
                Reason.CEREMONY_INVALID, f"the ceremony cannot conclude: {error.message}"
            ) from error


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
            raise _refused(Reason.DUPLICATE, "this delegation is on the board already")
        self.box.delegate(delegation, at=at)

    def revoke(self, revocation: Revocation, *, at: int) -> None:
        if self.box.knows(revocation):
            raise _refused(Reason.DUPLICATE, "this delegation is revoked already")
        self.box.revoke(revocation, at=at)

    def cast(self, ballot: Ballot, *, at: int) -> None:
        if self.box.has_ballot(ballot):
            raise _refused(Reason.DUPLICATE, "this ballot is on the board already")
        self.box.cast(ballot, at=at)

    def enter_paper(self, ballot: Ballot, *, at: int) -> None:
        if self.box.has_ballot(ballot):
            raise _refused(Reason.DUPLICATE, "this ballot is on the board already")
        self.box.enter_paper(ballot, at=at)

    def challenge(self, opened: OpenedBallot, *, at: int) -> None:
        if self.box.knows(opened):
            raise _refused(Reason.DUPLICATE, "this challenge is on the board already")
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
            if index < self.size:
                raise _refused(
                    Reason.OUT_OF_ORDER,
                    f"entry {index} comes after entry {self.size - 1}",
                    Check.ORDER,
                )
            if self.last_at is not None and entry.at < self.last_at:
                raise _refused(
                    Reason.TIME_GOES_BACK, f"time {entry.at} is before {self.last_at}", Check.ORDER
                )
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
            raise _refused(Reason.WRONG_PHASE, "the first entry must be the manifest", Check.SETUP)
        if needed >= Phase.KEY_CEREMONY and phase is Phase.ANNOUNCED:
            raise _refused(Reason.WRONG_PHASE, "the roll must follow the manifest", Check.SETUP)
        if needed >= Phase.VOTING and phase is Phase.KEY_CEREMONY:
            raise _refused(
                Reason.WRONG_PHASE,
                f"a {kind} before the key ceremony",
                Check.ORDER,
            )

    # -- setup (spec §15.3) ------------------------------------------------------------------

    def open(self, manifest: Manifest) -> None:
        if self._state is not None or self.size != 0:
            raise _refused(Reason.WRONG_PHASE, "the manifest comes once, as entry 0")
        self._state = Announced(manifest=manifest, parameters=manifest.ceremony_parameters())

    def post_notice(self, notice: Notice) -> None:
        if self._state is None:
            raise _refused(Reason.WRONG_PHASE, "the first entry must be the manifest")
        manifest = self.manifest
        if bytes(notice.signature) in self._notices:
            raise _refused(Reason.DUPLICATE, "this notice is on the board already")
        body = notice.body
        if body.election != manifest.election or bytes(body.manifest) != manifest.hash():
            raise _refused(
                Reason.WRONG_ELECTION,
                f"a notice for election {body.election!r} with another manifest",
            )
        with refusing():
            verify_signature(
                manifest.convener_key, Domain.SIGN_NOTICE, notice.body, notice.signature,
                what="a notice not signed by the convener",
            )  # fmt: skip
        self._notices.add(bytes(notice.signature))

    def publish_roll(self, roll: Roll) -> None:
        state = self._state
        if state is None:
            raise _refused(Reason.WRONG_PHASE, "the first entry must be the manifest")
        if not isinstance(state, Announced):
            raise _refused(Reason.DUPLICATE, "the roll is published once")
        if roll.election != state.manifest.election:
            raise _refused(Reason.WRONG_ELECTION, f"the roll is for election {roll.election!r}")
        self._state = KeyCeremony(manifest=state.manifest, parameters=state.parameters, roll=roll)

    # -- the key ceremony (spec §15.4) -------------------------------------------------------

    def key_ceremony(self, event: Event) -> KeyCeremony:
        """The ceremony that takes ``event``'s message; refused once it has concluded."""
        self._require(Phase.KEY_CEREMONY, type(event).__name__)
        if not isinstance(self._state, KeyCeremony):
            raise _refused(Reason.WRONG_PHASE, "the key ceremony has concluded")
        return self._state

    def conclude(self, published: CeremonyOutcome) -> None:
        state = self._state
        self._require(Phase.KEY_CEREMONY, "CeremonyConcluded")
        if not isinstance(state, KeyCeremony):
            raise _refused(Reason.WRONG_PHASE, "the key ceremony has concluded already")
        outcome = state.outcome()
        if outcome != published:
            raise _refused(
                Reason.CEREMONY_INVALID, "the published outcome differs from the one recomputed"
            )
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
            raise _refused(Reason.WRONG_PHASE, "the tally has been published", Check.ORDER)
        return self._state

    # -- counting (spec §15.9–§15.11) --------------------------------------------------------

    def publish_tally(self, tally: Tally) -> None:
        self._require(Phase.VOTING, "TallyPublished")
        state = self._state
        if not isinstance(state, Voting):
            raise _refused(Reason.WRONG_PHASE, "the tally is published once")
        if not state.box.closed:
            raise _refused(Reason.WRONG_PHASE, "a tally of a box that is not closed")
        if tally != state.sums():
            raise _refused(
                Reason.TALLY_MISMATCH, "the published tally differs from the recomputed sums"
            )
        self._state = Counting(voting=state, tally=tally)

    def add_share(self, share: TallyShare) -> None:
        self._require(Phase.VOTING, "SharePublished")
        state = self._state
        if not isinstance(state, Counting):
            raise _refused(Reason.WRONG_PHASE, "a decryption share before the tally")
        if state.results is not None:
            raise _refused(Reason.WRONG_PHASE, "a decryption share after the results")
        if share.trustee in {s.trustee for s in state.shares}:
            raise _refused(Reason.DUPLICATE, f"trustee {share.trustee} shared twice")
        with refusing(Reason.SHARE_INVALID):
            check_share(state.election, state.tally, share)
        state.shares.append(share)

    def publish_results(
        self, counts: tuple[QuestionCounts, ...], results: tuple[QuestionResult, ...]
    ) -> None:
        self._require(Phase.VOTING, "ResultsPublished")
        state = self._state
        if not isinstance(state, Counting) or state.results is not None:
            raise _refused(Reason.WRONG_PHASE, "results come once, after the tally")
        try:
            decrypted = state.decrypted_counts()
        except InvalidInput as error:  # too few valid shares, or a total beyond its bound
            raise _refused(Reason.DECRYPTION_FAILED, error.message, Check.DECRYPTION) from error
        if decrypted != counts:
            raise _refused(
                Reason.COUNTS_MISMATCH,
                "the published counts differ from the decrypted ones",
                Check.DECRYPTION,
            )
        state.counts = decrypted  # decryption is sound, whatever becomes of the results
        election = state.election
        try:
            recomputed = compute_results(election.manifest, election.roll.totals, decrypted)
        except ParameterError as error:  # counts no sound decryption gives; never on a valid board
            raise _refused(Reason.RESULTS_MISMATCH, str(error)) from error
        if recomputed != results:
            different = [
                str(r.question) for r, p in zip(recomputed, results, strict=False) if r != p
            ] or ["the list of questions"]
            raise _refused(
                Reason.RESULTS_MISMATCH,
                f"the published results differ from the rules' outcome for {', '.join(different)}",
            )
        state.results = recomputed
