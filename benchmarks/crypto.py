"""Cryptographic benchmark of evote: each operation against the bare libsodium calls it makes.

Every operation is first run once with libsodium's entry points replaced by recording wrappers: the
module-level names of ``evote.hazmat.group``, the ``nacl.bindings`` module as seen by
``evote.hazmat.sealing`` and ``evote.hazmat.signing``, and the SHA-2 constructors of
``evote.hazmat.transcript``. The recorded calls are then replayed, with their exact arguments, in a
bare loop: that is the *raw* time, the cost of the cryptography alone. The ratio (operation time /
raw time) is the Python overhead on top of it.

    python benchmarks/crypto.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
import platform
import secrets
import statistics
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TypeVar

import msgspec
import nacl
import nacl.bindings

from evote import (
    Bytes32,
    CeremonyParameters,
    CeremonyTrustee,
    TrusteeKey,
    combine_partial_decryptions,
    conclude,
    decode,
    encode,
    verify_partial_decryption,
)
from evote.hazmat import group, sealing, signing, transcript
from evote.hazmat.dlog import DiscreteLog
from evote.hazmat.elgamal import Ciphertext, encode_message, encrypt, sum_ciphertexts
from evote.hazmat.group import PublicKey, Scalar
from evote.hazmat.proofs.disjunctive import (
    DisjunctiveProof,
    RangeStatement,
    prove_range,
    prove_selection,
    verify_range,
    verify_selection,
)

T = TypeVar("T")
#: One recorded call: label, the function, its positional and keyword arguments.
Call = tuple[str, Callable[..., object], tuple[object, ...], dict[str, object]]

#: Target per operation kind: (seconds per operation, ratio).
TARGETS = {"encrypt": (0.6e-3, 1.3), "verify": (0.9e-3, 1.3)}
FINGERPRINT = os.urandom(32)  # stands for an election fingerprint
CONTEXT = b"question 1, selection 2"

_SHORT = {
    "crypto_scalarmult_ed25519_base_noclamp": "base",
    "crypto_scalarmult_ed25519_noclamp": "var",
    "crypto_core_ed25519_add": "add",
    "crypto_core_ed25519_sub": "sub",
    "crypto_core_ed25519_is_valid_point": "valid",
    "crypto_core_ed25519_from_uniform": "uniform",
    "crypto_sign_open": "ed25519 verify",
}
_ORDER = ["base", "var", "add", "sub", "valid", "uniform", "scalar", "sha512", "sha256", "box"]


def short_name(name: str) -> str:
    if name in _SHORT:
        return _SHORT[name]
    if name.startswith("crypto_core_ed25519_scalar_"):
        return "scalar"
    if name.startswith("sha"):
        return name
    # The sealed-box calls of evote.hazmat.sealing (X25519, XSalsa20-Poly1305, BLAKE2b).
    return "box"


def summarize(calls: dict[str, int], *, by_count: bool = False) -> str:
    """Calls per kind, e.g. ``2 base + 6 var``: in _ORDER, or the most frequent first."""
    counts = Counter[str]()
    for name, count in calls.items():
        counts[short_name(name)] += count
    if by_count:
        kinds = [kind for kind, _ in counts.most_common()]
    else:
        kinds = sorted(counts, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k))
    return " + ".join(f"{counts[k]} {k}" for k in kinds) or "none"


def _sha512(data: bytes) -> bytes:
    return hashlib.sha512(data).digest()


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# -- counting and replaying ----------------------------------------------------------------------


@contextlib.contextmanager
def recording() -> Iterator[list[Call]]:
    """Record every libsodium and SHA-2 call evote makes inside the block."""
    calls: list[Call] = []

    def wrap(label: str, func: Callable[..., object]) -> Callable[..., object]:
        def counted(*args: object, **kwargs: object) -> object:
            calls.append((label, func, args, kwargs))
            return func(*args, **kwargs)

        return counted

    def wrap_hash(
        label: str, constructor: Callable[[bytes], object], replay: Callable[[bytes], bytes]
    ) -> Callable[[bytes], object]:
        def counted(data: bytes) -> object:
            calls.append((label, replay, (data,), {}))
            return constructor(data)

        return counted

    class CountingBindings:
        """Stands in for ``nacl.bindings`` inside evote.hazmat.sealing and evote.hazmat.signing."""

        def __getattr__(self, name: str) -> object:
            value = getattr(nacl.bindings, name)
            return wrap(name, value) if callable(value) else value

    patches: dict[tuple[types.ModuleType, str], object] = {
        (group, name): wrap(value.__name__, value)
        for name, value in vars(group).items()
        if callable(value) and getattr(value, "__module__", "").startswith("nacl.bindings")
    }
    patches[sealing, "sodium"] = CountingBindings()
    patches[signing, "sodium"] = CountingBindings()
    patches[transcript, "hashlib"] = types.SimpleNamespace(
        sha512=wrap_hash("sha512", hashlib.sha512, _sha512),
        sha256=wrap_hash("sha256", hashlib.sha256, _sha256),
    )
    saved = {key: getattr(*key) for key in patches}
    try:
        for (module, name), value in patches.items():
            setattr(module, name, value)
        yield calls
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


def replayer(calls: list[Call]) -> Callable[[], None]:
    plan = [functools.partial(func, *args, **kwargs) for _, func, args, kwargs in calls]

    def replay() -> None:
        for call in plan:
            call()

    return replay


def loop_time(func: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        func()
    return (time.perf_counter() - start) / number


# -- results -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    name: str
    seconds: float
    raw_seconds: float
    calls: dict[str, int]
    number: int
    repeats: int
    target: str | None = None

    @property
    def ratio(self) -> float:
        return self.seconds / self.raw_seconds if self.raw_seconds else float("nan")

    def summary(self) -> str:
        return summarize(self.calls)

    def verdict(self) -> str:
        if self.target is None:
            return ""
        limit, max_ratio = TARGETS[self.target]
        checks = (("time", self.seconds > limit), ("ratio", self.ratio > max_ratio))
        missed = [what for what, bad in checks if bad]
        return f"MISS {'+'.join(missed)}" if missed else "ok"

    def as_json(self) -> dict[str, object]:
        extra = {"ratio": self.ratio, "summary": self.summary(), "verdict": self.verdict() or None}
        return dataclasses.asdict(self) | extra


class Bench:
    def __init__(self, *, quick: bool) -> None:
        self.loop_seconds = 0.01 if quick else 0.2  # length of one timed loop
        self.repeats = 3 if quick else 7  # timed loops per row (the median is kept)
        self.slow_repeats = 1 if quick else 3  # for operations longer than one loop
        self.rows: list[Row] = []

    def run(self, name: str, op: Callable[[], T], target: str | None = None) -> T:
        """Count op's calls, time op and its raw calls alternately; return op's (counted) result."""
        print(f"  {name} …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        with recording() as calls:
            result = op()
        once = time.perf_counter() - start
        raw = replayer(calls)
        number = max(1, round(self.loop_seconds / once))
        fast = once < self.loop_seconds
        if fast:  # warm up (a slow operation is warmed up enough by the counting run)
            loop_time(op, max(1, number // 3))
            loop_time(raw, max(1, number // 3))
        repeats = self.repeats if fast else self.slow_repeats
        op_times: list[float] = []
        raw_times: list[float] = []
        for _ in range(repeats):
            op_times.append(loop_time(op, number))
            raw_times.append(loop_time(raw, number))
        counts = dict(Counter(label for label, *_ in calls))
        median = statistics.median
        self.rows.append(
            Row(name, median(op_times), median(raw_times), counts, number, repeats, target)
        )
        return result


# -- the operations ------------------------------------------------------------------------------


class SelectionWire(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A selection as a ballot carries it: the ciphertext and its 0/1 proof."""

    ciphertext: Ciphertext
    proof: DisjunctiveProof


