"""The ``evote`` command, run as a user runs it: a real process."""

from __future__ import annotations

import subprocess
import sys


def _evote(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evote.cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_runs_end_to_end_and_checks_itself() -> None:
    result = _evote("demo", "--owners", "40", "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert "decrypted by trustees 1 and 3 (2 absent)" in result.stdout
    assert "decrypted totals equal the plaintext intentions" in result.stdout
    assert "result: the motion" in result.stdout


def test_demo_refuses_a_bad_argument() -> None:
    result = _evote("demo", "--owners", "0")
    assert result.returncode == 1
    assert "--owners must be at least 1" in result.stderr


def test_version_and_help() -> None:
    assert _evote("--version").stdout.startswith("evote ")
    assert "demo" in _evote("--help").stdout
