"""``evote serve``: the reference server on an SQLite file (design §4).

The operator's token — needed to create elections — is kept in a file beside the database (mode
0600): read from it if the file exists, otherwise made, written there and announced. The database
keeps only its hash.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from evote.errors import UsageError

__all__ = ["serve"]


def _file_clock(path: Path) -> Callable[[], float]:
    """The time written in ``path`` (Unix seconds), read at each step: a demonstration's clock."""

    def now() -> float:
        try:
            return float(path.read_text(encoding="ascii"))
        except (OSError, ValueError):
            raise UsageError(f"the clock file {path} holds no time") from None

    print(f"evote: the server's time is read from {path}: for demonstrations only",
          file=sys.stderr)  # fmt: skip
    return now


def serve(
    database: str, *, host: str, port: int, token_file: Path | None, clock: Path | None = None
) -> int:
    """Serve ``database``: an SQLite file's path, or a ``postgresql://`` URL."""
    try:
        import uvicorn  # noqa: PLC0415 -- the server is an optional extra
        from evote_server import create_app, open_database  # noqa: PLC0415
        from evote_server.app import OPERATOR_TOKEN  # noqa: PLC0415
        from evote_server.store import token_hash  # noqa: PLC0415
    except ImportError:
        raise UsageError("the server needs its extra: pip install 'evote[server]'") from None
    if token_file is None:
        if database.startswith(("postgresql://", "postgres://")):
            raise UsageError("with PostgreSQL, give --operator-token-file")
        token_file = Path(database).with_name(Path(database).name + ".operator-token")
    if token_file.is_file():
        token = token_file.read_text(encoding="ascii").strip()
        if len(token) < 32:
            raise UsageError(f"{token_file}: an operator token of at least 32 characters")
    else:
        token = secrets.token_urlsafe(32)
        token_file.touch(mode=0o600)
        token_file.write_text(token + "\n", encoding="ascii")
        print(f"evote: the operator's token is in {token_file}", file=sys.stderr)
    db = open_database(database)
    db.set_setting(OPERATOR_TOKEN, token_hash(token))
    where = "PostgreSQL" if not isinstance(database, str) or "://" in database else database
    print(f"evote: serving {where} on http://{host}:{port}", file=sys.stderr, flush=True)
    app = create_app(db) if clock is None else create_app(db, clock=_file_clock(clock))
    uvicorn.run(app, host=host, port=port, log_level="warning")
    db.close()
    return 0
