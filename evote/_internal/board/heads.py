"""What the board signs and proves: tree heads, receipts and consistency proofs (spec §13.4, §13.5).

A signed tree head says that the board of an election held ``size`` entries with this Merkle root at
a moment; the board's Ed25519 key, named in the manifest, signs it. A voter's receipt proves that
their ballot is a leaf under a signed head; a consistency proof between two heads proves that the
later tree extends the earlier one. Everything here is checked from public data alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import msgspec

from evote._internal.board.events import BallotCast, Entry
from evote._internal.encoding import Bytes32, Struct, encode
from evote._internal.ids import ElectionId
from evote.errors import Check, InvalidInput, VerificationFailed
from evote.hazmat.merkle import leaf_hash, verify_consistency, verify_inclusion
from evote.hazmat.signing import Signature, VerifyKey, verify_signature
from evote.hazmat.transcript import Domain

__all__ = [
    "ConsistencyProof",
    "InclusionReceipt",
    "SignedTreeHead",
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
    """Check a receipt on its own: its ballot, at its index, under a head the board signed (§13.5).

    Raises :class:`~evote.errors.VerificationFailed` (check 15.2) saying what does not hold.
    """
    with _failing("the receipt"):
        verify_head(receipt.head, key)
        entry = receipt.entry
        if entry.index != receipt.index:
            raise VerificationFailed(
                f"the receipt's entry is entry {entry.index}, not {receipt.index}"
            )
        if not isinstance(entry.event, BallotCast):
            raise VerificationFailed("the receipt's entry is not a cast ballot")
        if entry.event.ballot.tracking_code() != receipt.tracking_code:
            raise VerificationFailed(
                "the receipt's entry is another ballot than its tracking code says"
            )
        verify_inclusion(
            leaf_hash(encode(entry)),
            receipt.index,
            receipt.head.head.size,
            [bytes(p) for p in receipt.proof],
            bytes(receipt.head.head.root),
        )


def verify_consistency_proof(proof: ConsistencyProof, key: VerifyKey) -> None:
    """Check both heads' signatures and that the newer tree extends the older (spec §13.5).

    Raises :class:`~evote.errors.VerificationFailed` (check 15.2) saying what does not hold.
    """
    with _failing("the consistency proof"):
        verify_head(proof.old, key)
        verify_head(proof.new, key)
        if proof.old.head.election != proof.new.head.election:
            raise VerificationFailed("the two heads are of different elections")
        if proof.new.head.at < proof.old.head.at:
            raise VerificationFailed("the larger head was signed before the smaller one")
        verify_consistency(
            proof.old.head.size,
            proof.new.head.size,
            bytes(proof.old.head.root),
            bytes(proof.new.head.root),
            [bytes(p) for p in proof.proof],
        )


@contextlib.contextmanager
def _failing(what: str) -> Iterator[None]:
    """Bad signatures and proofs inside, and failures without a check, fail check 15.2."""
    try:
        yield
    except VerificationFailed as failure:
        raise VerificationFailed(failure.message, check=failure.check or Check.BOARD) from None
    except InvalidInput as error:
        raise VerificationFailed(f"{what}: {error.message}", check=Check.BOARD) from error
