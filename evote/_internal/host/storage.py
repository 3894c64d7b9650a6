"""Where a board keeps its entries and heads: in memory, or in a SQLite file (spec §13.3).

Storage is not part of the protocol: it keeps canonical JSON bytes in order. PostgreSQL comes with
the reference server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

__all__ = ["BoardStorage", "MemoryStorage", "SqliteStorage"]


class BoardStorage(Protocol):
    """Where the board keeps its entries (canonical JSON, in order) and its signed heads."""

    def append(self, data: bytes) -> None: ...

    def __len__(self) -> int: ...

    def entries(self, start: int = 0) -> Iterator[bytes]: ...

    def add_head(self, data: bytes) -> None: ...

    def heads(self, start: int = 0) -> list[bytes]:
        """The signed heads from the ``start``-th on, in the order added."""
        ...


class MemoryStorage:
    """Entries and heads in memory, for tests and one-process runs."""

    def __init__(self) -> None:
        self._entries: list[bytes] = []
        self._heads: list[bytes] = []

    def append(self, data: bytes) -> None:
        self._entries.append(data)

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, start: int = 0) -> Iterator[bytes]:
        yield from self._entries[start:]

    def add_head(self, data: bytes) -> None:
        self._heads.append(data)

    def heads(self, start: int = 0) -> list[bytes]:
        return self._heads[start:]


class SqliteStorage:
    """Entries and heads in a SQLite file; every append is its own committed transaction."""

    def __init__(self, path: Path | str) -> None:
        self._connection = sqlite3.connect(str(path), isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=FULL")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS entries (position INTEGER PRIMARY KEY, data BLOB NOT NULL)"
        )
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS heads (position INTEGER PRIMARY KEY, data BLOB NOT NULL)"
        )
        (self._size,) = self._connection.execute("SELECT COUNT(*) FROM entries").fetchone()
        (self._head_count,) = self._connection.execute("SELECT COUNT(*) FROM heads").fetchone()

    def append(self, data: bytes) -> None:
        with self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute(
                "INSERT INTO entries (position, data) VALUES (?, ?)", (self._size, data)
            )
        self._size += 1

    def __len__(self) -> int:
        return int(self._size)

    def entries(self, start: int = 0) -> Iterator[bytes]:
        cursor = self._connection.execute(
            "SELECT data FROM entries WHERE position >= ? ORDER BY position", (start,)
        )
        for (data,) in cursor:
            yield bytes(data)

    def add_head(self, data: bytes) -> None:
        with self._connection:
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute(
                "INSERT INTO heads (position, data) VALUES (?, ?)", (self._head_count, data)
            )
        self._head_count += 1

    def heads(self, start: int = 0) -> list[bytes]:
        rows = self._connection.execute(
            "SELECT data FROM heads ORDER BY position LIMIT -1 OFFSET ?", (start,)
        )
        return [bytes(d) for (d,) in rows]

    def close(self) -> None:
        self._connection.close()
