"""Petition benchmark: every owner of an estate signs one joint petition (spec §16.3).

A community of n owners, all bound, on an in-memory board; the party secretary opens a petition
for an interim meeting and every owner signs it through a :class:`~evote.CommunityDesk`. A
signature costs one Ed25519 verification and the board's append, at any size: the petition keeps
its figures as running sums. For each size it reports the time per signature at the start and at
the end of the run (their quotient should stay near 1), the ratio of the desk's mean time per
signature to the raw libsodium and SHA-2 calls one signature needs (recorded and replayed as in
``crypto.py``), and the verifier's time per entry on the exported record.

    python benchmarks/petitions.py [--sizes 1000 10000 50000] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from crypto import format_table, loop_time, machine_info, print_heading, recording, replayer

from evote import (
    Charter,
    CommunityBoard,
    CommunityConvener,
    CommunityDesk,
    CommunityId,
    Member,
    MemoryStorage,
    Organiser,
    OrganiserRole,
    PetitionOpener,
    Purpose,
    SigningKey,
    export_record,
    verify_community_record,
)
from evote.simulation import estate

COMMUNITY = CommunityId("petition-benchmark")
T0 = 1_780_000_000


def _community(n: int) -> tuple[CommunityDesk, list[Member], PetitionOpener]:
    secretary = SigningKey.generate()
    convener_key = SigningKey.generate()
    charter = Charter(
        community=COMMUNITY, name="Benchmark", convener="Benchmark",
        convener_key=convener_key.verify_key, board_key=(board := SigningKey.generate()).verify_key,
        bank_key=SigningKey.generate().verify_key,
        organisers=(Organiser(key=secretary.verify_key, role=OrganiserRole.PARTY_BRANCH,
                              name="Secretary"),),
    )  # fmt: skip
    desk = CommunityDesk(CommunityBoard(COMMUNITY, MemoryStorage(), board))
    desk.found(charter, at=T0)
    roll = estate(COMMUNITY, n, random.Random(1))
    desk.publish_roll(roll, at=T0)
    convener = CommunityConvener(convener_key, charter)
    members = []
    for person in roll.persons:
        issued = convener.issue_code(person.id)
        desk.issue_code(issued.issue, at=T0)
        member = Member(person.id, SigningKey.generate(), charter)
        desk.bind(member.join(issued.code), at=T0)
        members.append(member)
    return desk, members, PetitionOpener(secretary, charter)


def run(n: int) -> dict[str, float]:
    print(f"  {n:,} owners: binding …", file=sys.stderr, flush=True)
    desk, members, secretary = _community(n)
    petition = secretary.open_petition(
        "p", Purpose.PREPARATORY_GROUP, "Benchmark", "Everyone signs", opens=T0,
        deadline=T0 + 86_400,
    )  # fmt: skip
    desk.open_petition(petition, at=T0)
    first_signer, *others = members
    signatures = [m.sign("p") for m in others]
    with recording() as calls:  # one signature, counted, for the raw cost
        desk.sign_petition(first_signer.sign("p"), at=T0 + 1)
    raw = statistics.median(loop_time(replayer(calls), 200) for _ in range(5))
    print(f"  {n:,} owners: signing …", file=sys.stderr, flush=True)
    times = []
    for signature in signatures:
        start = time.perf_counter()
        desk.sign_petition(signature, at=T0 + 2)
        times.append(time.perf_counter() - start)
    tenth = max(1, len(times) // 10)
    first, last = statistics.fmean(times[:tenth]), statistics.fmean(times[-tenth:])
    desk.close_due(at=T0 + 86_400)
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary) / "record"
        desk.board.sign_head(at=T0 + 86_400)
        export_record(desk.board, directory)
        print(f"  {n:,} owners: verifying the record …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        verdict = verify_community_record(directory)
        verified = time.perf_counter() - start
    if not verdict.valid:
        raise SystemExit(f"the record does not verify: a bug\n{verdict.render()}")
    return {
        "first": first,
        "last": last,
        "mean": statistics.fmean(times),
        "raw": raw,
        "verify": verified / len(desk.board),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 owners")
    args = parser.parse_args()
    sizes = [200, 2_000] if args.quick else args.sizes
    results = {n: run(n) for n in sizes}
    print_heading("petitions", machine_info(), "quick" if args.quick else "full")
    print("every owner signs one petition; times per signature\n")
    header = ("owners", "first 10 % ms", "last 10 % ms", "last/first", "raw ms", "ratio",
              "verify ms/entry")  # fmt: skip
    rows = [
        (f"{n:,}", f"{r['first'] * 1e3:.3f}", f"{r['last'] * 1e3:.3f}",
         f"{r['last'] / r['first']:.2f}", f"{r['raw'] * 1e3:.3f}", f"{r['mean'] / r['raw']:.2f}",
         f"{r['verify'] * 1e3:.3f}")
        for n, r in results.items()
    ]  # fmt: skip
    for line in format_table(header, rows, right=set(range(1, 7))):
        print(line)
    print(
        "\nratio = the desk's mean time per signature (rules, board append and Merkle leaf)"
        "\n/ the raw libsodium and SHA-2 calls of one signature replayed in a bare loop;"
        "\nverify = the verifier's whole time on the exported record, per entry (codes, bindings,"
        "\nsignatures)."
    )


if __name__ == "__main__":
    main()
