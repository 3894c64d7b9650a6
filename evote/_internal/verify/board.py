"""What every board's record must satisfy: entries in their places, and the signed heads (§15.1–2).

An election's record and a community's (spec §16.1) are both boards: entries merged by index,
a Merkle tree over them, heads signed by the board's key. The verifiers of both use these.
"""

from __future__ import annotations

from collections.abc import Sequence

from evote._internal.board.heads import (
    InclusionReceipt,
    SignedTreeHead,
    verify_head,
    verify_receipt,
)
from evote._internal.encoding import decode
from evote._internal.messages import Message, Text
from evote._internal.record import HEADS_FILE, RecordLine, RecordReader
from evote._internal.verify.report import HeadSummary, Report
from evote.errors import Check, EvoteError, InvalidSignature, VerificationFailed
from evote.hazmat.merkle import MerkleTree
from evote.hazmat.signing import VerifyKey

__all__ = ["UNDECODABLE", "Places", "check_heads", "index_problem"]

UNDECODABLE = Text(
    "undecodable", "a line of {file} does not decode: {detail}", "{file} 中有一行无法解码：{detail}"
)
_NO_INDEX = Text("no-index", "a line of {file} has no readable index", "{file} 中有一行读不出序号")
_REPEATED = Text(
    "repeated", "entry {entry} appears again, or out of order, in {file}",
    "第 {entry} 条在 {file} 中重复或顺序错乱",
)  # fmt: skip
_MISSING = Text(
    "missing", "entry {missing} missing (found entry {entry} in {file})",
    "缺少第 {missing} 条（在 {file} 中发现第 {entry} 条）",
)  # fmt: skip
_HEAD_PROBLEM = Text(
    "head",
    "the head{origin} of size {size} at {at}: {problem}",
    "{origin}大小为 {size}、时间为 {at} 的树头：{problem}",
)
_HEADS_PROBLEM = Text(
    "heads",
    "{count} heads{origin}, of sizes {first} to {last}, as the first: {problem}",
    "{count} 个{origin}树头（大小 {first} 至 {last}），与第一个相同：{problem}",
)
_KEPT_OUTSIDE = Text("kept-outside", " kept outside", "外部保存的")
_NOWHERE = Text("published", "", "")
_RECEIPT = Text(
    "receipt", "the receipt of entry {entry}: {detail}", "第 {entry} 条的回执：{detail}"
)
_FINAL_SIZE = Text(
    "final-size", "the final head covers {size} of {entries} entries",
    "最终树头只覆盖 {entries} 条中的 {size} 条",
)  # fmt: skip
_FINAL_NOT_LAST = Text(
    "final-not-last", "the final head of record.json is not the last of heads.jsonl",
    "record.json 的最终树头不是 heads.jsonl 的最后一个",
)  # fmt: skip
_HEADS_SHRINK = Text(
    "heads-shrink",
    "the heads of heads.jsonl do not grow in size",
    "heads.jsonl 中的树头大小没有递增",
)
_HEADS_BACK = Text(
    "heads-back", "the heads of heads.jsonl go back in time", "heads.jsonl 中的树头时间倒退"
)
_NOT_BOARD_SIGNED = Text(
    "head-signature",
    "not signed by the board's key",
    "不是由公告板公钥签名",
)
_HEAD_ELECTION = Text("head-election", "for election {election!r}", "属于选举 {election!r}")
_HEAD_SIZE = Text(
    "head-size",
    "not a size of the {entries} entries of the record",
    "不是记录中 {entries} 条的有效大小",
)
_HEAD_EARLY = Text(
    "head-early",
    "signed before the time of its last entry, {at}",
    "签名时间早于其最后一条的时间 {at}",
)
_HEAD_ROOT = Text(
    "head-root", "its root is not the root of the first {size} entries", "其根不是前 {size} 条的根"
)


class Places:
    """The index each line should have, and the findings when it has another (spec §15.1)."""

    def __init__(self) -> None:
        self.expected = 0  # the next index, after the last line whose index could be read
        self.unplaced = 0  # lines since then whose index cannot be read: they hold the next places

    @property
    def count(self) -> int:
        return self.expected + self.unplaced

    def take(self, report: Report, line: RecordLine) -> int:
        """The place of ``line``; reports an index out of place.

        A line whose index cannot be read does not decode, which is its one finding here: it holds
        the next free place, and a readable index up to the places so held is in order.
        """
        if line.kind is None:
            self.unplaced += 1
            return self.count - 1
        if not self.expected <= line.index <= self.count:
            report.fail(Check.FORMAT, index_problem(line.index, self.expected, line.file))
        self.expected, self.unplaced = max(self.expected, line.index) + 1, 0
        return line.index


