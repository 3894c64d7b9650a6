"""Running an election: every step is applied by the rules, then published on the board (spec §14).

:class:`Assembly` is the host of an election, and what the reference server wraps. Each method
builds the board event for one step, has :class:`~evote._internal.proceedings.Proceedings` apply
it — so a refused step raises and publishes nothing — and only then appends it to the board. An
assembly can resume from its board: replaying the entries rebuilds the state.
"""

from __future__ import annotations

from collections.abc import Sequence

from evote._internal.board.events import (
    AnyEvent,
    BallotCast,
    BallotChallenged,
    BoxClosed,
    CeremonyConcluded,
    Closing,
    CodeIssued,
    ComplaintFiled,
    CredentialBound,
    DealingPublished,
    DelegationGiven,
    DelegationRevoked,
    Entry,
    ManifestPublished,
    NoticePosted,
    PaperEntered,
    ResultsPublished,
    RollPublished,
    SharePublished,
    TallyPublished,
    TrusteeAnnounced,
    WindowExtended,
)
from evote._internal.board.heads import InclusionReceipt
from evote._internal.election.ballots import (
    Ballot,
    OpenedBallot,
    ProofsChecked,
    check_ballot_proofs,
)
from evote._internal.election.box import BallotBox
from evote._internal.election.convener import Extension, Notice
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionResult, compute_results
from evote._internal.election.tally import Tally, TallyShare
from evote._internal.host.board import Board
from evote._internal.proceedings import Phase, Proceedings
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.registry import Registry
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import Announcement, CeremonyOutcome, Complaint, Dealing
from evote.errors import UsageError

__all__ = ["Assembly"]


