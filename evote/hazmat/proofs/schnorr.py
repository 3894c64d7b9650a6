"""Schnorr proof of knowledge of a discrete logarithm (spec §5.1).

Statement: ``X = x·G``. Prover: ``R = u·G``, ``c = H(statement ‖ G ‖ X ‖ R)``, ``s = u + c·x``. The
proof is ``(c, s)``; the verifier recomputes ``R = s·G − c·X`` and checks that hashing gives back c.

The caller starts the transcript with the domain tag of its use, the fingerprint and whatever else
the statement is about (which trustee, which coefficient); this module appends G, X and R.
"""

from __future__ import annotations

from evote._internal.encoding import Struct
from evote.hazmat.group import BASE, Point, Scalar
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness
from evote.hazmat.transcript import Transcript

__all__ = ["SchnorrProof", "knowledge_holds", "prove_knowledge"]


class SchnorrProof(Struct):
    challenge: Scalar
    response: Scalar


def prove_knowledge(
    statement: Transcript,
    secret: Scalar,
    public: Point,
    *,
    randomness: Randomness = OS_RANDOMNESS,
) -> SchnorrProof:
    """Prove knowledge of ``secret`` with ``public = secret·G``."""
    nonce = randomness.scalar()
    challenge = statement.points(BASE, public, BASE * nonce).challenge()
    return SchnorrProof(challenge=challenge, response=nonce + challenge * secret)


def knowledge_holds(statement: Transcript, proof: SchnorrProof, public: Point) -> bool:
    """Whether ``proof`` shows knowledge of ``log_G(public)`` for ``statement``."""
    commitment = BASE * proof.response - public * proof.challenge
    return statement.points(BASE, public, commitment).challenge() == proof.challenge
