"""A voter's receipt against a whole record: their ballot is there, under heads that agree (§13.5).

:func:`~evote._internal.board.heads.verify_receipt` checks a receipt on its own; here the record
is the other party: the receipt's ballot must be the record's entry at its index, and the record's
final head — signed by the board key its manifest names — must extend the receipt's head.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evote._internal.board.events import Entry, ManifestPublished
from evote._internal.board.heads import InclusionReceipt, verify_head, verify_receipt
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import decode, encode
from evote._internal.record import RecordReader
from evote.errors import Check, InvalidInput, VerificationFailed
from evote.hazmat.merkle import MerkleTree, leaf_hash, verify_consistency

__all__ = ["ReceiptInRecord", "verify_receipt_in_record"]


@dataclass(frozen=True)
class ReceiptInRecord:
    """A receipt found good against a record: the ballot is ``index`` under both heads."""

    index: int
    receipt_size: int  # the size of the receipt's head
    record_size: int  # the size of the record's final head, which extends it


def verify_receipt_in_record(receipt: InclusionReceipt, record: Path) -> ReceiptInRecord:
    """Check ``receipt`` against the record in ``record`` (spec §13.5, §15.2).

    Raises :class:`~evote.errors.VerificationFailed` (check 15.2) naming what does not hold, and
    :class:`~evote.errors.RecordError` if the record cannot be read at all.
    """
    reader = RecordReader(record)
    problems = reader.check_files()
    if problems:
        said = "; ".join(problem.render() for problem in problems)
        raise VerificationFailed(f"{record}: {said}", check=Check.FORMAT)
    manifest: Manifest | None = None
    tree = MerkleTree()
    for line in reader.entries():
        if line.index != tree.size:
            raise VerificationFailed(
                f"{record}: entry {tree.size} is missing or out of place", check=Check.FORMAT
            )
        tree.append(leaf_hash(line.data))
        if line.index == 0:
            try:
                event = decode(line.data, Entry).event
            except InvalidInput as error:
                raise VerificationFailed(
                    f"{record}: entry 0: {error}", check=Check.FORMAT
                ) from None
            manifest = event.manifest if isinstance(event, ManifestPublished) else None
    if manifest is None:
        raise VerificationFailed(f"{record}: no manifest, so no board key", check=Check.SETUP)
    verify_receipt(receipt, manifest.board_key)
    final = reader.index.head
    try:
        verify_head(final, manifest.board_key)
        if (
            final.head.election != manifest.election
            or receipt.head.head.election != manifest.election
        ):
            raise VerificationFailed(
                f"{record}: the heads are not of election {manifest.election!r}"
            )
        if final.head.size != tree.size or bytes(final.head.root) != tree.root():
            raise VerificationFailed(f"{record}: its entries do not match its final signed head")
        if not 0 <= receipt.index < tree.size or tree.leaf(receipt.index) != leaf_hash(
            encode(receipt.entry)
        ):
            raise VerificationFailed(
                f"entry {receipt.index} of the record is not the receipt's ballot"
            )
        if receipt.head.head.at > final.head.at:
            raise VerificationFailed("the receipt's head is later than the record's final head")
        size = receipt.head.head.size
        verify_consistency(
            size,
            tree.size,
            bytes(receipt.head.head.root),
            tree.root(),
            tree.consistency_proof(size),
        )
    except InvalidInput as error:
        raise VerificationFailed(f"{record}: {error.message}", check=Check.BOARD) from error
    except VerificationFailed as failure:
        raise VerificationFailed(failure.message, check=Check.BOARD) from None
    return ReceiptInRecord(index=receipt.index, receipt_size=size, record_size=tree.size)
