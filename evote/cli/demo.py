"""``evote demo``: one motion, end to end, on the real cryptography.

Simulated owners (with floor areas in 0.01 m²) vote agree / oppose / abstain on an ordinary motion.
Each ballot is three encrypted selections with a 0/1 proof each and a range proof that exactly one is
chosen, bound to the owner's credential. Every ballot is verified, the selections are summed by
headcount and by area (grouping by distinct area: one multiplication per floor plan), two of three
trustees decrypt the sums, and the result is checked against the Civil Code art. 278 double majority
and against the plaintext intentions.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import defaultdict
from fractions import Fraction

from evote.encoding import Bytes32
from evote.errors import EvoteError
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import Ciphertext, encrypt, sum_ciphertexts
from evote.hazmat.group import PublicKey, Scalar
from evote.proofs.disjunctive import (
    DisjunctiveProof,
    prove_range,
    prove_selection,
    verify_range,
    verify_selection,
)
from evote.trustees.ceremony import CeremonyOutcome, CeremonyParameters, conclude
from evote.trustees.decryption import TrusteeKey, combine_partial_decryptions
from evote.trustees.trustee import CeremonyTrustee

__all__ = ["run_demo"]

OPTIONS = ("agree", "oppose", "abstain")
FLOOR_PLANS = (6_512, 8_912, 8_945, 10_230, 12_050, 14_388)  # 0.01 m²


class Ballot:
    __slots__ = ("context", "proofs", "range_proof", "selections")

    def __init__(
        self,
        context: bytes,
        selections: list[Ciphertext],
        proofs: list[DisjunctiveProof],
        range_proof: DisjunctiveProof,
    ) -> None:
        self.context = context
        self.selections = selections
        self.proofs = proofs
        self.range_proof = range_proof


def _cast(fingerprint: bytes, key: PublicKey, context: bytes, choice: int) -> Ballot:
    selections, proofs, nonce = [], [], Scalar.from_int(0)
    for option in range(len(OPTIONS)):
        value = int(option == choice)
        ciphertext, r = encrypt(key, value)
        proofs.append(prove_selection(fingerprint, key, context, ciphertext, value, r))
        selections.append(ciphertext)
        nonce = nonce + r
    total = sum_ciphertexts(selections)
    range_proof = prove_range(fingerprint, key, context, total, (1, 1), 1, nonce)
    return Ballot(context, selections, proofs, range_proof)


def _verify(fingerprint: bytes, key: PublicKey, ballot: Ballot) -> None:
    for ciphertext, proof in zip(ballot.selections, ballot.proofs, strict=True):
        verify_selection(fingerprint, key, ballot.context, ciphertext, proof)
    total = sum_ciphertexts(ballot.selections)
    verify_range(fingerprint, key, ballot.context, total, (1, 1), ballot.range_proof)


def _ceremony() -> tuple[CeremonyOutcome, list[TrusteeKey]]:
    election = Bytes32(hashlib.sha256(b"evote demo election").digest())
    parameters = CeremonyParameters(election=election, trustees=3, threshold=2)
    trustees = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [t.announce() for t in trustees]
    dealings = [t.deal(announcements) for t in trustees]
    complaints = [c for t in trustees for c in t.check_shares(announcements, dealings)]
    outcome = conclude(parameters, announcements, dealings, complaints)
    return outcome, [t.finish(outcome, dealings) for t in trustees]


def run_demo(*, owners: int, seed: int) -> int:
    if owners < 1:
        raise EvoteError("--owners must be at least 1")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 -- simulates the owners' choices, not cryptography
    areas = [rng.choice(FLOOR_PLANS) for _ in range(owners)]
    turnout = [rng.random() < 0.8 for _ in range(owners)]
    choices = [rng.choices(range(3), weights=(6, 3, 1))[0] for _ in range(owners)]

    print(f"evote demo: an ordinary motion, {owners} owners, 2-of-3 trustees")
    t = time.perf_counter()
    outcome, keys = _ceremony()
    joint_key = outcome.joint_key
    _step("key ceremony (3 trustees, threshold 2)", t)
    fingerprint = hashlib.sha256(b"evote demo fingerprint" + bytes(joint_key)).digest()

    t = time.perf_counter()
    ballots = {
        owner: _cast(fingerprint, joint_key, b"owner-%d" % owner, choices[owner])
        for owner in range(owners)
        if turnout[owner]
    }
    _step(f"{len(ballots)} ballots encrypted with proofs", t)

    t = time.perf_counter()
    for ballot in ballots.values():
        _verify(fingerprint, joint_key, ballot)
    _step("every ballot verified", t)

    t = time.perf_counter()
    headcount = [sum_ciphertexts(b.selections[o] for b in ballots.values()) for o in range(3)]
    by_area: list[dict[int, list[Ciphertext]]] = [defaultdict(list) for _ in range(3)]
    for owner, ballot in ballots.items():
        for option in range(3):
            by_area[option][areas[owner]].append(ballot.selections[option])
    area = [
        sum_ciphertexts(sum_ciphertexts(group).scale(w) for w, group in by_area[o].items())
        for o in range(3)
    ]
    _step("homomorphic tally by headcount and by area", t)

    t = time.perf_counter()
    present = [keys[0], keys[2]]  # trustee 2 is absent
    total_area = sum(areas)
    counts = _decrypt(fingerprint, headcount, present, outcome, owners)
    sums = _decrypt(fingerprint, area, present, outcome, total_area)
    _step("decrypted by trustees 1 and 3 (2 absent)", t)

    expected_counts = [sum(1 for o in ballots if choices[o] == c) for c in range(3)]
    expected_area = [sum(areas[o] for o in ballots if choices[o] == c) for c in range(3)]
    if counts != expected_counts or sums != expected_area:
        raise EvoteError("decrypted tally differs from the intentions: this is a bug")

    print()
    print(f"  {'option':<9}{'headcount':>11}{'area (m²)':>14}")
    for label, count, weight in zip(OPTIONS, counts, sums, strict=True):
        print(f"  {label:<9}{count:>11}{weight / 100:>14.2f}")
    part_count, part_area = len(ballots), sum(areas[o] for o in ballots)
    quorum = 3 * part_count >= 2 * owners and 3 * part_area >= 2 * total_area
    approved = 2 * counts[0] > part_count and 2 * sums[0] > part_area
    print()
    print(
        f"  participation: {part_count}/{owners} owners ({_pct(part_count, owners)}), "
        f"{part_area / 100:.2f}/{total_area / 100:.2f} m² ({_pct(part_area, total_area)}); "
        f"quorum 2/3 of both: {'met' if quorum else 'NOT met'}"
    )
    print(
        f"  agree: {_pct(counts[0], part_count)} of participating owners, "
        f"{_pct(sums[0], part_area)} of participating area; more than 1/2 of both needed"
    )
    print(f"  result: the motion {'PASSES' if quorum and approved else 'FAILS'}")
    print(f"  decrypted totals equal the plaintext intentions. Total {_ms(started)}.")
    return 0


def _decrypt(
    fingerprint: bytes,
    ciphertexts: list[Ciphertext],
    keys: list[TrusteeKey],
    outcome: CeremonyOutcome,
    bound: int,
) -> list[int]:
    decoder = DiscreteLog(bound)
    values = []
    for ciphertext in ciphertexts:
        partials = [key.partial_decrypt(fingerprint, ciphertext) for key in keys]
        point = combine_partial_decryptions(
            fingerprint, ciphertext, partials, outcome.verification_keys, 2
        )
        values.append(decoder.decode(point))
    return values


def _step(label: str, since: float) -> None:
    print(f"  {label} {'.' * (48 - len(label))} {_ms(since)}")


def _ms(since: float) -> str:
    return f"{(time.perf_counter() - since) * 1000:8.1f} ms"


def _pct(part: int, whole: int) -> str:
    return f"{float(Fraction(part, whole) * 100):.1f} %" if whole else "n/a"
