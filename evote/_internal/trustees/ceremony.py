"""The key ceremony's public messages and their checks: everything an observer verifies (spec §6.2–§6.4).

A joint-Feldman distributed key generation among n trustees with threshold k:

1. *Announcement*: each trustee publishes a ceremony encryption key with a Schnorr proof of knowledge.
2. *Dealing*: each trustee i publishes Feldman commitments ``C_{i,0…k−1}`` to a random polynomial
   ``f_i``, a Schnorr proof per coefficient, and ``f_i(l)`` sealed to every other trustee l.
3. *Complaints*: a trustee whose share does not open or does not match the commitments publishes a
   complaint revealing the box's Diffie–Hellman point with a Chaum–Pedersen proof; anyone can then
   open that one box and rule on the complaint.
4. *Conclusion*: the qualified dealers Q are those with a valid dealing and no upheld complaint. The
   joint key is ``Σ_{i∈Q} C_{i,0}`` and trustee l's verification key is ``Σ_{i∈Q} f_i(l)·G``, computed
   from the commitments alone. The joint secret is never assembled by anyone.

The trustee's side (secrets, dealing, checking its shares) is in :mod:`evote._internal.trustees.trustee`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Final

import msgspec

from evote._internal.encoding import Bytes32, HexBytes, Struct
from evote._internal.messages import Figure, Message, Text
from evote._internal.trustees.polynomial import evaluate_commitments
from evote.errors import CeremonyError, InvalidEncoding, InvalidPoint, ParameterError
from evote.hazmat.group import BASE, SCALAR_BYTES, Point, PublicKey, Scalar
from evote.hazmat.proofs.chaum_pedersen import ChaumPedersenProof, equal_logs_hold
from evote.hazmat.proofs.schnorr import SchnorrProof, knowledge_holds
from evote.hazmat.sealing import SEAL_OVERHEAD, ephemeral_point, open_with_shared_point
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "MAX_TRUSTEES",
    "SHARE_BOX_BYTES",
    "Announcement",
    "CeremonyOutcome",
    "CeremonyParameters",
    "Complaint",
    "ComplaintRuling",
    "Dealing",
    "DealingError",
    "DealingProblem",
    "Disqualification",
    "EncryptedShare",
    "Fault",
    "Finding",
    "TrusteeIndex",
    "Verdict",
    "check_announcement",
    "check_announcements",
    "check_dealing",
    "coefficient_statement",
    "complaint_statement",
    "conclude",
    "rule_on_complaint",
    "share_matches",
    "trustee_key_statement",
]

#: Most trustees a ceremony may have; indices are 1 … n.
MAX_TRUSTEES: Final = 64
#: A sealed share: ephemeral key, MAC and a 32-byte scalar.
SHARE_BOX_BYTES: Final = SEAL_OVERHEAD + SCALAR_BYTES

#: A trustee's index, 1 … n; it is also the x-coordinate of its share (spec §6.1).
TrusteeIndex = Annotated[int, msgspec.Meta(ge=1, le=MAX_TRUSTEES)]

# What is wrong with a ceremony message (spec §6.2–§6.4).
_SHARE_BOX_SIZE = Text(
    "share-box-size", "share box for trustee {recipient}: expected {size} bytes, found {found}",
    "发给受托人 {recipient} 的份额密封盒：应为 {size} 字节，实为 {found} 字节",
)  # fmt: skip
_NO_SHARE_FOR = Text(
    "no-share-for", "dealing of trustee {dealer} has no share for trustee {recipient}",
    "受托人 {dealer} 的分发中没有给受托人 {recipient} 的份额",
)  # fmt: skip
_NO_SUCH_TRUSTEE = Text(
    "no-such-trustee", "no trustee {trustee} in this ceremony",
    "本次密钥生成仪式中没有受托人 {trustee}",
)  # fmt: skip
_ANNOUNCER_UNKNOWN = Text(
    "announcer-unknown", "announcement from trustee {trustee}, outside 1…{trustees}",
    "来自受托人 {trustee} 的公告，超出 1…{trustees} 的范围",
)  # fmt: skip
_ANNOUNCED_TWICE = Text(
    "announced-twice", "trustee {trustee} announced twice", "受托人 {trustee} 公告了两次"
)
_ANNOUNCED_OTHERS_KEY = Text(
    "announced-others-key", "trustee {trustee} announced another trustee's encryption key",
    "受托人 {trustee} 公告了其他受托人的加密公钥",
)  # fmt: skip
_ANNOUNCEMENT_PROOF = Text(
    "announcement-proof", "announcement of trustee {trustee}: Schnorr proof does not verify",
    "受托人 {trustee} 的公告：Schnorr 证明无法验证",
)  # fmt: skip
_NO_ANNOUNCEMENT = Text(
    "no-announcement", "no announcement from trustee(s) {missing!r}",
    "受托人 {missing!r} 没有公告",
)  # fmt: skip
_DEALER_UNKNOWN = Text(
    "dealer-unknown", "dealing of trustee {dealer}: dealer outside 1…{trustees}",
    "受托人 {dealer} 的分发：分发者超出 1…{trustees} 的范围",
)  # fmt: skip
_COMMITMENT_COUNT = Text(
    "commitment-count",
    "dealing of trustee {dealer}: expected {threshold} commitments, found {found}",
    "受托人 {dealer} 的分发：应有 {threshold} 个承诺，实有 {found} 个",
)
_PROOF_COUNT = Text(
    "proof-count",
    "dealing of trustee {dealer}: expected {threshold} coefficient proofs, found {found}",
    "受托人 {dealer} 的分发：应有 {threshold} 个系数证明，实有 {found} 个",
)
_COEFFICIENT_PROOF = Text(
    "coefficient-proof", "dealing of trustee {dealer}: proof for coefficient {degree} does not verify",
    "受托人 {dealer} 的分发：系数 {degree} 的证明无法验证",
)  # fmt: skip
_RECIPIENTS = Text(
    "recipients",
    "dealing of trustee {dealer}: expected shares for trustees {expected!r}, found {found!r}",
    "受托人 {dealer} 的分发：应有给受托人 {expected!r} 的份额，实为 {found!r}",
)
_SHARE_BOX = Text(
    "share-box", "dealing of trustee {dealer}, share for trustee {recipient}: {detail}",
    "受托人 {dealer} 的分发中给受托人 {recipient} 的份额：{detail}",
)  # fmt: skip
_TOO_FEW_QUALIFIED = Text(
    "too-few-qualified",
    "only {count} qualified dealer(s) {qualified!r} for threshold {threshold}; "
    "the ceremony must be run again",
    "合格的分发者只有 {count} 位 {qualified!r}，门限为 {threshold}；密钥生成仪式必须重新进行",
)
_IDENTITY_KEY = Text(
    "identity-key", "the joint key or a verification key is the identity",
    "联合公钥或某个验证公钥为单位元",
)  # fmt: skip


class CeremonyParameters(Struct):
    """What the ceremony is for and its shape (spec §6.2).

    ``election`` is the 32-byte hash that names the election whose key this is (its manifest hash);
    the ceremony fingerprint binds every proof of the ceremony to it and to (n, k).
    """

    election: Bytes32
    trustees: TrusteeIndex
    threshold: TrusteeIndex

    def __post_init__(self) -> None:
        if not 1 <= self.threshold <= self.trustees <= MAX_TRUSTEES:
            raise ParameterError(
                f"ceremony: need 1 ≤ threshold ≤ trustees ≤ {MAX_TRUSTEES}, "
                f"found threshold {self.threshold} of {self.trustees} trustees"
            )

    def fingerprint(self) -> bytes:
        """SHA-256 of ``TAG "evote/v1/ceremony" ‖ BYTES election ‖ UINT n ‖ UINT k`` (spec §6.2)."""
        return (
            Transcript(Domain.CEREMONY)
            .data(self.election)
            .uint(self.trustees)
            .uint(self.threshold)
            .digest()
        )

    @property
    def indices(self) -> range:
        return range(1, self.trustees + 1)


class Announcement(Struct):
    """Round 1: a trustee's ceremony encryption key P = x·G, with a proof that it knows x."""

    trustee: TrusteeIndex
    encryption_key: PublicKey
    proof: SchnorrProof


