r"""evote: verifiable e-voting for owners' assemblies.

Ballots are encrypted on the owner's device, counted homomorphically by headcount and by floor area,
decrypted by a threshold of trustees with proofs, and published on an append-only board, so that
anyone can recount the outcome from the record alone. ``spec/`` says exactly what each step does.

The public API is what this package exports, by role; errors are in :mod:`evote.errors` and the
hazardous primitives (the group, ElGamal, the proofs, the Merkle tree) in :mod:`evote.hazmat`.
Everything under ``evote._internal`` may change without notice; its packages are layers that
import only downwards — the hosts and the verifier over the record and the proceedings, over the
board's events, the election, the registry and the trustees, over the primitives — as the
import-linter contracts of ``pyproject.toml`` require (see ``evote._internal``).

- **Convener** — open an election, import the roll, issue codes, run the phases, tally, publish:
  :class:`Manifest` and its questions, :func:`read_roll_csv`, :class:`Convener` (what it signs),
  :class:`Assembly` on a :class:`Board` (every step applied by the rules, then published),
  :func:`export_record`, :func:`render_results`.
- **Owner or proxy device** — bind, prepare and challenge a ballot, delegate, revoke:
  :class:`Voter`.
- **Trustee** — the key ceremony, the key file, decryption: :class:`CeremonyTrustee`,
  :class:`TrusteeKey`, :func:`write_secret_file` / :func:`read_secret_file`, :func:`decrypt_tally`.
- **Community** — a community's board (spec §16): the :class:`Charter`, a :class:`CommunityDesk`
  on a :class:`CommunityBoard`; what each party signs: :class:`CommunityConvener`,
  :class:`PetitionOpener` (an organiser, or an owner opening a petition), :class:`Member` (an
  owner's device: bind, sign petitions, object, give opinions), :class:`Bank`.
- **Observer** — verify a record, a receipt, a consistency proof: :func:`verify_record`,
  :func:`verify_receipt`, :func:`verify_receipt_in_record`, :func:`verify_consistency_proof`; a
  community's record with its elections': :func:`verify_community_record`.

Randomness is the keyword-only ``randomness`` argument of every function that draws it; its
default is the operating system's generator (:data:`OS_RANDOMNESS`).

A whole election, in one process (a server spreads the same calls over devices)::

    >>> import pathlib, tempfile
    >>> from evote import *
    >>> election_id = ElectionId("example")
    >>> roll = read_roll_csv(
    ...     "unit,building,area,owner\n1-101,1,89.12,A\n1-102,1,102.30,B\n1-201,1,65.12,C\n",
    ...     election_id,
    ... )
    >>> convener, board_key = Convener(SigningKey.generate()), SigningKey.generate()
    >>> renew = QuestionId("renew")
    >>> manifest = Manifest(
    ...     election=election_id, title="Owners' assembly", convener="Preparatory group",
    ...     convener_key=convener.key, board_key=board_key.verify_key,
    ...     window=Window(opens=1_000, closes=2_000), trustees=3, threshold=2,
    ...     questions=(
    ...         Motion(id=renew, title="Renew the property company", matter=Matter.PROPERTY_SERVICE),
    ...     ),
    ... )
    >>> assembly = Assembly(Board(election_id, MemoryStorage(), board_key))
    >>> assembly.open(manifest, roll, at=100)

    The trustees hold the key, k = 2 of n = 3; every message of theirs is public:

    >>> trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2, 3)]
    >>> announcements = [trustee.announce() for trustee in trustees]
    >>> for announcement in announcements:
    ...     assembly.announce(announcement, at=101)
    >>> dealings = [trustee.deal(announcements) for trustee in trustees]
    >>> for dealing in dealings:
    ...     assembly.deal(dealing, at=102)
    >>> outcome = assembly.conclude_ceremony(at=103)
    >>> keys = [trustee.finish(outcome, dealings) for trustee in trustees]

    Each owner's device binds with its activation code, then votes:

    >>> voters = {}
    >>> for person in roll.persons:
    ...     issued = convener.issue_code(manifest, person.id)  # the code goes to the owner
    ...     assembly.issue_code(issued.issue, at=104)
    ...     voters[person.id] = Voter.create(person.id)
    ...     assembly.bind(voters[person.id].bind(manifest, issued.code), at=104)
    >>> for voter, choice in zip(voters.values(), [Motion.AGREE, Motion.AGREE, Motion.OPPOSE]):
    ...     opened = voter.prepare_ballot(assembly.election, {renew: [choice]})
    ...     receipt = assembly.cast(opened.ballot, at=1_500)

    Two trustees decrypt the tally of the closed box, and the rules decide:

    >>> assembly.close(at=2_000)
    >>> tally = assembly.publish_tally(at=2_001)
    >>> for key in keys[:2]:
    ...     assembly.add_share(decrypt_tally(key, assembly.box), at=2_002)
    >>> [result] = assembly.publish_results(at=2_003)
    >>> result.passed, result.agree.headcount, result.agree.area
    (True, 2, 19142)

    Anyone recounts it from the record, and checks a receipt against it:

    >>> _ = assembly.board.sign_head(at=2_004)
    >>> record = pathlib.Path(tempfile.mkdtemp()) / "record"
    >>> _ = export_record(assembly.board, record)
    >>> verify_record(record).valid
    True
    >>> verify_receipt_in_record(receipt, record).index == receipt.index
    True
"""

