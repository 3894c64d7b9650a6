"""Threshold decryption: partial decryptions with proofs, combined by Lagrange coefficients (spec §6.5).

Trustee l holds the share ``s_l`` of the joint secret and publishes, for a ciphertext ``(α, β)``,
``D_l = s_l·α`` with a Chaum–Pedersen proof that ``log_G(V_l) = log_α(D_l)`` for its public
verification key ``V_l``. Any set S of at least k trustees gives ``m·G = β − Σ_{l∈S} λ_l·D_l`` with
the Lagrange coefficients of S at 0. The joint secret itself is never computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from evote._internal.encoding import Struct
from evote._internal.messages import Text
from evote._internal.trustees.ceremony import CeremonyParameters, TrusteeIndex
from evote._internal.trustees.polynomial import lagrange_coefficients
from evote.errors import InvalidProof, ParameterError, ThresholdError
from evote.hazmat.elgamal import Ciphertext
from evote.hazmat.group import Point, PublicKey, Scalar
from evote.hazmat.proofs.chaum_pedersen import (
    ChaumPedersenProof,
    equal_logs_hold,
    prove_equal_logs,
)
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "PartialDecryption",
    "TrusteeKey",
    "combine_partial_decryptions",
    "combine_verified",
    "verify_partial_decryption",
]

_PARTIAL_PROOF = Text(
    "partial-decryption-proof",
    "partial decryption of trustee {trustee}: Chaum–Pedersen proof does not verify",
    "受托人 {trustee} 的部分解密：Chaum–Pedersen 证明无法验证",
)
_TRUSTEE_TWICE = Text(
    "trustee-twice", "a trustee appears twice among {trustees!r}",
    "受托人 {trustees!r} 中有人出现了两次",
)  # fmt: skip
_UNKNOWN_TRUSTEES = Text(
    "unknown-trustees", "unknown trustee(s) {unknown!r}: there are {count}",
    "未知的受托人 {unknown!r}：受托人共 {count} 位",
)  # fmt: skip
_TOO_FEW_PARTIALS = Text(
    "too-few-partials",
    "{count} partial decryption(s) from trustees {trustees!r}; at least {threshold} are needed",
    "来自受托人 {trustees!r} 的部分解密共 {count} 份；至少需要 {threshold} 份",
)


class PartialDecryption(Struct):
    """``D = s_l·α`` from trustee l, with its proof (spec §6.5)."""

    trustee: TrusteeIndex
    point: Point
    proof: ChaumPedersenProof


class TrusteeKey(Struct):
    """What a trustee keeps after the ceremony: its secret share and the public keys (spec §6.4).

    Secret: store it only with :mod:`evote._internal.trustees.keyfile`.
    """

    parameters: CeremonyParameters
    trustee: TrusteeIndex
    share: Scalar
    joint_key: PublicKey
    verification_keys: tuple[PublicKey, ...]

    def __post_init__(self) -> None:
        if self.trustee not in self.parameters.indices:
            raise ParameterError(
                f"trustee key: index {self.trustee} outside 1…{self.parameters.trustees}"
            )
        if len(self.verification_keys) != self.parameters.trustees:
            raise ParameterError(
                f"trustee key: {len(self.verification_keys)} verification keys for "
                f"{self.parameters.trustees} trustees"
            )

    @property
    def verification_key(self) -> PublicKey:
        return self.verification_keys[self.trustee - 1]

    def partial_decrypt(
        self,
        fingerprint: bytes,
        ciphertext: Ciphertext,
        *,
        randomness: Randomness = OS_RANDOMNESS,
    ) -> PartialDecryption:
        """This trustee's partial decryption of ``ciphertext``, with proof, bound to ``fingerprint``."""
        point = ciphertext.alpha * self.share
        statement = _statement(fingerprint, self.trustee, ciphertext)
        proof = prove_equal_logs(
            statement,
            self.share,
            self.verification_key,
            ciphertext.alpha,
            point,
            randomness=randomness,
        )
        return PartialDecryption(trustee=self.trustee, point=point, proof=proof)


def _statement(fingerprint: bytes, trustee: int, ciphertext: Ciphertext) -> Transcript:
    # spec §6.5: TAG, FINGERPRINT, UINT trustee, POINT α, POINT β; the proof appends G, V_l, α, D, a, b.
    return (
        Transcript(Domain.DECRYPTION_SHARE)
        .fingerprint(fingerprint)
        .uint(trustee)
        .points(ciphertext.alpha, ciphertext.beta)
    )


def verify_partial_decryption(
    fingerprint: bytes,
    ciphertext: Ciphertext,
    partial: PartialDecryption,
    verification_key: PublicKey,
) -> None:
    """Raise :class:`InvalidProof` unless ``partial`` is trustee's correct share for ``ciphertext``."""
    statement = _statement(fingerprint, partial.trustee, ciphertext)
    if not equal_logs_hold(
        statement, partial.proof, verification_key, ciphertext.alpha, partial.point
    ):
        raise InvalidProof(_PARTIAL_PROOF, trustee=partial.trustee)


def combine_partial_decryptions(
    fingerprint: bytes,
    ciphertext: Ciphertext,
    partials: Sequence[PartialDecryption],
    verification_keys: Sequence[PublicKey],
    threshold: int,
) -> Point:
    """``m·G = β − Σ λ_l·D_l`` over the given trustees, after checking every proof (spec §6.6).

    ``verification_keys`` and ``threshold`` come from the ceremony (its outcome and parameters).
    Raises :class:`ThresholdError` for fewer than ``threshold`` trustees, a repeated or unknown
    trustee; :class:`InvalidProof` for a partial decryption whose proof fails.
    """
    if not 1 <= threshold <= len(verification_keys):
        raise ParameterError(
            f"threshold {threshold} is outside 1…{len(verification_keys)} (the number of trustees)"
        )
    trustees = [partial.trustee for partial in partials]
    if len(set(trustees)) != len(trustees):
        raise ThresholdError(_TRUSTEE_TWICE, trustees=sorted(trustees))
    unknown = [t for t in trustees if not 1 <= t <= len(verification_keys)]
    if unknown:
        raise ThresholdError(_UNKNOWN_TRUSTEES, unknown=unknown, count=len(verification_keys))
    if len(trustees) < threshold:
        raise ThresholdError(
            _TOO_FEW_PARTIALS, count=len(trustees), trustees=sorted(trustees), threshold=threshold
        )
    for partial in partials:
        verify_partial_decryption(
            fingerprint, ciphertext, partial, verification_keys[partial.trustee - 1]
        )
    return combine_verified(ciphertext, partials, lagrange_coefficients(trustees))


def combine_verified(
    ciphertext: Ciphertext,
    partials: Iterable[PartialDecryption],
    coefficients: Mapping[int, Scalar],
) -> Point:
    """``β − Σ λ_l·D_l``, subtracted in the order of ``partials``, without checking anything.

    Only for partial decryptions already verified, of distinct trustees, with ``coefficients`` the
    Lagrange coefficients of exactly those trustees: how :func:`~evote._internal.election.tally.combine_tally`
    combines
    each sum after checking every share once and computing the coefficients once.
    """
    result = ciphertext.beta
    for partial in partials:
        result = result - partial.point * coefficients[partial.trustee]
    return result
