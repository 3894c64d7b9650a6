"""Where the server keeps its boards: one SQLite database for every election (design §4).

Each board is a row of ``boards`` — its id, kind, signing key and the hash of its convener's
token — with its entries and heads in ``entries`` and ``heads``, as canonical JSON in order. The
schema is created and migrated by the server itself: ``schema_version`` holds the version reached,
and each migration runs once, in its own transaction. Every write is committed before it returns
(``synchronous=FULL``), so an acknowledged entry survives a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["SCHEMA_VERSION", "BoardRow", "Database", "DatabaseStorage", "token_hash"]

#: Each migration, in order: migration i brings the schema from version i − 1 to version i.
MIGRATIONS: Final = (
    (
        "CREATE TABLE boards (id TEXT PRIMARY KEY, kind TEXT NOT NULL, key_seed BLOB NOT NULL,"
        " token_hash BLOB NOT NULL, created INTEGER NOT NULL)",
        "CREATE TABLE entries (board TEXT NOT NULL REFERENCES boards(id), idx INTEGER NOT NULL,"
        " data BLOB NOT NULL, PRIMARY KEY (board, idx))",
        "CREATE TABLE heads (board TEXT NOT NULL REFERENCES boards(id), seq INTEGER NOT NULL,"
        " data BLOB NOT NULL, PRIMARY KEY (board, seq))",
        "CREATE TABLE settings (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    ),
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


def token_hash(token: str) -> bytes:
    """What the database keeps of a token: its SHA-256 (tokens are 256 random bits)."""
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class BoardRow:
    id: str
    kind: str  # "election"
    key_seed: bytes
    token_hash: bytes

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, token_hash(token))


class Database:
    """One SQLite file holding every board; safe to share between the server's threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            row = self._connection.execute("SELECT max(version) FROM schema_version").fetchone()
            reached = row[0] or 0
            if reached > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: schema version {reached}, newer than this server's "
                    f"{SCHEMA_VERSION}"
                )
            for version in range(reached + 1, SCHEMA_VERSION + 1):
                self._connection.execute("BEGIN IMMEDIATE")
                try:
                    for statement in MIGRATIONS[version - 1]:
                        self._connection.execute(statement)
                    self._connection.execute(
                        "INSERT INTO schema_version (version) VALUES (?)", (version,)
                    )
                    self._connection.execute("COMMIT")
                except BaseException:
                    self._connection.execute("ROLLBACK")
                    raise

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # -- settings ------------------------------------------------------------------------------

    def setting(self, name: str) -> bytes | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT value FROM settings WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def set_setting(self, name: str, value: bytes) -> None:
        with self._lock:
            self._connection.execute(
                "INSERT INTO settings (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    # -- boards --------------------------------------------------------------------------------

    def create_board(
        self, board: str, kind: str, key_seed: bytes, token: str, created: int
    ) -> bool:
        """Add a board; False if one with this id exists already."""
        with self._lock:
            try:
                self._connection.execute(
                    "INSERT INTO boards (id, kind, key_seed, token_hash, created) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (board, kind, key_seed, token_hash(token), created),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def board(self, board: str) -> BoardRow | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT id, kind, key_seed, token_hash FROM boards WHERE id = ?", (board,)
            ).fetchone()
        return None if row is None else BoardRow(row[0], row[1], bytes(row[2]), bytes(row[3]))

    def storage(self, board: str) -> DatabaseStorage:
        return DatabaseStorage(self, board)

    def _execute(self, sql: str, parameters: tuple[object, ...]) -> sqlite3.Cursor:
        with self._lock:
            return self._connection.execute(sql, parameters)


class DatabaseStorage:
    """One board's entries and heads in the database (``evote.BoardStorage``)."""

    def __init__(self, database: Database, board: str) -> None:
        self._database = database
        self._board = board

    def append(self, data: bytes) -> None:
        with self._database.lock:
            self._database._execute(
                "INSERT INTO entries (board, idx, data) VALUES (?, ?, ?)",
                (self._board, len(self), data),
            )

    def __len__(self) -> int:
        row = self._database._execute(
            "SELECT count(*) FROM entries WHERE board = ?", (self._board,)
        ).fetchone()
        return int(row[0])

    def entries(self, start: int = 0) -> Iterator[bytes]:
        rows = self._database._execute(
            "SELECT data FROM entries WHERE board = ? AND idx >= ? ORDER BY idx",
            (self._board, start),
        ).fetchall()
        for (data,) in rows:
            yield bytes(data)

    def add_head(self, data: bytes) -> None:
        with self._database.lock:
            row = self._database._execute(
                "SELECT count(*) FROM heads WHERE board = ?", (self._board,)
            ).fetchone()
            self._database._execute(
                "INSERT INTO heads (board, seq, data) VALUES (?, ?, ?)",
                (self._board, int(row[0]), data),
            )

    def heads(self) -> list[bytes]:
        rows = self._database._execute(
            "SELECT data FROM heads WHERE board = ? ORDER BY seq", (self._board,)
        ).fetchall()
        return [bytes(data) for (data,) in rows]
