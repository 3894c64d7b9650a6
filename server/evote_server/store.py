"""Where the server keeps its boards: one database for every board, SQLite or PostgreSQL (§4).

Each board is a row of ``boards`` — its id, kind, signing key and the hash of its convener's
token — with its entries and heads in ``entries`` and ``heads``, as canonical JSON in order. The
schema is created and migrated by the server itself: ``schema_version`` holds the version reached,
and each migration runs once, in its own transaction.

Writes to a board happen inside :meth:`Database.writing`: one transaction holding the board's
lock across processes — SQLite's single writer (``BEGIN IMMEDIATE``), or a PostgreSQL advisory
lock — in which the host first reads what other processes appended, then applies its step and
appends; the answer is given after the commit, so that an acknowledged entry is never lost,
duplicated or reordered. SQLite is the default (a file, no set-up); PostgreSQL serves several
server processes at once.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

__all__ = [
    "SCHEMA_VERSION",
    "BoardRow",
    "Database",
    "DatabaseStorage",
    "PostgresDatabase",
    "SqliteDatabase",
    "open_database",
    "token_hash",
]


def _migrations(blob: str) -> tuple[tuple[str, ...], ...]:
    """Each migration, in order: migration i brings the schema from version i − 1 to i."""
    return (
        (
            f"CREATE TABLE boards (id TEXT PRIMARY KEY, kind TEXT NOT NULL, key_seed {blob} NOT NULL,"
            f" token_hash {blob} NOT NULL, created BIGINT NOT NULL)",
            f"CREATE TABLE entries (board TEXT NOT NULL REFERENCES boards(id), idx BIGINT NOT NULL,"
            f" data {blob} NOT NULL, PRIMARY KEY (board, idx))",
            f"CREATE TABLE heads (board TEXT NOT NULL REFERENCES boards(id), seq BIGINT NOT NULL,"
            f" data {blob} NOT NULL, PRIMARY KEY (board, seq))",
            f"CREATE TABLE settings (name TEXT PRIMARY KEY, value {blob} NOT NULL)",
        ),
        (  # 2: failed activation-code attempts, per person and per client, by the hour
            "CREATE TABLE attempts (key TEXT NOT NULL, hour BIGINT NOT NULL,"
            " count BIGINT NOT NULL, PRIMARY KEY (key, hour))",
        ),
    )


SCHEMA_VERSION: Final = len(_migrations("BLOB"))


def token_hash(token: str) -> bytes:
    """What the database keeps of a token: its SHA-256 (tokens are 256 random bits)."""
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class BoardRow:
    id: str
    kind: str  # "election" or "community"
    key_seed: bytes
    token_hash: bytes

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, token_hash(token))


class _Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[object] = ()) -> Any: ...  # noqa: ANN401


class Database(abc.ABC):
    """Boards in one database; subclasses connect to SQLite or PostgreSQL."""

    #: How the driver writes a placeholder, and a byte string's column type.
    placeholder: str = "?"
    blob: str = "BLOB"
    location: str  # the file or the URL, for the workers that open it too

    def __init__(self) -> None:
        self._current = threading.local()  # the connection of this thread's open transaction

    # -- what each back-end provides -----------------------------------------------------------

    @abc.abstractmethod
    def _connection(self) -> AbstractContextManager[_Connection]:
        """A connection for statements outside any transaction."""

    @abc.abstractmethod
    def _transaction(self, board: str | None) -> AbstractContextManager[_Connection]:
        """A transaction holding ``board``'s lock across processes (None: the schema's)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    # -- statements ----------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a statement in this thread's transaction, if one is open, else on its own."""
        current = getattr(self._current, "connection", None)
        if current is not None:
            return _rows(current.execute(self._sql(sql), parameters))
        with self._connection() as connection:
            return _rows(connection.execute(self._sql(sql), parameters))

    @contextmanager
    def writing(self, board: str) -> Iterator[None]:
        """A transaction holding ``board``'s lock: every statement of this thread runs in it."""
        with self._transaction(board) as connection:
            self._current.connection = connection
            try:
                yield
            finally:
                self._current.connection = None

    def _migrate(self) -> None:
        with self._transaction(None) as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
            reached = row[0] or 0
            if reached > SCHEMA_VERSION:
                raise RuntimeError(
                    f"schema version {reached}, newer than this server's {SCHEMA_VERSION}"
                )
            for version in range(reached + 1, SCHEMA_VERSION + 1):
                for statement in _migrations(self.blob)[version - 1]:
                    connection.execute(statement)
                connection.execute(
                    self._sql("INSERT INTO schema_version (version) VALUES (?)"), (version,)
                )

    # -- settings and boards -------------------------------------------------------------------

    def setting(self, name: str) -> bytes | None:
        rows = self.execute("SELECT value FROM settings WHERE name = ?", (name,))
        return bytes(rows[0][0]) if rows else None

    def set_setting(self, name: str, value: bytes) -> None:
        self.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def create_board(
        self, board: str, kind: str, key_seed: bytes, token: str, created: int
    ) -> bool:
        """Add a board; False if one with this id exists already."""
        with self.writing(board):
            if self.execute("SELECT 1 FROM boards WHERE id = ?", (board,)):
                return False
            self.execute(
                "INSERT INTO boards (id, kind, key_seed, token_hash, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (board, kind, key_seed, token_hash(token), created),
            )
        return True

    def board(self, board: str) -> BoardRow | None:
        rows = self.execute(
            "SELECT id, kind, key_seed, token_hash FROM boards WHERE id = ?", (board,)
        )
        if not rows:
            return None
        ((identifier, kind, seed, digest),) = rows
        return BoardRow(identifier, kind, bytes(seed), bytes(digest))

    def storage(self, board: str) -> DatabaseStorage:
        return DatabaseStorage(self, board)

    # -- failed attempts -----------------------------------------------------------------------

    def attempts(self, key: str, hour: int) -> int:
        rows = self.execute("SELECT count FROM attempts WHERE key = ? AND hour = ?", (key, hour))
        return int(rows[0][0]) if rows else 0

    def count_attempt(self, key: str, hour: int) -> None:
        self.execute(
            "INSERT INTO attempts (key, hour, count) VALUES (?, ?, 1) "
            "ON CONFLICT (key, hour) DO UPDATE SET count = attempts.count + 1",
            (key, hour),
        )


