"""The board (spec §13): storage, signed heads, receipts and consistency proofs."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from evote._internal.board.events import BallotCast, Entry, NoticePosted
from evote._internal.board.heads import (
    ConsistencyProof,
    verify_consistency_proof,
    verify_head,
    verify_receipt,
)
from evote._internal.election.convener import post_notice
from evote._internal.encoding import Bytes32
from evote._internal.host.board import Board
from evote._internal.host.storage import MemoryStorage, SqliteStorage
from evote._internal.ids import ElectionId
from evote._internal.record import RecordError, write_record
from evote.cli.demo import ELECTION as DEMO
from evote.cli.demo import board_key, simulate
from evote.errors import (
    Check,
    EvoteError,
    InvalidMerkleProof,
    InvalidSignature,
    ParameterError,
    VerificationFailed,
)
from evote.hazmat.signing import SigningKey

ELECTION = ElectionId("board-test")
KEY = SigningKey(bytes(range(32)))
MANIFEST_HASH = Bytes32(bytes(32))  # the board stores notices without checking them


def _notice(i: int) -> NoticePosted:
    return NoticePosted(notice=post_notice(ELECTION, MANIFEST_HASH, f"notice {i}", "公示", i, KEY))


def _filled(storage: MemoryStorage | SqliteStorage, count: int) -> Board:
    board = Board(ELECTION, storage, KEY)
    for i in range(count):
        board.append(_notice(i), at=i)
    return board


def test_a_sqlite_board_survives_the_process(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "board.sqlite")
    board = _filled(storage, 7)
    head = board.sign_head(at=100)
    storage.close()
    reopened = Board(ELECTION, SqliteStorage(tmp_path / "board.sqlite"), KEY)
    assert len(reopened) == 7
    assert reopened.heads() == [head]
    assert [e.event for e in reopened.entries()] == [_notice(i) for i in range(7)]
    reopened.append(_notice(7), at=101)
    assert reopened.sign_head(at=102).head.size == 8


@pytest.mark.parametrize("count", [1, 2, 3, 8, 13])
def test_memory_and_sqlite_boards_agree(tmp_path: Path, count: int) -> None:
    memory = _filled(MemoryStorage(), count)
    sqlite = _filled(SqliteStorage(tmp_path / "b.sqlite"), count)
    assert memory.sign_head(at=50).head == sqlite.sign_head(at=50).head
    assert list(memory.raw_entries()) == list(sqlite.raw_entries())


def test_heads_are_signed_by_the_board_key_only() -> None:
    board = _filled(MemoryStorage(), 3)
    head = board.sign_head(at=9)
    verify_head(head, KEY.verify_key)
    with pytest.raises(InvalidSignature, match="tree head of size 3"):
        verify_head(head, SigningKey(bytes(32)).verify_key)
    with pytest.raises(EvoteError, match="no signing key"):
        Board(ELECTION, MemoryStorage()).sign_head(at=1)


def test_receipts_prove_a_ballot_is_under_a_signed_head() -> None:
    board = Board(DEMO, MemoryStorage(), board_key(4))
    simulate(6, 4, board)
    head = board.sign_head(at=2_000_000_000)
    ballots = [e for e in board.entries() if isinstance(e.event, BallotCast)]
    key = board_key(4).verify_key
    for entry in ballots:
        verify_receipt(board.receipt(entry, head), key)
    receipt = board.receipt(ballots[0], head)
    other = ballots[1]
    with pytest.raises(VerificationFailed, match=r"not entry|another ballot|is entry") as failed:
        verify_receipt(msgspec.structs.replace(receipt, entry=other), key)
    assert failed.value.check is Check.BOARD
    with pytest.raises(VerificationFailed, match="Merkle inclusion proof") as failed:
        verify_receipt(
            msgspec.structs.replace(
                receipt, entry=other, index=other.index, tracking_code=receipt_code(other)
            ),
            key,
        )
    with pytest.raises(ParameterError, match="not a cast ballot"):
        board.receipt(next(board.entries()), head)


def receipt_code(entry: Entry) -> Bytes32:
    assert isinstance(entry.event, BallotCast)
    return entry.event.ballot.tracking_code()


def test_consistency_between_heads() -> None:
    board = _filled(MemoryStorage(), 5)
    old = board.sign_head(at=10)
    for i in range(5, 12):
        board.append(_notice(i), at=i + 10)
    new = board.sign_head(at=30)
    proof = board.consistency(old, new)
    verify_consistency_proof(proof, KEY.verify_key)
    backwards = ConsistencyProof(old=new, new=old, proof=proof.proof)
    with pytest.raises(VerificationFailed, match="signed before the smaller"):
        verify_consistency_proof(backwards, KEY.verify_key)
    # A board that rewrote its history cannot prove the new head extends the old one.
    forked = _filled(MemoryStorage(), 4)
    forked.append(
        NoticePosted(notice=post_notice(ELECTION, MANIFEST_HASH, "rewritten", "", 0, KEY)), at=4
    )
    for i in range(5, 12):
        forked.append(_notice(i), at=i + 10)
    fork_head = forked.sign_head(at=30)
    with pytest.raises(VerificationFailed, match="Merkle consistency proof") as failed:
        verify_consistency_proof(
            ConsistencyProof(
                old=old, new=fork_head, proof=forked.consistency(old, fork_head).proof
            ),
            KEY.verify_key,
        )
    assert failed.value.check is Check.BOARD
    assert isinstance(failed.value.__cause__, InvalidMerkleProof)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (b"{not json", "an entry that cannot be read"),
        (b"[" * 100_000 + b"]" * 100_000, "an entry that cannot be read"),
        (b'{"index":0,"at":0,"event":{"type":"vote"}}', "an entry of unknown type 'vote'"),
    ],
    ids=["malformed", "deeply nested", "unknown type"],
)
def test_a_record_is_not_written_from_unreadable_entries(
    tmp_path: Path, entry: bytes, message: str
) -> None:
    board = _filled(MemoryStorage(), 2)
    head = board.sign_head(at=2)
    with pytest.raises(RecordError, match=message):
        write_record(tmp_path / "record", ELECTION, [*board.raw_entries(), entry], [head])
    assert not (tmp_path / "record").exists()
    assert list(tmp_path.iterdir()) == []
