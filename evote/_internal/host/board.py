"""The public board: an append-only log of events in a Merkle tree, with signed heads (spec §13).

Each entry's canonical JSON is a leaf of an RFC 9162 Merkle tree (:mod:`evote.hazmat.merkle`). The board
signs tree heads — the size and root at a moment — with its Ed25519 key, named in the manifest. A
voter's receipt proves that their ballot is in the tree under a signed head; a consistency proof
between two heads proves that the later tree extends the earlier one, so that nothing published
can be changed or removed without the heads observers kept giving it away.

Storage is behind :class:`BoardStorage`: :class:`MemoryStorage` for tests and single runs,
:class:`SqliteStorage` for a board that survives the process (PostgreSQL comes with the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar, overload

import msgspec

from evote._internal.board.events import AnyEvent, BallotCast, Entry
from evote._internal.board.heads import (
    ConsistencyProof,
    InclusionReceipt,
    SignedTreeHead,
    TreeHead,
)
from evote._internal.encoding import Bytes32, Struct, decode, encode
from evote._internal.host.storage import BoardStorage
from evote._internal.ids import ElectionId
from evote._internal.record import ELECTION_LAYOUT, Layout, RecordIndex, write_record
from evote.errors import ParameterError, UsageError
from evote.hazmat.merkle import MerkleTree, leaf_hash
from evote.hazmat.signing import SigningKey, VerifyKey
from evote.hazmat.transcript import Domain

__all__ = ["Board", "BoardLog", "export_record"]

EntryT = TypeVar("EntryT", bound=Struct)


class _Moment(msgspec.Struct):
    at: int


class _Signed(msgspec.Struct):
    head: _Moment


class BoardLog(Generic[EntryT]):
    """An append-only log of entries with signed heads (spec §13): what every board shares.

    ``election`` is the id of the board, which its heads name: an election's, or a community's
    (spec §16.1). ``key`` signs heads; None for a read-only copy.
    """

    entry_type: ClassVar[type[Struct]]
    layout: ClassVar[Layout]

    def __init__(self, election: str, storage: BoardStorage, key: SigningKey | None = None) -> None:
        self.election = election
        self._storage = storage
        self._key = key
        self._tree = MerkleTree()
        self.latest = 0  # the latest time of an entry or a head: heads never go back before it
        for data in storage.entries():
            self._tree.append(leaf_hash(data))
            self.latest = max(self.latest, msgspec.json.decode(data, type=_Moment).at)
        self._heads = 0  # how many of the storage's heads this board has read
        self._last_head: SignedTreeHead | None = None
        self._read_heads()

    def _read_heads(self) -> None:
        heads = self._storage.heads(self._heads)
        for data in heads:
            self.latest = max(self.latest, msgspec.json.decode(data, type=_Signed).head.at)
        if heads:
            self._heads += len(heads)
            self._last_head = decode(heads[-1], SignedTreeHead)

    def catch_up(self) -> list[EntryT]:
        """What other writers of the same storage appended since this board last looked (§13.3).

        The new entries are added to the tree and returned, decoded, for the host to apply;
        their heads are read too. A host shared by several processes calls this, under the
        board's lock, before each step.
        """
        new: list[EntryT] = []
        for data in self._storage.entries(self._tree.size):
            entry: EntryT = decode(data, self.entry_type)  # type: ignore[assignment]
            self._tree.append(leaf_hash(data))
            self.latest = max(self.latest, msgspec.json.decode(data, type=_Moment).at)
            new.append(entry)
        self._read_heads()
        return new

    def __len__(self) -> int:
        return self._tree.size

    def _add(self, entry: EntryT, at: int) -> EntryT:
        """Store an entry; it is durable before this returns (spec §13.3)."""
        data = encode(entry)
        self._storage.append(data)
        self._tree.append(leaf_hash(data))
        self.latest = max(self.latest, at)
        return entry

    def entries(self, start: int = 0) -> Iterator[EntryT]:
        for data in self._storage.entries(start):
            yield decode(data, self.entry_type)  # type: ignore[misc]

    def raw_entries(self, start: int = 0) -> Iterator[bytes]:
        """The canonical bytes of each entry: the Merkle leaves' data."""
        return self._storage.entries(start)

    def sign_head(self, *, at: int) -> SignedTreeHead:
        """Sign and keep a head for the board as it is now (spec §13.4)."""
        if self._key is None:
            raise UsageError("this board has no signing key")
        if at < self.latest:
            raise ParameterError(f"a head at {at} would go back before {self.latest}")
        head = TreeHead(
            election=ElectionId(self.election),
            size=self._tree.size,
            root=Bytes32(self._tree.root()),
            at=at,
        )
        signed = SignedTreeHead(head=head, signature=self._key.sign(Domain.SIGN_TREE_HEAD, head))
        self._storage.add_head(encode(signed))
        self._heads += 1
        self.latest = at
        self._last_head = signed
        return signed

    def heads(self) -> list[SignedTreeHead]:
        return [decode(data, SignedTreeHead) for data in self._storage.heads()]

    @property
    def verify_key(self) -> VerifyKey | None:
        """The public key of the board's signing key; None for a read-only copy."""
        return None if self._key is None else self._key.verify_key

    @property
    def last_head(self) -> SignedTreeHead | None:
        return self._last_head

    def consistency(self, old: SignedTreeHead, new: SignedTreeHead) -> ConsistencyProof:
        """The proof that ``new`` extends ``old`` (spec §13.5)."""
        proof = self._tree.consistency_proof(old.head.size, new.head.size)
        return ConsistencyProof(old=old, new=new, proof=tuple(Bytes32(p) for p in proof))


class Board(BoardLog[Entry]):
    """The board of one election (spec §13)."""

    entry_type = Entry
    layout = ELECTION_LAYOUT

    def append(self, event: AnyEvent, *, at: int) -> Entry:
        """Add an event; it is stored before this returns (spec §13.3)."""
        return self._add(Entry(index=len(self), at=at, event=event), at)

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


@overload
def export_record(board: Board, directory: Path) -> RecordIndex: ...
@overload
def export_record(board: BoardLog[Any], directory: Path) -> Struct: ...
def export_record(board: BoardLog[Any], directory: Path) -> Struct:
    """Write the board to ``directory`` (created; it must not exist) as a record (spec §14.1).

    The board's latest signed head must cover every entry: sign one first.
    """
    heads = board.heads()
    if not heads or heads[-1].head.size != len(board):
        raise UsageError("sign a tree head over the whole board before exporting it")
    return write_record(directory, board.election, board.raw_entries(), heads, board.layout)
