"""Server benchmark: casting throughput and latency over HTTP, against the verification floor.

A real ``evote serve`` — on SQLite (one process), and on PostgreSQL with two processes behind the
clients — takes ballots of 5 motions from 1, 10 and 100 concurrent clients. Every ballot is
distinct (each owner re-votes with a new counter for each run), so every cast checks the proofs
in the server's workers, applies the rules under the election's lock and stores the entry and a
signed head before it answers. Each receipt is verified by the client. The **floor** is what the
machine's cores can do with no server at all: the same ballots' proofs checked in a process pool
of one worker per core (ballots/s). The **ratio** is the server's throughput over that floor.

    python benchmarks/server.py [--owners 300] [--quick] [--postgres URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from crypto import format_table, machine_info, print_heading

from evote import (
    Ballot,
    CeremonyTrustee,
    Convener,
    Election,
    ElectionId,
    InclusionReceipt,
    Manifest,
    Matter,
    Motion,
    ProofsChecked,
    QuestionId,
    SigningKey,
    VerifyKey,
    Voter,
    Window,
    decode,
    encode,
    verify_receipt,
)
from evote.client import Client
from evote.simulation import estate

QUESTIONS = tuple(
    Motion(id=QuestionId(f"m{i}"), title=f"Motion {i}", matter=Matter.OTHER) for i in range(5)
)
POSTGRES = os.environ.get("EVOTE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _server(database: str, token_file: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "evote.cli.main", "serve", "--db", database, "--port", str(port),
         "--operator-token-file", str(token_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def _postgres_schema(url: str) -> Iterator[str]:
    import psycopg  # noqa: PLC0415

    schema = f"evote_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _election(url: str, token: str, owners: int) -> tuple[Election, list[Voter], VerifyKey]:
    """An election open for an hour on the server, every owner bound."""
    with Client(url, token=token) as operator:
        created = operator.create_election(ElectionId("bench"))
    board_key = VerifyKey.from_hex(created.board_key)
    convener_side = Client(url, token=created.token).election("bench")
    public = Client(url).election("bench")
    roll = estate(ElectionId("bench"), owners, random.Random(1))
    convener = Convener(SigningKey.generate())
    now = int(time.time())
    manifest = Manifest(
        election=ElectionId("bench"), title="Benchmark", convener="Benchmark",
        convener_key=convener.key, board_key=board_key,
        window=Window(opens=now - 60, closes=now + 3600), trustees=3, threshold=2,
        questions=QUESTIONS,
    )  # fmt: skip
    convener_side.open(manifest, roll)
    trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2, 3)]
    announcements = [t.announce() for t in trustees]
    for announcement in announcements:
        convener_side.announce(announcement)
    dealings = [t.deal(announcements) for t in trustees]
    for dealing in dealings:
        convener_side.deal(dealing)
    convener_side.conclude_ceremony()
    election = public.proceedings().election
    voters = []
    for person in roll.persons:
        issued = convener.issue_code(manifest, person.id)
        public.issue_code(issued.issue)
        voter = Voter.create(person.id)
        public.bind(voter.bind(manifest, issued.code))
        voters.append(voter)
    return election, voters, board_key


_WORKER_ELECTION: list[Election] = []


def _start(manifest: bytes, roll: bytes, ceremony: bytes) -> None:
    from evote import CeremonyOutcome, Roll  # noqa: PLC0415

    _WORKER_ELECTION.append(Election(manifest=decode(manifest, Manifest), roll=decode(roll, Roll),
                                     ceremony=decode(ceremony, CeremonyOutcome)))  # fmt: skip


def _prepare(args: tuple[bytes, int, int, list[int]]) -> bytes:
    seed, person_index, counter, choices = args
    election = _WORKER_ELECTION[0]
    person = election.roll.persons[person_index].id
    voter = Voter(person, SigningKey(seed), counter=counter - 1)
    questions = {q.id: [c] for q, c in zip(QUESTIONS, choices, strict=True)}
    return encode(voter.prepare_ballot(election, questions).ballot)


def _check(ballot: bytes) -> bool:
    ProofsChecked.check(_WORKER_ELECTION[0], decode(ballot, Ballot))
    return True


def _pool(election: Election) -> ProcessPoolExecutor:
    arguments = (encode(election.manifest), encode(election.roll), encode(election.ceremony))
    return ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=arguments)  # fmt: skip


def _ballots(pool: ProcessPoolExecutor, voters: list[Voter], counter: int) -> list[bytes]:
    rng = random.Random(counter)
    work = [(v.credential.seed, i, counter, [rng.randrange(3) for _ in QUESTIONS])
            for i, v in enumerate(voters)]  # fmt: skip
    return list(pool.map(_prepare, work, chunksize=8))


def _floor(pool: ProcessPoolExecutor, ballots: list[bytes]) -> float:
    start = time.perf_counter()
    assert all(pool.map(_check, ballots, chunksize=4))
    return len(ballots) / (time.perf_counter() - start)


def _cast(
    urls: list[str], ballots: list[bytes], clients: int, board_key: VerifyKey
) -> dict[str, float]:
    http = [httpx.Client(base_url=u, timeout=300) for u in urls]
    latencies: list[float] = []

    def one(index: int) -> None:
        start = time.perf_counter()
        while True:
            response = http[index % len(http)].post(
                "/elections/bench/ballots", content=ballots[index]
            )
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("retry-after", "1")))
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 201, response.text
        verify_receipt(decode(response.content, InclusionReceipt), board_key)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as threads:
        list(threads.map(one, range(len(ballots))))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "rate": len(ballots) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def run(backend: str, owners: int, concurrency: list[int], postgres: str) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        token_file = Path(scratch) / "token"
        token_file.write_text(secrets.token_urlsafe(32) + "\n", encoding="ascii")
        token = token_file.read_text(encoding="ascii").strip()
        if backend == "sqlite":
            urls = [stack.enter_context(_server(str(Path(scratch) / "bench.sqlite"), token_file))]
        else:
            database = stack.enter_context(_postgres_schema(postgres))
            urls = [stack.enter_context(_server(database, token_file)) for _ in range(2)]
        print(f"  {backend}: setting up {owners} owners …", file=sys.stderr, flush=True)
        election, voters, board_key = _election(urls[0], token, owners)
        with _pool(election) as pool:
            for counter, clients in enumerate(concurrency, start=1):
                print(f"  {backend}: {clients} client(s): preparing …", file=sys.stderr, flush=True)
                ballots = _ballots(pool, voters, counter)
                floor = _floor(pool, ballots)
                print(f"  {backend}: {clients} client(s): casting …", file=sys.stderr, flush=True)
                cast = _cast(urls, ballots, clients, board_key)
                processes = f"{backend}, {len(urls)} process(es)"
                rows.append((processes, str(clients), f"{cast['rate']:.1f}", f"{floor:.1f}",
                             f"{cast['rate'] / floor:.2f}", f"{cast['p50'] * 1e3:.0f}",
                             f"{cast['p99'] * 1e3:.0f}"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--owners", type=int, default=300, help="ballots per run (300)")
    parser.add_argument("--quick", action="store_true", help="40 owners, 1 and 10 clients")
    parser.add_argument("--postgres", default=POSTGRES, help="a PostgreSQL database URL")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    owners = 40 if args.quick else args.owners
    concurrency = [1, 10] if args.quick else [1, 10, 100]
    rows: list[tuple[str, ...]] = []
    for backend in args.backends:
        rows += run(backend, owners, concurrency, args.postgres)
    print_heading("server", machine_info(), "quick" if args.quick else "full")
    print(f"casting {owners} ballots of {len(QUESTIONS)} motions per run, over HTTP\n")
    header = ("server", "clients", "ballots/s", "floor/s", "ratio", "p50 ms", "p99 ms")
    for line in format_table(header, rows, right=set(range(1, 7))):
        print(line)
    print(
        "\nfloor = ballots/s whose proofs the machine's cores check with no server (one worker"
        "\nper core); ratio = the server's ballots/s over the floor. Each cast is a distinct"
        "\nballot (a re-vote), answered with its receipt once stored; every receipt is verified."
    )


if __name__ == "__main__":
    main()
