"""The verifier's commands: ``evote verify``, ``verify-receipt`` and ``verify-consistency``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from evote._internal.board.events import Entry, ManifestPublished
from evote._internal.board.heads import (
    ConsistencyProof,
    InclusionReceipt,
    SignedTreeHead,
    verify_consistency_proof,
    verify_head,
    verify_receipt,
)
from evote._internal.election.manifest import Manifest
from evote._internal.encoding import Bytes32, decode, encode
from evote._internal.record import RecordError, RecordReader
from evote._internal.verify import Report, verify_record
from evote.errors import EvoteError
from evote.hazmat.merkle import MerkleTree, leaf_hash, verify_consistency
from evote.hazmat.signing import VerifyKey

__all__ = ["verify", "verify_consistency_command", "verify_receipt_command"]


def verify(
    record: Path,
    *,
    as_json: bool,
    jobs: int,
    progress: bool,
    heads: Sequence[Path] = (),
    board_key: str | None = None,
    manifest_hash: str | None = None,
) -> int:
    """Verify a record; print the report; 0 when valid, 1 otherwise."""
    anchors = [_anchor(path) for path in heads]
    key = None if board_key is None else _key(board_key)
    manifest = None if manifest_hash is None else _hash(manifest_hash)

    def run(progress: Callable[[int], None] | None = None) -> Report:
        return verify_record(
            record,
            jobs=jobs,
            progress=progress,
            heads=anchors,
            expect_board_key=key,
            expect_manifest=manifest,
        )

    try:
        size = RecordReader(record).index.size if progress else None
    except RecordError:
        size = None  # the report will say what is wrong with the record
    if size is None:
        report = run()
    else:
        from rich.progress import Progress  # noqa: PLC0415 -- only on a terminal

        with Progress(transient=True) as bar:
            task = bar.add_task("verifying", total=size)
            report = run(lambda n: bar.advance(task, n))
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.render(), end="")
    return 0 if report.valid else 1


def _anchor(path: Path) -> SignedTreeHead | InclusionReceipt:
    """A signed head, or a receipt, from a file holding one."""
    raw = Path(path).read_bytes()
    try:
        return decode(raw, SignedTreeHead)
    except EvoteError:
        return decode(raw, InclusionReceipt)


def _hash(text: str) -> bytes:
    return bytes(Bytes32.from_hex(text))


def _key(text: str | None) -> VerifyKey:
    if text is None:
        raise EvoteError("the board's key is needed: give --key, or --record")
    return VerifyKey.from_hex(text)


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
        if proof_path is not None or key_text is not None:
            raise EvoteError("with --record, the key comes from the record: no --key or --proof")
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
    """The receipt on its own, then against the record: its entry there, its head extended by the
    record's final head, which the manifest's board key signed.
    """  # noqa: D205
    reader = RecordReader(record)
    problems = reader.check_files()
    if problems:
        raise EvoteError(f"{record}: {'; '.join(problems)}")
    manifest: Manifest | None = None
    tree = MerkleTree()
    for line in reader.entries():
        if line.index != tree.size:
            raise EvoteError(f"{record}: entry {tree.size} is missing or out of place")
        tree.append(leaf_hash(line.data))
        if line.index == 0:
            event = decode(line.data, Entry).event
            manifest = event.manifest if isinstance(event, ManifestPublished) else None
    if manifest is None:
        raise EvoteError(f"{record}: no manifest, so no board key")
    verify_receipt(receipt, manifest.board_key)
    final = reader.index.head
    verify_head(final, manifest.board_key)
    if final.head.election != manifest.election or receipt.head.head.election != manifest.election:
        raise EvoteError(f"{record}: the heads are not of election {manifest.election!r}")
    if final.head.size != tree.size or bytes(final.head.root) != tree.root():
        raise EvoteError(f"{record}: its entries do not match its final signed head")
    if not 0 <= receipt.index < tree.size or tree.leaf(receipt.index) != leaf_hash(
        encode(receipt.entry)
    ):
        raise EvoteError(f"entry {receipt.index} of the record is not the receipt's ballot")
    size = receipt.head.head.size
    if receipt.head.head.at > final.head.at:
        raise EvoteError("the receipt's head is later than the record's final head")
    verify_consistency(
        size, tree.size, bytes(receipt.head.head.root), tree.root(), tree.consistency_proof(size)
    )
    print(
        f"receipt {receipt.tracking_code.hex()[:16]}…: the ballot is entry {receipt.index} of the "
        f"record, under the receipt's signed head (size {size}), which the record's final head "
        f"(size {tree.size}), signed by the board key of the manifest, extends"
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
