"""The events of the public board, one tagged type per kind, and the registry of kinds (spec §13.3).

Every step of an election lands on the board as one of these: the manifest and the roll, each
message of the key ceremony and its outcome, activation codes and bindings, delegations and
revocations, ballots, paper ballots and challenged ballots, extensions and the close, the tally,
each trustee's decryption share and the results, and notices (公示). An :class:`Entry` is one
event with its place and time on the board; its canonical JSON is the Merkle leaf (spec §13.1).

A kind of event is one definition, here. Its class states what the rest of evote needs of it:

- ``file``: the record file its entries go to (spec §14.1) — the record reads it;
- ``checks``: the verifier's checks its entries are counted under (spec §15), the first being the
  one its refusals fall under unless :meth:`Event.check_of` says otherwise — the proceedings and
  the verifier read them;
- ``apply``: how the proceedings apply it (spec §14.2), a call into their phase.

:data:`KINDS` lists every kind, in the order of the union :data:`AnyEvent`.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, ClassVar, Final

from evote._internal.election.ballots import Ballot, OpenedBallot
from evote._internal.election.convener import Extension, Notice
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionCounts, QuestionResult
from evote._internal.election.tally import Tally, TallyShare
from evote._internal.encoding import Struct
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import Announcement, CeremonyOutcome, Complaint, Dealing
from evote.errors import Check, Reason

if TYPE_CHECKING:
    from evote._internal.proceedings import Proceedings

__all__ = [
    "KINDS",
    "AnyEvent",
    "BallotCast",
    "BallotChallenged",
    "BoxClosed",
    "CeremonyConcluded",
    "Closing",
    "CodeIssued",
    "ComplaintFiled",
    "CredentialBound",
    "DealingPublished",
    "DelegationGiven",
    "DelegationRevoked",
    "Entry",
    "Event",
    "ManifestPublished",
    "NoticePosted",
    "PaperEntered",
    "ResultsPublished",
    "RollPublished",
    "SharePublished",
    "TallyPublished",
    "TrusteeAnnounced",
    "WindowExtended",
    "ballot_of",
]

# The record's files (spec §14.1).
MANIFEST_FILE: Final = "manifest.json"
ROLL_FILE: Final = "roll.json"
CEREMONY_FILE: Final = "ceremony.jsonl"
REGISTRATION_FILE: Final = "registration.jsonl"
DELEGATIONS_FILE: Final = "delegations.jsonl"
BALLOTS_FILE: Final = "ballots.jsonl"
PHASES_FILE: Final = "phases.jsonl"
COUNTING_FILE: Final = "counting.jsonl"
NOTICES_FILE: Final = "notices.jsonl"


class Event(Struct, tag_field="type"):
    """Base of the board's events; ``type`` names the kind on the wire (see the module docstring)."""

    file: ClassVar[str]
    checks: ClassVar[tuple[Check, ...]]

    @classmethod
    def check_of(cls, reason: Reason) -> Check:  # noqa: ARG003 -- kinds that tell reasons apart use it
        """The check under which a refusal of this kind, for ``reason``, falls (spec §14.2)."""
        return cls.checks[0]


# -- setup (spec §15.3) ----------------------------------------------------------------------------


class ManifestPublished(Event, tag="manifest"):
    file = MANIFEST_FILE
    checks = (Check.SETUP,)

    manifest: Manifest

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.open(self.manifest)


class RollPublished(Event, tag="roll"):
    file = ROLL_FILE
    checks = (Check.SETUP,)

    roll: Roll

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.publish_roll(self.roll)


# -- the key ceremony (spec §15.4) -----------------------------------------------------------------


class TrusteeAnnounced(Event, tag="announcement"):
    file = CEREMONY_FILE
    checks = (Check.CEREMONY,)

    announcement: Announcement

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.key_ceremony(self).announce(self.announcement)


class DealingPublished(Event, tag="dealing"):
    file = CEREMONY_FILE
    checks = (Check.CEREMONY,)

    dealing: Dealing

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.key_ceremony(self).deal(self.dealing)


class ComplaintFiled(Event, tag="complaint"):
    file = CEREMONY_FILE
    checks = (Check.CEREMONY,)

    complaint: Complaint

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.key_ceremony(self).complain(self.complaint)


class CeremonyConcluded(Event, tag="ceremony"):
    """The outcome of the key ceremony, as its organiser computed it; verifiers recompute it."""

    file = CEREMONY_FILE
    checks = (Check.CEREMONY,)

    outcome: CeremonyOutcome

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.conclude(self.outcome)


# -- registration (spec §15.5) ---------------------------------------------------------------------


