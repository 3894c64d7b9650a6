"""The proceedings of an election: the state built from the board's entries, in order (spec §14).

:class:`Proceedings` takes entries one by one and either applies an entry or refuses it with an
:class:`EntryRefused` naming the verification check (spec §15) it breaks — and then changes
nothing. The convener's side (:mod:`~evote._internal.host.assembly`) applies each event before
publishing it, so that only acceptable entries reach the board; the verifier
(:mod:`~evote._internal.verify`) applies every entry of a record to recount it. Both therefore
follow the same rules:

1. the manifest (entry 0), then the roll (entry 1);
2. the key ceremony: all announcements, then dealings, complaints, and its conclusion, which must
   equal the conclusion recomputed from the messages;
3. codes, bindings, delegations, revocations, ballots, paper ballots, challenges, extensions and the
   close, each accepted by the ballot box (spec §11);
4. the tally, equal to the recomputed one; each trustee's decryption share, every proof valid; the
   results, equal to the ones recomputed from at least k shares.

Notices may come at any point after the manifest. Times never go back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from evote._internal.board.events import (
    AnyEvent,
    BallotCast,
    BallotChallenged,
    BoxClosed,
    CeremonyConcluded,
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
from evote._internal.election.ballots import Ballot
from evote._internal.election.box import BallotBox, Reason, Refused
from evote._internal.election.election import Election
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionCounts, QuestionResult, compute_results
from evote._internal.election.tally import Tally, TallyShare, aggregate, check_share, combine_tally
from evote._internal.encoding import Bytes32
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyParameters,
    Complaint,
    Dealing,
    check_announcement,
    conclude,
)
from evote.errors import (
    CeremonyError,
    EvoteError,
    InvalidProof,
    InvalidSignature,
    ParameterError,
    ThresholdError,
)
from evote.hazmat.signing import verify_signature
from evote.hazmat.transcript import Domain

__all__ = ["Check", "EntryRefused", "Proceedings"]


class Check:
    """The verification checks, by their spec section (spec §15)."""

    FORMAT: Final = "15.1"
    BOARD: Final = "15.2"
    SETUP: Final = "15.3"
    CEREMONY: Final = "15.4"
    REGISTRATION: Final = "15.5"
    DELEGATIONS: Final = "15.6"
    BALLOT_PROOFS: Final = "15.7"
    BOX_RULES: Final = "15.8"
    TALLY: Final = "15.9"
    DECRYPTION: Final = "15.10"
    RESULTS: Final = "15.11"
    ORDER: Final = "15.12"


class EntryRefused(EvoteError):  # noqa: N818 -- names the outcome
    """An entry that breaks check ``check`` (spec §15); nothing changed."""

    def __init__(self, check: str, index: int, message: str) -> None:
        super().__init__(f"entry {index}: {message}")
        self.check = check
        self.index = index


@dataclass
class _Ceremony:
    parameters: CeremonyParameters
    announcements: list[Announcement] = field(default_factory=list)
    dealings: list[Dealing] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)


class Proceedings:
    """The state of an election after the entries applied so far (spec §14)."""

    def __init__(self, *, check_proofs: Callable[[Ballot], None] | None = None) -> None:
        self._check_proofs = check_proofs
        self.size = 0
        self.last_at: int | None = None
        self.manifest: Manifest | None = None
        self.roll: Roll | None = None
        self.ceremony: _Ceremony | None = None
        self.election: Election | None = None
        self.box: BallotBox | None = None
        self.tally: Tally | None = None
        self.shares: list[TallyShare] = []
        self.counts: tuple[QuestionCounts, ...] | None = None
        self.results: tuple[QuestionResult, ...] | None = None
        self._notices: set[bytes] = set()
        self._sums: Tally | None = None  # the closed box's sums, once computed
        self._decrypted: tuple[int, tuple[QuestionCounts, ...]] | None = None  # shares used, counts

    # -- what the counting entries must hold, each computed once ------------------------------

    def sums(self) -> Tally:
        """The homomorphic sums of the closed box (spec §12.1): what the tally must be."""
        if self._sums is None:
            if self.box is None:
                raise EvoteError("the key ceremony has not concluded")
            self._sums = aggregate(self.box)  # raises while the box is open
        return self._sums

    def decrypted_counts(self) -> tuple[QuestionCounts, ...]:
        """The counts the tally's shares so far decrypt to (spec §12.3): what the results hold."""
        if self._decrypted is None or self._decrypted[0] != len(self.shares):
            if self.election is None or self.tally is None:
                raise EvoteError("the tally has not been published")
            counts = combine_tally(self.election, self.tally, self.shares)
            self._decrypted = (len(self.shares), counts)
        return self._decrypted[1]

    # -- the one entry point -------------------------------------------------------------------

    def apply(self, entry: Entry) -> None:
        """Apply the next entry, or raise :class:`EntryRefused` and change nothing."""
        index = entry.index
        if index < self.size:
            raise EntryRefused(
                Check.ORDER, index, f"entry {index} comes after entry {self.size - 1}"
            )
        if self.last_at is not None and entry.at < self.last_at:
            raise EntryRefused(Check.ORDER, index, f"time {entry.at} is before {self.last_at}")
        self._dispatch(entry.event, entry.at, index)
        self.size = index + 1
        self.last_at = entry.at

    def _dispatch(self, event: AnyEvent, at: int, index: int) -> None:
        if isinstance(event, ManifestPublished):
            self._manifest(event.manifest, index)
        elif self.manifest is None:
            raise EntryRefused(Check.SETUP, index, "the first entry must be the manifest")
        elif isinstance(event, NoticePosted):
            self._notice(event, index)
        elif isinstance(event, RollPublished):
            self._roll(event.roll, index)
        elif self.roll is None:
            raise EntryRefused(Check.SETUP, index, "the roll must follow the manifest")
        elif isinstance(event, TrusteeAnnounced | DealingPublished | ComplaintFiled):
            self._ceremony_message(event, index)
        elif isinstance(event, CeremonyConcluded):
            self._conclude(event, index)
        elif self.box is None:
            raise EntryRefused(
                Check.ORDER, index, f"a {event.__class__.__name__} before the key ceremony"
            )
        elif isinstance(event, TallyPublished | SharePublished | ResultsPublished):
            self._counting(event, index)
        else:
            self._box_event(event, at, index)

    # -- setup (spec §15.3) --------------------------------------------------------------------

    def _manifest(self, manifest: Manifest, index: int) -> None:
        if self.manifest is not None or self.size != 0:
            raise EntryRefused(Check.SETUP, index, "the manifest comes once, as entry 0")
        self.manifest = manifest
        self.ceremony = _Ceremony(
            parameters=CeremonyParameters(
                election=Bytes32(manifest.hash()),
                trustees=manifest.trustees,
                threshold=manifest.threshold,
            )
        )

    def _notice(self, event: NoticePosted, index: int) -> None:
        manifest = self.manifest
        assert manifest is not None
        notice = event.notice
        if bytes(notice.signature) in self._notices:
            raise EntryRefused(Check.SETUP, index, "this notice is on the board already")
        if notice.body.election != manifest.election:
            raise EntryRefused(
                Check.SETUP, index, f"a notice for election {notice.body.election!r}"
            )
        try:
            verify_signature(
                manifest.convener_key, Domain.SIGN_NOTICE, notice.body, notice.signature,
                what="notice",
            )  # fmt: skip
        except InvalidSignature:
            raise EntryRefused(Check.SETUP, index, "a notice not signed by the convener") from None
        self._notices.add(bytes(notice.signature))

    def _roll(self, roll: Roll, index: int) -> None:
        assert self.manifest is not None
        if self.roll is not None:
            raise EntryRefused(Check.SETUP, index, "the roll is published once")
        if roll.election != self.manifest.election:
            raise EntryRefused(Check.SETUP, index, f"the roll is for election {roll.election!r}")
        self.roll = roll

    # -- the key ceremony (spec §15.4) ---------------------------------------------------------

    def _ceremony_message(
        self, event: TrusteeAnnounced | DealingPublished | ComplaintFiled, index: int
    ) -> None:
        ceremony = self.ceremony
        assert ceremony is not None
        if self.election is not None:
            raise EntryRefused(Check.CEREMONY, index, "the key ceremony has concluded")
        parameters = ceremony.parameters
        try:
            if isinstance(event, TrusteeAnnounced):
                check_announcement(parameters, event.announcement, ceremony.announcements)
                ceremony.announcements.append(event.announcement)
            elif isinstance(event, DealingPublished):
                if len(ceremony.announcements) != parameters.trustees:
                    raise CeremonyError("a dealing before every trustee has announced")
                dealer = event.dealing.dealer
                if dealer not in parameters.indices or dealer in {
                    d.dealer for d in ceremony.dealings
                }:
                    raise CeremonyError(f"a second dealing, or one from no trustee ({dealer})")
                ceremony.dealings.append(event.dealing)
            else:
                complaint = event.complaint
                if complaint.dealer not in {d.dealer for d in ceremony.dealings}:
                    raise CeremonyError(
                        f"a complaint about trustee {complaint.dealer}, who has not dealt"
                    )
                if complaint.accuser not in parameters.indices:
                    raise CeremonyError(f"a complaint from no trustee ({complaint.accuser})")
                ceremony.complaints.append(complaint)
        except CeremonyError as error:
            raise EntryRefused(Check.CEREMONY, index, str(error)) from None

    def _conclude(self, event: CeremonyConcluded, index: int) -> None:
        ceremony, manifest, roll = self.ceremony, self.manifest, self.roll
        assert ceremony is not None
        assert manifest is not None
        assert roll is not None
        if self.election is not None:
            raise EntryRefused(Check.CEREMONY, index, "the key ceremony has concluded already")
        try:
            outcome = conclude(
                ceremony.parameters, ceremony.announcements, ceremony.dealings, ceremony.complaints
            )
        except CeremonyError as error:
            raise EntryRefused(
                Check.CEREMONY, index, f"the ceremony cannot conclude: {error}"
            ) from None
        if outcome != event.outcome:
            raise EntryRefused(
                Check.CEREMONY, index, "the published outcome differs from the one recomputed"
            )
        try:
            self.election = Election(manifest=manifest, roll=roll, ceremony=outcome)
        except ParameterError as error:
            raise EntryRefused(Check.CEREMONY, index, str(error)) from None
        self.box = BallotBox(self.election, check_proofs=self._check_proofs)

    # -- the box (spec §15.5–§15.8) ------------------------------------------------------------

    def _box_event(self, event: AnyEvent, at: int, index: int) -> None:
        box = self.box
        assert box is not None
        if self.tally is not None:
            raise EntryRefused(Check.ORDER, index, "the tally has been published")
        # The box acknowledges a repeat without recording it; the board must not repeat anything.
        if isinstance(event, BallotCast | PaperEntered) and box.has_ballot(event.ballot):
            raise EntryRefused(Check.BOX_RULES, index, "this ballot is on the board already")
        if isinstance(event, BallotChallenged) and box.knows(event.opened):
            raise EntryRefused(Check.BOX_RULES, index, "this challenge is on the board already")
        if isinstance(event, DelegationGiven) and box.knows(event.delegation):
            raise EntryRefused(Check.DELEGATIONS, index, "this delegation is on the board already")
        if isinstance(event, DelegationRevoked) and box.knows(event.revocation):
            raise EntryRefused(Check.DELEGATIONS, index, "this delegation is revoked already")
        submit = _SUBMIT.get(type(event))
        if submit is None:
            raise EntryRefused(Check.ORDER, index, f"unexpected {event.__class__.__name__}")
        try:
            submit(box, event, at)
        except Refused as refused:
            raise EntryRefused(_check_of(event, refused.reason), index, str(refused)) from None
        except ParameterError as error:
            raise EntryRefused(Check.ORDER, index, str(error)) from None

    # -- counting (spec §15.9–§15.11) ----------------------------------------------------------

    def _counting(
        self, event: TallyPublished | SharePublished | ResultsPublished, index: int
    ) -> None:
        box = self.box
        assert box is not None
        if isinstance(event, TallyPublished):
            if self.tally is not None:
                raise EntryRefused(Check.TALLY, index, "the tally is published once")
            if not box.closed:
                raise EntryRefused(Check.TALLY, index, "a tally of a box that is not closed")
            if event.tally != self.sums():
                raise EntryRefused(
                    Check.TALLY, index, "the published tally differs from the recomputed sums"
                )
            self.tally = event.tally
        elif isinstance(event, SharePublished):
            self._share(event.share, index)
        else:
            self._results(event, index)

    def _share(self, share: TallyShare, index: int) -> None:
        election, tally = self.election, self.tally
        assert election is not None
        if tally is None:
            raise EntryRefused(Check.DECRYPTION, index, "a decryption share before the tally")
        if self.results is not None:
            raise EntryRefused(Check.DECRYPTION, index, "a decryption share after the results")
        if share.trustee in {s.trustee for s in self.shares}:
            raise EntryRefused(Check.DECRYPTION, index, f"trustee {share.trustee} shared twice")
        try:
            check_share(election, tally, share)
        except (InvalidProof, ThresholdError) as error:
            raise EntryRefused(Check.DECRYPTION, index, str(error)) from None
        self.shares.append(share)

    def _results(self, event: ResultsPublished, index: int) -> None:
        election, tally = self.election, self.tally
        assert election is not None
        if tally is None or self.results is not None:
            raise EntryRefused(Check.RESULTS, index, "results come once, after the tally")
        try:
            counts = self.decrypted_counts()
        except EvoteError as error:  # too few valid shares, or a total beyond its bound
            raise EntryRefused(Check.DECRYPTION, index, str(error)) from None
        if counts != event.counts:
            raise EntryRefused(
                Check.DECRYPTION, index, "the published counts differ from the decrypted ones"
            )
        self.counts = counts  # decryption is sound, whatever becomes of the results
        recomputed = compute_results(election.manifest, election.roll.totals, counts)
        if recomputed != event.results:
            different = [
                str(r.question) for r, p in zip(recomputed, event.results, strict=False) if r != p
            ] or ["the list of questions"]
            raise EntryRefused(
                Check.RESULTS,
                index,
                f"the published results differ from the rules' outcome for {', '.join(different)}",
            )
        self.results = recomputed


