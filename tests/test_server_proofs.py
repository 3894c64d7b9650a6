"""Ballots' proofs checked in the server's pool of worker processes (design §4, issue 10)."""

from __future__ import annotations

import asyncio

import msgspec
import pytest
from evote_server.problems import RequestError
from evote_server.proofs import ProofChecker

from evote import ProofsChecked, encode
from evote.errors import Reason, Refused
from tests.elections import world


def test_a_worker_checks_the_proofs_and_a_forged_proof_is_refused() -> None:
    w = world({"A": [8_000], "B": [9_000]})
    w.bind_everyone()
    ballot = w.ballot("A", {"hire": [0]}).ballot
    checker = ProofChecker(1)
    try:
        checked = asyncio.run(checker.check(w.election, encode(ballot)))
        assert checked == ProofsChecked.check(w.election, ballot)
        part = ballot.body.questions[0]
        other = w.ballot("B", {"hire": [1]}).ballot.body.questions[0]
        forged = msgspec.structs.replace(
            ballot, body=msgspec.structs.replace(
                ballot.body, questions=(msgspec.structs.replace(part, range_proof=other.range_proof),)
            ),
        )  # fmt: skip
        with pytest.raises(Refused) as caught:
            asyncio.run(checker.check(w.election, encode(forged)))
        assert caught.value.reason is Reason.BAD_PROOF
    finally:
        checker.close()


def test_more_ballots_than_may_wait_are_turned_away() -> None:
    w = world({"A": [8_000], "B": [9_000]})
    w.bind_everyone()
    ballots = [encode(w.ballot(p, {"hire": [0]}).ballot) for p in ("A", "B")]
    checker = ProofChecker(1, waiting=1)

    async def both() -> list[object]:
        return await asyncio.gather(
            *(checker.check(w.election, b) for b in ballots), return_exceptions=True
        )

    try:
        first, second = asyncio.run(both())
        assert isinstance(first, ProofsChecked)
        assert isinstance(second, RequestError)
        assert second.kind == "busy"
    finally:
        checker.close()
