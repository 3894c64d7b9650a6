"""The Merkle tree of the board: RFC 9162 hashing, inclusion and consistency proofs (spec §13).

The tree is the Merkle Tree Hash of RFC 9162 (Certificate Transparency v2) section 2.1 with
SHA-256, so standard transparency-log tools can check the board. Leaves are hashed with a ``00``
prefix and interior nodes with ``01`` (spec §13.1); a tree of n leaves splits at the largest power
of two below n. Proofs are lists of raw 32-byte hashes in the RFC's order (spec §13.2).

:class:`MerkleTree` holds the leaf hashes, append-only, and keeps the hash of every *complete,
aligned* subtree (2^h leaves starting at a multiple of 2^h) as soon as it is full. Such a subtree
never changes again, so appends only add to this cache and the root or a proof for any earlier size
costs O(log n) hashes: a root of size n takes popcount(n) − 1 node hashes, a proof at most
max(0, popcount(n) − 2) besides look-ups. n appends take n − popcount(n) node hashes in all.

:func:`verify_inclusion` and :func:`verify_consistency` follow RFC 9162 sections 2.1.3.2 and
2.1.4.2 step by step and raise :class:`InvalidMerkleProof` naming the proof, what was expected and
what was found. Consistency from the empty tree is refused (spec §13.2). The module does no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from evote.errors import InvalidMerkleProof, ParameterError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "InvalidMerkleProof",
    "MerkleTree",
    "consistency_proof_length",
    "inclusion_proof_length",
    "leaf_hash",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
]

#: Every hash of the tree is a SHA-256 digest: 32 raw bytes.
HASH_SIZE: Final = 32
#: The hash of the empty tree, SHA-256 of no bytes (spec §13.1).
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(``00`` ‖ data): the hash of one leaf (spec §13.1)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(``01`` ‖ left ‖ right): the hash of an interior node (spec §13.1)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _short(digest: bytes) -> str:
    return f"{digest.hex()[:16]}…"


def _split(n: int) -> int:
    """k, the largest power of two strictly below n ≥ 2: where MTH splits D[n] (spec §13.1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


class MerkleTree:
    """An append-only list of leaf hashes and the RFC 9162 Merkle tree over every prefix of it.

    ``MerkleTree(leaf_hashes)`` builds a tree from an iterable of 32-byte leaf hashes (see
    :func:`leaf_hash`); :meth:`append` adds one. :meth:`root`, :meth:`inclusion_proof` and
    :meth:`consistency_proof` take an optional tree size (default: every leaf so far) and answer for
    the tree of the first ``size`` leaves, exactly as if it had never grown (spec §13.1–§13.2).
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[h][j] is the hash of the complete subtree of leaves [j·2^h, (j+1)·2^h);
        # _levels[0] are the leaf hashes, and len(_levels[h]) == size >> h at all times.
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index``, 0 ≤ index < size."""
        self._check_index(index, self.size)
        return self._levels[0][index]

    def append(self, leaf_hash: bytes) -> int:
        """Add a leaf hash at the end and return its index; completes any subtree it fills."""
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
            found = len(leaf_hash) if isinstance(leaf_hash, bytes) else type(leaf_hash).__name__
            raise ParameterError(f"Merkle leaf hash: expected {HASH_SIZE} bytes, found {found}")
        index = self.size
        self._levels[0].append(leaf_hash)
        node, level, position = leaf_hash, 0, index
        while position & 1:  # the node is a right child: its parent's subtree is now complete
            node = node_hash(self._levels[level][position - 1], node)
            level, position = level + 1, position >> 1
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(node)
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append every leaf hash of ``leaf_hashes``, in order."""
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all); the empty tree's is :data:`EMPTY_ROOT`."""
        size = self._resolve(size)
        return self._hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]): the audit path of leaf ``index`` in the tree of ``size`` leaves.

        Spec §13.2. The hashes are ordered from the leaf's sibling up to the child of the root.
        """
        size = self._resolve(size)
        self._check_index(index, size)
        path: list[bytes] = []  # collected top-down, returned bottom-up
        low, high = 0, size
        while high - low > 1:
            k = _split(high - low)
            if index < low + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
                path.append(self._hash(low + k, high))
                high = low + k
            else:  # PATH(m − k, D[k:n]) : MTH(D[0:k])
                path.append(self._hash(low, low + k))
                low += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) = SUBPROOF(old_size, D[new_size], true) (spec §13.2).

        Empty when ``old_size == new_size``. ``old_size`` 0 is refused: nothing is proved about
        the empty tree (spec §13.2).
        """
        new_size = self._resolve(new_size)
        if not isinstance(old_size, int) or not 0 < old_size <= new_size:
            raise ParameterError(
                f"Merkle consistency proof: old tree size {old_size!r} is not in [1, {new_size}]"
                " (the new tree size)"
            )
        proof: list[bytes] = []  # collected top-down, returned bottom-up
        low, high, complete = 0, new_size, True  # complete: the b of SUBPROOF
        while old_size != high:
            k = _split(high - low)
            if old_size <= low + k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
                proof.append(self._hash(low + k, high))
                high = low + k
            else:  # SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k])
                proof.append(self._hash(low, low + k))
                low, complete = low + k, False
        if not complete:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            proof.append(self._hash(low, high))
        proof.reverse()
        return proof

    def _hash(self, low: int, high: int) -> bytes:
        """MTH(D[low:high]) for a non-empty range of the RFC recursion.

        Such a range starts at a multiple of a power of two at least its length, so its RFC split
        is its binary decomposition: complete aligned subtrees of decreasing size, all cached,
        folded from the right (spec §13.1).
        """
        parts: list[bytes] = []
        while (high - low) & (high - low - 1):  # not a power of two: split off the left subtree
            k = _split(high - low)
            parts.append(self._levels[k.bit_length() - 1][low // k])
            low += k
        width = high - low
        node = self._levels[width.bit_length() - 1][low // width]
        while parts:
            node = node_hash(parts.pop(), node)
        return node

    def _resolve(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not isinstance(size, int) or not 0 <= size <= self.size:
            raise ParameterError(
                f"Merkle tree size {size!r}: expected 0 to {self.size} (the leaves so far)"
            )
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not isinstance(index, int) or not 0 <= index < size:
            expected = f"0 to {size - 1}" if size else "none (the tree is empty)"
            raise ParameterError(
                f"Merkle leaf index {index!r} in tree size {size}: expected {expected}"
            )


def _check_hashes(what: str, named: dict[str, bytes], proof: Sequence[bytes]) -> None:
    for name, value in [*named.items(), *((f"proof[{i}]", p) for i, p in enumerate(proof))]:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            found = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
            raise InvalidMerkleProof(f"{what}: {name}: expected {HASH_SIZE} bytes, found {found}")


def _check_size(what: str, name: str, value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise InvalidMerkleProof(f"{what}: {name} {value!r} is not a non-negative integer")


def inclusion_proof_length(index: int, size: int) -> int:
    """The number of hashes of PATH(index, D[size]), 0 ≤ index < size (spec §13.2).

    The levels below the point where the paths of leaf ``index`` and leaf ``size − 1`` meet, plus
    one per complete left subtree above it.
    """
    if not 0 <= index < size:
        raise ParameterError(f"Merkle leaf index {index} is not in [0, {size}) (the tree size)")
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(old_size: int, new_size: int) -> int:
    """The number of hashes of PROOF(old_size, D[new_size]), 0 < old_size ≤ new_size (spec §13.2)."""
    if not 0 < old_size <= new_size:
        raise ParameterError(f"Merkle tree sizes {old_size} and {new_size}: expected 0 < old ≤ new")
    if old_size == new_size:
        return 0
    shift = (old_size & -old_size).bit_length() - 1  # trailing zero bits of old_size
    seed = 0 if _is_power_of_two(old_size) else 1
    return seed + inclusion_proof_length(old_size - 1, new_size) - shift


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    RFC 9162 section 2.1.3.2, step by step; the step numbers below are the RFC's and spec §13.2's.
    Raises :class:`InvalidMerkleProof`.
    """
    what = f"Merkle inclusion proof of leaf {index!r} in tree size {size!r}"
    _check_size(what, "leaf index", index)
    _check_size(what, "tree size", size)
    _check_hashes(what, {"leaf hash": leaf_hash, "root": root}, proof)
    # step 1: the index lies inside the tree (so nothing is in a tree of size 0)
    if index >= size:
        raise InvalidMerkleProof(f"{what}: the leaf index is not below the tree size")
    fn, sn, r = index, size - 1, leaf_hash  # steps 2 and 3
    for p in proof:  # step 4
        if sn == 0:  # (a) more hashes than levels
            raise _wrong_length(what, inclusion_proof_length(index, size), len(proof))
        if fn & 1 or fn == sn:  # (b) p is a left sibling
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:  # on the right border: skip levels without a sibling
                fn, sn = fn >> 1, sn >> 1
        else:  # p is a right sibling
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # (c)
    # step 5
    if sn != 0:
        raise _wrong_length(what, inclusion_proof_length(index, size), len(proof))
    if r != root:
        raise InvalidMerkleProof(
            f"{what}: the proof leads to root {_short(r)}, expected {_short(root)}"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``new_size`` leaves with ``new_root`` extends the one of ``old_root``.

    An old size of 0 is refused; equal sizes need an empty proof and equal roots; otherwise RFC 9162
    section 2.1.4.2, step by step, numbered as in the RFC and spec §13.2. Raises
    :class:`InvalidMerkleProof`.
    """
    what = f"Merkle consistency proof from tree size {old_size!r} to {new_size!r}"
    _check_size(what, "old tree size", old_size)
    _check_size(what, "new tree size", new_size)
    _check_hashes(what, {"old root": old_root, "new root": new_root}, proof)
    if old_size == 0:  # spec §13.2: refused rather than accepted with an empty proof
        raise InvalidMerkleProof(f"{what}: consistency with the empty tree is not proved")
    if old_size > new_size:
        raise InvalidMerkleProof(f"{what}: the old tree is larger than the new one")
    if old_size == new_size:
        if proof:
            raise _wrong_length(what, 0, len(proof))
        if old_root != new_root:
            raise InvalidMerkleProof(
                f"{what}: equal sizes with different roots {_short(old_root)} and"
                f" {_short(new_root)}"
            )
        return
    fr, sr = _consistency_roots(what, old_size, new_size, old_root, proof)
    # step 7, the roots
    if fr != old_root:
        raise InvalidMerkleProof(
            f"{what}: the proof leads to old root {_short(fr)}, expected {_short(old_root)}"
        )
    if sr != new_root:
        raise InvalidMerkleProof(
            f"{what}: the proof leads to new root {_short(sr)}, expected {_short(new_root)}"
        )


def _consistency_roots(
    what: str, old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Steps 1–7 of RFC 9162 section 2.1.4.2 (spec §13.2), 0 < old_size < new_size, but the roots.

    Returns the old and new roots the proof leads to (fr, sr); a proof of the wrong length fails.
    """
    expected = consistency_proof_length(old_size, new_size)
    if not proof:  # step 1
        raise _wrong_length(what, expected, 0)
    # step 2: a power-of-two old tree is one complete subtree of the new one, its root the seed
    path = [old_root, *proof] if _is_power_of_two(old_size) else list(proof)
    fn, sn = old_size - 1, new_size - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:  # (a)
            raise _wrong_length(what, expected, len(proof))
        if fn & 1 or fn == sn:  # (b) c is a left sibling, inside the old tree: both roots take it
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:  # until LSB(fn) is set or fn is 0
                fn, sn = fn >> 1, sn >> 1
        else:  # c is a right sibling, beyond the old tree: only the new root takes it
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # (c)
    if sn != 0:  # step 7, the length
        raise _wrong_length(what, expected, len(proof))
    return fr, sr


def _wrong_length(what: str, expected: int, found: int) -> InvalidMerkleProof:
    return InvalidMerkleProof(f"{what}: expected {expected} hashes, found {found}")