class Assembly:
    """One election in progress: the rules decide, the board records (spec §14)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.proceedings = Proceedings(check_proofs=self._check_proofs)
        self._ballot_at: dict[bytes, int] = {}  # tracking code → index of its entry, for resends
        self._checked_ahead: bytes | None = None  # the ballot being published with ProofsChecked
        self._catching_up = False  # applying entries another host of this board accepted
        self._broken = False
        for entry in board.entries():
            self.proceedings.apply(entry)
            self._remember(entry)

    def entry_of(self, tracking_code: bytes) -> int | None:
        """The index of the cast ballot with this tracking code, if it is on the board."""
        return self._ballot_at.get(bytes(tracking_code))

    def catch_up(self) -> None:
        """Apply what other processes appended to the board since this assembly last looked.

        Several processes may serve one election from a shared database: each, holding the
        election's lock, catches up before it applies a step (design §4).
        """
        self._require_unbroken()
        entries = self.board.catch_up()
        # Another host of this board applied these by the same rules, proofs included, before it
        # stored them: every other rule is applied again here, the proofs are not (the verifier
        # checks them all, spec §15.7).
        self._catching_up = True
        try:
            for entry in entries:
                self.proceedings.apply(entry)
                self._remember(entry)
        finally:
            self._catching_up = False

    def publish(self, event: AnyEvent, *, at: int) -> Entry:
        """Apply ``event`` by the rules, then append it to the board; raise if it is refused.

        If the board cannot store an applied entry, this assembly is out of step with its board
        and refuses everything after: rebuild it from the board (``Assembly(board)``).
        """
        self._require_unbroken()
        self.proceedings.apply(Entry(index=len(self.board), at=at, event=event))
        try:
            entry = self.board.append(event, at=at)
        except BaseException:
            self._broken = True
            raise
        self._remember(entry)
        return entry

    def _require_unbroken(self) -> None:
        if self._broken:
            raise UsageError("the board failed to store an entry: rebuild the assembly from it")

    def _check_proofs(self, ballot: Ballot) -> None:
        """The box's proof check: skipped for the ballot whose proofs were checked ahead, and
        while catching up with ballots another host of this board accepted.
        """  # noqa: D205
        if self._catching_up:
            return
        if self._checked_ahead is None or bytes(ballot.tracking_code()) != self._checked_ahead:
            check_ballot_proofs(self.proceedings.election, ballot)

    def _publish_ballot(
        self, event: BallotCast | PaperEntered, proofs: ProofsChecked | None, at: int
    ) -> Entry:
        if proofs is None:
            return self.publish(event, at=at)
        if proofs.fingerprint != self.election.fingerprint or proofs.tracking_code != bytes(
            event.ballot.tracking_code()
        ):
            raise UsageError("these proofs were checked for another ballot or election")
        self._checked_ahead = proofs.tracking_code
        try:
            return self.publish(event, at=at)
        finally:
            self._checked_ahead = None

    def _remember(self, entry: Entry) -> None:
        if isinstance(entry.event, BallotCast):
            self._ballot_at[bytes(entry.event.ballot.tracking_code())] = entry.index

    # -- setup and key ceremony ----------------------------------------------------------------

    def open(self, manifest: Manifest, roll: Roll, *, at: int) -> None:
        self.publish(ManifestPublished(manifest=manifest), at=at)
        self.publish(RollPublished(roll=roll), at=at)

    def announce(self, announcement: Announcement, *, at: int) -> None:
        self.publish(TrusteeAnnounced(announcement=announcement), at=at)

    def deal(self, dealing: Dealing, *, at: int) -> None:
        self.publish(DealingPublished(dealing=dealing), at=at)

    def complain(self, complaint: Complaint, *, at: int) -> None:
        self.publish(ComplaintFiled(complaint=complaint), at=at)

    def conclude_ceremony(self, *, at: int) -> CeremonyOutcome:
        """Conclude the key ceremony from its published messages, and publish the outcome."""
        outcome = self.proceedings.ceremony.outcome()
        self.publish(CeremonyConcluded(outcome=outcome), at=at)
        return outcome

    @property
    def phase(self) -> Phase:
        return self.proceedings.phase

    @property
    def election(self) -> Election:
        """The election, once its key ceremony has concluded."""
        return self.proceedings.election

    @property
    def registry(self) -> Registry:
        """The registry of owners: who has bound a credential."""
        return self.proceedings.registry

    @property
    def box(self) -> BallotBox:
        """The ballot box: who has voted, participation so far."""
        return self.proceedings.box

    # -- registration, delegation, voting ------------------------------------------------------

    def issue_code(self, issue: CodeIssue, *, at: int) -> None:
        self.publish(CodeIssued(issue=issue), at=at)

    def bind(self, binding: Binding, *, at: int) -> None:
        self.publish(CredentialBound(binding=binding), at=at)

    def delegate(self, delegation: Delegation, *, at: int) -> None:
        self.publish(DelegationGiven(delegation=delegation), at=at)

    def revoke(self, revocation: Revocation, *, at: int) -> None:
        self.publish(DelegationRevoked(revocation=revocation), at=at)

    def cast(
        self, ballot: Ballot, *, at: int, proofs: ProofsChecked | None = None
    ) -> InclusionReceipt:
        """Cast a ballot and return its receipt under a freshly signed head (spec §13.5).

        Sending the same ballot again returns a receipt for the entry already on the board.
        ``proofs``, from :meth:`ProofsChecked.check` run ahead (in a pool of workers), spares
        checking this ballot's proofs again; everything else is checked.
        """
        self._require_unbroken()
        index = self._ballot_at.get(bytes(ballot.tracking_code()))
        if index is not None:  # resent: the receipt under the latest head, which covers it
            entry = next(self.board.entries(index))
            head = self.board.last_head
            if head is not None and head.head.size > entry.index:
                return self.board.receipt(entry, head)
        else:
            entry = self._publish_ballot(BallotCast(ballot=ballot), proofs, at)
        # A head never goes back before the board's latest time (spec §13.4).
        return self.board.receipt(entry, self.board.sign_head(at=max(at, self.board.latest)))

    def enter_paper(self, ballot: Ballot, *, at: int, proofs: ProofsChecked | None = None) -> Entry:
        return self._publish_ballot(PaperEntered(ballot=ballot), proofs, at)

    def challenge(self, opened: OpenedBallot, *, at: int) -> Entry:
        return self.publish(BallotChallenged(opened=opened), at=at)

    def extend(self, extension: Extension, *, at: int) -> None:
        self.publish(WindowExtended(extension=extension), at=at)

    def close(self, *, at: int) -> None:
        self.publish(BoxClosed(closing=Closing()), at=at)

    def notice(self, notice: Notice, *, at: int) -> None:
        self.publish(NoticePosted(notice=notice), at=at)

    # -- counting ------------------------------------------------------------------------------

    def publish_tally(self, *, at: int) -> Tally:
        tally = self.proceedings.sums()
        self.publish(TallyPublished(tally=tally), at=at)
        return tally

    def add_share(self, share: TallyShare, *, at: int) -> None:
        self.publish(SharePublished(share=share), at=at)

    def publish_results(self, *, at: int) -> Sequence[QuestionResult]:
        election = self.election
        counts = self.proceedings.decrypted_counts()
        results = compute_results(election.manifest, election.roll.totals, counts)
        self.publish(ResultsPublished(counts=counts, results=results), at=at)
        return results