class EncryptedShare(Struct):
    """``f_dealer(recipient)`` in a sealed box to the recipient's encryption key."""

    recipient: TrusteeIndex
    box: HexBytes

    def __post_init__(self) -> None:
        if len(self.box) != SHARE_BOX_BYTES:
            raise InvalidEncoding(
                _SHARE_BOX_SIZE, recipient=self.recipient, size=SHARE_BOX_BYTES, found=len(self.box)
            )


class Dealing(Struct):
    """Round 2: a dealer's commitments, their proofs, and one sealed share per other trustee."""

    dealer: TrusteeIndex
    commitments: tuple[PublicKey, ...]
    proofs: tuple[SchnorrProof, ...]
    shares: tuple[EncryptedShare, ...]

    def share_for(self, recipient: int) -> EncryptedShare:
        for share in self.shares:
            if share.recipient == recipient:
                return share
        raise CeremonyError(_NO_SHARE_FOR, dealer=self.dealer, recipient=recipient)


class Complaint(Struct):
    """Round 3: the accuser reveals ``Z = x·E`` for the box it received from the dealer (spec §6.4)."""

    accuser: TrusteeIndex
    dealer: TrusteeIndex
    shared_point: Point
    proof: ChaumPedersenProof


class Verdict(enum.StrEnum):
    """The ruling on a complaint (spec §6.4)."""

    UPHELD = "upheld"  # the dealer is at fault
    DISMISSED = "dismissed"  # the share was correct: the accuser revealed it for nothing
    INVALID = "invalid"  # the complaint proves nothing and is ignored


