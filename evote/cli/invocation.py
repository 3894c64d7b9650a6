"""How this process was run: for the commands evote prints, which must work as printed."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

__all__ = ["evote_command"]


def evote_command() -> str:
    """How to run evote again as this process was run, for commands printed to copy: ``evote``
    when that is on the PATH, else the path it was run by (``.venv/bin/evote``), else
    ``python -m evote`` with this interpreter.
    """  # noqa: D205
    invoked = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if invoked is None or invoked.name != "evote" or not invoked.is_file():
        return f"{shlex.quote(sys.executable)} -m evote"
    found = shutil.which("evote")
    if found is not None and Path(found).resolve() == invoked.resolve():
        return "evote"
    return shlex.quote(str(invoked))
