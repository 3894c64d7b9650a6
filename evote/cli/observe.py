"""``evote observe``: an observer keeps the board's heads and checks that nothing is rewritten.

It fetches the board's latest signed head and checks its signature; checks, with a consistency
proof from the server, that the latest tree extends every head kept before (in a JSON-lines file,
one signed head a line), and keeps the new one; with ``--follow``, does the same for each head the
server announces (server-sent events) for as long as asked; with ``--record``, downloads the whole
record and verifies it against every head kept (spec §13.5, §15.2).
"""

from __future__ import annotations

import time
from pathlib import Path

from evote import (
    CommunityVerdict,
    Language,
    Report,
    SignedTreeHead,
    VerifyKey,
    decode,
    encode,
    verify_community_record,
    verify_record,
)
from evote.cli.progress import progress_bar
from evote.client import Client, CommunityClient, ElectionClient, ServerError
from evote.errors import Check, UsageError, VerificationFailed

__all__ = ["observe"]


def observe(
    url: str, board: str, *, board_key: str | None, heads: Path | None, follow: float,
    record: Path | None, language: Language,
) -> int:  # fmt: skip
    client = Client(url)
    kind, status = _kind(client, board)
    boards: ElectionClient | CommunityClient = (
        client.community(board) if kind == "community" else client.election(board)
    )
    served_key = VerifyKey.from_hex(status["board_key"])
    if board_key is None:
        key = served_key
        print(f"board key (as the server says; pin it with --board-key): {key.hex()}")
    else:
        key = VerifyKey.from_hex(board_key)
        if key != served_key:
            print(f"the server names board key {served_key.hex()}, not the one given")
            return 1
    heads = heads or Path(f"{board}.heads.jsonl")
    kept = _kept(heads)
    latest = boards.latest_head(key)
    _check(boards, kept, latest, key)
    _keep(heads, kept, latest)
    print(f"head of size {latest.head.size} at {latest.head.at}: signed, and extends the "
          f"{len(kept)} head(s) kept in {heads}")  # fmt: skip
    deadline = time.monotonic() + follow
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        newer = boards.latest_head(key)
        if newer != latest:
            kept = _kept(heads)
            _check(boards, kept, newer, key)
            _keep(heads, kept, newer)
            latest = newer
            print(f"head of size {latest.head.size} at {latest.head.at}: signed, consistent")
    if record is None:
        return 0
    directory = boards.download_record(record)
    anchors = _kept(heads)
    verdict: Report | CommunityVerdict
    with progress_bar("verifying", latest.head.size if kind == "election" else None) as advance:
        if kind == "community":
            verdict = verify_community_record(
                directory, heads=anchors, board_key=key, progress=advance
            )
        else:
            verdict = verify_record(directory, heads=anchors, board_key=key, progress=advance)
    print(verdict.render(language), end="")
    return 0 if verdict.valid else 1


def _kind(client: Client, board: str) -> tuple[str, dict[str, object]]:
    for kind, reader in (("election", client.election), ("community", client.community)):
        try:
            return kind, reader(board).status()
        except ServerError as error:
            if error.status != 404:
                raise
    raise UsageError(f"the server has no election or community {board!r}")


def _kept(path: Path) -> list[SignedTreeHead]:
    if not path.is_file():
        return []
    return [decode(line, SignedTreeHead) for line in path.read_bytes().splitlines() if line]


def _check(
    boards: ElectionClient | CommunityClient, kept: list[SignedTreeHead],
    latest: SignedTreeHead, key: VerifyKey,
) -> None:  # fmt: skip
    """Each kept head is the server's head of its size, and the latest tree extends it."""
    for head in kept:
        size = head.head.size
        if size > latest.head.size:
            raise VerificationFailed(
                f"a kept head of size {size} is larger than the latest: the board shrank",
                check=Check.BOARD,
            )
        proof = boards.consistency(size, latest.head.size, key)
        if proof.old != head:
            raise VerificationFailed(
                f"the server's head of size {size} is not the one kept: the board was rewritten",
                check=Check.BOARD,
            )


def _keep(path: Path, kept: list[SignedTreeHead], latest: SignedTreeHead) -> None:
    if latest not in kept:
        with path.open("ab") as file:
            file.write(encode(latest) + b"\n")
