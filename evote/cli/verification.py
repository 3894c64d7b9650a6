"""The verifier's commands: ``evote verify``, ``verify-receipt`` and ``verify-consistency``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from evote import (
    Bytes32,
    CommunityVerdict,
    ConsistencyProof,
    InclusionReceipt,
    Language,
    Report,
    SignedTreeHead,
    VerifyKey,
    decode,
    verify_community_record,
    verify_consistency_proof,
    verify_receipt,
    verify_receipt_in_record,
    verify_record,
)
from evote.cli.invocation import evote_command
from evote.errors import InvalidInput, UsageError

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
    charter_hash: str | None = None,
    language: Language = Language.EN,
) -> int:
    """Verify a record — an election's, or a community's with its elections' (spec §16.8);
    print the report; 0 when valid, 1 otherwise.
    """  # noqa: D205
    if not Path(record).is_dir():
        raise UsageError(f"no record directory at {record}")
    anchors = [_anchor(path) for path in heads]
    key = None if board_key is None else _key(board_key)
    manifest = None if manifest_hash is None else _hash(manifest_hash)
    charter = None if charter_hash is None else _hash(charter_hash)
    community = _format(record) == COMMUNITY_FORMAT
    if community and manifest is not None:
        raise UsageError("--manifest-hash is for an election's record; this is a community's")
    if not community and charter is not None:
        raise UsageError("--charter-hash is for a community's record; this is an election's")

    def run(progress: Callable[[int], None] | None = None) -> Report | CommunityVerdict:
        if community:
            return verify_community_record(
                record, jobs=jobs, progress=progress, heads=anchors, board_key=key,
                charter_hash=charter,
            )  # fmt: skip
        return verify_record(
            record,
            jobs=jobs,
            progress=progress,
            heads=anchors,
            board_key=key,
            manifest_hash=manifest,
        )

    size = _size(record) if progress else None
    if size is not None and community:
        elections = Path(record) / "elections"
        for path in sorted(elections.iterdir()) if elections.is_dir() else []:
            size += _size(path) or 0
    if size is None:
        report = run()
    else:
        from rich.progress import Progress  # noqa: PLC0415 -- only on a terminal

        with Progress(transient=True) as bar:
            task = bar.add_task("verifying", total=size)
            report = run(lambda n: bar.advance(task, n))
    if as_json:
        print(report.to_json_text(language))
    else:
        print(report.render(language, command=evote_command()), end="")
    return 0 if report.valid else 1


COMMUNITY_FORMAT = "evote-community-record"


def _format(record: Path) -> object:
    """The ``format`` that ``record.json`` names; None if it cannot be read (the report says)."""
    try:
        index = json.loads((Path(record) / "record.json").read_bytes())
    except (OSError, ValueError):
        return None
    return index.get("format") if isinstance(index, dict) else None


def _size(record: Path) -> int | None:
    """The number of entries ``record.json`` announces, for the progress bar; None if unreadable."""
    try:
        index = json.loads((Path(record) / "record.json").read_bytes())
    except (OSError, ValueError):
        return None  # the report will say what is wrong with the record
    size = index.get("size") if isinstance(index, dict) else None
    return size if isinstance(size, int) and size >= 0 else None


def _anchor(path: Path) -> SignedTreeHead | InclusionReceipt:
    """A signed head, or a receipt, from a file holding one."""
    raw = Path(path).read_bytes()
    try:
        return decode(raw, SignedTreeHead)
    except InvalidInput:
        return decode(raw, InclusionReceipt)


def _hash(text: str) -> bytes:
    return bytes(Bytes32.from_hex(text))


def _key(text: str | None) -> VerifyKey:
    if text is None:
        raise UsageError("the board's key is needed: give --key, or --record")
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
            raise UsageError("with --record, the key comes from the record: no --key or --proof")
        return _receipt_in_record(receipt, record)
    if head_path is None or proof_path is None:
        raise UsageError("without --record, give --head and --proof")
    key = _key(key_text)
    verify_receipt(receipt, key)
    later = decode(Path(head_path).read_bytes(), SignedTreeHead)
    proof = decode(Path(proof_path).read_bytes(), ConsistencyProof)
    if proof.old != receipt.head or proof.new != later:
        raise UsageError("the consistency proof is not between the receipt's head and --head")
    verify_consistency_proof(proof, key)
    print(
        f"receipt {receipt.tracking_code.hex()[:16]}…: entry {receipt.index} is under the head of "
        f"size {receipt.head.head.size}, which the head of size {later.head.size} extends"
    )
    return 0


def _receipt_in_record(receipt: InclusionReceipt, record: Path) -> int:
    found = verify_receipt_in_record(receipt, record)
    print(
        f"receipt {receipt.tracking_code.hex()[:16]}…: the ballot is entry {found.index} of the "
        f"record, under the receipt's signed head (size {found.receipt_size}), which the record's "
        f"final head (size {found.record_size}), signed by the board key of the manifest, extends"
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