class Finding(enum.StrEnum):
    """Why a complaint got its verdict (spec §6.4)."""

    BOX_DOES_NOT_OPEN = "box-does-not-open"
    NOT_A_SCALAR = "not-a-canonical-scalar"
    SHARE_MISMATCH = "share-does-not-match"
    SHARE_MATCHES = "share-matches"
    WRONG_TRUSTEES = "wrong-trustees"
    BAD_PROOF = "bad-proof"


class ComplaintRuling(Struct):
    """The public ruling on one complaint."""

    accuser: TrusteeIndex
    dealer: TrusteeIndex
    verdict: Verdict
    finding: Finding


class Fault(enum.StrEnum):
    """Why a dealer is disqualified (spec §6.4)."""

    NO_DEALING = "no-dealing"
    EQUIVOCATION = "equivocation"  # two different dealings
    MALFORMED_DEALING = "malformed-dealing"
    COMPLAINT_UPHELD = "complaint-upheld"


class DealingProblem(enum.StrEnum):
    """What is wrong with a malformed dealing: the first check of spec §6.3 it fails."""

    DEALER_UNKNOWN = "dealer-unknown"
    COMMITMENT_COUNT = "commitment-count"
    PROOF_COUNT = "proof-count"
    COEFFICIENT_PROOF = "coefficient-proof"  # item: the coefficient's degree
    RECIPIENTS = "recipients"
    SHARE_BOX = "share-box"  # item: the recipient of the box


class DealingError(CeremonyError):
    """A dealing that is not publicly well-formed, with its :class:`DealingProblem` (spec §6.3)."""

    def __init__(
        self, message: Text, problem: DealingProblem, item: int | None = None, /, **figures: Figure
    ) -> None:
        super().__init__(Message(message, figures))
        self.problem = problem
        self.item = item


class Disqualification(Struct):
    """A dealer left out of the key, and why: data that every verifier recomputes (spec §6.4).

    ``problem`` and ``item`` say what is wrong with a malformed dealing (the coefficient's degree or
    the box's recipient, where the problem names one); ``accuser`` is the trustee whose complaint
    was upheld; each is null where the fault names none (no defaults: every member is on the wire).
    """

    dealer: TrusteeIndex
    fault: Fault
    problem: DealingProblem | None
    item: int | None
    accuser: TrusteeIndex | None


