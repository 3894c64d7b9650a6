"""A demo record to tamper with, and the adversaries who tamper with it (for tests/test_tamper.py).

The record is the demo election of :mod:`evote.cli.demo` for 16 owners, simulated once per session
with a seeded stream of randomness, so that it is the same at every run and every key the
simulation drew can be found again: whoever colludes with the board operator in a test — a voter —
signs with the very key the simulation gave them.

A :class:`Draft` is a record taken apart: its entries as JSON objects in index order, to change at
will. It is put back together in one of two ways:

- :meth:`Draft.publish`, by the board operator, who holds the board key: canonical lines, indices
  renumbered, the Merkle tree recomputed, every head re-signed over the new tree and ``record.json``
  rewritten — a record whose format and board checks (spec §15.1, §15.2) pass, so that only the
  rules of the election (§15.3–§15.12) are left to catch what changed;
- :meth:`Draft.forge`, by anyone else: the same files and ``record.json``, under the heads the board
  signed before.

:func:`reindex` is what anyone can do after editing the files by hand: recompute the SHA-256 and the
line count of every file in ``record.json``, which nothing signs.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from evote import (
    AnyEvent,
    Ballot,
    BallotKind,
    Binding,
    Board,
    Bytes32,
    CeremonyOutcome,
    Delegation,
    Election,
    Entry,
    Manifest,
    MemoryStorage,
    RecordIndex,
    Revocation,
    Roll,
    SignedTreeHead,
    SigningKey,
    TreeHead,
    decode,
    encode,
    export_record,
)

# White-box on purpose: an adversary who writes records by hand needs the record's layout and the
# bodies that are signed, which the public API does not hand out.
from evote._internal.board.events import (
    BallotCast,
    BallotChallenged,
    CredentialBound,
    DelegationGiven,
    DelegationRevoked,
    PaperEntered,
)
from evote._internal.election.ballots import BallotBody
from evote._internal.election.delegation import DelegationBody, RevocationBody
from evote._internal.encoding import Struct, to_builtins
from evote._internal.record import ENTRY_FILES, FILE_OF, HEADS_FILE, INDEX_FILE
from evote._internal.registry.credentials import BindingBody
from evote.cli.demo import ELECTION, board_key, simulate
from evote.errors import EvoteError
from evote.hazmat.group import Scalar
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.transcript import Domain

__all__ = ["DemoRecord", "Draft", "Roles", "build_demo_record", "flip", "reindex"]

JsonObject = dict[str, Any]

#: The demo's seed: its owners' choices give a delegation, a revocation, an override, a re-vote, a
#: paper ballot and a challenge (checked by :func:`build_demo_record`).
SEED = 235
OWNERS = 16


class SeededRandomness:
    """Draw i is SHA-512("evote/tests/records" ‖ seed ‖ i). Keeps every 32-byte draw (key seeds)."""

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = itertools.count()
        self.key_seeds: list[bytes] = []

    def _block(self) -> bytes:
        index = next(self._counter).to_bytes(8, "big")
        return hashlib.sha512(b"evote/tests/records\x00" + self._seed + index).digest()

    def scalar(self) -> Scalar:
        while True:
            scalar = Scalar.from_digest(self._block())
            if not scalar.is_zero():
                return scalar

    def bytes(self, size: int) -> bytes:
        value = self._block()[:size]
        if size == 32:
            self.key_seeds.append(value)
        return value


@dataclass(frozen=True)
class Roles:
    """Who did what in the demo record (person ids)."""

    proxy: str  # the proxy of every delegation
    revoked: str  # delegated, the proxy voted, then the owner revoked
    overridden: str  # delegated, the proxy voted, then the owner voted in person
    delegated: str  # delegated, the proxy's ballot counts
    challenger: str  # challenged a ballot (spoiled), then cast another
    revoter: str  # voted in person twice: the second ballot counts
    paper: str  # returned a paper ballot, has no credential
    voter: str  # voted once, in person, with nothing else special
    absent: str  # bound a credential and never voted


@dataclass(frozen=True)
class DemoRecord:
    """The pristine record, and the keys some adversaries hold."""

    directory: Path
    events: Mapping[str, int]
    board_key: SigningKey
    #: Every key the simulation drew (credentials, the convener's…), by verify key in hex: what a
    #: voter who colludes with the board holds of their own.
    keys: Mapping[str, SigningKey]
    roles: Roles
    entries: tuple[JsonObject, ...]
    heads: tuple[SignedTreeHead, ...]
    index: RecordIndex

    def copy(self, to: Path) -> Path:
        shutil.copytree(self.directory, to)
        return to

    def draft(self) -> Draft:
        return Draft(demo=self, entries=copy.deepcopy(list(self.entries)))

    def election(self) -> Election:
        """The election's public parameters, as any reader of the record can rebuild them."""
        events = {e["event"]["type"]: e["event"] for e in self.entries}
        return Election(
            manifest=decode(msgspec.json.encode(events["manifest"]["manifest"]), Manifest),
            roll=decode(msgspec.json.encode(events["roll"]["roll"]), Roll),
            ceremony=decode(msgspec.json.encode(events["ceremony"]["outcome"]), CeremonyOutcome),
        )


