"""Ballots' proofs checked in a pool of worker processes, before the board's lock (design §4).

Checking a ballot's proofs is where a cast spends its time; it needs no state but the election's
public parameters. The server checks them in worker processes, one per core, outside any lock and
off the event loop, and casts the ballot with the :class:`evote.ProofsChecked` the worker made, so
that the cast under the lock checks only the cheap rules. A task names the board and the
election's fingerprint: a worker loads each election once, from the server's database — its
manifest, roll and key ceremony, replayed by the rules — and keeps it, so that a ballot travels
to the worker alone, whatever the size of the roll. When more ballots wait than the workers can
take, the server answers 429 with ``Retry-After`` rather than slowing everyone down.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Final

from evote import Ballot, Election, Entry, Phase, Proceedings, ProofsChecked, decode
from evote.errors import InvalidInput, Refused, UsageError
from evote_server.problems import RequestError
from evote_server.store import Database, open_database

__all__ = ["ProofChecker", "load_election"]

_KEPT: Final = 16  # elections a worker keeps
_PAGE: Final = 64  # entries read at a time while looking for the ceremony's conclusion
_DATABASE: list[Database] = []  # this worker's connection to the server's database
_ELECTIONS: dict[tuple[str, bytes], Election] = {}


def load_election(database: Database, board: str) -> Election:
    """The election of ``board``, from its entries up to the key ceremony's conclusion."""
    storage = database.storage(board)
    proceedings = Proceedings()
    start = 0
    while proceedings.phase < Phase.VOTING:
        page = list(storage.entries(start, limit=_PAGE))
        if not page:
            raise UsageError(f"{board}: the key ceremony has not concluded")
        for data in page:
            proceedings.apply(decode(data, Entry))
            if proceedings.phase >= Phase.VOTING:
                break
        start += len(page)
    return proceedings.election


def _start(location: str) -> None:
    _DATABASE.append(open_database(location, migrate=False))


def _check(board: str, fingerprint: bytes, ballot: bytes) -> ProofsChecked | Refused:
    """In a worker: the ballot's proofs checked, or the refusal saying why not."""
    election = _ELECTIONS.get((board, fingerprint))
    if election is None:
        election = load_election(_DATABASE[0], board)
        if election.fingerprint != fingerprint:  # pragma: no cover -- a board is never rewritten
            raise UsageError(f"{board}: the election's fingerprint is not the one expected")
        if len(_ELECTIONS) >= _KEPT:
            _ELECTIONS.pop(next(iter(_ELECTIONS)))
        _ELECTIONS[(board, fingerprint)] = election
    try:
        return ProofsChecked.check(election, decode(ballot, Ballot))
    except InvalidInput as error:
        return Refused(error.reason, error.said)


class ProofChecker:
    """Worker processes checking ballots' proofs for the boards of ``database`` (its location:
    an SQLite file or a PostgreSQL URL); at most ``waiting`` ballots at once.
    """  # noqa: D205

    def __init__(
        self, location: str, workers: int | None = None, *, waiting: int | None = None
    ) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.waiting = waiting or 64 * self.workers
        self._pending = 0
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(location,),
        )  # fmt: skip

    async def check(self, board: str, election: Election, ballot: bytes) -> ProofsChecked:
        """The proofs of ``ballot``, cast in ``board``, checked in a worker; raises the refusal
        if they fail.
        """  # noqa: D205
        if self._pending >= self.waiting:
            raise RequestError("busy", "too many ballots are waiting to be checked: retry soon")
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(
                self._pool, _check, board, election.fingerprint, ballot
            )
        finally:
            self._pending -= 1
        if isinstance(found, Refused):
            raise found
        return found

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
