"""A trustee's side of the key ceremony: its secrets and the messages it sends (spec §6.2–§6.4).

:class:`CeremonyTrustee` is the trustee's state between rounds; it is secret and is stored only with
:mod:`evote._internal.trustees.keyfile`. Each round is a method: announce, deal, check the received shares
(producing complaints), and finish with the public outcome to obtain the :class:`TrusteeKey`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

from evote._internal.encoding import Bytes32, HexBytes, Struct
from evote._internal.messages import Text
from evote._internal.trustees.ceremony import (
    Announcement,
    CeremonyOutcome,
    CeremonyParameters,
    Complaint,
    Dealing,
    EncryptedShare,
    TrusteeIndex,
    check_announcements,
    check_dealing,
    coefficient_statement,
    complaint_statement,
    share_matches,
    trustee_key_statement,
)
from evote._internal.trustees.decryption import TrusteeKey
from evote._internal.trustees.polynomial import Polynomial
from evote.errors import CeremonyError, InvalidEncoding, ParameterError
from evote.hazmat.group import BASE, PublicKey, Scalar
from evote.hazmat.proofs.chaum_pedersen import prove_equal_logs
from evote.hazmat.proofs.schnorr import prove_knowledge
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.sealing import EncryptionSecret, clamp, ephemeral_point, seal

__all__ = ["CeremonyTrustee"]

_NOT_OWN_KEY = Text(
    "not-own-key",
    "trustee {trustee}: the key announced for trustee {trustee} is not this trustee's own "
    "encryption key",
    "受托人 {trustee}：为受托人 {trustee} 公告的公钥不是本受托人自己的加密公钥",
)
_NO_VALID_SHARE = Text(
    "no-valid-share", "trustee {trustee}: no valid share from qualified dealer {dealer}",
    "受托人 {trustee}：没有来自合格分发者 {dealer} 的有效份额",
)  # fmt: skip
_SHARE_NOT_KEY = Text(
    "share-not-key", "trustee {trustee}: share does not match its public verification key",
    "受托人 {trustee}：份额与其公开的验证公钥不符",
)  # fmt: skip


class CeremonyTrustee(Struct, dict=True):
    """One trustee's secret ceremony state: its polynomial and its ceremony encryption secret."""

    parameters: CeremonyParameters
    trustee: TrusteeIndex
    coefficients: tuple[Scalar, ...]
    encryption_secret: Bytes32

    def __post_init__(self) -> None:
        if self.trustee not in self.parameters.indices:
            raise ParameterError(
                f"ceremony state: trustee {self.trustee} outside 1…{self.parameters.trustees}"
            )
        if len(self.coefficients) != self.parameters.threshold:
            raise ParameterError(
                f"ceremony state: {len(self.coefficients)} coefficients for threshold "
                f"{self.parameters.threshold}"
            )
        # Building the secrets checks them (non-zero coefficients, §6.1; a clamped encryption
        # secret with a non-zero residue, §6.3) and caches them for the rounds.
        _ = self._polynomial, self._encryption

    @classmethod
    def start(
        cls,
        parameters: CeremonyParameters,
        trustee: int,
        *,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> CeremonyTrustee:
        """Fresh secrets for trustee ``trustee`` of the ceremony."""
        coefficients = tuple(randomness.scalar() for _ in range(parameters.threshold))
        return cls(
            parameters=parameters,
            trustee=trustee,
            coefficients=coefficients,
            encryption_secret=Bytes32(clamp(randomness.bytes(32))),  # checked by __post_init__
        )

    @cached_property
    def _encryption(self) -> EncryptionSecret:
        return EncryptionSecret(self.encryption_secret)

    @cached_property
    def _polynomial(self) -> Polynomial:
        return Polynomial(self.coefficients)

    def _announced_keys(self, announcements: Iterable[Announcement]) -> dict[int, PublicKey]:
        """The checked announcements (spec §6.2), whose key for this trustee must be its own."""
        keys = check_announcements(self.parameters, announcements)
        self._check_own_key(keys)
        return keys

    def _check_own_key(self, keys: Mapping[int, PublicKey]) -> None:
        if keys[self.trustee] != self._encryption.public:
            raise CeremonyError(_NOT_OWN_KEY, trustee=self.trustee)

    # -- round 1 -----------------------------------------------------------------------------------

    def announce(self, *, randomness: Randomness = OS_RANDOMNESS) -> Announcement:
        encryption = self._encryption
        statement = trustee_key_statement(self.parameters.fingerprint(), self.trustee)
        proof = prove_knowledge(
            statement, encryption.scalar, encryption.public, randomness=randomness
        )
        return Announcement(trustee=self.trustee, encryption_key=encryption.public, proof=proof)

    # -- round 2 -----------------------------------------------------------------------------------

    def deal(
        self, announcements: Iterable[Announcement], *, randomness: Randomness = OS_RANDOMNESS
    ) -> Dealing:
        """Commit to the polynomial and seal a share to every other trustee's announced key."""
        keys = self._announced_keys(announcements)
        polynomial = self._polynomial
        fingerprint = self.parameters.fingerprint()
        commitments = polynomial.commitments()
        proofs = tuple(
            prove_knowledge(
                coefficient_statement(fingerprint, self.trustee, degree),
                coefficient,
                commitment,
                randomness=randomness,
            )
            for degree, (coefficient, commitment) in enumerate(
                zip(polynomial.coefficients, commitments, strict=True)
            )
        )
        shares = tuple(
            EncryptedShare(
                recipient=recipient,
                box=HexBytes(
                    seal(
                        keys[recipient],
                        bytes(polynomial.evaluate(recipient)),
                        randomness=randomness,
                    )
                ),
            )
            for recipient in self.parameters.indices
            if recipient != self.trustee
        )
        return Dealing(dealer=self.trustee, commitments=commitments, proofs=proofs, shares=shares)

    # -- round 3 -----------------------------------------------------------------------------------

    def check_shares(
        self,
        announcements: Iterable[Announcement],
        dealings: Iterable[Dealing],
        *,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> tuple[Complaint, ...]:
        """Open and check the share from every publicly valid dealing; complain about bad ones."""
        keys = self._announced_keys(announcements)
        complaints: list[Complaint] = []
        for dealing in dealings:
            if dealing.dealer == self.trustee:
                continue
            try:
                check_dealing(self.parameters, dealing)
            except CeremonyError:
                continue  # publicly invalid: the dealer is disqualified without a complaint
            if self._received_share(dealing) is None:
                complaints.append(self._complain(keys, dealing, randomness))
        return tuple(complaints)

    def _received_share(self, dealing: Dealing) -> Scalar | None:
        """The share in ``dealing`` for this trustee, if it opens and matches the commitments."""
        plaintext = self._encryption.open(bytes(dealing.share_for(self.trustee).box))
        if plaintext is None:
            return None
        try:
            share = Scalar.from_bytes(plaintext)
        except InvalidEncoding:
            return None
        return share if share_matches(dealing.commitments, self.trustee, share) else None

    def _complain(
        self, keys: Mapping[int, PublicKey], dealing: Dealing, randomness: Randomness
    ) -> Complaint:
        self._check_own_key(keys)
        encryption = self._encryption
        box = bytes(dealing.share_for(self.trustee).box)
        ephemeral = ephemeral_point(box)
        shared = ephemeral * encryption.scalar
        statement = complaint_statement(
            self.parameters.fingerprint(), dealing.dealer, self.trustee, box
        )
        proof = prove_equal_logs(
            statement,
            encryption.scalar,
            encryption.public,
            ephemeral,
            shared,
            randomness=randomness,
        )
        return Complaint(
            accuser=self.trustee, dealer=dealing.dealer, shared_point=shared, proof=proof
        )

    # -- conclusion --------------------------------------------------------------------------------

    def finish(self, outcome: CeremonyOutcome, dealings: Iterable[Dealing]) -> TrusteeKey:
        """This trustee's share ``s = Σ_{i∈Q} f_i(trustee)``, checked against its verification key.

        ``outcome`` is the public conclusion (:func:`~.ceremony.conclude`), recomputed by
        the trustee itself from the board.
        """
        by_dealer = {dealing.dealer: dealing for dealing in dealings}
        share = Scalar.from_int(0)
        for dealer in outcome.qualified:
            if dealer == self.trustee:
                received: Scalar | None = self._polynomial.evaluate(self.trustee)
            elif dealer in by_dealer:
                received = self._received_share(by_dealer[dealer])
            else:
                received = None
            if received is None:
                raise CeremonyError(_NO_VALID_SHARE, trustee=self.trustee, dealer=dealer)
            share = share + received
        verification_key = outcome.verification_key(self.trustee)
        if BASE * share != verification_key:
            raise CeremonyError(_SHARE_NOT_KEY, trustee=self.trustee)
        return TrusteeKey(
            parameters=self.parameters,
            trustee=self.trustee,
            share=share,
            joint_key=outcome.joint_key,
            verification_keys=outcome.verification_keys,
        )
