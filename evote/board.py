"""The public board: an append-only log of events in a Merkle tree, with signed heads (spec §13).

Each entry's canonical JSON is a leaf of an RFC 9162 Merkle tree (:mod:`evote.merkle`). The board
signs tree heads — the size and root at a moment — with its Ed25519 key, named in the manifest. A
voter's receipt proves that their ballot is in the tree under a signed head; a consistency proof
between two heads proves that the later tree extends the earlier one, so that nothing published
can be changed or removed without the heads observers kept giving it away.

Storage is behind :class:`BoardStorage`: :class:`MemoryStorage` for tests and single runs,
:class:`SqliteStorage` for a board that survives the process (PostgreSQL comes with the server).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Protocol

import msgspec

from evote.encoding import Bytes32, Struct, decode, encode
from evote.errors import EvoteError, ParameterError
from evote.events import AnyEvent, BallotCast, Entry
from evote.hazmat.signing import Signature, SigningKey, VerifyKey, verify_signature
from evote.hazmat.transcript import Domain
from evote.ids import ElectionId
from evote.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion

__all__ = [
    "Board",
    "BoardStorage",
    "ConsistencyProof",
    "InclusionReceipt",
    "MemoryStorage",
    "SignedTreeHead",
    "SqliteStorage",
    "TreeHead",
    "verify_consistency_proof",
    "verify_head",
    "verify_receipt",
]


class TreeHead(Struct):
    """The board of ``election`` held ``size`` entries with this Merkle ``root`` at time ``at``."""

    election: ElectionId
    size: Annotated[int, msgspec.Meta(ge=0)]
    root: Bytes32
    at: int


class SignedTreeHead(Struct):
    head: TreeHead
    signature: Signature


class InclusionReceipt(Struct):
    """A voter's receipt: their ballot's entry on the board, and its proof under a signed head.

    It holds the whole entry, so that anyone can check, from the receipt alone, that this very
    ballot — with this tracking code — is the leaf the proof is about (spec §13.5).
    """

    tracking_code: Bytes32
    index: int
    entry: Entry
    proof: tuple[Bytes32, ...]
    head: SignedTreeHead


class ConsistencyProof(Struct):
    """That the tree under ``new`` extends the tree under ``old`` (spec §13.2)."""

    old: SignedTreeHead
    new: SignedTreeHead
    proof: tuple[Bytes32, ...]


def verify_head(head: SignedTreeHead, key: VerifyKey) -> None:
    """Raise :class:`~evote.errors.InvalidSignature` unless the board signed this head (§13.4)."""
    verify_signature(
        key,
        Domain.SIGN_TREE_HEAD,
        head.head,
        head.signature,
        what=f"tree head of size {head.head.size}",
    )


def verify_receipt(receipt: InclusionReceipt, key: VerifyKey) -> None:
    """Check a receipt on its own: its ballot, at its index, under a head the board signed (§13.5)."""
    verify_head(receipt.head, key)
    entry = receipt.entry
    if entry.index != receipt.index:
        raise ParameterError(f"the receipt's entry is entry {entry.index}, not {receipt.index}")
    if not isinstance(entry.event, BallotCast):
        raise ParameterError("the receipt's entry is not a cast ballot")
    if entry.event.ballot.tracking_code() != receipt.tracking_code:
        raise ParameterError("the receipt's entry is another ballot than its tracking code says")
    verify_inclusion(
        leaf_hash(encode(entry)),
        receipt.index,
        receipt.head.head.size,
        [bytes(p) for p in receipt.proof],
        bytes(receipt.head.head.root),
    )


def verify_consistency_proof(proof: ConsistencyProof, key: VerifyKey) -> None:
    """Check both heads' signatures and that the newer tree extends the older (spec §13.5)."""
    verify_head(proof.old, key)
    verify_head(proof.new, key)
    if proof.old.head.election != proof.new.head.election:
        raise ParameterError("the two heads are of different elections")
    if proof.new.head.at < proof.old.head.at:
        raise ParameterError("the larger head was signed before the smaller one")
    verify_consistency(
        proof.old.head.size,
        proof.new.head.size,
        bytes(proof.old.head.root),
        bytes(proof.new.head.root),
        [bytes(p) for p in proof.proof],
    )


class _Moment(msgspec.Struct):
    at: int


class _Signed(msgspec.Struct):
    head: _Moment


class BoardStorage(Protocol):
    """Where the board keeps its entries (canonical JSON, in order) and its signed heads."""

    def append(self, data: bytes) -> None: ...

    def __len__(self) -> int: ...

    def entries(self, start: int = 0) -> Iterator[bytes]: ...

    def add_head(self, data: bytes) -> None: ...

    def heads(self) -> list[bytes]: ...


class MemoryStorage:
    """Entries and heads in memory, for tests and one-process runs."""

    def __init__(self) -> None:
        self._entries: list[bytes] = []
        self._heads: list[bytes] = []

    def append(self, data: bytes) -> None:
        self._entries.append(data)

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, start: int = 0) -> Iterator[bytes]:
        yield from self._entries[start:]

    def add_head(self, data: bytes) -> None:
        self._heads.append(data)

    def heads(self) -> list[bytes]:
        return list(self._heads)


