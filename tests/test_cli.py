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
    result = _evote("demo", "--owners", "60", "--seed", "7")
    assert result.returncode == 0, result.stderr
    assert "decrypted by trustees 1 and 3 (trustee 2 absent); totals equal the intentions" in (
        result.stdout
    )
    for heading in (
        "Motion renew",
        "Motion fund",
        "Committee election committee",
        "Rating service",
    ):
        assert heading in result.stdout
    assert "1 ballot challenged and spoiled" in result.stdout


def test_demo_refuses_a_bad_argument() -> None:
    result = _evote("demo", "--owners", "0")
    assert result.returncode == 1
    assert "--owners must be at least 3" in result.stderr


def test_version_and_help() -> None:
    assert _evote("--version").stdout.startswith("evote ")
    assert "demo" in _evote("--help").stdout
