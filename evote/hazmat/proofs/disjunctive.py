"""Disjunctive Chaum–Pedersen proofs that a ciphertext encrypts a value in [lo, hi] (spec §5.3).

One construction serves two proof kinds, told apart by their domain tag:

- a *selection proof*: one selection encrypts 0 or 1 (``[lo, hi] = [0, 1]``);
- a *range proof*: the homomorphic sum of a question's selections encrypts a value in ``[lo, hi]``,
  e.g. ``[1, 1]`` for "exactly one of agree / oppose / abstain", ``[0, k]`` for "up to k of n".

For each j in [lo, hi] the statement "``(α, β − j·G)`` is an encryption of 0", i.e.
``log_G(α) = log_K(β − j·G)``, gets a Chaum–Pedersen branch; all but the true one are simulated and
the challenges must add up to the Fiat–Shamir challenge (Cramer–Damgård–Schoenmakers). The proof is
the list of branch challenges ``c_j`` and responses ``v_j``; the verifier recomputes the commitments
``a_j = v_j·G − c_j·α`` and ``b_j = v_j·K − c_j·(β − j·G)``.
"""

from __future__ import annotations

from typing import Final

from evote._internal.encoding import Struct
from evote.errors import InvalidProof, ParameterError
from evote.hazmat.elgamal import Ciphertext, encode_message
from evote.hazmat.group import BASE, Point, PublicKey, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "MAX_RANGE_WIDTH",
    "DisjunctiveProof",
    "prove_range",
    "prove_selection",
    "verify_range",
    "verify_selection",
]

#: Largest ``hi − lo``: the proof has one branch per value, so its size and cost grow with the width.
MAX_RANGE_WIDTH: Final = 255