class CeremonyOutcome(Struct):
    """The result anyone recomputes from the public messages (spec §6.4)."""

    parameters: CeremonyParameters
    joint_key: PublicKey
    verification_keys: tuple[PublicKey, ...]
    qualified: tuple[TrusteeIndex, ...]
    disqualified: tuple[Disqualification, ...]
    rulings: tuple[ComplaintRuling, ...]

    def __post_init__(self) -> None:
        parameters = self.parameters
        if len(self.verification_keys) != parameters.trustees:
            raise ParameterError(
                f"ceremony outcome: {len(self.verification_keys)} verification keys for "
                f"{parameters.trustees} trustees"
            )
        if list(self.qualified) != sorted(set(self.qualified)) or not set(self.qualified) <= set(
            parameters.indices
        ):
            raise ParameterError(
                "ceremony outcome: qualified dealers must be distinct trustees, in order"
            )
        if len(self.qualified) < parameters.threshold:
            raise ParameterError(
                f"ceremony outcome: {len(self.qualified)} qualified dealers for threshold "
                f"{parameters.threshold}"
            )

    def verification_key(self, trustee: int) -> PublicKey:
        if not 1 <= trustee <= len(self.verification_keys):
            raise CeremonyError(_NO_SUCH_TRUSTEE, trustee=trustee)
        return self.verification_keys[trustee - 1]


# -- statements (spec §6.2–§6.4) -------------------------------------------------------------------


def trustee_key_statement(fingerprint: bytes, trustee: int) -> Transcript:
    return Transcript(Domain.TRUSTEE_KEY).fingerprint(fingerprint).uint(trustee)


def coefficient_statement(fingerprint: bytes, dealer: int, degree: int) -> Transcript:
    return Transcript(Domain.COEFFICIENT).fingerprint(fingerprint).uint(dealer).uint(degree)


def complaint_statement(fingerprint: bytes, dealer: int, accuser: int, box: bytes) -> Transcript:
    return (
        Transcript(Domain.COMPLAINT).fingerprint(fingerprint).uint(dealer).uint(accuser).data(box)
    )


# -- checks ------------------------------------------------------------------------------------------


def check_announcement(
    parameters: CeremonyParameters,
    announcement: Announcement,
    earlier: Iterable[Announcement] = (),
) -> None:
    """Raise :class:`CeremonyError` unless one announcement is valid after ``earlier`` (§6.2)."""
    trustee = announcement.trustee
    if trustee not in parameters.indices:
        raise CeremonyError(_ANNOUNCER_UNKNOWN, trustee=trustee, trustees=parameters.trustees)
    for other in earlier:
        if other.trustee == trustee:
            raise CeremonyError(_ANNOUNCED_TWICE, trustee=trustee)
        if other.encryption_key == announcement.encryption_key:
            raise CeremonyError(_ANNOUNCED_OTHERS_KEY, trustee=trustee)
    statement = trustee_key_statement(parameters.fingerprint(), trustee)
    if not knowledge_holds(statement, announcement.proof, announcement.encryption_key):
        raise CeremonyError(_ANNOUNCEMENT_PROOF, trustee=trustee)


def check_announcements(
    parameters: CeremonyParameters, announcements: Iterable[Announcement]
) -> dict[int, PublicKey]:
    """The encryption key of every trustee; :class:`CeremonyError` unless all n are present and valid."""
    checked: list[Announcement] = []
    for announcement in announcements:
        check_announcement(parameters, announcement, checked)
        checked.append(announcement)
    keys = {a.trustee: a.encryption_key for a in checked}
    missing = [i for i in parameters.indices if i not in keys]
    if missing:
        raise CeremonyError(_NO_ANNOUNCEMENT, missing=missing)
    return keys


