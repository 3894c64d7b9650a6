"""The ``evote`` command, run as a user runs it: a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _evote(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evote.cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def test_demo_then_verify_as_a_user_would(tmp_path: Path) -> None:
    result = _evote("demo", "--owners", "60", "--seed", "7", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "VALID: every check passed" in result.stdout
    assert "decrypted by trustees 1 and 3 (trustee 2 absent); totals equal the intentions" in (
        result.stdout
    )
    for heading in (
        "Motion: 续聘物业服务企业 Renew the property company [renew]",
        "Motion: 使用维修资金更换电梯 Use the fund to replace lifts [fund]",
        "Committee election: 选举业主委员会 Elect the owners' committee [committee]",
        "Rating: 物业服务满意度 Satisfaction with the service [service]",
        "Civil Code art. 278 (5), using the maintenance fund — decided by the statute's rule for "
        "ordinary matters (more than half)",
    ):
        assert heading in result.stdout
    assert "1 ballot challenged and spoiled" in result.stdout
    record = tmp_path / "demo-record"
    assert (record / "record.json").is_file()
    verified = _evote("verify", str(record), "--json", "--jobs", "2")
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["valid"] is True
    assert [c["id"] for c in report["checks"]] == [f"15.{i}" for i in range(1, 13)]
    assert all(c["status"] == "pass" for c in report["checks"])
    receipt = _evote(
        "verify-receipt", str(tmp_path / "demo-record.receipt.json"), "--record", str(record)
    )
    assert receipt.returncode == 0, receipt.stderr
    assert "which the record's final head" in receipt.stdout
    # The demo replaces its own earlier output, and nothing else.
    again = _evote("demo", "--owners", "10", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    (tmp_path / "mine").mkdir()
    refused = _evote("demo", "--owners", "10", "--record", "mine", cwd=tmp_path)
    assert refused.returncode == 1
    assert "not an earlier demo's output" in refused.stderr


def test_verify_fails_with_exit_code_1_on_a_damaged_record(tmp_path: Path) -> None:
    assert _evote("demo", "--owners", "10", cwd=tmp_path).returncode == 0
    ballots = tmp_path / "demo-record" / "ballots.jsonl"
    ballots.write_bytes(b"".join(ballots.read_bytes().splitlines(keepends=True)[1:]))
    result = _evote("verify", str(tmp_path / "demo-record"))
    assert result.returncode == 1
    assert "✗ 15.1" in result.stdout
    assert "INVALID" in result.stdout


def test_demo_refuses_a_bad_argument(tmp_path: Path) -> None:
    result = _evote("demo", "--owners", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert "--owners must be at least 3" in result.stderr


def test_version_and_help() -> None:
    assert _evote("--version").stdout.startswith("evote ")
    assert "demo" in _evote("--help").stdout
