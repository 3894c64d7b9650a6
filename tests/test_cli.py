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
    # Every command the demo prints works as printed.
    for label in ("recount it yourself:", "check a voter's receipt:"):
        (command,) = [ln.split(label)[1] for ln in result.stdout.splitlines() if label in ln]
        printed = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True,
                                 timeout=300, check=False)  # fmt: skip
        assert printed.returncode == 0, (command, printed.stdout, printed.stderr)
    record = tmp_path / "demo-record"
    assert (record / "record.json").is_file()
    verified = _evote("verify", str(record), "--json", "--jobs", "2")
    assert verified.returncode == 0, verified.stderr
    verdict = json.loads(verified.stdout)
    assert verdict["valid"] is True
    community = verdict["community"]
    charter_hash = community["summary"]["charter_hash"]
    anchored = _evote("verify", str(record), "--charter-hash", charter_hash)
    assert anchored.returncode == 0, anchored.stdout
    wrong = _evote("verify", str(record), "--charter-hash", "00" * 32)
    assert wrong.returncode == 1
    assert f"the charter hash is {charter_hash}, not the expected one" in wrong.stdout
    mixed = _evote("verify", str(record), "--manifest-hash", "00" * 32)
    assert mixed.returncode == 1
    assert "--manifest-hash is for an election's record; this is a community's" in mixed.stderr
    assert [c["id"] for c in community["checks"]] == [
        "15.1", "15.2", "16.2", "15.5", "16.3", "16.4", "16.5", "16.6", "16.7", "15.12",
    ]  # fmt: skip
    assert all(c["status"] == "pass" for c in community["checks"])
    petitions = {p["petition"]: p for p in community["summary"]["petitions"]}
    assert petitions["interim-meeting-2026"]["progress"]["reached"] is True
    assert petitions["dismiss-property-2026"]["progress"]["reached"] is False
    assert community["summary"]["balance"] > 0
    (report,) = verdict["elections"]
    assert report["valid"] is True
    # The outcome recounted, as data: the motions decided, the committee elected (spec §15.13).
    results = {r["question"]: r for r in report["summary"]["results"]}
    assert [results[q]["kind"] for q in ("renew", "fund", "raise", "committee", "service")] == [
        "motion", "motion", "motion", "committee", "rating",
    ]  # fmt: skip
    assert isinstance(results["fund"]["passed"], bool)
    assert results["fund"]["agree"]["headcount"] > 0
    assert [c["id"] for c in report["checks"]] == [f"15.{i}" for i in range(1, 13)]
    assert all(c["status"] == "pass" for c in report["checks"])
    election = record / "elections" / "demo-2026-assembly"
    receipt = _evote(
        "verify-receipt", str(tmp_path / "demo-record.receipt.json"), "--record", str(election)
    )
    assert receipt.returncode == 0, receipt.stderr
    assert "which the record's final head" in receipt.stdout
    wrong = _evote(
        "verify-receipt", str(tmp_path / "demo-record.receipt.json"), "--record", str(record)
    )
    assert wrong.returncode == 1
    assert "a community's record, where an election's record is expected" in wrong.stderr
    # The demo replaces its own earlier output, and nothing else.
    again = _evote("demo", "--owners", "10", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    (tmp_path / "mine").mkdir()
    refused = _evote("demo", "--owners", "10", "--record", "mine", cwd=tmp_path)
    assert refused.returncode == 1
    assert "not an earlier demo's output" in refused.stderr


def test_verify_fails_with_exit_code_1_on_a_damaged_record(tmp_path: Path) -> None:
    assert _evote("demo", "--owners", "10", cwd=tmp_path).returncode == 0
    ballots = tmp_path / "demo-record" / "elections" / "demo-2026-assembly" / "ballots.jsonl"
    ballots.write_bytes(b"".join(ballots.read_bytes().splitlines(keepends=True)[1:]))
    result = _evote("verify", str(tmp_path / "demo-record"))
    assert result.returncode == 1
    assert "✗ 15.1" in result.stdout  # the election's record
    assert "✗ 16.7" in result.stdout  # and so the community's with it
    assert "INVALID" in result.stdout
    petitions = tmp_path / "demo-record" / "petitions.jsonl"
    petitions.write_bytes(petitions.read_bytes().replace(b'"withdraw":true', b'"withdraw":false'))
    assert "✗ 16.3" in _evote("verify", str(tmp_path / "demo-record")).stdout


def test_demo_refuses_a_bad_argument(tmp_path: Path) -> None:
    result = _evote("demo", "--owners", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert "--owners must be at least 3" in result.stderr


def test_version_and_help() -> None:
    assert _evote("--version").stdout.startswith("evote ")
    assert "demo" in _evote("--help").stdout


def test_verify_prints_the_outcome_it_recounted_in_either_language(tmp_path: Path) -> None:
    assert _evote("demo", "--owners", "12", cwd=tmp_path).returncode == 0
    record = str(tmp_path / "demo-record")
    english = _evote("verify", record, "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert "Outcome recounted from the record alone:" in english.stdout
    assert "Motion: 续筹维修资金 Replenish the maintenance fund [raise]" in english.stdout
    assert "--manifest-hash HASH --board-key KEY --head FILE" in english.stdout
    chinese = _evote("verify", record, "--lang", "zh")
    assert chinese.returncode == 0, chinese.stderr
    assert "有效：全部核对通过" in chinese.stdout
    assert "仅依据记录重新计票的结果" in chinese.stdout
    assert "议案：续筹维修资金" in chinese.stdout


def test_a_record_cannot_make_the_terminal_lie(tmp_path: Path) -> None:
    """An election or community id holding ANSI escapes (clear screen, green, a forged VALID line)
    is shown escaped, and the record is invalid (spec §15.13).
    """
    assert _evote("demo", "--owners", "10", cwd=tmp_path).returncode == 0
    forged = "x\x1b[2J\x1b[H\x1b[32m  VALID: every check passed\u202e"
    for index_path, field in (
        (tmp_path / "demo-record" / "record.json", "community"),
        (tmp_path / "demo-record" / "elections" / "demo-2026-assembly" / "record.json", "election"),
    ):
        index = json.loads(index_path.read_text(encoding="utf-8"))
        index[field] = forged
        index_path.write_text(json.dumps(index), encoding="utf-8")
    for extra in ((), ("--json",)):
        result = _evote("verify", str(tmp_path / "demo-record"), *extra)
        assert result.returncode == 1
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown
        assert "\u202e" not in shown
    text = _evote("verify", str(tmp_path / "demo-record")).stdout
    assert "INVALID" in text
    assert "contains a control or invisible formatting character" in text


def test_verify_refuses_bad_arguments_in_one_line(tmp_path: Path) -> None:
    missing = _evote("verify", str(tmp_path / "no-such-record"))
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert (
        missing.stderr.strip()
        == f"evote: error: no record directory at {tmp_path / 'no-such-record'}"
    )
    for jobs in ("0", "-3", "two"):
        refused = _evote("verify", str(tmp_path), "--jobs", jobs)
        assert refused.returncode == 2
        assert "argument --jobs" in refused.stderr


def test_a_published_record_is_readable_by_everyone(tmp_path: Path) -> None:
    result = subprocess.run(
        ["sh", "-c", f"umask 077 && {sys.executable} -m evote.cli.main demo --owners 5"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = tmp_path / "demo-record"
    directories = [record, *(p for p in record.rglob("*") if p.is_dir())]
    files = [p for p in record.rglob("*") if p.is_file()]
    assert len(directories) == 3  # the community's record, elections/, the election's record
    assert len(files) == 9 + 11
    assert {d.stat().st_mode & 0o777 for d in directories} == {0o755}
    assert {f.stat().st_mode & 0o777 for f in files} == {0o644}
