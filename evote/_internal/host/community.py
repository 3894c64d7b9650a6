"""Running a community's board: every step applied by the rules, then published (spec §16).

:class:`CommunityBoard` is the append-only log of one community (spec §13, §16.1);
:class:`CommunityDesk` is its host, as :class:`~evote._internal.host.assembly.Assembly` is an
election's: each method builds the event for one step, has the
:class:`~evote._internal.community.proceedings.CommunityProceedings` apply it — a refused step
raises and publishes nothing — and only then appends it. When a signature makes a petition reach
its rule, the desk publishes the "reached" entry at once, in the same step; :meth:`close_due`
closes the petitions whose deadline has come.
"""

from __future__ import annotations

from evote._internal.community.charter import Charter
from evote._internal.community.events import (
    COMMUNITY_LAYOUT,
    AnswerPosted,
    AnyCommunityEvent,
    CharterPublished,
    CommunityCodeIssued,
    CommunityCredentialBound,
    CommunityEntry,
    CommunityNoticePosted,
    CommunityRollPublished,
    ObjectionFiled,
    OpinionGiven,
    PetitionClosed,
    PetitionDelegated,
    PetitionDelegationRevoked,
    PetitionOpened,
    PetitionReached,
    PetitionSigned,
    ReplyPosted,
    RollCorrected,
    StatementPosted,
)
from evote._internal.community.fund import Statement
from evote._internal.community.notices import Answer, CommunityNotice, Objection, RollCorrection
from evote._internal.community.opinions import Opinion, Reply
from evote._internal.community.petitions import (
    DelegationRevocation,
    Petition,
    PetitionClosing,
    PetitionDelegation,
    PetitionSignature,
    Progress,
    Reaching,
)
from evote._internal.community.proceedings import CommunityProceedings
from evote._internal.host.board import BoardLog
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.roll import Roll
from evote.errors import UsageError

__all__ = ["CommunityBoard", "CommunityDesk"]


class CommunityBoard(BoardLog[CommunityEntry]):
    """The board of one community (spec §16.1): its id is the community's."""

    entry_type = CommunityEntry
    layout = COMMUNITY_LAYOUT

    def append(self, event: AnyCommunityEvent, *, at: int) -> CommunityEntry:
        """Add an event; it is stored before this returns (spec §13.3)."""
        return self._add(CommunityEntry(index=len(self), at=at, event=event), at)


class CommunityDesk:
    """A community in progress: the rules decide, the board records (spec §16)."""

    def __init__(self, board: CommunityBoard) -> None:
        self.board = board
        self.proceedings = CommunityProceedings()
        self._broken = False
        last_at = 0
        for entry in board.entries():
            self.proceedings.apply(entry)
            last_at = entry.at
        if self.proceedings.pending is not None:  # stopped between a signature and "reached"
            self._reach(self.proceedings.pending, at=last_at)

    def catch_up(self) -> None:
        """Apply what other processes appended to the board since this desk last looked."""
        last_at = None
        for entry in self.board.catch_up():
            self.proceedings.apply(entry)
            last_at = entry.at
        if self.proceedings.pending is not None and last_at is not None:
            self._reach(self.proceedings.pending, at=last_at)

    def publish(self, event: AnyCommunityEvent, *, at: int) -> CommunityEntry:
        """Apply ``event`` by the rules, then append it; raise if it is refused."""
        if self._broken:
            raise UsageError("the board failed to store an entry: rebuild the desk from it")
        self.proceedings.apply(CommunityEntry(index=len(self.board), at=at, event=event))
        try:
            return self.board.append(event, at=at)
        except BaseException:
            self._broken = True
            raise

    @property
    def charter(self) -> Charter:
        if self.proceedings.charter is None:
            raise UsageError("the community has no charter yet")
        return self.proceedings.charter

    # -- the charter, the roll and the registry ------------------------------------------------

    def found(self, charter: Charter, *, at: int) -> CommunityEntry:
        return self.publish(CharterPublished(charter=charter), at=at)

    def publish_roll(self, roll: Roll, *, at: int) -> CommunityEntry:
        return self.publish(CommunityRollPublished(roll=roll), at=at)

    def issue_code(self, issue: CodeIssue, *, at: int) -> CommunityEntry:
        return self.publish(CommunityCodeIssued(issue=issue), at=at)

    def bind(self, binding: Binding, *, at: int) -> CommunityEntry:
        return self.publish(CommunityCredentialBound(binding=binding), at=at)

    # -- petitions -----------------------------------------------------------------------------

    def open_petition(self, petition: Petition, *, at: int) -> CommunityEntry:
        return self.publish(PetitionOpened(petition=petition), at=at)

    def sign_petition(self, signature: PetitionSignature, *, at: int) -> CommunityEntry:
        """Publish a signature or withdrawal, and the "reached" entry if it made the petition
        reach its rule.
        """  # noqa: D205
        entry = self.publish(PetitionSigned(signature=signature), at=at)
        petition = signature.body.petition
        if self.proceedings.pending == petition:
            self._reach(petition, at=at)
        return entry

    def _reach(self, petition: str, *, at: int) -> None:
        """Publish the moment ``petition`` reached its rule, with its figures (spec §16.3)."""
        progress = self.proceedings.petitions[petition].progress()
        self.publish(
            PetitionReached(reaching=Reaching(petition=petition, progress=progress)), at=at
        )

    def delegate(self, delegation: PetitionDelegation, *, at: int) -> CommunityEntry:
        return self.publish(PetitionDelegated(delegation=delegation), at=at)

    def revoke_delegation(self, revocation: DelegationRevocation, *, at: int) -> CommunityEntry:
        return self.publish(PetitionDelegationRevoked(revocation=revocation), at=at)

    def progress(self, petition: str) -> Progress:
        tally = self.proceedings.petitions.get(petition)
        if tally is None:
            raise UsageError(f"no petition {petition!r}")
        return tally.progress()

    def close_due(self, *, at: int) -> list[CommunityEntry]:
        """Close every open petition whose deadline is at or before ``at``."""
        entries = []
        for petition in self.proceedings.open_petitions(at):
            closing = PetitionClosing(petition=petition, progress=self.progress(petition))
            entries.append(self.publish(PetitionClosed(closing=closing), at=at))
        return entries

    # -- notices -------------------------------------------------------------------------------

    def post_notice(self, notice: CommunityNotice, *, at: int) -> CommunityEntry:
        return self.publish(CommunityNoticePosted(notice=notice), at=at)

    def file_objection(self, objection: Objection, *, at: int) -> CommunityEntry:
        return self.publish(ObjectionFiled(objection=objection), at=at)

    def answer(self, answer: Answer, *, at: int) -> CommunityEntry:
        return self.publish(AnswerPosted(answer=answer), at=at)

    def correct_roll(self, correction: RollCorrection, *, at: int) -> CommunityEntry:
        return self.publish(RollCorrected(correction=correction), at=at)

    # -- the fund and opinions -----------------------------------------------------------------

    def post_statement(self, statement: Statement, *, at: int) -> CommunityEntry:
        return self.publish(StatementPosted(statement=statement), at=at)

    def give_opinion(self, opinion: Opinion, *, at: int) -> CommunityEntry:
        return self.publish(OpinionGiven(opinion=opinion), at=at)

    def reply(self, reply: Reply, *, at: int) -> CommunityEntry:
        return self.publish(ReplyPosted(reply=reply), at=at)