class SqliteDatabase(Database):
    """An SQLite file: one connection, shared by the process's threads, one writer at a time."""

    def __init__(self, path: Path | str, *, migrate: bool = True) -> None:
        super().__init__()
        self.path = self.location = str(path)
        if self.path != ":memory:" and not Path(self.path).exists():
            # It holds the boards' signing keys: for the server's eyes only (SQLite gives its
            # journal files the same permissions).
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._sqlite = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        self._sqlite.execute("PRAGMA journal_mode=WAL")
        self._sqlite.execute("PRAGMA synchronous=FULL")
        self._sqlite.execute("PRAGMA foreign_keys=ON")
        self._sqlite.execute("PRAGMA busy_timeout=30000")  # other processes' writes
        if migrate:
            self._migrate()

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        with self._lock:
            yield self._sqlite

    @contextmanager
    def _transaction(self, board: str | None) -> Iterator[_Connection]:  # noqa: ARG002
        with self._lock:  # SQLite has one writer: every board's lock is the database's
            self._sqlite.execute("BEGIN IMMEDIATE")
            try:
                yield self._sqlite
            except BaseException:
                self._sqlite.execute("ROLLBACK")
                raise
            self._sqlite.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._sqlite.close()


class PostgresDatabase(Database):
    """A PostgreSQL database, shared by several server processes; a pool of connections."""

    placeholder = "%s"
    blob = "BYTEA"

    def __init__(self, url: str, *, size: int = 8, migrate: bool = True) -> None:
        super().__init__()
        from psycopg_pool import ConnectionPool  # noqa: PLC0415 -- only with PostgreSQL

        self.url = self.location = url
        self._pool = ConnectionPool(url, min_size=1, max_size=size, open=True,
                                    kwargs={"autocommit": True})  # fmt: skip
        if migrate:
            self._migrate()

    @contextmanager
    def _connection(self) -> Iterator[_Connection]:
        with self._pool.connection() as connection:
            yield connection

    @contextmanager
    def _transaction(self, board: str | None) -> Iterator[_Connection]:
        with self._pool.connection() as connection, connection.transaction():
            # One lock per board, across every process: a 64-bit key from the board's id.
            key = int.from_bytes(
                hashlib.sha256((board or "").encode()).digest()[:8], "big", signed=True
            )
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            yield connection

    def close(self) -> None:
        self._pool.close()


def _rows(cursor: Any) -> list[tuple[Any, ...]]:  # noqa: ANN401 -- a DB-API cursor
    return list(cursor.fetchall()) if cursor.description else []


def open_database(where: str | Path, *, migrate: bool = True) -> Database:
    """A PostgreSQL database for a ``postgresql://`` URL, else an SQLite file at ``where``.

    ``migrate``: bring the schema to this server's version (the server's own process does;
    its workers only read).
    """
    text = str(where)
    if text.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(text, size=2 if not migrate else 8, migrate=migrate)
    return SqliteDatabase(text, migrate=migrate)


class DatabaseStorage:
    """One board's entries and heads in the database (``evote.BoardStorage``)."""

    def __init__(self, database: Database, board: str) -> None:
        self._database = database
        self._board = board

    def append(self, data: bytes) -> None:
        self._database.execute(  # the next index: one look at the primary key's end
            "INSERT INTO entries (board, idx, data) VALUES (?, "
            "(SELECT coalesce(max(idx), -1) + 1 FROM entries WHERE board = ?), ?)",
            (self._board, self._board, data),
        )

    def __len__(self) -> int:
        ((last,),) = self._database.execute(
            "SELECT coalesce(max(idx), -1) FROM entries WHERE board = ?", (self._board,)
        )
        return int(last) + 1

    def entries(self, start: int = 0, limit: int | None = None) -> Iterator[bytes]:
        """The entries from ``start``, at most ``limit`` of them."""
        sql = "SELECT data FROM entries WHERE board = ? AND idx >= ? ORDER BY idx"
        parameters: tuple[object, ...] = (self._board, start)
        if limit is not None:
            sql, parameters = f"{sql} LIMIT ?", (*parameters, limit)
        rows = self._database.execute(sql, parameters)
        for (data,) in rows:
            yield bytes(data)

    def add_head(self, data: bytes) -> None:
        self._database.execute(
            "INSERT INTO heads (board, seq, data) VALUES (?, "
            "(SELECT coalesce(max(seq), -1) + 1 FROM heads WHERE board = ?), ?)",
            (self._board, self._board, data),
        )

    def heads(self, start: int = 0) -> list[bytes]:
        rows = self._database.execute(
            "SELECT data FROM heads WHERE board = ? AND seq >= ? ORDER BY seq",
            (self._board, start),
        )
        return [bytes(data) for (data,) in rows]
