"""Ballots' proofs checked in the server's pool of worker processes (design §4, issue 10).

The workers load each election from the server's database — its board up to the key ceremony's
conclusion — and keep it; a task carries only the board's id, the fingerprint and the ballot.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest
from evote_server.problems import RequestError
from evote_server.proofs import ProofChecker, load_election
from evote_server.store import SqliteDatabase

from evote import (
    Assembly,
    Ballot,
    Board,
    CeremonyTrustee,
    Election,
    ElectionId,
    PersonId,
    ProofsChecked,
    QuestionId,
    SigningKey,
    encode,
    prepare_ballot,
)
from evote.errors import Reason, Refused
from tests.elections import World, world


def _on_a_board(tmp_path: Path, w: World) -> tuple[str, SqliteDatabase]:
    """The world's election, opened on a board of a server's database, its ceremony concluded."""
    database = SqliteDatabase(tmp_path / "server.sqlite")
    board = "proofs"
    key = SigningKey.generate()
    database.create_board(board, "election", key.seed, "token" * 8, 0)
    manifest = msgspec.structs.replace(
        w.election.manifest, election=ElectionId(board), board_key=key.verify_key
    )
    roll = msgspec.structs.replace(w.election.roll, election=ElectionId(board))
    assembly = Assembly(Board(ElectionId(board), database.storage(board), key))
    assembly.open(manifest, roll, at=1)
    trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i)
                for i in manifest.ceremony_parameters().indices]  # fmt: skip
    announcements = [t.announce() for t in trustees]
    for announcement in announcements:
        assembly.announce(announcement, at=2)
    for dealing in [t.deal(announcements) for t in trustees]:
        assembly.deal(dealing, at=3)
    assembly.conclude_ceremony(at=4)
    return board, database


def _ballot(election: Election, person: str, choice: int) -> Ballot:
    """A ballot of the election on the board (the proofs need no binding)."""
    opened = prepare_ballot(
        election, PersonId(person), SigningKey.generate(), {QuestionId("hire"): [choice]},
        counter=1,
    )  # fmt: skip
    return opened.ballot


def test_a_worker_loads_the_election_and_checks_the_proofs(tmp_path: Path) -> None:
    w = world({"A": [8_000], "B": [9_000]})
    board, database = _on_a_board(tmp_path, w)
    election = load_election(database, board)
    ballot = _ballot(election, "A", 0)
    checker = ProofChecker(database.location, 1)
    try:
        checked = asyncio.run(checker.check(board, election, encode(ballot)))
        assert checked == ProofsChecked.check(election, ballot)
        part = ballot.body.questions[0]
        other = _ballot(election, "B", 1).body.questions[0]
        forged = msgspec.structs.replace(
            ballot, body=msgspec.structs.replace(
                ballot.body, questions=(
                    msgspec.structs.replace(part, range_proof=other.range_proof),
                    *ballot.body.questions[1:],
                ),
            ),
        )  # fmt: skip
        with pytest.raises(Refused) as caught:
            asyncio.run(checker.check(board, election, encode(forged)))
        assert caught.value.reason is Reason.BAD_PROOF
    finally:
        checker.close()


def test_more_ballots_than_may_wait_are_turned_away(tmp_path: Path) -> None:
    w = world({"A": [8_000], "B": [9_000]})
    board, database = _on_a_board(tmp_path, w)
    election = load_election(database, board)
    ballots = [encode(_ballot(election, p, 0)) for p in ("A", "B")]
    checker = ProofChecker(database.location, 1, waiting=1)

    async def both() -> list[object]:
        return await asyncio.gather(
            *(checker.check(board, election, b) for b in ballots), return_exceptions=True
        )

    try:
        first, second = asyncio.run(both())
        assert isinstance(first, ProofsChecked)
        assert isinstance(second, RequestError)
        assert second.kind == "busy"
    finally:
        checker.close()