from evote._internal.board.events import AnyEvent, Entry, ballot_of
from evote._internal.board.heads import (
    ConsistencyProof,
    InclusionReceipt,
    SignedTreeHead,
    TreeHead,
    verify_consistency_proof,
    verify_head,
    verify_receipt,
)
from evote._internal.community.actors import Bank, CommunityConvener, Member, PetitionOpener
from evote._internal.community.charter import (
    DEFAULT_PETITION_RULES,
    Charter,
    Combine,
    CommunityId,
    ElectionQuestion,
    Organiser,
    OrganiserRole,
    PetitionRule,
    Purpose,
)
from evote._internal.community.events import AnyCommunityEvent, CommunityEntry
from evote._internal.community.fund import Statement, Transaction
from evote._internal.community.notices import (
    Answer,
    CommunityNotice,
    NoticeKind,
    Objection,
    RollCorrection,
)
from evote._internal.community.opinions import Opinion, Reply
from evote._internal.community.petitions import (
    DelegationRevocation,
    Petition,
    PetitionDelegation,
    PetitionSignature,
    Progress,
)
from evote._internal.community.proceedings import CommunityProceedings
from evote._internal.election.ballots import (
    Ballot,
    BallotKind,
    OpenedBallot,
    ProofsChecked,
    check_ballot,
    check_ballot_proofs,
    prepare_ballot,
)
from evote._internal.election.box import BallotBox, Receipt
from evote._internal.election.committee import CommitteeResult
from evote._internal.election.convener import Convener, Extension, IssuedCode, Notice
from evote._internal.election.counting import decrypt_tally
from evote._internal.election.delegation import Delegation, Revocation
from evote._internal.election.election import Election
from evote._internal.election.manifest import (
    Candidate,
    CommitteeElection,
    Convening,
    Manifest,
    Motion,
    Policy,
    Question,
    Rating,
    Window,
)
from evote._internal.election.results import (
    MotionResult,
    QuestionCounts,
    QuestionResult,
    RatingResult,
    compute_results,
)
from evote._internal.election.rules import (
    ORDINARY,
    SPECIAL,
    Base,
    DecisionRule,
    Evaluation,
    Matter,
    Requirement,
    statutory_rule,
)
from evote._internal.election.tally import (
    QuestionAggregate,
    SelectionAggregate,
    Tally,
    TallyShare,
    Vote,
    aggregate_selections,
    combine_tally,
)
from evote._internal.election.voter import Voter
from evote._internal.encoding import Bytes32, decode, decode_prevalidated, encode
from evote._internal.host.assembly import Assembly
from evote._internal.host.board import Board, export_record
from evote._internal.host.community import CommunityBoard, CommunityDesk
from evote._internal.host.storage import BoardStorage, MemoryStorage, SqliteStorage
from evote._internal.ids import CandidateId, ElectionId, PersonId, QuestionId, UnitId, check_id
from evote._internal.proceedings import Phase, Proceedings
from evote._internal.record import RecordIndex
from evote._internal.registry.credentials import Binding, CodeIssue
from evote._internal.registry.registry import Registry
from evote._internal.registry.roll import Figures, Measure, Person, PersonKind, Roll, Unit
from evote._internal.registry.roll_csv import RollCsvError, RollCsvProblem, read_roll_csv
from evote._internal.text.language import Language
from evote._internal.text.results import render_results
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyOutcome,
    CeremonyParameters,
    Complaint,
    Dealing,
    conclude,
)
from evote._internal.trustees.decryption import (
    PartialDecryption,
    TrusteeKey,
    combine_partial_decryptions,
    verify_partial_decryption,
)
from evote._internal.trustees.keyfile import read_secret_file, write_secret_file
from evote._internal.trustees.trustee import CeremonyTrustee
from evote._internal.verify.community import CommunityVerdict, verify_community_record
from evote._internal.verify.pipeline import election_pool, worker_election
from evote._internal.verify.receipts import ReceiptInRecord, verify_receipt_in_record
from evote._internal.verify.report import CheckResult, Report, Status, Summary
from evote._internal.verify.verifier import verify_record
from evote.errors import Check, Reason
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.signing import SigningKey, VerifyKey

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PETITION_RULES",
    "ORDINARY",
    "OS_RANDOMNESS",
    "SPECIAL",
    "Announcement",
    "Answer",
    "AnyCommunityEvent",
    "AnyEvent",
    "Assembly",
    "Ballot",
    "BallotBox",
    "BallotKind",
    "Bank",
    "Base",
    "Binding",
    "Board",
    "BoardStorage",
    "Bytes32",
    "Candidate",
    "CandidateId",
    "CeremonyOutcome",
    "CeremonyParameters",
    "CeremonyTrustee",
    "Charter",
    "Check",
    "CheckResult",
    "CodeIssue",
    "Combine",
    "CommitteeElection",
    "CommitteeResult",
    "CommunityBoard",
    "CommunityConvener",
    "CommunityDesk",
    "CommunityEntry",
    "CommunityId",
    "CommunityNotice",
    "CommunityProceedings",
    "CommunityVerdict",
    "Complaint",
    "ConsistencyProof",
    "Convener",
    "Convening",
    "Dealing",
    "DecisionRule",
    "Delegation",
    "DelegationRevocation",
    "Election",
    "ElectionId",
    "ElectionQuestion",
    "Entry",
    "Evaluation",
    "Extension",
    "Figures",
    "InclusionReceipt",
    "IssuedCode",
    "Language",
    "Manifest",
    "Matter",
    "Measure",
    "Member",
    "MemoryStorage",
    "Motion",
    "MotionResult",
    "Notice",
    "NoticeKind",
    "Objection",
    "OpenedBallot",
    "Opinion",
    "Organiser",
    "OrganiserRole",
    "PartialDecryption",
    "Person",
    "PersonId",
    "PersonKind",
    "Petition",
    "PetitionDelegation",
    "PetitionOpener",
    "PetitionRule",
    "PetitionSignature",
    "Phase",
    "Policy",
    "Proceedings",
    "Progress",
    "ProofsChecked",
    "Purpose",
    "Question",
    "QuestionAggregate",
    "QuestionCounts",
    "QuestionId",
    "QuestionResult",
    "Randomness",
    "Rating",
    "RatingResult",
    "Reason",
    "Receipt",
    "ReceiptInRecord",
    "RecordIndex",
    "Registry",
    "Reply",
    "Report",
    "Requirement",
    "Revocation",
    "Roll",
    "RollCorrection",
    "RollCsvError",
    "RollCsvProblem",
    "SelectionAggregate",
    "SignedTreeHead",
    "SigningKey",
    "SqliteStorage",
    "Statement",
    "Status",
    "Summary",
    "Tally",
    "TallyShare",
    "Transaction",
    "TreeHead",
    "TrusteeKey",
    "Unit",
    "UnitId",
    "VerifyKey",
    "Vote",
    "Voter",
    "Window",
    "aggregate_selections",
    "ballot_of",
    "check_ballot",
    "check_ballot_proofs",
    "check_id",
    "combine_partial_decryptions",
    "combine_tally",
    "compute_results",
    "conclude",
    "decode",
    "decode_prevalidated",
    "decrypt_tally",
    "election_pool",
    "encode",
    "export_record",
    "prepare_ballot",
    "read_roll_csv",
    "read_secret_file",
    "render_results",
    "statutory_rule",
    "verify_community_record",
    "verify_consistency_proof",
    "verify_head",
    "verify_partial_decryption",
    "verify_receipt",
    "verify_receipt_in_record",
    "verify_record",
    "worker_election",
    "write_secret_file",
]