def check_dealing(parameters: CeremonyParameters, dealing: Dealing) -> None:
    """Raise :class:`CeremonyError` unless the dealing is publicly well-formed (spec §6.3).

    Checked: k commitments each with a valid Schnorr proof; exactly one share for every other trustee,
    in increasing order; every box's ephemeral key in the prime-order subgroup, so that a complaint
    can open it. Whether each share is *correct* only its recipient can tell.
    """
    dealer, threshold = dealing.dealer, parameters.threshold
    if dealer not in parameters.indices:
        raise DealingError(
            _DEALER_UNKNOWN, DealingProblem.DEALER_UNKNOWN,
            dealer=dealer, trustees=parameters.trustees,
        )  # fmt: skip
    if len(dealing.commitments) != threshold:
        raise DealingError(
            _COMMITMENT_COUNT, DealingProblem.COMMITMENT_COUNT,
            dealer=dealer, threshold=threshold, found=len(dealing.commitments),
        )  # fmt: skip
    if len(dealing.proofs) != threshold:
        raise DealingError(
            _PROOF_COUNT, DealingProblem.PROOF_COUNT,
            dealer=dealer, threshold=threshold, found=len(dealing.proofs),
        )  # fmt: skip
    fingerprint = parameters.fingerprint()
    for degree, (commitment, proof) in enumerate(
        zip(dealing.commitments, dealing.proofs, strict=True)
    ):
        if not knowledge_holds(
            coefficient_statement(fingerprint, dealer, degree), proof, commitment
        ):
            raise DealingError(
                _COEFFICIENT_PROOF, DealingProblem.COEFFICIENT_PROOF, degree,
                dealer=dealer, degree=degree,
            )  # fmt: skip
    expected = [i for i in parameters.indices if i != dealer]
    recipients = [share.recipient for share in dealing.shares]
    if recipients != expected:
        raise DealingError(
            _RECIPIENTS, DealingProblem.RECIPIENTS,
            dealer=dealer, expected=expected, found=recipients,
        )  # fmt: skip
    for share in dealing.shares:
        try:
            ephemeral_point(share.box)
        except InvalidPoint as error:
            raise DealingError(
                _SHARE_BOX, DealingProblem.SHARE_BOX, share.recipient,
                dealer=dealer, recipient=share.recipient, detail=error.said,
            ) from None  # fmt: skip


def share_matches(commitments: Sequence[Point], recipient: int, share: Scalar) -> bool:
    """Whether ``share·G = Σ_j recipient^j·C_j`` (spec §6.1)."""
    return evaluate_commitments(commitments, recipient) == BASE * share


def rule_on_complaint(
    parameters: CeremonyParameters,
    encryption_keys: Mapping[int, PublicKey],
    dealing: Dealing,
    complaint: Complaint,
) -> ComplaintRuling:
    """Open the disputed box with the revealed point and rule (spec §6.4).

    *Invalid* when the complaint names the wrong trustees or its proof fails; *upheld* when the box
    does not open, holds no canonical scalar, or holds a share that does not match the dealer's
    commitments; *dismissed* when the share is correct.
    """
    accuser, dealer = complaint.accuser, complaint.dealer

    def ruling(verdict: Verdict, finding: Finding) -> ComplaintRuling:
        return ComplaintRuling(accuser=accuser, dealer=dealer, verdict=verdict, finding=finding)

    if dealer != dealing.dealer or accuser == dealer or accuser not in encryption_keys:
        return ruling(Verdict.INVALID, Finding.WRONG_TRUSTEES)
    box = bytes(dealing.share_for(accuser).box)
    accuser_key = encryption_keys[accuser]
    statement = complaint_statement(parameters.fingerprint(), dealer, accuser, box)
    if not equal_logs_hold(
        statement, complaint.proof, accuser_key, ephemeral_point(box), complaint.shared_point
    ):
        return ruling(Verdict.INVALID, Finding.BAD_PROOF)
    plaintext = open_with_shared_point(accuser_key, box, complaint.shared_point)
    if plaintext is None:
        return ruling(Verdict.UPHELD, Finding.BOX_DOES_NOT_OPEN)
    try:
        share = Scalar.from_bytes(plaintext)
    except InvalidEncoding:
        return ruling(Verdict.UPHELD, Finding.NOT_A_SCALAR)
    if not share_matches(dealing.commitments, accuser, share):
        return ruling(Verdict.UPHELD, Finding.SHARE_MISMATCH)
    return ruling(Verdict.DISMISSED, Finding.SHARE_MATCHES)


