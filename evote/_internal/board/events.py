"""The events of the public board, one tagged type per kind (spec §13.3).

Every step of an election lands on the board as one of these: the manifest and the roll, each
message of the key ceremony and its outcome, activation codes and bindings, delegations and
revocations, ballots, paper ballots and challenged ballots, extensions and the close, the tally,
each trustee's decryption share and the results, and notices (公示). An :class:`Entry` is one
event with its place and time on the board; its canonical JSON is the Merkle leaf (spec §13.1).
"""

from __future__ import annotations

from evote._internal.election.ballots import Ballot, OpenedBallot
from evote._internal.election.box import Closing
from evote._internal.election.convener import Extension, Notice
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.manifest import Manifest
from evote._internal.election.results import QuestionCounts, QuestionResult
from evote._internal.election.tally import Tally, TallyShare
from evote._internal.encoding import Struct
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.roll import Roll
from evote._internal.trustees.ceremony import Announcement, CeremonyOutcome, Complaint, Dealing

__all__ = [
    "AnyEvent",
    "BallotCast",
    "BallotChallenged",
    "BoxClosed",
    "CeremonyConcluded",
    "CodeIssued",
    "ComplaintFiled",
    "CredentialBound",
    "DealingPublished",
    "DelegationGiven",
    "DelegationRevoked",
    "Entry",
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


class Event(Struct, tag_field="type"):
    """Base of the board's events; ``type`` names the kind on the wire."""


class ManifestPublished(Event, tag="manifest"):
    manifest: Manifest


class RollPublished(Event, tag="roll"):
    roll: Roll


class TrusteeAnnounced(Event, tag="announcement"):
    announcement: Announcement


class DealingPublished(Event, tag="dealing"):
    dealing: Dealing


class ComplaintFiled(Event, tag="complaint"):
    complaint: Complaint


class CeremonyConcluded(Event, tag="ceremony"):
    """The outcome of the key ceremony, as its organiser computed it; verifiers recompute it."""

    outcome: CeremonyOutcome


class CodeIssued(Event, tag="code"):
    issue: CodeIssue


class CredentialBound(Event, tag="binding"):
    binding: Binding


class DelegationGiven(Event, tag="delegation"):
    delegation: Delegation


class DelegationRevoked(Event, tag="revocation"):
    revocation: Revocation


class BallotCast(Event, tag="ballot"):
    ballot: Ballot


class PaperEntered(Event, tag="paper"):
    ballot: Ballot


class BallotChallenged(Event, tag="challenge"):
    opened: OpenedBallot


class WindowExtended(Event, tag="extension"):
    extension: Extension


class BoxClosed(Event, tag="close"):
    closing: Closing


class TallyPublished(Event, tag="tally"):
    tally: Tally


class SharePublished(Event, tag="share"):
    share: TallyShare


class ResultsPublished(Event, tag="results"):
    counts: tuple[QuestionCounts, ...]
    results: tuple[QuestionResult, ...]


class NoticePosted(Event, tag="notice"):
    """A notice (公示) the convener signed."""

    notice: Notice


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