class SqliteStorage:
    """Entries and heads in a SQLite file; every append is its own committed transaction."""

    def __init__(self, path: Path | str) -> None:
        self._connection = sqlite3.connect(str(path), isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS entries (position INTEGER PRIMARY KEY, data BLOB NOT NULL)"
        )
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS heads (position INTEGER PRIMARY KEY, data BLOB NOT NULL)"
        )
        (self._size,) = self._connection.execute("SELECT COUNT(*) FROM entries").fetchone()
        (self._head_count,) = self._connection.execute("SELECT COUNT(*) FROM heads").fetchone()

    def append(self, data: bytes) -> None:
        with self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute(
                "INSERT INTO entries (position, data) VALUES (?, ?)", (self._size, data)
            )
        self._size += 1

    def __len__(self) -> int:
        return int(self._size)

    def entries(self, start: int = 0) -> Iterator[bytes]:
        cursor = self._connection.execute(
            "SELECT data FROM entries WHERE position >= ? ORDER BY position", (start,)
        )
        for (data,) in cursor:
            yield bytes(data)

    def add_head(self, data: bytes) -> None:
        with self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute(
                "INSERT INTO heads (position, data) VALUES (?, ?)", (self._head_count, data)
            )
        self._head_count += 1

    def heads(self) -> list[bytes]:
        return [
            bytes(d)
            for (d,) in self._connection.execute("SELECT data FROM heads ORDER BY position")
        ]

    def close(self) -> None:
        self._connection.close()


class Board:
    """The board of one election (spec §13). ``key`` signs heads; None for a read-only copy."""

    def __init__(
        self, election: ElectionId, storage: BoardStorage, key: SigningKey | None = None
    ) -> None:
        self.election = election
        self._storage = storage
        self._key = key
        self._tree = MerkleTree()
        self.latest = 0  # the latest time of an entry or a head: heads never go back before it
        for data in storage.entries():
            self._tree.append(leaf_hash(data))
            self.latest = max(self.latest, msgspec.json.decode(data, type=_Moment).at)
        heads = storage.heads()
        for data in heads:
            self.latest = max(self.latest, msgspec.json.decode(data, type=_Signed).head.at)
        self._last_head = decode(heads[-1], SignedTreeHead) if heads else None

    def __len__(self) -> int:
        return self._tree.size

    def append(self, event: AnyEvent, *, at: int) -> Entry:
        """Add an event; it is stored before this returns (spec §13.3)."""
        entry = Entry(index=self._tree.size, at=at, event=event)
        data = encode(entry)
        self._storage.append(data)
        self._tree.append(leaf_hash(data))
        self.latest = max(self.latest, at)
        return entry

    def entries(self, start: int = 0) -> Iterator[Entry]:
        for data in self._storage.entries(start):
            yield decode(data, Entry)

    def raw_entries(self, start: int = 0) -> Iterator[bytes]:
        """The canonical bytes of each entry: the Merkle leaves' data."""
        return self._storage.entries(start)

    def sign_head(self, *, at: int) -> SignedTreeHead:
        """Sign and keep a head for the board as it is now (spec §13.4)."""
        if self._key is None:
            raise EvoteError("this board has no signing key")
        if at < self.latest:
            raise ParameterError(f"a head at {at} would go back before {self.latest}")
        head = TreeHead(
            election=self.election, size=self._tree.size, root=Bytes32(self._tree.root()), at=at
        )
        signed = SignedTreeHead(head=head, signature=self._key.sign(Domain.SIGN_TREE_HEAD, head))
        self._storage.add_head(encode(signed))
        self.latest = at
        self._last_head = signed
        return signed

    def heads(self) -> list[SignedTreeHead]:
        return [decode(data, SignedTreeHead) for data in self._storage.heads()]

    def receipt(self, entry: Entry, head: SignedTreeHead) -> InclusionReceipt:
        """The receipt for the ballot ``entry`` under ``head`` (spec §13.5)."""
        size = head.head.size
        if not 0 <= entry.index < size <= self._tree.size:
            raise ParameterError(f"entry {entry.index} is not under a head of size {size}")
        if leaf_hash(encode(entry)) != self._tree.leaf(entry.index):
            raise ParameterError(f"entry {entry.index} is not this board's")
        if not isinstance(entry.event, BallotCast):
            raise ParameterError(f"entry {entry.index} is not a cast ballot")
        return InclusionReceipt(
            tracking_code=entry.event.ballot.tracking_code(),
            index=entry.index,
            entry=entry,
            proof=tuple(Bytes32(p) for p in self._tree.inclusion_proof(entry.index, size)),
            head=head,
        )

    @property
    def last_head(self) -> SignedTreeHead | None:
        return self._last_head

    def consistency(self, old: SignedTreeHead, new: SignedTreeHead) -> ConsistencyProof:
        """The proof that ``new`` extends ``old`` (spec §13.5)."""
        proof = self._tree.consistency_proof(old.head.size, new.head.size)
        return ConsistencyProof(old=old, new=new, proof=tuple(Bytes32(p) for p in proof))
