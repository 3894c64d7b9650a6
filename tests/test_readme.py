"""The README's commands and example are what a new user runs: keep them working."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_first_lines_give_the_two_commands() -> None:
    commands = [line.split("#")[0].strip() for line in README.splitlines()[2:4]]
    assert commands == ["make demo", "make test"]


def test_python_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # our own documentation
