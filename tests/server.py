"""A real `evote serve` process on an SQLite file and a free port, for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx


@dataclass(frozen=True)
class Served:
    url: str
    operator_token: str
    database: str

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


#: The PostgreSQL server of every development and CI machine (trust auth, database ``test``).
POSTGRES: Final = os.environ.get("EVOTE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema of the test database, as a URL whose connections use it; dropped after."""
    import psycopg  # noqa: PLC0415

    schema = f"evote_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def serving(directory: Path, database: str | None = None) -> Iterator[Served]:
    """Start the server on ``database`` (by default ``directory/evote.sqlite``); stop it after.

    Several servers may share one database and one operator token (its file in ``directory``).
    """
    database = database or str(directory / "evote.sqlite")
    token_file = directory / "operator-token"
    if not token_file.exists():
        token_file.write_text(secrets.token_urlsafe(32) + "\n", encoding="ascii")
    token = token_file.read_text(encoding="ascii").strip()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "evote.cli.main", "serve", "--db", database, "--port",
         str(port), "--operator-token-file", str(token_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                _, error = process.communicate(timeout=5)
                raise RuntimeError(f"the server did not start: {error.decode()}")
            time.sleep(0.1)
        yield Served(url=url, operator_token=token, database=database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
