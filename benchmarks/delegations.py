"""Delegation benchmark: one owner who delegates and revokes again and again (spec §11.2).

Each delegation is checked against the delegations that stand, never against those revoked or
expired, so n delegate / revoke pairs cost n times one pair: in the box as the assembly runs it, and
in the verifier's replay. This benchmark shows it. One owner of a small roll gives a delegation to a
proxy and revokes it, n times over, through an :class:`~evote.Assembly` on an in-memory board; the
record is exported and verified. For each size it reports the time per pair at the start and at the
end of the run (their quotient should stay near 1), the verifier's time per pair, and the ratio of
the assembly's time per pair to the raw libsodium and SHA-2 calls one pair needs (recorded and
replayed as in ``crypto.py``).

    python benchmarks/delegations.py [--sizes 1000 10000 100000] [--quick]
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
    Assembly,
    Board,
    CeremonyTrustee,
    Convener,
    Delegation,
    ElectionId,
    Manifest,
    Matter,
    MemoryStorage,
    Motion,
    QuestionId,
    Revocation,
    SigningKey,
    Status,
    Voter,
    Window,
    export_record,
    verify_record,
)
from evote.simulation import estate

ELECTION = ElectionId("delegation-benchmark")
OPENS, CLOSES = 1_780_000_000, 1_780_000_000 + 30 * 86_400


def _assembly() -> tuple[Assembly, Voter, Voter]:
    """An open election of three owners; the first two have bound a credential."""
    convener = Convener(SigningKey.generate())
    manifest = Manifest(
        election=ELECTION,
        title="Delegation benchmark",
        convener="Benchmark",
        convener_key=convener.key,
        board_key=(board_key := SigningKey.generate()).verify_key,
        window=Window(opens=OPENS, closes=CLOSES),
        trustees=3,
        threshold=2,
        questions=(Motion(id=QuestionId("m"), title="A motion", matter=Matter.OTHER),),
    )
    roll = estate(ELECTION, 3, random.Random(1))
    assembly = Assembly(Board(ELECTION, MemoryStorage(), board_key))
    assembly.open(manifest, roll, at=OPENS - 100)
    trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2, 3)]
    announcements = [t.announce() for t in trustees]
    for announcement in announcements:
        assembly.announce(announcement, at=OPENS - 99)
    dealings = [t.deal(announcements) for t in trustees]
    for dealing in dealings:
        assembly.deal(dealing, at=OPENS - 98)
    assembly.conclude_ceremony(at=OPENS - 97)
    owner, proxy = (Voter.create(p.id) for p in roll.persons[:2])
    for voter in (owner, proxy):
        issued = convener.issue_code(manifest, voter.person)
        assembly.issue_code(issued.issue, at=OPENS - 96)
        assembly.bind(voter.bind(manifest, issued.code), at=OPENS - 96)
    return assembly, owner, proxy


def _pairs(
    owner: Voter, proxy: Voter, manifest: Manifest, n: int
) -> list[tuple[Delegation, Revocation]]:
    made = []
    for i in range(n):
        given = owner.delegate(manifest, proxy.key, expires=CLOSES - i)  # each one different
        made.append((given, owner.revoke(given)))
    return made


def run(n: int) -> dict[str, float]:
    """Time n pairs through the assembly, then the verifier on the record they make."""
    assembly, owner, proxy = _assembly()
    manifest = assembly.election.manifest
    print(f"  {n:,} pairs: signing …", file=sys.stderr, flush=True)
    pairs = _pairs(owner, proxy, manifest, n + 1)
    given, revoked = pairs.pop()
    with recording() as calls:  # one pair, counted, for the raw cost
        assembly.delegate(given, at=OPENS)
        assembly.revoke(revoked, at=OPENS)
    raw = statistics.median(loop_time(replayer(calls), 200) for _ in range(5))
    print(f"  {n:,} pairs: through the assembly …", file=sys.stderr, flush=True)
    tenth = max(1, n // 10)
    times: list[float] = []
    for index, (given, revoked) in enumerate(pairs):
        at = OPENS + 1 + index // 100
        start = time.perf_counter()
        assembly.delegate(given, at=at)
        assembly.revoke(revoked, at=at)
        times.append(time.perf_counter() - start)
    first, last = statistics.fmean(times[:tenth]), statistics.fmean(times[-tenth:])
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary) / "record"
        assembly.board.sign_head(at=OPENS + n)
        export_record(assembly.board, directory)
        print(f"  {n:,} pairs: verifying the record …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        report = verify_record(directory)
        verified = time.perf_counter() - start
    if any(check.status is Status.FAIL for check in report.checks.values()):
        raise SystemExit(f"the record does not verify: a bug\n{report.render()}")
    return {
        "first": first,
        "last": last,
        "mean": statistics.fmean(times),
        "raw": raw,
        "verify": verified / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 pairs")
    args = parser.parse_args()
    sizes = [200, 2_000] if args.quick else args.sizes
    results = {n: run(n) for n in sizes}
    print_heading("delegation", machine_info(), "quick" if args.quick else "full")
    print("one owner delegates and revokes n times; times per delegate + revoke pair\n")
    header = (
        "pairs",
        "first 10 % ms",
        "last 10 % ms",
        "last/first",
        "raw ms",
        "ratio",
        "verify ms",
    )
    rows = [
        (f"{n:,}", f"{r['first'] * 1e3:.3f}", f"{r['last'] * 1e3:.3f}",
         f"{r['last'] / r['first']:.2f}", f"{r['raw'] * 1e3:.3f}", f"{r['mean'] / r['raw']:.2f}",
         f"{r['verify'] * 1e3:.3f}")
        for n, r in results.items()
    ]  # fmt: skip
    for line in format_table(header, rows, right=set(range(1, 7))):
        print(line)
    print(
        "\nratio = the assembly's mean time per pair (box checks, board append and Merkle leaf)"
        "\n/ the raw libsodium and SHA-2 calls of one pair replayed in a bare loop; verify = the"
        "\nverifier's whole time on the exported record, per pair."
    )


if __name__ == "__main__":
    main()
