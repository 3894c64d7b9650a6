"""The demo over a real server: ``evote serve`` on an SQLite file, every role a client (issue 10).

The server runs as a process of its own on a free port of 127.0.0.1. The operator creates the
community and the election; the convener, the trustees, the owners and proxies, the bank and the
organisers each post their steps over HTTP (:class:`~evote.client.RemoteDesk`,
:class:`~evote.client.RemoteAssembly`); the trustees decrypt a box they recounted from the
server's board. The demo's weeks pass on a clock the server reads from a file (``evote serve
--clock``), which the demo moves forward before each step: the one thing a real deployment does
differently. At the end, both records are downloaded from the server.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from evote import VerifyKey
from evote.client import Client, RemoteAssembly, RemoteDesk

__all__ = ["ServedRun", "download", "serving"]


@dataclass(frozen=True)
class ServedRun:
    url: str
    token: str  # the operator's
    clock: Path
    database: Path

    def set_time(self, at: int) -> None:
        """Move the demonstration's clock to ``at`` (never back: the board refuses it anyway)."""
        self.clock.write_text(str(at), encoding="ascii")

    def hosts(
        self, community: str, election: str
    ) -> tuple[RemoteDesk, RemoteAssembly, tuple[VerifyKey, VerifyKey]]:
        """Create the community and the election; the remote hosts and their board keys."""
        with Client(self.url, token=self.token) as operator:
            made = operator.create_community(community), operator.create_election(election)
        desk = RemoteDesk(Client(self.url, token=made[0].token).community(community),
                          clock=self.set_time)  # fmt: skip
        assembly = RemoteAssembly(Client(self.url, token=made[1].token).election(election),
                                  clock=self.set_time)  # fmt: skip
        keys = (VerifyKey.from_hex(made[0].board_key), VerifyKey.from_hex(made[1].board_key))
        return desk, assembly, keys


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(database: Path, clock: Path, start: int) -> Iterator[ServedRun]:
    """``evote serve`` on ``database`` with the clock file ``clock`` at ``start``; stopped after."""
    clock.write_text(str(start), encoding="ascii")
    token_file = database.with_name(database.name + ".operator-token")
    token = secrets.token_urlsafe(32)
    token_file.touch(mode=0o600)
    token_file.write_text(token + "\n", encoding="ascii")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 -- our own command
        [sys.executable, "-m", "evote.cli.main", "serve", "--db", str(database), "--port",
         str(port), "--clock", str(clock), "--operator-token-file", str(token_file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield ServedRun(url=url, token=token, clock=clock, database=database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        token_file.unlink(missing_ok=True)


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    import httpx  # noqa: PLC0415

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    error = process.stderr.read().decode() if process.stderr else ""
    raise RuntimeError(f"the server did not start: {error}")


def download(remote: RemoteDesk | RemoteAssembly, target: Path) -> None:
    """The board's record, from the server, at ``target`` (which must not exist)."""
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        fetched = remote.remote.download_record(Path(scratch) / "download")
        shutil.move(fetched, target)
    target.chmod(0o755)
