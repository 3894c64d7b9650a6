"""What a role's commands keep between runs: a small JSON file per convener and per owner device.

A profile holds the server's URL, the board's id and key, and the role's own secrets (a token, a
signing key's seed): it is written with mode 0600, like an SSH key without a passphrase. A
trustee's secrets go in passphrase-protected files instead (``write_secret_file``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from evote.errors import UsageError

__all__ = ["read_profile", "write_profile"]


def write_profile(path: Path, content: dict[str, Any]) -> None:
    """Write ``content`` to ``path`` (mode 0600), replacing it whole."""
    path = Path(path)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(content, file, indent=2)
        file.write("\n")
    temporary.replace(path)


def read_profile(path: Path, *fields: str) -> dict[str, Any]:
    """The profile at ``path``; a usage error naming what is missing."""
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read the profile: {error.strerror}") from None
    except ValueError as error:
        raise UsageError(f"{path}: not a profile: {error}") from None
    missing = [f for f in fields if not isinstance(content, dict) or f not in content]
    if missing:
        raise UsageError(f"{path}: the profile lacks {', '.join(missing)}")
    return dict(content)
