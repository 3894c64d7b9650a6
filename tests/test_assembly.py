"""Running an election onto the board (spec §14.2): refusals publish nothing; a board resumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from evote._internal.board.heads import verify_receipt
from evote._internal.election.ballots import prepare_ballot
from evote._internal.election.manifest import Manifest, Motion, Window
from evote._internal.election.rules import ORDINARY
from evote._internal.host.assembly import Assembly
from evote._internal.host.board import Board
from evote._internal.host.storage import MemoryStorage, SqliteStorage
from evote._internal.ids import PersonId, QuestionId, UnitId
from evote._internal.proceedings import Check, EntryRefused
from evote._internal.registry.credentials import bind, issue_code, new_activation_code
from evote._internal.registry.roll import Person, PersonKind, Roll, Unit
from evote._internal.trustees.trustee import CeremonyTrustee
from evote.cli.demo import ELECTION, board_key, simulate
from evote.errors import EvoteError
from evote.hazmat.signing import SigningKey

KEY = SigningKey(bytes(range(7, 39)))
CONVENER = SigningKey(bytes(range(3, 35)))
A = PersonId("A")


def _assembly() -> Assembly:
    assembly = Assembly(Board(ELECTION, MemoryStorage(), KEY))
    manifest = Manifest(
        election=ELECTION, title="t", convener="c", convener_key=CONVENER.verify_key,
        board_key=KEY.verify_key, window=Window(opens=100, closes=200), trustees=1, threshold=1,
        questions=(Motion(id=QuestionId("m"), title="m", rule=ORDINARY),),
    )  # fmt: skip
    roll = Roll(
        election=ELECTION,
        units=(Unit(id=UnitId("U1"), building="1栋", area=9000),),
        persons=(Person(id=A, kind=PersonKind.OWNER, units=(UnitId("U1"),)),),
    )
    assembly.open(manifest, roll, at=1)
    ceremony = assembly.proceedings.ceremony
    assert ceremony is not None
    trustee = CeremonyTrustee.start(ceremony.parameters, 1)
    assembly.announce(trustee.announce(), at=2)
    assembly.deal(trustee.deal([trustee.announce()]), at=3)
    assembly.conclude_ceremony(at=4)
    return assembly


def test_a_refused_step_publishes_nothing() -> None:
    assembly = _assembly()
    size = len(assembly.board)
    with pytest.raises(EntryRefused, match="code-invalid") as refused:
        assembly.bind(bind(ELECTION, A, SigningKey.generate(), new_activation_code()), at=5)
    assert refused.value.check == Check.REGISTRATION
    assert len(assembly.board) == size
    with pytest.raises(EvoteError, match="still open"):
        assembly.publish_tally(at=6)
    assert len(assembly.board) == size


def test_a_cast_returns_a_receipt_and_a_resent_ballot_the_same_one() -> None:
    assembly = _assembly()
    code = new_activation_code()
    assembly.issue_code(issue_code(ELECTION, A, code, CONVENER), at=5)
    credential = SigningKey.generate()
    assembly.bind(bind(ELECTION, A, credential, code), at=6)
    ballot = prepare_ballot(assembly.election, A, credential, {QuestionId("m"): [0]}).ballot
    receipt = assembly.cast(ballot, at=150)
    verify_receipt(receipt, KEY.verify_key)
    assert receipt.tracking_code == ballot.tracking_code()
    again = assembly.cast(ballot, at=151)
    assert again.index == receipt.index
    assert again.head.head.size == receipt.head.head.size
    assert again.entry == receipt.entry


def test_a_cast_after_a_later_head_is_signed_at_that_head_time() -> None:
    assembly = _assembly()
    code = new_activation_code()
    assembly.issue_code(issue_code(ELECTION, A, code, CONVENER), at=5)
    credential = SigningKey.generate()
    assembly.bind(bind(ELECTION, A, credential, code), at=6)
    assembly.board.sign_head(at=160)
    ballot = prepare_ballot(assembly.election, A, credential, {QuestionId("m"): [0]}).ballot
    receipt = assembly.cast(ballot, at=155)
    verify_receipt(receipt, KEY.verify_key)
    assert receipt.entry.at == 155
    assert receipt.head.head.at == 160
    assert receipt.head.head.size == len(assembly.board)


def test_a_board_resumes_into_the_same_state(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "board.sqlite")
    outcome = simulate(12, 3, Board(ELECTION, storage, board_key(3)))
    results = outcome.assembly.proceedings.results
    storage.close()
    reopened = SqliteStorage(tmp_path / "board.sqlite")
    resumed = Assembly(Board(ELECTION, reopened, board_key(3)))
    assert resumed.proceedings.results == results
    assert resumed.proceedings.size == len(resumed.board)
    reopened.close()