def build_demo_record(directory: Path) -> DemoRecord:
    """Simulate the demo election and export its record to ``directory`` (which must not exist)."""
    randomness = SeededRandomness(str(SEED).encode())
    board = Board(ELECTION, MemoryStorage(), board_key(SEED))
    outcome = simulate(OWNERS, SEED, board, randomness=randomness)
    index = export_record(board, directory)
    keys = {SigningKey(s).verify_key.hex(): SigningKey(s) for s in randomness.key_seeds}
    entries = tuple(msgspec.json.decode(line) for line in board.raw_entries())
    return DemoRecord(
        directory=directory,
        events=dict(outcome.events),
        board_key=board_key(SEED),
        keys=keys,
        roles=_roles(list(board.entries())),
        entries=entries,
        heads=tuple(board.heads()),
        index=index,
    )


def _roles(entries: list[Entry]) -> Roles:
    events = [entry.event for entry in entries]
    holder = {
        e.binding.body.credential: e.binding.body.person
        for e in events
        if isinstance(e, CredentialBound)
    }
    delegations = [e.delegation.body for e in events if isinstance(e, DelegationGiven)]
    ballots = [e.ballot.body for e in events if isinstance(e, BallotCast)]
    owners = [d.owner for d in delegations]
    (proxy,) = {holder[d.proxy] for d in delegations}
    (revoked,) = [
        holder[e.revocation.body.revoker] for e in events if isinstance(e, DelegationRevoked)
    ]
    direct = [b.person for b in ballots if b.kind is BallotKind.DIRECT]
    (overridden,) = [o for o in owners if o in direct]
    (delegated,) = [o for o in owners if o not in (revoked, overridden)]
    (challenger,) = [e.opened.ballot.body.person for e in events if isinstance(e, BallotChallenged)]
    paper = next(e.ballot.body.person for e in events if isinstance(e, PaperEntered))
    (revoter,) = {p for p in direct if direct.count(p) == 2}
    special = {proxy, revoked, overridden, delegated, challenger, revoter, paper}
    voter = next(p for p in direct if p not in special)
    voted = {b.person for b in ballots}
    absent = next(p for p in sorted(holder.values()) if p not in voted | special)
    return Roles(
        proxy=proxy,
        revoked=revoked,
        overridden=overridden,
        delegated=delegated,
        challenger=challenger,
        revoter=revoter,
        paper=paper,
        voter=voter,
        absent=absent,
    )


# -- taking a record apart and putting it back together ------------------------------------------

#: The signed objects an adversary may re-sign, if it holds the signer's key: where the object is in
#: its event, its body type, the signing domain and the body field naming the signer.
_SIGNED: Mapping[str, tuple[str, type[Struct], Domain, str]] = {
    "ballot": ("ballot", BallotBody, Domain.SIGN_BALLOT, "credential"),
    "paper": ("ballot", BallotBody, Domain.SIGN_BALLOT, "credential"),
    "delegation": ("delegation", DelegationBody, Domain.SIGN_DELEGATION, "delegator"),
    "revocation": ("revocation", RevocationBody, Domain.SIGN_REVOCATION, "revoker"),
    "binding": ("binding", BindingBody, Domain.SIGN_BINDING, "credential"),
}
_PAYLOAD: Mapping[str, type[Struct]] = {
    "ballot": Ballot,
    "paper": Ballot,
    "delegation": Delegation,
    "revocation": Revocation,
    "binding": Binding,
}


