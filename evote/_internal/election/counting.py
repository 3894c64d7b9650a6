"""What a trustee decrypts: the aggregates of a closed box, and nothing else (spec §12.2).

The trustee recomputes the tally from the box itself — a box it rebuilt from the board — so it never
decrypts a ciphertext someone hands it: not a single ballot, only sums over the closed box.
"""

from __future__ import annotations

from evote._internal.election.box import BallotBox
from evote._internal.election.tally import TallyShare
from evote._internal.trustees.decryption import TrusteeKey
from evote.errors import UsageError
from evote.hazmat.randomness import OS_RANDOMNESS, Randomness

__all__ = ["decrypt_tally"]


def decrypt_tally(
    key: TrusteeKey, box: BallotBox, *, randomness: Randomness = OS_RANDOMNESS
) -> TallyShare:
    """The trustee's partial decryptions of the aggregates of the closed ``box`` (spec §12.2)."""
    election = box.election
    if bytes(key.parameters.election) != election.manifest.hash():
        raise UsageError("this trustee key is for another election")
    if key.joint_key != election.joint_key:
        raise UsageError("this trustee key is not for this election's joint key")
    partials = tuple(
        key.partial_decrypt(election.fingerprint, ciphertext, randomness=randomness)
        for ciphertext in box.tally().ciphertexts()
    )
    return TallyShare(trustee=key.trustee, partials=partials)