def run_ceremony(trustees: int, threshold: int) -> list[TrusteeKey]:
    """A whole honest key ceremony, every trustee in this process; conclude is run once."""
    parameters = CeremonyParameters(
        election=Bytes32(os.urandom(32)), trustees=trustees, threshold=threshold
    )
    members = [CeremonyTrustee.start(parameters, i) for i in parameters.indices]
    announcements = [member.announce() for member in members]
    dealings = [member.deal(announcements) for member in members]
    complaints = [c for member in members for c in member.check_shares(announcements, dealings)]
    outcome = conclude(parameters, announcements, dealings, complaints)
    return [member.finish(outcome, dealings) for member in members]


def selection_rows(bench: Bench, key: PublicKey) -> None:
    def encrypt_with_proof() -> tuple[Ciphertext, DisjunctiveProof]:
        ciphertext, nonce = encrypt(key, 1)
        statement = RangeStatement(FINGERPRINT, key, CONTEXT, ciphertext)
        return ciphertext, prove_selection(statement, 1, nonce)

    def verify(ciphertext: Ciphertext, proof: DisjunctiveProof) -> None:
        verify_selection(RangeStatement(FINGERPRINT, key, CONTEXT, ciphertext), proof)

    def verify_from_json() -> None:
        received = decode(wire, SelectionWire)
        verify(received.ciphertext, received.proof)

    bench.run("encrypt selection (ElGamal only)", lambda: encrypt(key, 1))
    ciphertext, proof = bench.run("encrypt selection + 0/1 proof", encrypt_with_proof, "encrypt")
    wire = encode(SelectionWire(ciphertext=ciphertext, proof=proof))
    bench.run("verify selection (parsed objects)", lambda: verify(ciphertext, proof), "verify")
    bench.run("verify selection (from JSON)", verify_from_json, "verify")