def _person(event: JsonObject) -> str | None:
    """The person an event is about, where it is about one."""
    kind = event["type"]
    if kind in ("ballot", "paper"):
        return str(event["ballot"]["body"]["person"])
    if kind == "challenge":
        return str(event["opened"]["ballot"]["body"]["person"])
    if kind == "delegation":
        return str(event["delegation"]["body"]["owner"])
    if kind == "binding":
        return str(event["binding"]["body"]["person"])
    if kind == "code":
        return str(event["issue"]["body"]["person"])
    return None


@dataclass
class Draft:
    """A record's entries, in order, as JSON objects to change."""

    demo: DemoRecord
    entries: list[JsonObject]
    #: The position of the entry the last change touched: where the verifier should say it failed.
    touched: int | None = field(default=None)

    @property
    def roles(self) -> Roles:
        return self.demo.roles

    @property
    def manifest_hash(self) -> Bytes32:
        """The hash of the record's manifest (entry 0): what every signed item names."""
        data = msgspec.json.encode(self.demo.entries[0]["event"]["manifest"])
        manifest = decode(data, Manifest)
        return Bytes32(manifest.hash())

    # -- finding ----------------------------------------------------------------------------

    def find(self, kind: str, person: str | None = None, nth: int = 0) -> int:
        """The position of the ``nth`` entry of ``kind`` (about ``person``, if given)."""
        found = [
            position
            for position, entry in enumerate(self.entries)
            if entry["event"]["type"] == kind
            and (person is None or _person(entry["event"]) == person)
        ]
        return found[nth]

    def event(self, position: int) -> JsonObject:
        self.touched = position
        event: JsonObject = self.entries[position]["event"]
        return event

    # -- changing ---------------------------------------------------------------------------

    def change(self, position: int, path: str, value: object) -> None:
        """Set the value at ``path`` (dotted, from the event; list items by number).

        ``value`` may be a function of the old value.
        """
        *parents, last = path.split(".")
        node: Any = self.event(position)
        for step in parents:
            node = node[int(step)] if isinstance(node, list) else node[step]
        key: Any = int(last) if isinstance(node, list) else last
        node[key] = value(node[key]) if callable(value) else value

    def retime(self, position: int, at: int) -> None:
        self.touched = position
        self.entries[position]["at"] = at

    def remove(self, position: int) -> JsonObject:
        self.touched = None
        return self.entries.pop(position)

    def insert(self, position: int, event: AnyEvent | JsonObject, *, at: int | None = None) -> None:
        """Insert an event, at the time of the entry before it unless ``at`` is given."""
        data = event if isinstance(event, dict) else to_builtins(event)
        when = self.entries[position - 1]["at"] if at is None else at
        self.entries.insert(position, {"index": position, "at": when, "event": data})
        self.touched = position

    def duplicate(self, position: int) -> None:
        """Repeat an entry right after itself, index included (until renumbered)."""
        self.entries.insert(position + 1, copy.deepcopy(self.entries[position]))
        self.touched = position + 1

    def move(self, source: int, to: int, *, at: int | None = None) -> None:
        """Move an entry to position ``to`` (counted after its removal), keeping its time unless
        ``at`` is given.
        """
        entry = self.entries.pop(source)
        self.insert(to, entry["event"], at=entry["at"] if at is None else at)

    def swap(self, first: int, second: int) -> None:
        entries = self.entries
        entries[first], entries[second] = entries[second], entries[first]
        self.touched = max(first, second)

    def resign(self, position: int) -> None:
        """Sign a changed ballot, delegation, revocation or binding again with its signer's key —
        the key of a voter who colludes with the board; :class:`KeyError` if nobody has it.
        """
        event = self.event(position)
        where, body_type, domain, signer = _SIGNED[event["type"]]
        signed = event[where]
        body = decode(msgspec.json.encode(signed["body"]), body_type)
        key = self.demo.keys[signed["body"][signer]]
        signed["signature"] = key.sign(domain, body).hex()

    def payload(self, position: int) -> Any:
        """The decoded ballot, delegation, revocation or binding of an entry."""
        event = self.event(position)
        where = _SIGNED[event["type"]][0]
        return decode(msgspec.json.encode(event[where]), _PAYLOAD[event["type"]])

    # -- putting it back together -----------------------------------------------------------

    def lines(self, *, renumber: bool = True) -> list[bytes]:
        """Each entry's canonical JSON; an entry that does not decode is written as it stands."""
        lines = []
        for position, entry in enumerate(self.entries):
            if renumber:
                entry["index"] = position
            raw = msgspec.json.encode(entry)
            try:
                lines.append(encode(decode(raw, Entry)))
            except EvoteError:
                lines.append(raw)
        return lines

    def publish(self, directory: Path, *, renumber: bool = True) -> Path:
        """Write the record as the board operator would: every head re-signed over the new tree.

        Each head the board signed before is signed again at its size with the new root, and at
        its time or, if an entry it now covers is later, at that entry's time; heads beyond the
        new size are dropped, and the last covers every entry.
        """
        lines = self.lines(renumber=renumber)
        tree = MerkleTree(leaf_hash(line) for line in lines)
        key = self.demo.board_key
        times = [_time_of(line) for line in lines]

        def sign(size: int, at: int) -> SignedTreeHead:
            latest = max((t for t in times[:size] if t is not None), default=at)
            head = TreeHead(
                election=ELECTION, size=size, root=Bytes32(tree.root(size)), at=max(at, latest)
            )
            return SignedTreeHead(head=head, signature=key.sign(Domain.SIGN_TREE_HEAD, head))

        *earlier, last = self.demo.heads
        heads = [sign(h.head.size, h.head.at) for h in earlier if h.head.size < tree.size]
        heads.append(sign(tree.size, last.head.at))
        return _write(directory, lines, heads)

    def forge(self, directory: Path, *, renumber: bool = True) -> Path:
        """Write the record as anyone without the board key could: under the heads signed before."""
        return _write(directory, self.lines(renumber=renumber), list(self.demo.heads))


