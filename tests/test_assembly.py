"""Running an election onto the board (spec §14.2): refusals publish nothing; a board resumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from evote import (
    Assembly,
    Board,
    CeremonyTrustee,
    Check,
    Convener,
    Manifest,
    Matter,
    MemoryStorage,
    Motion,
    Person,
    PersonId,
    PersonKind,
    Phase,
    ProofsChecked,
    QuestionId,
    Reason,
    Roll,
    SigningKey,
    SqliteStorage,
    Unit,
    UnitId,
    Voter,
    Window,
    verify_receipt,
)
from evote.cli.demo import ELECTION, board_key, simulate
from evote.errors import Refused, UsageError

KEY = SigningKey(bytes(range(7, 39)))
CONVENER = SigningKey(bytes(range(3, 35)))
A = PersonId("A")


def _assembly() -> Assembly:
    assembly = Assembly(Board(ELECTION, MemoryStorage(), KEY))
    manifest = Manifest(
        election=ELECTION, title="t", convener="c", convener_key=CONVENER.verify_key,
        board_key=KEY.verify_key, window=Window(opens=100, closes=200), trustees=1, threshold=1,
        questions=(Motion(id=QuestionId("m"), title="m", matter=Matter.PROPERTY_SERVICE),),
    )  # fmt: skip
    roll = Roll(
        election=ELECTION,
        units=(Unit(id=UnitId("U1"), building="1栋", area=9000),),
        persons=(Person(id=A, kind=PersonKind.OWNER, units=(UnitId("U1"),)),),
    )
    assembly.open(manifest, roll, at=1)
    trustee = CeremonyTrustee.start(manifest.ceremony_parameters(), 1)
    assembly.announce(trustee.announce(), at=2)
    assembly.deal(trustee.deal([trustee.announce()]), at=3)
    assembly.conclude_ceremony(at=4)
    return assembly


def test_a_refused_step_publishes_nothing() -> None:
    assembly = _assembly()
    size = len(assembly.board)
    stranger = Voter.create(A)
    with pytest.raises(Refused) as refused:
        assembly.bind(stranger.bind(assembly.election.manifest, "0" * 20), at=5)
    assert (refused.value.reason, refused.value.check) == (Reason.CODE_INVALID, Check.REGISTRATION)
    assert refused.value.index == size
    assert len(assembly.board) == size
    with pytest.raises(UsageError):
        assembly.publish_tally(at=6)
    assert len(assembly.board) == size
    assert assembly.phase is Phase.VOTING


def _bound(assembly: Assembly) -> Voter:
    issued = Convener(CONVENER).issue_code(assembly.election.manifest, A)
    assembly.issue_code(issued.issue, at=5)
    voter = Voter.create(A)
    assembly.bind(voter.bind(assembly.election.manifest, issued.code), at=6)
    return voter


def test_a_cast_returns_a_receipt_and_a_resent_ballot_the_same_one() -> None:
    assembly = _assembly()
    voter = _bound(assembly)
    ballot = voter.prepare_ballot(assembly.election, {QuestionId("m"): [0]}).ballot
    receipt = assembly.cast(ballot, at=150)
    verify_receipt(receipt, KEY.verify_key)
    assert receipt.tracking_code == ballot.tracking_code()
    again = assembly.cast(ballot, at=151)
    assert again.index == receipt.index
    assert again.head.head.size == receipt.head.head.size
    assert again.entry == receipt.entry


def test_a_cast_after_a_later_head_is_signed_at_that_head_time() -> None:
    assembly = _assembly()
    voter = _bound(assembly)
    assembly.board.sign_head(at=160)
    ballot = voter.prepare_ballot(assembly.election, {QuestionId("m"): [0]}).ballot
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


def test_proofs_checked_ahead_spare_the_check_for_that_ballot_only() -> None:
    assembly = _assembly()
    voter = _bound(assembly)
    ballot = voter.prepare_ballot(assembly.election, {QuestionId("m"): [0]}).ballot
    checked = ProofsChecked.check(assembly.election, ballot)
    other = voter.prepare_ballot(assembly.election, {QuestionId("m"): [1]}).ballot
    with pytest.raises(UsageError):  # a token for one ballot does not serve another
        assembly.cast(other, at=150, proofs=checked)
    receipt = assembly.cast(ballot, at=150, proofs=checked)
    assert receipt.tracking_code == ballot.tracking_code()


def test_a_refused_registration_leaves_the_box_as_it_was() -> None:
    # The box's clock moves only with an accepted step: a ballot later than every accepted step,
    # but earlier than a refused binding, is still cast (spec §11.1).
    assembly = _assembly()
    voter = _bound(assembly)
    accepted = assembly.box.accepted
    with pytest.raises(Refused) as refused:
        assembly.bind(Voter.create(A).bind(assembly.election.manifest, "0" * 20), at=150)
    assert refused.value.reason is Reason.CODE_INVALID
    assert assembly.box.accepted == accepted
    ballot = voter.prepare_ballot(assembly.election, {QuestionId("m"): [0]}).ballot
    assert assembly.cast(ballot, at=120).entry.at == 120
