"""Every role from the command line against a real server: an election end to end (issue 10)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

from evote import CommunityConvener, NoticeKind, PersonId, PetitionOpener, Purpose, VerifyKey
from evote.client import Client
from tests.community import COMMUNITY, charter, key, roll
from tests.server import serving

ROLL = "unit,building,area,owner\n1-101,1,89.12,A\n1-102,1,102.30,B\n1-201,1,65.12,C\n"


def _evote(*arguments: str | Path, cwd: Path, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "evote.cli.main", *map(str, arguments)],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False, input=stdin,
    )  # fmt: skip
    assert done.returncode == 0, f"{arguments}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_an_election_from_the_command_line(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        url, here = server.url, tmp_path
        _evote("convener", "create", url, "cli-vote", "--operator-token-file",
               tmp_path / "operator-token", cwd=here)  # fmt: skip
        assert (here / "convener.json").stat().st_mode & 0o777 == 0o600
        now = int(time.time())
        (here / "manifest.json").write_text(json.dumps({
            "title": "Owners' assembly", "convener": "Preparatory group",
            "window": {"opens": now - 60, "closes": now + 40}, "trustees": 2, "threshold": 2,
            "questions": [{"kind": "motion", "id": "renew", "title": "Renew the property company",
                           "matter": "property-service"}],
        }))  # fmt: skip
        (here / "roll.csv").write_text(ROLL)
        (here / "passphrase").write_text("correct horse battery staple\n")
        assert "3 persons" in _evote("convener", "open", "--manifest", "manifest.json",
                                     "--roll", "roll.csv", cwd=here)  # fmt: skip
        trustee = ("--passphrase-file", "passphrase")
        for i in (1, 2):
            _evote("trustee", "start", url, "cli-vote", "--index", str(i), "--state", f"state-{i}",
                   "--out", f"announcement-{i}.json", *trustee, cwd=here)  # fmt: skip
        _evote("convener", "relay", "announcement-1.json", "announcement-2.json", cwd=here)
        for i in (1, 2):
            _evote("trustee", "deal", url, "cli-vote", "--state", f"state-{i}",
                   "--out", f"dealing-{i}.json", *trustee, cwd=here)  # fmt: skip
        _evote("convener", "relay", "dealing-1.json", "dealing-2.json", cwd=here)
        _evote("convener", "step", "conclude", cwd=here)
        for i in (1, 2):
            _evote("trustee", "finish", url, "cli-vote", "--state", f"state-{i}",
                   "--out", f"key-{i}", *trustee, cwd=here)  # fmt: skip

        _evote("convener", "codes", "--out", "codes.csv", cwd=here)
        with (here / "codes.csv").open(encoding="utf-8") as file:
            codes = {row["person"]: row["code"] for row in csv.DictReader(file)}
        for person, choice in (("A", 0), ("B", 0), ("C", 1)):
            _evote("owner", "bind", url, "cli-vote", "--person", person, "--code", codes[person],
                   "--device", f"device-{person}.json", cwd=here)  # fmt: skip
            (here / f"choices-{person}.json").write_text(json.dumps({"renew": [choice]}))
        for person in ("A", "B"):
            audit = ("--challenge", f"audit-{person}.json") if person == "A" else ()
            out = _evote("owner", "vote", "--choices", f"choices-{person}.json", "--receipt",
                         f"receipt-{person}.json", "--device", f"device-{person}.json", *audit,
                         cwd=here)  # fmt: skip
            assert "tracking code" in out
        # C gives their vote to B, who casts it; C revokes, then votes in person after all.
        proxy = _evote("owner", "key", "--device", "device-B.json", cwd=here).strip()
        _evote("owner", "delegate", "--proxy", proxy, "--expires", str(now + 40), "--out",
               "delegation-C.json", "--device", "device-C.json", cwd=here)  # fmt: skip
        assert "cast for C" in _evote(
            "owner", "vote", "--choices", "choices-B.json", "--for", "delegation-C.json",
            "--receipt", "receipt-B-for-C.json", "--device", "device-B.json", cwd=here,
        )  # fmt: skip
        _evote("owner", "revoke", "--delegation", "delegation-C.json", "--device",
               "device-C.json", cwd=here)  # fmt: skip
        # … answering the questions on the terminal: a word, a number off the list, then "oppose".
        asked = _evote("owner", "vote", "--receipt", "receipt-C.json", "--device",
                       "device-C.json", cwd=here, stdin="agree\n7\n1\n")  # fmt: skip
        assert "Renew the property company [renew]" in asked
        assert "1: oppose" in asked
        assert asked.count("your choice (one number)") == 3
        assert "tracking code" in asked
        assert "extends the receipt's" in _evote(
            "owner", "check", "--receipt", "receipt-A.json", "--device", "device-A.json", cwd=here
        )

        time.sleep(max(0.0, now + 40 - time.time()) + 1)
        _evote("convener", "step", "close", cwd=here)
        _evote("convener", "step", "tally", cwd=here)
        for i in (1, 2):
            _evote("trustee", "decrypt", url, "cli-vote", "--key", f"key-{i}", *trustee, cwd=here)
        _evote("convener", "step", "results", cwd=here)
        observed = _evote("observe", url, "cli-vote", "--record", "downloaded", cwd=here)
        assert "VALID: every check passed" in observed
        assert "PASSED" in observed  # 2 of 3 agree, by area and by headcount


def test_a_member_on_a_communitys_board_from_the_command_line(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        operator = Client(server.url, token=server.operator_token)
        created = operator.create_community(COMMUNITY)
        the_charter = charter(board_key=VerifyKey.from_hex(created.board_key))
        board = Client(server.url, token=created.token).community(COMMUNITY)
        board.found(the_charter, roll())
        convener = CommunityConvener(key("convener"), the_charter)
        issued = convener.issue_code(PersonId("hank"))
        board.issue_code(issued.issue)
        now = int(time.time())
        secretary = PetitionOpener(key("secretary"), the_charter)
        board.open_petition(secretary.open_petition(
            "p1", Purpose.INTERIM_MEETING, "临时会议", "提议", opens=now - 5, deadline=now + 3600
        ))  # fmt: skip
        board.post_notice(convener.notice("roll", NoticeKind.ROLL, "名册", "名册公示",
                                          until=now + 3600))  # fmt: skip
        here = tmp_path
        _evote("member", "join", server.url, COMMUNITY, "--person", "hank", "--code",
               issued.code, cwd=here)  # fmt: skip
        assert "90.00 of 1,000.00 m², 1 of 10 persons" in _evote("member", "sign", "p1", cwd=here)
        _evote("member", "sign", "p1", "--withdraw", cwd=here)
        _evote("member", "sign", "p1", cwd=here)  # numbers kept on the device: no replay
        assert "not reached yet" in _evote("member", "progress", "p1", cwd=here)
        (here / "objection.txt").write_text("H-101 的面积有误\n", encoding="utf-8")
        assert "objection to notice roll" in _evote(
            "member", "object", "roll", "--text-file", "objection.txt", cwd=here
        )
        assert len(board.proceedings().objections) == 1