class CodeIssued(Event, tag="code"):
    file = REGISTRATION_FILE
    checks = (Check.REGISTRATION,)

    issue: CodeIssue

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).issue_code(self.issue, at=at)


class CredentialBound(Event, tag="binding"):
    file = REGISTRATION_FILE
    checks = (Check.REGISTRATION,)

    binding: Binding

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).bind(self.binding, at=at)


# -- delegations (spec §15.6) ----------------------------------------------------------------------


class DelegationGiven(Event, tag="delegation"):
    file = DELEGATIONS_FILE
    checks = (Check.DELEGATIONS,)

    delegation: Delegation

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).delegate(self.delegation, at=at)


class DelegationRevoked(Event, tag="revocation"):
    file = DELEGATIONS_FILE
    checks = (Check.DELEGATIONS,)

    revocation: Revocation

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).revoke(self.revocation, at=at)


# -- ballots (spec §15.7, §15.8) -------------------------------------------------------------------


class _BallotEvent(Event):
    """A kind that carries a ballot: its signature and proofs fall under §15.7, the rest §15.8."""

    file = BALLOTS_FILE
    checks = (Check.BALLOT_PROOFS, Check.BOX_RULES)

    @classmethod
    def check_of(cls, reason: Reason) -> Check:
        if reason in (Reason.BAD_PROOF, Reason.BAD_SIGNATURE):
            return Check.BALLOT_PROOFS
        return Check.BOX_RULES


class BallotCast(_BallotEvent, tag="ballot"):
    ballot: Ballot

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).cast(self.ballot, at=at)


class PaperEntered(_BallotEvent, tag="paper"):
    ballot: Ballot

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).enter_paper(self.ballot, at=at)


class BallotChallenged(_BallotEvent, tag="challenge"):
    opened: OpenedBallot

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).challenge(self.opened, at=at)


# -- the voting window (spec §15.8) ----------------------------------------------------------------


class WindowExtended(Event, tag="extension"):
    file = PHASES_FILE
    checks = (Check.BOX_RULES,)

    extension: Extension

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).extend(self.extension, at=at)


class Closing(Struct):
    """The box is closed: nothing more is accepted."""


class BoxClosed(Event, tag="close"):
    file = PHASES_FILE
    checks = (Check.BOX_RULES,)

    closing: Closing

    def apply(self, proceedings: Proceedings, at: int) -> None:
        proceedings.voting(self).close(at=at)


# -- counting (spec §15.9–§15.11) ------------------------------------------------------------------


class TallyPublished(Event, tag="tally"):
    file = COUNTING_FILE
    checks = (Check.TALLY,)

    tally: Tally

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.publish_tally(self.tally)


class SharePublished(Event, tag="share"):
    file = COUNTING_FILE
    checks = (Check.DECRYPTION,)

    share: TallyShare

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.add_share(self.share)


class ResultsPublished(Event, tag="results"):
    file = COUNTING_FILE
    checks = (Check.RESULTS,)

    counts: tuple[QuestionCounts, ...]
    results: tuple[QuestionResult, ...]

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.publish_results(self.counts, self.results)


# -- notices (spec §15.3) --------------------------------------------------------------------------


class NoticePosted(Event, tag="notice"):
    """A notice (公示) the convener signed."""

    file = NOTICES_FILE
    checks = (Check.SETUP,)

    notice: Notice

    def apply(self, proceedings: Proceedings, at: int) -> None:  # noqa: ARG002
        proceedings.post_notice(self.notice)


AnyEvent = (
    ManifestPublished
    | RollPublished
    | TrusteeAnnounced
    | DealingPublished
    | ComplaintFiled
    | CeremonyConcluded
    | CodeIssued
    | CredentialBound
    | DelegationGiven
    | DelegationRevoked
    | BallotCast
    | PaperEntered
    | BallotChallenged
    | WindowExtended
    | BoxClosed
    | TallyPublished
    | SharePublished
    | ResultsPublished
    | NoticePosted
)

#: Every kind of event, in the order of :data:`AnyEvent` (which is the order of the record's files).
KINDS: Final[tuple[type[Event], ...]] = typing.get_args(AnyEvent)


class Entry(Struct):
    """One event at its place (from 0) and time (Unix seconds) on the board."""

    index: int
    at: int
    event: AnyEvent


def ballot_of(event: AnyEvent) -> Ballot | None:
    """The ballot an event carries: cast, paper, or the challenged one; None for any other."""
    if isinstance(event, BallotCast | PaperEntered):
        return event.ballot
    if isinstance(event, BallotChallenged):
        return event.opened.ballot
    return None
