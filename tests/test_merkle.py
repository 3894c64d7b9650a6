"""The RFC 9162 Merkle tree of the board (spec §13.1) and its proofs (spec §13.2).

Every proof the tree makes is compared with the RFC's recursive definitions, written out again here
from the RFC (``_mth``, ``_path``, ``_proof``, independent of evote's hashing helpers), and checked
by the verifiers: exhaustively for every tree size 1 to 64, by hypothesis up to 2048 leaves.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evote.hazmat.merkle
from evote.errors import EvoteError, ParameterError
from evote.hazmat.merkle import (
    EMPTY_ROOT,
    InvalidMerkleProof,
    MerkleTree,
    consistency_proof_length,
    inclusion_proof_length,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# --- the RFC's definitions, naively ----------------------------------------------------------


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two strictly below n ≥ 2."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(data: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH over the data (not the leaf hashes), by its recursive definition."""
    if not data:
        return _sha256(b"")
    if len(data) == 1:
        return _sha256(b"\x00" + data[0])
    k = _k(len(data))
    return _sha256(b"\x01" + _mth(data[:k]) + _mth(data[k:]))


def _path(m: int, data: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    if len(data) == 1:
        return []
    k = _k(len(data))
    if m < k:
        return [*_path(m, data[:k]), _mth(data[k:])]
    return [*_path(m - k, data[k:]), _mth(data[:k])]


def _subproof(m: int, data: Sequence[bytes], complete: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b)."""
    if m == len(data):
        return [] if complete else [_mth(data)]
    k = _k(len(data))
    if m <= k:
        return [*_subproof(m, data[:k], complete), _mth(data[k:])]
    return [*_subproof(m - k, data[k:], False), _mth(data[:k])]


def _proof(m: int, data: Sequence[bytes]) -> list[bytes]:
    return _subproof(m, data, True)


# --- trees ---------------------------------------------------------------------------------------

EXHAUSTIVE = 64
LARGE = 2048


def _data(i: int) -> bytes:
    return f"board entry {i}".encode()


DATA = [_data(i) for i in range(LARGE)]


@functools.cache
def _tree(size: int) -> MerkleTree:
    """A tree of the first ``size`` entries of DATA, built for that size alone."""
    return MerkleTree(leaf_hash(d) for d in DATA[:size])


BIG = _tree(LARGE)  # every smaller tree is a prefix of this one


def _refused(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except InvalidMerkleProof:
        return True
    return False


def _flip(digest: bytes, bit: int = 0) -> bytes:
    return bytes([digest[0] ^ (1 << bit)]) + digest[1:]


# --- §13.1: hashes and roots ----------------------------------------------------------------------


def test_hashes_have_the_rfc_prefixes() -> None:
    assert leaf_hash(b"abc") == _sha256(b"\x00abc")
    left, right = _sha256(b"l"), _sha256(b"r")
    assert node_hash(left, right) == _sha256(b"\x01" + left + right)
    assert _sha256(b"") == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert MerkleTree().root() == EMPTY_ROOT
    assert MerkleTree().size == 0


def test_roots_of_every_small_tree_follow_the_definition() -> None:
    for size in range(EXHAUSTIVE + 1):
        expected = _mth(DATA[:size])
        assert _tree(size).root() == expected, size
        assert BIG.root(size) == expected, size


@given(st.integers(0, LARGE))
def test_roots_of_larger_trees_follow_the_definition(size: int) -> None:
    assert BIG.root(size) == _mth(DATA[:size])


def test_the_three_ways_of_building_agree() -> None:
    hashes = [leaf_hash(d) for d in DATA[:100]]
    appended = MerkleTree()
    assert [appended.append(h) for h in hashes] == list(range(100))
    extended = MerkleTree(hashes[:30])
    extended.extend(iter(hashes[30:]))
    for tree in (appended, extended, MerkleTree(iter(hashes))):
        assert tree.size == 100
        assert [tree.leaf(i) for i in range(100)] == hashes
        assert tree.root() == BIG.root(100)


@given(st.lists(st.binary(max_size=8), max_size=300), st.data())
def test_appending_never_changes_earlier_roots_or_proofs(
    items: list[bytes], data: st.DataObject
) -> None:
    tree = MerkleTree()
    roots = [tree.root()]
    for item in items:
        tree.append(leaf_hash(item))
        roots.append(tree.root())  # the root of each size, taken while the tree was that size
    assert [tree.root(size) for size in range(len(items) + 1)] == roots
    assert roots[-1] == _mth(items)
    if items:
        size = data.draw(st.integers(1, len(items)), label="size")
        index = data.draw(st.integers(0, size - 1), label="index")
        young = MerkleTree(leaf_hash(item) for item in items[:size])
        assert tree.inclusion_proof(index, size) == young.inclusion_proof(index)
        old = data.draw(st.integers(1, size), label="old size")
        assert tree.consistency_proof(old, size) == young.consistency_proof(old)


# --- known answers: the Certificate Transparency reference data -----------------------------------

# The leaves, roots and proofs below are the RFC 6962 test data of Google's certificate-transparency
# C++ log (merkle_tree_test.cc), as carried on by transparency-dev/merkle in proof/verify_test.go
# (`leaves`, `roots`, `inclusionProofs`, `consistencyProofs`; leaf numbers there count from 1, here
# from 0) and in testonly/constants.go. spec §13.1 and §13.2 print some of them.
CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243")] + [
    bytes.fromhex("5051525354555657"),
    bytes.fromhex("606162636465666768696a6b6c6d6e6f"),
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
_H = {
    "leaf0": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "leaf1": "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "leaf4": "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "leaf6": "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "0:2": "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "2:4": "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "0:4": "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4:6": "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "4:8": "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    "6:8": "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
}
CT_INCLUSION = [  # (index, size, proof)
    (0, 1, []),
    (0, 8, ["leaf1", "2:4", "4:8"]),
    (5, 8, ["leaf4", "6:8", "0:4"]),
    (2, 3, ["0:2"]),
    (1, 5, ["leaf0", "2:4", "leaf4"]),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, ["leaf1", "2:4", "4:8"]),
    (6, 8, ["4:6", "6:8", "0:4"]),
    (2, 5, ["2:4", "leaf4"]),
    (6, 7, ["4:6", "leaf6", "0:4"]),
]
CT_TREE = MerkleTree(leaf_hash(leaf) for leaf in CT_LEAVES)


def test_reference_roots() -> None:
    assert [CT_TREE.root(size).hex() for size in range(9)] == CT_ROOTS


@pytest.mark.parametrize(("index", "size", "names"), CT_INCLUSION)
def test_reference_inclusion_proofs(index: int, size: int, names: list[str]) -> None:
    proof = [bytes.fromhex(_H[name]) for name in names]
    assert CT_TREE.inclusion_proof(index, size) == proof
    verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, proof, bytes.fromhex(CT_ROOTS[size]))


@pytest.mark.parametrize(("old", "new", "names"), CT_CONSISTENCY)
def test_reference_consistency_proofs(old: int, new: int, names: list[str]) -> None:
    proof = [bytes.fromhex(_H[name]) for name in names]
    assert CT_TREE.consistency_proof(old, new) == proof
    roots = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    verify_consistency(old, new, *roots, proof)


# --- §13.2: every proof of every small tree --------------------------------------------------------


@pytest.mark.parametrize("size", range(1, EXHAUSTIVE + 1))
def test_every_inclusion_proof_of_a_small_tree_verifies(size: int) -> None:
    root = _mth(DATA[:size])
    for tree in (_tree(size), BIG):
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == _path(index, DATA[:size]), index
            assert len(proof) == inclusion_proof_length(index, size)
            verify_inclusion(leaf_hash(DATA[index]), index, size, proof, root)


@pytest.mark.parametrize("new", range(1, EXHAUSTIVE + 1))
def test_every_consistency_proof_of_a_small_tree_verifies(new: int) -> None:
    new_root = _mth(DATA[:new])
    for tree in (_tree(new), BIG):
        for old in range(1, new + 1):
            proof = tree.consistency_proof(old, new)
            assert proof == _proof(old, DATA[:new]), old
            assert len(proof) == consistency_proof_length(old, new)
            verify_consistency(old, new, _mth(DATA[:old]), new_root, proof)


@given(st.data())
def test_inclusion_proofs_of_larger_trees_verify(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, LARGE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = BIG.inclusion_proof(index, size)
    assert len(proof) == inclusion_proof_length(index, size)
    verify_inclusion(BIG.leaf(index), index, size, proof, BIG.root(size))


@given(st.data())
def test_consistency_proofs_of_larger_trees_verify(data: st.DataObject) -> None:
    new = data.draw(st.integers(1, LARGE), label="new size")
    old = data.draw(st.integers(1, new), label="old size")
    proof = BIG.consistency_proof(old, new)
    assert len(proof) == consistency_proof_length(old, new)
    verify_consistency(old, new, BIG.root(old), BIG.root(new), proof)


def test_the_proof_of_the_first_leaf_is_the_consistency_proof_from_size_1() -> None:
    for size in range(1, EXHAUSTIVE + 1):
        assert BIG.inclusion_proof(0, size) == BIG.consistency_proof(1, size)


# --- tampering --------------------------------------------------------------------------------------

SIZES = st.integers(1, EXHAUSTIVE)


@given(SIZES, st.data())
def test_any_changed_proof_hash_breaks_an_inclusion_proof(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = BIG.inclusion_proof(index, size)
    for position in range(len(proof)):
        bit = data.draw(st.integers(0, 7), label="bit")
        tampered = [*proof[:position], _flip(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(InvalidMerkleProof, match=r"leads to root [0-9a-f]{16}…, expected"):
            verify_inclusion(BIG.leaf(index), index, size, tampered, BIG.root(size))


@given(SIZES, st.data())
def test_a_changed_leaf_or_root_breaks_an_inclusion_proof(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    proof, leaf, root = BIG.inclusion_proof(index, size), BIG.leaf(index), BIG.root(size)
    other = data.draw(st.binary(min_size=32, max_size=32), label="other hash")
    if other != leaf:
        assert _refused(verify_inclusion, other, index, size, proof, root)
    if other != root:
        assert _refused(verify_inclusion, leaf, index, size, proof, other)
    assert _refused(verify_inclusion, leaf, index, size, proof, EMPTY_ROOT)
    assert _refused(verify_inclusion, root, index, size, proof, leaf) or size == 1


@pytest.mark.parametrize("size", range(1, 33))
def test_an_inclusion_proof_holds_for_its_index_only(size: int) -> None:
    root = BIG.root(size)
    for index in range(size):
        proof, leaf = BIG.inclusion_proof(index, size), BIG.leaf(index)
        for other in range(-1, size + 2):
            if other != index:
                assert _refused(verify_inclusion, leaf, other, size, proof, root), (index, other)


@pytest.mark.parametrize("size", range(1, 33))
def test_an_inclusion_proof_holds_for_its_own_tree_head_only(size: int) -> None:
    for index in range(size):
        proof, leaf = BIG.inclusion_proof(index, size), BIG.leaf(index)
        for other in [*range(2 * size + 2), size * 4]:
            if other != size:
                assert _refused(verify_inclusion, leaf, index, other, proof, BIG.root(other))


def test_a_size_is_bound_only_together_with_its_root() -> None:
    # spec §13.2: the path of leaf 0 in size 3 also passes for "size 4" with the root of size 3 —
    # no tree of size 4 has that root, which is why a size is always taken with its own root.
    proof = BIG.inclusion_proof(0, 3)
    verify_inclusion(BIG.leaf(0), 0, 4, proof, BIG.root(3))
    assert _refused(verify_inclusion, BIG.leaf(0), 0, 4, proof, BIG.root(4))


@given(SIZES, st.data())
def test_an_inclusion_proof_of_another_length_is_refused(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    proof, leaf, root = BIG.inclusion_proof(index, size), BIG.leaf(index), BIG.root(size)
    extra = data.draw(st.sampled_from([root, leaf, EMPTY_ROOT, bytes(32)]), label="extra")
    longer = [[*proof, extra], [extra, *proof], [*proof, *proof]]
    shorter = [proof[:-1], proof[1:]] if proof else []
    for wrong in [*longer, *shorter]:
        if len(wrong) == len(proof):
            continue
        expected = f"expected {len(proof)} hashes, found {len(wrong)}"
        with pytest.raises(InvalidMerkleProof, match=expected):
            verify_inclusion(leaf, index, size, wrong, root)


def _consistency_case(data: st.DataObject) -> tuple[int, int, list[bytes]]:
    new = data.draw(st.integers(2, EXHAUSTIVE), label="new size")
    old = data.draw(st.integers(1, new - 1), label="old size")
    return old, new, BIG.consistency_proof(old, new)


@given(st.data())
def test_any_changed_proof_hash_breaks_a_consistency_proof(data: st.DataObject) -> None:
    old, new, proof = _consistency_case(data)
    for position in range(len(proof)):
        bit = data.draw(st.integers(0, 7), label="bit")
        tampered = [*proof[:position], _flip(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(InvalidMerkleProof, match=r"leads to (old|new) root"):
            verify_consistency(old, new, BIG.root(old), BIG.root(new), tampered)


@given(st.data())
def test_a_changed_root_breaks_a_consistency_proof(data: st.DataObject) -> None:
    old, new, proof = _consistency_case(data)
    old_root, new_root = BIG.root(old), BIG.root(new)
    other = data.draw(st.binary(min_size=32, max_size=32), label="other root")
    for roots in [(other, new_root), (old_root, other), (new_root, old_root)]:
        if roots != (old_root, new_root):
            assert _refused(verify_consistency, old, new, *roots, proof)


@pytest.mark.parametrize("new", range(2, 33))
def test_a_consistency_proof_holds_for_its_own_tree_heads_only(new: int) -> None:
    for old in range(1, new):
        proof = BIG.consistency_proof(old, new)
        for other in range(2 * new + 2):
            if other != old:  # another old size, with or without its root
                for old_root in (BIG.root(old), BIG.root(other)):
                    assert _refused(verify_consistency, other, new, old_root, BIG.root(new), proof)
            if other != new:  # another new tree head
                assert _refused(
                    verify_consistency, old, other, BIG.root(old), BIG.root(other), proof
                ), (old, new, other)


@given(st.data())
def test_a_consistency_proof_of_another_length_is_refused(data: st.DataObject) -> None:
    old, new, proof = _consistency_case(data)
    old_root, new_root = BIG.root(old), BIG.root(new)
    extra = data.draw(st.sampled_from([old_root, new_root, proof[0], bytes(32)]), label="extra")
    for wrong in [[*proof, extra], [extra, *proof], proof[:-1], proof[1:], []]:
        expected = f"expected {len(proof)} hashes, found {len(wrong)}"
        with pytest.raises(InvalidMerkleProof, match=expected):
            verify_consistency(old, new, old_root, new_root, wrong)


# --- edge cases and refusals, as named tables ---------------------------------------------------------

R3, R5 = BIG.root(3), BIG.root(5)
L0 = BIG.leaf(0)

INCLUSION_REFUSALS = {
    "tree of size 0": (L0, 0, 0, [], EMPTY_ROOT, "not below the tree size"),
    "index equal to the size": (L0, 3, 3, BIG.inclusion_proof(2, 3), R3, "not below"),
    "negative index": (L0, -1, 3, [], R3, "leaf index -1 is not a non-negative integer"),
    "negative size": (L0, 0, -3, [], R3, "tree size -3 is not a non-negative integer"),
    "short leaf hash": (L0[:31], 0, 1, [], L0, "leaf hash: expected 32 bytes, found 31 bytes"),
    "long root": (L0, 0, 1, [], L0 + b"\x00", "root: expected 32 bytes, found 33 bytes"),
    "empty proof hash": (L0, 0, 2, [b""], R3, r"proof\[0\]: expected 32 bytes, found 0 bytes"),
    "proof hash not bytes": (
        L0,
        0,
        2,
        ["ab" * 16],
        R3,
        r"proof\[0\]: expected 32 bytes, found str",
    ),
    "size 1, leaf is not the root": (L0, 0, 1, [], BIG.leaf(1), "leads to root"),
    "size 1, a proof hash": (L0, 0, 1, [L0], L0, "expected 0 hashes, found 1"),
}


@pytest.mark.parametrize(
    ("leaf", "index", "size", "proof", "root", "message"),
    INCLUSION_REFUSALS.values(),
    ids=INCLUSION_REFUSALS.keys(),
)
def test_inclusion_refusals(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes, message: str
) -> None:
    with pytest.raises(InvalidMerkleProof, match=message) as error:
        verify_inclusion(leaf, index, size, proof, root)
    assert isinstance(error.value, EvoteError)
    assert "Merkle inclusion proof of leaf" in error.value.diagnostics()


def test_a_tree_of_one_leaf_has_its_leaf_for_root() -> None:
    verify_inclusion(L0, 0, 1, [], L0)
    assert BIG.root(1) == L0


CONSISTENCY_REFUSALS = {
    "from size 0 to size 0": (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], "with the empty tree"),
    "from size 0, empty proof": (0, 5, EMPTY_ROOT, R5, [], "with the empty tree"),
    "old size above new size": (5, 3, R5, R3, [], "old tree is larger"),
    "negative old size": (-1, 3, R3, R3, [], "old tree size -1 is not a non-negative integer"),
    "equal sizes, different roots": (3, 3, R3, R5, [], "equal sizes with different roots"),
    "equal sizes, a proof hash": (3, 3, R3, R3, [R3], "expected 0 hashes, found 1"),
    "empty proof": (3, 5, R3, R5, [], "expected 4 hashes, found 0"),
    "short old root": (3, 5, R3[:16], R5, [], "old root: expected 32 bytes, found 16 bytes"),
    "new root not bytes": (3, 5, R3, None, [], "new root: expected 32 bytes, found NoneType"),
}


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "message"),
    CONSISTENCY_REFUSALS.values(),
    ids=CONSISTENCY_REFUSALS.keys(),
)
def test_consistency_refusals(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], message: str
) -> None:
    with pytest.raises(InvalidMerkleProof, match=message):
        verify_consistency(old, new, old_root, new_root, proof)


def test_equal_sizes_need_equal_roots_and_no_proof() -> None:
    for size in range(1, 10):
        assert BIG.consistency_proof(size, size) == []
        verify_consistency(size, size, BIG.root(size), BIG.root(size), [])


TREE_REFUSALS: dict[str, Callable[[MerkleTree], object]] = {
    "append a short hash": lambda t: t.append(b"\x00" * 31),
    "append a str": lambda t: t.append("00" * 32),  # type: ignore[arg-type]
    "root beyond the leaves": lambda t: t.root(6),
    "root of a negative size": lambda t: t.root(-1),
    "leaf beyond the leaves": lambda t: t.leaf(5),
    "inclusion proof of index = size": lambda t: t.inclusion_proof(3, 3),
    "inclusion proof in the empty tree": lambda t: t.inclusion_proof(0, 0),
    "inclusion proof of a negative index": lambda t: t.inclusion_proof(-1),
    "inclusion proof beyond the leaves": lambda t: t.inclusion_proof(0, 6),
    "consistency from size 0": lambda t: t.consistency_proof(0),
    "consistency to a smaller size": lambda t: t.consistency_proof(4, 3),
    "consistency beyond the leaves": lambda t: t.consistency_proof(1, 6),
}


@pytest.mark.parametrize("call", TREE_REFUSALS.values(), ids=TREE_REFUSALS.keys())
def test_tree_refusals(call: Callable[[MerkleTree], object]) -> None:
    tree = _tree(5)
    with pytest.raises(ParameterError, match="Merkle"):
        call(tree)
    assert tree.size == 5
    assert tree.root() == _mth(DATA[:5])


@pytest.mark.parametrize(
    ("call", "args"),
    [(inclusion_proof_length, (3, 3)), (consistency_proof_length, (0, 4))],
)
def test_proof_lengths_are_defined_only_for_proofs_that_exist(
    call: Callable[..., int], args: tuple[int, int]
) -> None:
    with pytest.raises(ParameterError):
        call(*args)


# --- cost: O(log n) hashes once the subtrees are cached (spec §13.1) --------------------------------


def test_roots_and_proofs_cost_logarithmically_many_hashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0

    def counting(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return node_hash(left, right)

    monkeypatch.setattr(evote.hazmat.merkle, "node_hash", counting)
    tree = MerkleTree(leaf_hash(d) for d in DATA[:1000])
    assert calls == 1000 - (1000).bit_count()  # one per completed subtree
    for size in [*range(1, 70), 255, 256, 257, 511, 999, 1000]:
        expected = BIG.root(size)
        calls = 0
        assert tree.root(size) == expected
        assert calls == size.bit_count() - 1
        budget = max(0, size.bit_count() - 2)
        for index in {0, size // 3, size // 2, size - 1}:
            calls = 0
            tree.inclusion_proof(index, size)
            assert calls <= budget, (index, size)
        for old in {1, size // 3 or 1, size // 2 or 1, size - 1 or 1, size}:
            calls = 0
            tree.consistency_proof(old, size)
            assert calls <= budget, (old, size)