def range_rows(bench: Bench, key: PublicKey, selected: list[int], bounds: tuple[int, int]) -> None:
    """Prove and verify the range of a question's sum; both rows include the homomorphic sum."""
    encrypted = [encrypt(key, value) for value in selected]
    ciphertexts = [ciphertext for ciphertext, _ in encrypted]
    nonce: Scalar = encrypted[0][1]
    for _, other in encrypted[1:]:
        nonce = nonce + other
    value = sum(selected)
    label = f"range {len(selected)} sel. {list(bounds)}"

    def prove() -> DisjunctiveProof:
        total = sum_ciphertexts(ciphertexts)
        return prove_range(RangeStatement(FINGERPRINT, key, CONTEXT, total, *bounds), value, nonce)

    def verify() -> None:
        total = sum_ciphertexts(ciphertexts)
        verify_range(RangeStatement(FINGERPRINT, key, CONTEXT, total, *bounds), proof)

    proof = bench.run(f"{label}: sum + prove", prove)
    bench.run(f"{label}: sum + verify", verify)


def tally_rows(bench: Bench, keys: list[TrusteeKey]) -> None:
    key = keys[0].joint_key
    first, _ = encrypt(key, 1)
    second, _ = encrypt(key, 1)
    bench.run("weight a ciphertext (scale 8 912)", lambda: first.scale(8_912))
    bench.run("add two ciphertexts", lambda: first + second)
    tally = first.scale(8_912) + second.scale(12_345)
    trustee_1, trustee_3 = keys[0], keys[2]  # a quorum of the 2-of-3 ceremony
    vkey_1, vkeys = trustee_1.verification_key, trustee_1.verification_keys
    partial = bench.run(
        "partial decryption + proof", lambda: trustee_1.partial_decrypt(FINGERPRINT, tally)
    )
    bench.run(
        "verify partial decryption",
        lambda: verify_partial_decryption(FINGERPRINT, tally, partial, vkey_1),
    )
    partials = [partial, trustee_3.partial_decrypt(FINGERPRINT, tally)]
    point = bench.run(
        "combine 2 partials (checks 2 proofs)",
        lambda: combine_partial_decryptions(FINGERPRINT, tally, partials, vkeys, 2),
    )
    assert point == encode_message(8_912 + 12_345), "threshold decryption gave a wrong total"