#: How each event of the voting period is submitted to the box (spec §11).
_SUBMIT: Final[dict[type, Callable[[BallotBox, Any, int], object]]] = {
    CodeIssued: lambda box, e, at: box.issue_code(e.issue, at=at),
    CredentialBound: lambda box, e, at: box.bind(e.binding, at=at),
    DelegationGiven: lambda box, e, at: box.delegate(e.delegation, at=at),
    DelegationRevoked: lambda box, e, at: box.revoke(e.revocation, at=at),
    BallotCast: lambda box, e, at: box.cast(e.ballot, at=at),
    PaperEntered: lambda box, e, at: box.enter_paper(e.ballot, at=at),
    BallotChallenged: lambda box, e, at: box.spoil(e.opened, at=at),
    WindowExtended: lambda box, e, at: box.extend(e.extension, at=at),
    BoxClosed: lambda box, _, at: box.close(at=at),
}


def _check_of(event: AnyEvent, reason: Reason) -> str:
    """The check a box refusal breaks: by the kind of event, and proofs apart (spec §15)."""
    if isinstance(event, CodeIssued | CredentialBound):
        return Check.REGISTRATION
    if isinstance(event, DelegationGiven | DelegationRevoked):
        return Check.DELEGATIONS
    if reason in (Reason.BAD_PROOF, Reason.BAD_SIGNATURE) and isinstance(
        event, BallotCast | PaperEntered | BallotChallenged
    ):
        return Check.BALLOT_PROOFS
    return Check.BOX_RULES