class DisjunctiveProof(Struct):
    """Branch challenges and responses for j = lo, lo+1, …, hi, in that order."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]


def prove_selection(
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    value: int,
    nonce: Scalar,
) -> DisjunctiveProof:
    """Prove that ``ciphertext`` (with ``nonce``) encrypts ``value`` ∈ {0, 1}, bound to ``context``."""
    return _prove(
        Domain.SELECTION, fingerprint, public_key, context, ciphertext, 0, 1, value, nonce,
        OS_RANDOMNESS,
    )  # fmt: skip


def verify_selection(
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    proof: DisjunctiveProof,
) -> None:
    """Raise :class:`InvalidProof` unless ``proof`` shows that ``ciphertext`` encrypts 0 or 1.

    A selection with ``α = O`` (nonce 0) is refused too: its plaintext is in the clear, which would
    let a voter prove their vote to someone else (spec §5.3).
    """
    if ciphertext.alpha.is_identity():
        raise InvalidProof("selection proof: the ciphertext has α = O, so its vote is not secret")
    _verify(Domain.SELECTION, fingerprint, public_key, context, ciphertext, 0, 1, proof)


def prove_range(
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    bounds: tuple[int, int],
    value: int,
    nonce: Scalar,
) -> DisjunctiveProof:
    """Prove that ``ciphertext`` (with ``nonce``) encrypts ``value`` ∈ [lo, hi] = ``bounds``."""
    lo, hi = bounds
    return _prove(
        Domain.RANGE, fingerprint, public_key, context, ciphertext, lo, hi, value, nonce,
        OS_RANDOMNESS,
    )  # fmt: skip


def verify_range(
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    bounds: tuple[int, int],
    proof: DisjunctiveProof,
) -> None:
    """Raise :class:`InvalidProof` unless ``proof`` shows ``ciphertext`` encrypts a value in ``bounds``."""
    lo, hi = bounds
    _verify(Domain.RANGE, fingerprint, public_key, context, ciphertext, lo, hi, proof)


def _check_bounds(lo: int, hi: int) -> None:
    if not 0 <= lo <= hi or hi - lo > MAX_RANGE_WIDTH:
        raise ParameterError(
            f"range [{lo}, {hi}]: need 0 ≤ lo ≤ hi and hi − lo ≤ {MAX_RANGE_WIDTH}"
        )


def _statement(
    domain: Domain,
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    lo: int,
    hi: int,
) -> Transcript:
    # spec §5.3: TAG, FINGERPRINT, BYTES context, UINT lo, UINT hi, POINT G, K, α, β,
    # then POINT a_j, POINT b_j for j = lo … hi.
    return (
        Transcript(domain)
        .fingerprint(fingerprint)
        .data(context)
        .uint(lo)
        .uint(hi)
        .points(BASE, public_key, ciphertext.alpha, ciphertext.beta)
    )


def _prove(
    domain: Domain,
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    lo: int,
    hi: int,
    value: int,
    nonce: Scalar,
    randomness: Randomness,
) -> DisjunctiveProof:
    # Deterministic given ``randomness``; the known-answer vectors pass a seeded one (spec §5.3).
    _check_bounds(lo, hi)
    if not lo <= value <= hi:
        raise ParameterError(f"value {value} is outside the range [{lo}, {hi}] it is proved in")
    transcript = _statement(domain, fingerprint, public_key, context, ciphertext, lo, hi)
    challenges: list[Scalar] = []
    responses: list[Scalar] = []
    real_nonce = randomness.scalar()
    for j in range(lo, hi + 1):
        if j == value:
            challenges.append(real_nonce)  # placeholder, replaced below
            responses.append(real_nonce)
            transcript.points(BASE * real_nonce, public_key * real_nonce)
            continue
        # Simulated branch. With α = r·G and β − j·G = r·K + (value − j)·G, the verifier's
        # a_j = v_j·G − c_j·α and b_j = v_j·K − c_j·(β − j·G) equal w·G and w·K − c_j·(value − j)·G
        # for w = v_j − c_j·r; computing them this way saves two multiplications.
        challenge, response = randomness.scalar(), randomness.scalar()
        w = response - challenge * nonce
        offset = BASE * (challenge * Scalar.from_int(value - j))
        transcript.points(BASE * w, public_key * w - offset)
        challenges.append(challenge)
        responses.append(response)
    total = transcript.challenge()
    real = value - lo
    real_challenge = total
    for j, challenge in enumerate(challenges):
        if j != real:
            real_challenge = real_challenge - challenge
    challenges[real] = real_challenge
    responses[real] = real_nonce + real_challenge * nonce
    return DisjunctiveProof(challenges=tuple(challenges), responses=tuple(responses))


def _verify(
    domain: Domain,
    fingerprint: bytes,
    public_key: PublicKey,
    context: bytes,
    ciphertext: Ciphertext,
    lo: int,
    hi: int,
    proof: DisjunctiveProof,
) -> None:
    _check_bounds(lo, hi)
    kind = "selection proof" if domain is Domain.SELECTION else f"range proof [{lo}, {hi}]"
    branches = hi - lo + 1
    if len(proof.challenges) != branches or len(proof.responses) != branches:
        raise InvalidProof(
            f"{kind}: expected {branches} challenges and responses, found "
            f"{len(proof.challenges)} and {len(proof.responses)}"
        )
    transcript = _statement(domain, fingerprint, public_key, context, ciphertext, lo, hi)
    alpha = ciphertext.alpha
    shifted: Point = ciphertext.beta - encode_message(lo)  # β − j·G; 0·G = O, subtracted free
    total: Scalar | None = None
    for j, (challenge, response) in enumerate(zip(proof.challenges, proof.responses, strict=True)):
        if j:
            shifted = shifted - BASE
        transcript.points(
            BASE * response - alpha * challenge,
            public_key * response - shifted * challenge,
        )
        total = challenge if total is None else total + challenge
    if total != transcript.challenge():
        raise InvalidProof(
            f"{kind}: the branch challenges do not add up to the transcript challenge"
        )