def decoding_rows(bench: Bench) -> None:
    bound = 10**8
    value = bound - secrets.randbelow(1_000)  # near the bound: the giant-step loop runs to its end
    point = encode_message(value)
    for steps in (math.isqrt(bound) + 1, 2**16):
        build = functools.partial(DiscreteLog, bound, baby_steps=steps)
        dlog = bench.run(f"DiscreteLog(10^8) table of {steps}: build", build)
        found = bench.run(f"  decode m = {value} with it", functools.partial(dlog.decode, point))
        assert found == value, f"decoded {found}, expected {value}"


# -- report --------------------------------------------------------------------------------------


def machine_info() -> dict[str, object]:
    cpu = platform.processor()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu)
    version = getattr(nacl.bindings, "sodium_version_string", None)
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu or "unknown",
        "cpu_count": os.cpu_count(),
        "pynacl": getattr(nacl, "__version__", "unknown"),
        "libsodium": str(version()) if callable(version) else None,
    }


def print_heading(benchmark: str, machine: dict[str, object], mode: str) -> None:
    """The first lines of a report: which benchmark, in which mode, on which machine."""
    print(f"evote {benchmark} benchmark ({mode} run)")
    print(f"python {machine['python']} on {machine['platform']}")
    print(f"CPU: {machine['cpu']}, {machine['cpu_count']} CPUs")
    sodium = machine["libsodium"] or "version not exposed by pynacl"
    print(f"pynacl {machine['pynacl']}, libsodium {sodium}")


def format_table(
    header: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: Collection[int]
) -> list[str]:
    """The header, a rule and the rows, in columns joined by `` | ``; ``right``: right-aligned."""
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), "-+-".join("-" * w for w in widths), *(line(r) for r in rows)]


def print_report(rows: list[Row], machine: dict[str, object], mode: str) -> None:
    print_heading("cryptographic", machine, mode)
    print(
        "targets: encrypt selection + 0/1 proof ≤ 0.6 ms and ratio ≤ 1.3; verify selection ≤ 0.9 ms "
        "and ratio ≤ 1.3\n         (ElectionGuard's Python implementation: 15 ms and 23 ms on the "
        "same machine)"
    )
    header = ("operation", "ms/op", "raw ms", "ratio", "target", "libsodium calls")
    table = [
        (r.name, f"{r.seconds * 1e3:.3f}", f"{r.raw_seconds * 1e3:.3f}", f"{r.ratio:.2f}",
         r.verdict(), r.summary())
        for r in rows
    ]  # fmt: skip
    print()
    for text in format_table(header, table, right={1, 2, 3}):
        print(text)
    print()
    print(
        "raw = the recorded libsodium and SHA-2 calls replayed with the same arguments in a bare loop;"
        "\nratio = ms/op / raw ms. base/var: fixed-/variable-base scalar multiplication; add/sub: point"
        "\naddition/subtraction; valid: point validation; scalar: scalar arithmetic and reduction;"
        "\nbox: sealed-box calls. Each time is the median of several timed loops."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run (a smoke test)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"

    bench = Bench(quick=args.quick)
    keys = run_ceremony(3, 2)
    key = keys[0].joint_key
    selection_rows(bench, key)
    range_rows(bench, key, [0, 1, 0], (1, 1))
    range_rows(bench, key, [1] * 5 + [0] * 10, (0, 15))
    range_rows(bench, key, [1] * 5 + [0] * 10, (0, 7))
    tally_rows(bench, keys)
    decoding_rows(bench)
    bench.run("key ceremony 2-of-3 (all trustees)", functools.partial(run_ceremony, 3, 2))
    bench.run("key ceremony 3-of-5 (all trustees)", functools.partial(run_ceremony, 5, 3))

    machine = machine_info()
    print_report(bench.rows, machine, mode)
    if args.json:
        targets = {k: {"seconds": s, "ratio": r} for k, (s, r) in TARGETS.items()}
        rows = [row.as_json() for row in bench.rows]
        result = {"mode": mode, "machine": machine, "targets": targets, "rows": rows}
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
