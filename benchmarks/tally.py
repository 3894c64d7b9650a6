"""Tally benchmark: aggregate, decrypt and decode a large owners' assembly (spec §12).

10,000 owners (by default) with realistic areas — a few dozen floor plans — vote on 10 motions and a
15-candidate committee election (7 seats). Their encrypted selections are generated first (real
ElGamal encryptions under the joint key of a real 2-of-3 ceremony, on every core; the proofs are
left out: they are checked when ballots are cast, not by the tally). Then, timed:

- the count aggregation alone (Σ c per selection) and the area aggregation alone (grouped by weight,
  Σ_w w·G_w), and their ratio — the target is ≤ 1.2;
- the library's aggregation, which computes both sums from the same grouped sums;
- threshold decryption: two trustees' partial decryptions with proofs, their verification and
  combination, and bounded decoding of every total.

    python benchmarks/tally.py [--owners N] [--seed S] [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from evote import (
    Bytes32,
    Candidate,
    CandidateId,
    CeremonyOutcome,
    CeremonyTrustee,
    CommitteeElection,
    Election,
    ElectionId,
    Manifest,
    Matter,
    Motion,
    Question,
    QuestionAggregate,
    QuestionId,
    SigningKey,
    Tally,
    TallyShare,
    TrusteeKey,
    Window,
    aggregate_selections,
    combine_tally,
    conclude,
)
from evote.hazmat.elgamal import Ciphertext, encrypt, sum_ciphertexts
from evote.hazmat.group import PublicKey
from evote.simulation import estate, floor_plans

T = TypeVar("T")
ELECTION = ElectionId("benchmark")


def questions() -> tuple[Question, ...]:
    motions = tuple(
        Motion(
            id=QuestionId(f"motion-{i}"),
            title=f"Motion {i}",
            matter=Matter.RAISE_FUND if i < 3 else Matter.OTHER,
        )
        for i in range(1, 11)
    )
    committee = CommitteeElection(
        id=QuestionId("committee"),
        title="Owners' committee",
        candidates=tuple(
            Candidate(id=CandidateId(f"c{i:02}"), name=f"Candidate {i}") for i in range(1, 16)
        ),
        seats=7,
    )
    return (*motions, committee)


def ceremony(manifest: Manifest) -> tuple[CeremonyOutcome, list[TrusteeKey]]:
    parameters = manifest.ceremony_parameters()
    states = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [s.announce() for s in states]
    dealings = [s.deal(announcements) for s in states]
    outcome = conclude(parameters, announcements, dealings, [])
    return outcome, [s.finish(outcome, dealings) for s in states]


Choice = tuple[tuple[int, ...], ...]  # per question, the 0/1 value of each selection


def _encrypt_chunk(args: tuple[bytes, list[Choice]]) -> list[list[list[Ciphertext]]]:
    key = PublicKey.from_bytes(args[0])
    return [[[encrypt(key, v)[0] for v in question] for question in ballot] for ballot in args[1]]


def encrypt_all(
    key: PublicKey, choices: list[Choice], workers: int
) -> list[list[list[Ciphertext]]]:
    size = max(1, len(choices) // (workers * 8))
    chunks = [(bytes(key), choices[i : i + size]) for i in range(0, len(choices), size)]
    with multiprocessing.Pool(workers) as pool:
        parts = pool.map(_encrypt_chunk, chunks)
    return [ballot for part in parts for ballot in part]


def timed(label: str, action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"  {label:<58} {elapsed:8.2f} s")
    return result, elapsed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--owners", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="300 owners: a smoke run")
    arguments = parser.parse_args(argv)
    owners = 300 if arguments.quick else arguments.owners
    rng = random.Random(arguments.seed)
    workers = os.cpu_count() or 1

    manifest = Manifest(
        election=ELECTION,
        title="Benchmark assembly",
        convener="Benchmark",
        convener_key=SigningKey(hashlib.sha256(b"convener").digest()).verify_key,
        board_key=SigningKey(hashlib.sha256(b"board").digest()).verify_key,
        window=Window(opens=0, closes=1),
        trustees=3,
        threshold=2,
        questions=questions(),
    )
    plans = floor_plans(rng)
    # One flat per owner, as many floor plans as a large estate has (spec §12.1: grouped by weight).
    roll = estate(ELECTION, owners, rng, buildings=20, plans=plans, two_flats=0, co_owned=0,
                  developer=False)  # fmt: skip
    weights = [roll.weight(person.id) for person in roll.persons]
    choices: list[Choice] = []
    for _ in range(owners):
        ballot = []
        for question in manifest.questions:
            width = len(question.options())
            lo, hi = question.bounds()
            chosen = set(rng.sample(range(width), rng.randint(max(lo, 1) if lo else 0, hi)))
            ballot.append(tuple(int(i in chosen) for i in range(width)))
        choices.append(tuple(ballot))
    selections = sum(len(q.options()) for q in manifest.questions)
    print(
        f"tally benchmark: {owners} owners, {len(manifest.questions)} questions, {selections} "
        f"selections each ({owners * selections:,} in all), {len(plans)} floor plans, "
        f"{workers} cores"
    )
    outcome, keys = ceremony(manifest)
    ballots, _ = timed(
        f"generate the encrypted selections ({workers} processes, not the tally)",
        lambda: encrypt_all(outcome.joint_key, choices, workers),
    )

    def per_question(index: int) -> list[tuple[int, list[Ciphertext]]]:
        return [(w, ballot[index]) for w, ballot in zip(weights, ballots, strict=True)]

    def count_only() -> list[list[Ciphertext]]:
        return [
            [sum_ciphertexts(b[q][s] for b in ballots) for s in range(len(question.options()))]
            for q, question in enumerate(manifest.questions)
        ]

    def area_only() -> list[list[Ciphertext]]:
        result = []
        for q, question in enumerate(manifest.questions):
            width = len(question.options())
            groups: dict[int, list[Ciphertext]] = {}
            for weight, ballot in zip(weights, ballots, strict=True):
                current = groups.get(weight)
                groups[weight] = (
                    list(ballot[q]) if current is None
                    else [a + b for a, b in zip(current, ballot[q], strict=True)]
                )  # fmt: skip
            result.append(
                [sum_ciphertexts(g[s].scale(w) for w, g in groups.items()) for s in range(width)]
            )
        return result

    print("aggregation")
    counts, count_time = timed("headcount sums alone (one addition per vote)", count_only)
    _, area_time = timed("area sums alone (grouped by weight, then weighted)", area_only)
    print(f"  {'ratio area / headcount (target ≤ 1.2)':<58} {area_time / count_time:8.2f}")
    aggregates, both_time = timed(
        "both sums, as the library computes them (shared groups)",
        lambda: [
            aggregate_selections(len(question.options()), per_question(q))
            for q, question in enumerate(manifest.questions)
        ],
    )
    assert [[s.headcount for s in agg] for agg in aggregates] == counts

    election = Election(manifest=manifest, roll=roll, ceremony=outcome)
    tally = Tally(
        election=ELECTION,
        fingerprint=Bytes32(election.fingerprint),
        questions=tuple(
            QuestionAggregate(
                question=question.id,
                participation=roll.totals,
                selections=aggregate,
            )
            for question, aggregate in zip(manifest.questions, aggregates, strict=True)
        ),
    )
    ciphertexts = tally.ciphertexts()
    print(f"decryption of {len(ciphertexts)} aggregates (2 of 3 trustees)")
    shares, decrypt_time = timed(
        "partial decryptions with proofs, two trustees",
        lambda: [
            TallyShare(
                trustee=k.trustee,
                partials=tuple(k.partial_decrypt(bytes(tally.fingerprint), c) for c in ciphertexts),
            )
            for k in (keys[0], keys[2])
        ],
    )
    decoded, combine_time = timed(
        "verify, combine and decode every total (bounded by participation)",
        lambda: combine_tally(election, tally, shares),
    )
    expected = [
        [
            (
                sum(1 for c in choices if c[q][s]),
                sum(w for w, c in zip(weights, choices, strict=True) if c[q][s]),
            )
            for s in range(len(question.options()))
        ]
        for q, question in enumerate(manifest.questions)
    ]
    got = [[(f.headcount, f.area) for f in counts.selections] for counts in decoded]
    assert got == expected, "decrypted totals differ from the plaintext"
    total = both_time + decrypt_time + combine_time
    print(
        f"total tally, decryption and decoding: {total:.1f} s for {owners:,} ballots "
        f"({total / owners * 1000:.2f} ms per ballot); decrypted totals equal the plaintext"
    )


if __name__ == "__main__":
    main()
