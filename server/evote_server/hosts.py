"""The boards the server hosts, each with its host object and its lock (design §4).

A host is what applies a board's steps by the rules: an election's :class:`~evote.Assembly`, a
community's :class:`~evote.CommunityDesk`. Each is rebuilt from its board in the database on first
use and kept; a step runs with the board's lock held, at the server's time (never before the
board's latest), and leaves a signed head over the whole board, so that what the server answers is
durable. A step the rules refuse changes nothing; any other failure drops the host, to be rebuilt
from the board next time.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from litestar import Request

from evote import (
    Assembly,
    Board,
    CommunityBoard,
    CommunityDesk,
    Election,
    ElectionId,
    SigningKey,
)
from evote.errors import InvalidInput
from evote_server.problems import RequestError
from evote_server.proofs import ProofChecker
from evote_server.store import BoardRow, Database, token_hash

__all__ = ["OPERATOR_TOKEN", "Hosts", "Server", "bearer"]

OPERATOR_TOKEN = "operator-token"  # noqa: S105 -- the settings row of the operator token's hash
AnyRequest = Request[Any, Any, Any]
T = TypeVar("T")


class _Board(Protocol):
    latest: int

    def __len__(self) -> int: ...
    @property
    def last_head(self) -> object: ...
    def sign_head(self, *, at: int) -> object: ...


class _Host(Protocol):
    @property
    def board(self) -> _Board: ...
    def catch_up(self) -> None: ...


H = TypeVar("H", bound=_Host)


class Hosts(Generic[H]):
    """The hosts of one kind of board ("election" or "community")."""

    def __init__(
        self, database: Database, clock: Callable[[], float], kind: str,
        make: Callable[[BoardRow, Database], H],
    ) -> None:  # fmt: skip
        self.database, self.clock, self.kind = database, clock, kind
        self._make = make
        self._hosts: dict[str, H] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def row(self, board: str) -> BoardRow:
        row = self.database.board(board)
        if row is None or row.kind != self.kind:
            raise RequestError("not-found", f"no {self.kind} {board!r}")
        return row

    def _lock(self, board: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(board, threading.Lock())

    def _host(self, board: str) -> H:
        found = self._hosts.get(board)
        if found is None:
            found = self._hosts[board] = self._make(self.row(board), self.database)
        return found

    def step(self, board: str, action: Callable[[H, int], T]) -> tuple[T, H]:
        """Apply ``action`` at the server's time and sign a head over the whole board, in one
        transaction holding the board's lock across processes, after catching up with what
        other processes appended; what it returns is committed.
        """  # noqa: D205
        with self._lock(board):
            try:
                with self.database.writing(board):
                    host = self._host(board)
                    host.catch_up()
                    log = host.board
                    at = max(int(self.clock()), log.latest)
                    result = action(host, at)
                    last = log.last_head
                    if last is None or getattr(last, "head").size != len(log):  # noqa: B009
                        log.sign_head(at=max(at, log.latest))
            except InvalidInput:
                raise  # refused: nothing was written, the host is as it was
            except BaseException:
                self._hosts.pop(board, None)  # rolled back: rebuilt from the board next time
                raise
            return result, host

    def read(self, board: str, action: Callable[[H], T]) -> T:
        """``action`` on the host, brought up to date with the board first."""
        with self._lock(board):
            host = self._host(board)
            try:
                host.catch_up()
            except BaseException:
                self._hosts.pop(board, None)
                raise
            return action(host)


def _assembly(row: BoardRow, database: Database) -> Assembly:
    storage = database.storage(row.id)
    return Assembly(Board(ElectionId(row.id), storage, SigningKey(row.key_seed)))


def _desk(row: BoardRow, database: Database) -> CommunityDesk:
    storage = database.storage(row.id)
    return CommunityDesk(CommunityBoard(row.id, storage, SigningKey(row.key_seed)))


class Server:
    """What every handler needs: the database, the hosts of each kind, and the clock."""

    def __init__(
        self, database: Database, clock: Callable[[], float], proofs: ProofChecker | None = None
    ) -> None:
        self.database = database
        self.clock = clock
        self.proofs = proofs  # None: each ballot's proofs are checked in the step itself
        self.concluded: dict[str, Election] = {}  # elections whose ceremony concluded
        self.elections: Hosts[Assembly] = Hosts(database, clock, "election", _assembly)
        self.communities: Hosts[CommunityDesk] = Hosts(database, clock, "community", _desk)

    @staticmethod
    def of(request: AnyRequest) -> Server:
        server = request.app.state.server
        assert isinstance(server, Server)
        return server

    def require_operator(self, request: AnyRequest) -> None:
        expected = self.database.setting(OPERATOR_TOKEN)
        token = bearer(request)
        if expected is None or not hmac.compare_digest(expected, token_hash(token)):
            raise RequestError("unauthorised", "this needs the operator's token")

    def require_convener(self, request: AnyRequest, hosts: Hosts[Any], board: str) -> None:
        token = bearer(request)
        if not hosts.row(board).token_matches(token):
            raise RequestError("unauthorised", "this is not the convener's token")


def bearer(request: AnyRequest) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise RequestError("unauthorised", "send the token as 'Authorization: Bearer <token>'")
    return token.strip()
