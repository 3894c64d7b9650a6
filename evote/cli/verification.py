"""The verifier's commands: ``evote verify``, ``verify-receipt`` and ``verify-consistency``."""

from __future__ import annotations

import json
from pathlib import Path

from evote.board import (
    ConsistencyProof,
    InclusionReceipt,
    SignedTreeHead,
    verify_consistency_proof,
    verify_receipt,
)
from evote.encoding import decode
from evote.errors import EvoteError
from evote.events import BallotCast, Entry, ManifestPublished
from evote.hazmat.signing import VerifyKey
from evote.merkle import MerkleTree, leaf_hash, verify_consistency
from evote.record import RecordReader
from evote.verify import verify_record

__all__ = ["verify", "verify_consistency_command", "verify_receipt_command"]


def verify(record: Path, *, as_json: bool, jobs: int, progress: bool) -> int:
    """Verify a record; print the report; 0 when valid, 1 otherwise."""
    if progress:
        from rich.progress import Progress  # noqa: PLC0415 -- only on a terminal

        size = RecordReader(record).index.size
        with Progress(transient=True) as bar:
            task = bar.add_task("verifying", total=size)
            report = verify_record(record, jobs=jobs, progress=lambda n: bar.advance(task, n))
    else:
        report = verify_record(record, jobs=jobs)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.render(), end="")
    return 0 if report.valid else 1


def _read(path: Path, kind: type[object]) -> object:
    return decode(Path(path).read_bytes(), kind)


def _key(text: str | None) -> VerifyKey:
    if text is None:
        raise EvoteError("the board's key is needed: give --key, or --record")
    return decode(json.dumps(text), VerifyKey)


def verify_receipt_command(
    receipt_path: Path,
    record: Path | None,
    head_path: Path | None,
    proof_path: Path | None,
    key_text: str | None,
) -> int:
    """Check a receipt against a record, or against a later head with a consistency proof."""
    receipt = decode(Path(receipt_path).read_bytes(), InclusionReceipt)
    if record is not None:
        return _receipt_in_record(receipt, record)
    if head_path is None or proof_path is None:
        raise EvoteError("without --record, give --head and --proof")
    key = _key(key_text)
    verify_receipt(receipt, key)
    later = decode(Path(head_path).read_bytes(), SignedTreeHead)
    proof = decode(Path(proof_path).read_bytes(), ConsistencyProof)
    if proof.old != receipt.head or proof.new != later:
        raise EvoteError("the consistency proof is not between the receipt's head and --head")
    verify_consistency_proof(proof, key)
    print(
        f"receipt {receipt.tracking_code.hex()[:16]}…: entry {receipt.index} is under the head of "
        f"size {receipt.head.head.size}, which the head of size {later.head.size} extends"
    )
    return 0


def _receipt_in_record(receipt: InclusionReceipt, record: Path) -> int:
    reader = RecordReader(record)
    manifest = None
    tree = MerkleTree()
    entry_line: bytes | None = None
    for index, _, line in reader.entries():
        tree.append(leaf_hash(line))
        if index == 0:
            event = decode(line, Entry).event
            manifest = event.manifest if isinstance(event, ManifestPublished) else None
        if index == receipt.index:
            entry_line = line
    if manifest is None:
        raise EvoteError(f"{record}: no manifest, so no board key")
    verify_receipt(receipt, manifest.board_key)
    if entry_line is None or leaf_hash(entry_line) != bytes(receipt.leaf):
        raise EvoteError(f"entry {receipt.index} of the record is not the receipt's entry")
    event = decode(entry_line, Entry).event
    if not isinstance(event, BallotCast) or event.ballot.tracking_code() != receipt.tracking_code:
        raise EvoteError(f"entry {receipt.index} is not the ballot with this tracking code")
    size = receipt.head.head.size
    verify_consistency(
        size,
        tree.size,
        bytes(receipt.head.head.root),
        tree.root(),
        tree.consistency_proof(size, tree.size),
    )
    final = reader.index.head.head
    if final.size != tree.size or bytes(final.root) != tree.root():
        raise EvoteError("the record's entries do not match its final signed head")
    print(
        f"receipt {receipt.tracking_code.hex()[:16]}…: the ballot is entry {receipt.index} of the "
        f"record, under the receipt's signed head (size {size}), which the record's final head "
        f"(size {tree.size}) extends"
    )
    return 0


def verify_consistency_command(proof_path: Path, key_text: str) -> int:
    proof = decode(Path(proof_path).read_bytes(), ConsistencyProof)
    verify_consistency_proof(proof, _key(key_text))
    print(
        f"the head of size {proof.new.head.size} extends the head of size {proof.old.head.size}: "
        "both signed by the board, nothing published was changed or removed"
    )
    return 0