def index_problem(index: int, expected: int, name: str) -> Message:
    if index < 0:
        return Message(_NO_INDEX, {"file": name})
    if index < expected:
        return Message(_REPEATED, {"entry": index, "file": name})
    missing = f"{expected}" if index == expected + 1 else f"{expected}…{index - 1}"
    return Message(_MISSING, {"missing": missing, "entry": index, "file": name})


def check_heads(
    report: Report,
    reader: RecordReader,
    board: str,
    key: VerifyKey,
    tree: MerkleTree,
    kept: Sequence[SignedTreeHead | InclusionReceipt],
    times: Sequence[int | None],
) -> None:
    """The Merkle root against every signed head: published, final, and kept outside (§15.2).

    ``board`` is the id the heads must name, ``key`` the key that signs them.
    """
    final = reader.index.head
    heads: list[SignedTreeHead] = []
    for line in reader.heads():
        try:
            heads.append(decode(line, SignedTreeHead))
        except EvoteError as error:
            report.fail(Check.FORMAT, UNDECODABLE, file=HEADS_FILE, detail=str(error))
    outside = [k.head if isinstance(k, InclusionReceipt) else k for k in kept]
    published = heads if heads and heads[-1] == final else [*heads, final]  # each head once
    _check_heads(report, published, outside, board, key, tree, times)
    for receipt in (k for k in kept if isinstance(k, InclusionReceipt)):
        try:  # its head was checked above; here, that its ballot is under it
            verify_receipt(receipt, key)
        except VerificationFailed as failure:
            report.fail(Check.BOARD, _RECEIPT, entry=receipt.index, detail=failure.message)
    if final.head.size != tree.size:
        report.fail(Check.BOARD, _FINAL_SIZE, size=final.head.size, entries=tree.size)
    if not heads or heads[-1] != final:
        report.fail(Check.BOARD, _FINAL_NOT_LAST)
    sizes = [h.head.size for h in heads]
    if sizes != sorted(sizes):
        report.fail(Check.BOARD, _HEADS_SHRINK)
    moments = [h.head.at for h in heads]
    if moments != sorted(moments):
        report.fail(Check.BOARD, _HEADS_BACK)
    report.summary.final_head = HeadSummary(
        size=final.head.size, root=final.head.root.hex(), at=final.head.at
    )


def _check_heads(
    report: Report,
    published: Sequence[SignedTreeHead],
    outside: Sequence[SignedTreeHead],
    board: str,
    key: VerifyKey,
    tree: MerkleTree,
    times: Sequence[int | None],
) -> None:
    """Each head's signature, size, time and root (spec §15.2)."""
    # Heads failing alike (every head after one altered entry) are one finding (spec §15.2).
    failing: dict[tuple[Text, str], list[tuple[SignedTreeHead, Message]]] = {}
    for head, origin in [
        *((h, _NOWHERE) for h in published),
        *((h, _KEPT_OUTSIDE) for h in outside),
    ]:
        report.checks[Check.BOARD].checked += 1
        problem = _head_problem(head, board, key, tree, times)
        if problem is not None:
            failing.setdefault((origin, problem.text.key), []).append((head, problem))
    for (origin, _), alike in failing.items():
        (first, problem), (last, _) = alike[0], alike[-1]
        if len(alike) == 1:
            report.fail(Check.BOARD, _HEAD_PROBLEM, origin=origin, size=first.head.size,
                        at=first.head.at, problem=problem)  # fmt: skip
        else:
            report.fail(Check.BOARD, _HEADS_PROBLEM, origin=origin, count=len(alike),
                        first=first.head.size, last=last.head.size, problem=problem)  # fmt: skip


def _head_problem(
    head: SignedTreeHead,
    board: str,
    key: VerifyKey,
    tree: MerkleTree,
    times: Sequence[int | None],
) -> Message | None:
    """What is wrong with one signed head of this record, if anything (spec §15.2)."""
    try:
        verify_head(head, key)
    except InvalidSignature:
        return Message(_NOT_BOARD_SIGNED)
    if head.head.election != board:
        return Message(_HEAD_ELECTION, {"election": head.head.election})
    size = head.head.size
    if not 0 <= size <= tree.size:
        return Message(_HEAD_SIZE, {"entries": tree.size})
    last = times[size - 1] if size else None
    if last is not None and head.head.at < last:
        return Message(_HEAD_EARLY, {"at": last})
    if bytes(head.head.root) != tree.root(size):
        return Message(_HEAD_ROOT, {"size": size})
    return None