def conclude(
    parameters: CeremonyParameters,
    announcements: Iterable[Announcement],
    dealings: Iterable[Dealing],
    complaints: Iterable[Complaint],
) -> CeremonyOutcome:
    """Rule on everything and derive the joint key and verification keys (spec §6.4).

    A misbehaving dealer is disqualified, never able to block the conclusion. Raises
    :class:`CeremonyError` only when the ceremony cannot conclude: an announcement is missing or
    invalid (round 1 must be complete before anyone deals), fewer than k dealers qualify (then no
    k-coalition is sure to include an honest dealer, and the ceremony must be run again), or the
    joint key or a verification key is the identity.
    """
    keys = check_announcements(parameters, announcements)
    by_dealer, disqualified = _index_dealings(parameters, dealings)
    for dealer in parameters.indices:
        if dealer in disqualified:
            continue
        if dealer not in by_dealer:
            disqualified[dealer] = Disqualification(
                dealer=dealer, fault=Fault.NO_DEALING, problem=None, item=None, accuser=None
            )
            continue
        try:
            check_dealing(parameters, by_dealer[dealer])
        except DealingError as error:
            disqualified[dealer] = Disqualification(
                dealer=dealer,
                fault=Fault.MALFORMED_DEALING,
                problem=error.problem,
                item=error.item,
                accuser=None,
            )
    rulings = [
        rule_on_complaint(parameters, keys, by_dealer[complaint.dealer], complaint)
        for complaint in complaints
        if complaint.dealer in by_dealer and complaint.dealer not in disqualified
    ]
    for ruling in rulings:
        if ruling.verdict is Verdict.UPHELD and ruling.dealer not in disqualified:
            disqualified[ruling.dealer] = Disqualification(
                dealer=ruling.dealer, fault=Fault.COMPLAINT_UPHELD, problem=None, item=None,
                accuser=ruling.accuser,
            )  # fmt: skip
    qualified = tuple(i for i in parameters.indices if i not in disqualified)
    if len(qualified) < parameters.threshold:
        raise CeremonyError(
            _TOO_FEW_QUALIFIED, count=len(qualified), qualified=qualified,
            threshold=parameters.threshold,
        )  # fmt: skip
    combined = _combine_commitments([by_dealer[i].commitments for i in qualified])
    try:
        joint_key = PublicKey.from_point(combined[0])
        verification_keys = tuple(
            PublicKey.from_point(evaluate_commitments(combined, i)) for i in parameters.indices
        )
    except InvalidPoint:
        raise CeremonyError(_IDENTITY_KEY) from None
    return CeremonyOutcome(
        parameters=parameters,
        joint_key=joint_key,
        verification_keys=verification_keys,
        qualified=qualified,
        disqualified=tuple(disqualified[dealer] for dealer in sorted(disqualified)),
        rulings=tuple(rulings),
    )


def _index_dealings(
    parameters: CeremonyParameters, dealings: Iterable[Dealing]
) -> tuple[dict[int, Dealing], dict[int, Disqualification]]:
    """Dealings by dealer; a dealer with two different dealings is disqualified for equivocation."""
    by_dealer: dict[int, Dealing] = {}
    equivocated: dict[int, Disqualification] = {}
    for dealing in dealings:
        dealer = dealing.dealer
        if dealer not in parameters.indices:
            continue  # not a trustee of this ceremony: nothing to disqualify
        if dealer in by_dealer and by_dealer[dealer] != dealing:
            equivocated[dealer] = Disqualification(
                dealer=dealer, fault=Fault.EQUIVOCATION, problem=None, item=None, accuser=None
            )
        by_dealer.setdefault(dealer, dealing)
    return by_dealer, equivocated


def _combine_commitments(commitment_lists: Sequence[Sequence[Point]]) -> list[Point]:
    """``Ĉ_j = Σ_i C_{i,j}``: the commitments of the sum polynomial ``Σ_{i∈Q} f_i``."""
    combined: list[Point] = list(commitment_lists[0])
    for commitments in commitment_lists[1:]:
        combined = [a + b for a, b in zip(combined, commitments, strict=True)]
    return combined
