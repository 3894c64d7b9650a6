"""The README's commands and example are what a new user runs: keep them working."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_first_lines_give_the_two_commands() -> None:
    commands = [line.split("#")[0].strip() for line in README.splitlines()[2:4]]
    assert commands == ["make demo", "make test"]


def test_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # our own documentation


def test_the_commands_it_prints_work_as_printed(tmp_path: Path) -> None:
    """Each ``.venv/bin/evote`` line of the README runs, as typed, after the set-up (``make``)."""
    root = Path(__file__).resolve().parent.parent
    venv = root / ".venv"
    if not (venv / "bin" / "evote").is_file():
        # Run outside the README's set-up (a venv of one's own); CI always has it, so never skips.
        assert not os.environ.get("CI"), "CI runs `make test`, which makes .venv"
        pytest.skip("needs the README's set-up: .venv made by `make`")
    (tmp_path / ".venv").symlink_to(venv)
    lines = [
        ln.split("#")[0].strip()
        for ln in README.splitlines()
        if ln.startswith("    .venv/bin/evote")
    ]
    assert len(lines) >= 4
    for line in lines:
        done = subprocess.run(line, shell=True, cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, check=False)  # fmt: skip
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
