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

    >>> from evote.hazmat.elgamal import encrypt, generate_key_pair
    >>> _, key = generate_key_pair()
    >>> ciphertext, nonce = encrypt(key, 1)
    >>> statement = RangeStatement(bytes(32), key, b"owner A, question 1, option 2", ciphertext)
    >>> verify_selection(statement, prove_selection(statement, 1, nonce))  # silent when it holds
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "RangeStatement",
    "prove_range",
    "prove_selection",
    "verify_range",
    "verify_selection",
]

#: Largest ``hi − lo``: the proof has one branch per value, so its size and cost grow with the width.
MAX_RANGE_WIDTH: Final = 255


@dataclass(frozen=True, slots=True)
class RangeStatement:
    """What a disjunctive proof shows: ``ciphertext`` under ``public_key`` encrypts a value in [lo, hi].

    ``fingerprint`` binds the proof to one election and ``context`` to its place in one voter's
    ballot (spec §10.2). A selection proof is the statement with [lo, hi] = [0, 1].
    """

    fingerprint: bytes
    public_key: PublicKey
    context: bytes
    ciphertext: Ciphertext
    lo: int = 0
    hi: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.lo <= self.hi or self.hi - self.lo > MAX_RANGE_WIDTH:
            raise ParameterError(
                f"range [{self.lo}, {self.hi}]: need 0 ≤ lo ≤ hi and hi − lo ≤ {MAX_RANGE_WIDTH}"
            )

    def transcript(self, domain: Domain) -> Transcript:
        """The statement's transcript, to which the commitments ``a_j, b_j`` are appended (§5.3).

        TAG, FINGERPRINT, BYTES context, UINT lo, UINT hi, POINT G, K, α, β.
        """
        return (
            Transcript(domain)
            .fingerprint(self.fingerprint)
            .data(self.context)
            .uint(self.lo)
            .uint(self.hi)
            .points(BASE, self.public_key, self.ciphertext.alpha, self.ciphertext.beta)
        )


class DisjunctiveProof(Struct):
    """Branch challenges and responses for j = lo, lo+1, …, hi, in that order."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]


def prove_selection(
    statement: RangeStatement,
    value: int,
    nonce: Scalar,
    *,
    randomness: Randomness = OS_RANDOMNESS,
) -> DisjunctiveProof:
    """Prove that the statement's ciphertext (with ``nonce``) encrypts ``value`` ∈ {0, 1}."""
    _require_selection(statement)
    return _prove(Domain.SELECTION, statement, value, nonce, randomness)


def verify_selection(statement: RangeStatement, proof: DisjunctiveProof) -> None:
    """Raise :class:`InvalidProof` unless ``proof`` shows that the ciphertext encrypts 0 or 1.

    A selection with ``α = O`` (nonce 0) is refused too: its plaintext is in the clear, which would
    let a voter prove their vote to someone else (spec §5.3).
    """
    _require_selection(statement)
    if statement.ciphertext.alpha.is_identity():
        raise InvalidProof("selection proof: the ciphertext has α = O, so its vote is not secret")
    _verify(Domain.SELECTION, statement, proof)


def prove_range(
    statement: RangeStatement,
    value: int,
    nonce: Scalar,
    *,
    randomness: Randomness = OS_RANDOMNESS,
) -> DisjunctiveProof:
    """Prove that the statement's ciphertext (with ``nonce``) encrypts ``value`` ∈ [lo, hi]."""
    return _prove(Domain.RANGE, statement, value, nonce, randomness)


def verify_range(statement: RangeStatement, proof: DisjunctiveProof) -> None:
    """Raise :class:`InvalidProof` unless ``proof`` shows the ciphertext encrypts a value in [lo, hi]."""
    _verify(Domain.RANGE, statement, proof)


def _require_selection(statement: RangeStatement) -> None:
    if (statement.lo, statement.hi) != (0, 1):
        raise ParameterError(
            f"a selection is proved in [0, 1], not [{statement.lo}, {statement.hi}]"
        )


def _prove(
    domain: Domain,
    statement: RangeStatement,
    value: int,
    nonce: Scalar,
    randomness: Randomness,
) -> DisjunctiveProof:
    lo, hi, public_key = statement.lo, statement.hi, statement.public_key
    if not lo <= value <= hi:
        raise ParameterError(f"value {value} is outside the range [{lo}, {hi}] it is proved in")
    transcript = statement.transcript(domain)
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


def _verify(domain: Domain, statement: RangeStatement, proof: DisjunctiveProof) -> None:
    lo, hi, public_key = statement.lo, statement.hi, statement.public_key
    kind = "selection proof" if domain is Domain.SELECTION else f"range proof [{lo}, {hi}]"
    branches = hi - lo + 1
    if len(proof.challenges) != branches or len(proof.responses) != branches:
        raise InvalidProof(
            f"{kind}: expected {branches} challenges and responses, found "
            f"{len(proof.challenges)} and {len(proof.responses)}"
        )
    transcript = statement.transcript(domain)
    alpha = statement.ciphertext.alpha
    shifted: Point = statement.ciphertext.beta - encode_message(
        lo
    )  # β − j·G; 0·G = O, subtracted free
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