def _time_of(line: bytes) -> int | None:
    try:
        at = msgspec.json.decode(line).get("at")
    except (msgspec.DecodeError, AttributeError):
        return None
    return at if isinstance(at, int) else None


def _route(line: bytes) -> str:
    return FILE_OF[msgspec.json.decode(line)["event"]["type"]]


def _write(directory: Path, lines: list[bytes], heads: list[SignedTreeHead]) -> Path:
    directory.mkdir()
    files: dict[str, list[bytes]] = {name: [] for name in ENTRY_FILES}
    for line in lines:
        files[_route(line)].append(line + b"\n")
    for name, content in files.items():
        (directory / name).write_bytes(b"".join(content))
    (directory / HEADS_FILE).write_bytes(b"".join(encode(h) + b"\n" for h in heads))
    index = RecordIndex(
        format="evote-record",
        version=2,
        election=ELECTION,
        size=len(lines),
        head=heads[-1],
        files=(),
    )
    (directory / INDEX_FILE).write_bytes(encode(index) + b"\n")
    reindex(directory)
    return directory


def reindex(directory: Path) -> None:
    """Recompute every file's SHA-256 and line count in ``record.json``, keeping the rest."""
    path = directory / INDEX_FILE
    index: JsonObject = msgspec.json.decode(path.read_bytes())
    index["files"] = [
        {
            "name": name,
            "entries": content.count(b"\n") + (not content.endswith(b"\n") and bool(content)),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        for name, content in _contents(directory)
    ]
    path.write_bytes(msgspec.json.encode(index) + b"\n")


def _contents(directory: Path) -> Iterator[tuple[str, bytes]]:
    for name in (*ENTRY_FILES, HEADS_FILE):
        path = directory / name
        if path.is_file():
            yield name, path.read_bytes()


def flip(text: str, bit: int = 0) -> str:
    """A hex string with one bit flipped (bit 0: the lowest bit of its first byte)."""
    raw = bytearray.fromhex(text)
    raw[bit // 8] ^= 1 << (bit % 8)
    return raw.hex()
