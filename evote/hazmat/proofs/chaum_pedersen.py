"""Chaum–Pedersen proof of equal discrete logarithms (spec §5.2).

Statement: ``X = x·G`` and ``Y = x·H`` for a second base H. Prover: ``a = u·G``, ``b = u·H``,
``c = H(statement ‖ G ‖ X ‖ H ‖ Y ‖ a ‖ b)``, ``s = u + c·x``. The proof is ``(c, s)``; the verifier
recomputes ``a = s·G − c·X`` and ``b = s·H − c·Y``.

The caller starts the transcript with the domain tag of its use, the fingerprint and whatever else
the statement is about (spec §6.4 complaints, §6.5 decryption shares); this module appends the points.
"""

from __future__ import annotations

from evote._internal.encoding import Struct
from evote.hazmat.group import BASE, Point, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.transcript import Transcript

__all__ = ["ChaumPedersenProof", "equal_logs_hold", "prove_equal_logs"]


class ChaumPedersenProof(Struct):
    challenge: Scalar
    response: Scalar


def prove_equal_logs(
    statement: Transcript,
    secret: Scalar,
    public: Point,
    base: Point,
    image: Point,
    *,
    randomness: Randomness = OS_RANDOMNESS,
) -> ChaumPedersenProof:
    """Prove ``public = secret·G`` and ``image = secret·base`` (complaints §6.4, shares §6.5)."""
    nonce = randomness.scalar()
    statement.points(BASE, public, base, image, BASE * nonce, base * nonce)
    challenge = statement.challenge()
    return ChaumPedersenProof(challenge=challenge, response=nonce + challenge * secret)


def equal_logs_hold(
    statement: Transcript, proof: ChaumPedersenProof, public: Point, base: Point, image: Point
) -> bool:
    """Whether ``proof`` shows ``log_G(public) = log_base(image)`` for ``statement``."""
    a = BASE * proof.response - public * proof.challenge
    b = base * proof.response - image * proof.challenge
    return statement.points(BASE, public, base, image, a, b).challenge() == proof.challenge
