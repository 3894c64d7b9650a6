"""A community's board over HTTP against a real server process (spec §16, issue 10)."""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from evote import (
    Bank,
    CommunityConvener,
    Member,
    NoticeKind,
    PersonId,
    PetitionOpener,
    Purpose,
    Transaction,
    VerifyKey,
    encode,
    verify_community_record,
)
from evote._internal.registry.credentials import new_activation_code as new_code
from tests.community import COMMUNITY, charter, key, roll
from tests.server import Served, postgres_schema, serving


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A server on SQLite, then one on PostgreSQL: the same tests on both."""
    directory = tmp_path_factory.mktemp("server")
    if request.param == "sqlite":
        with serving(directory) as server:
            yield server
    else:
        with postgres_schema() as url, serving(directory, url) as server:
            yield server


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_petition_reaches_its_rule_over_http(served: Served, tmp_path: Path) -> None:
    operator = served.client(served.operator_token)
    created = _ok(operator.post("/communities", json={"id": COMMUNITY}))
    board_key = VerifyKey.from_hex(created["board_key"])
    convener_client = served.client(created["token"])
    observer = served.client()
    the_charter = charter(board_key=board_key)
    founding = msgspec.json.encode({"charter": msgspec.json.decode(encode(the_charter)),
                                    "roll": msgspec.json.decode(encode(roll()))})  # fmt: skip
    assert observer.post(f"/communities/{COMMUNITY}/found", content=founding).status_code == 401
    _ok(convener_client.post(f"/communities/{COMMUNITY}/found", content=founding))
    path = f"/communities/{COMMUNITY}"
    # An election's route does not serve a community.
    assert observer.get(f"/elections/{COMMUNITY}").status_code == 404

    convener = CommunityConvener(key("convener"), the_charter)
    members = {}
    for person in ("alice", "bob", "erin"):
        issued = convener.issue_code(PersonId(person))
        _ok(observer.post(f"{path}/codes", content=encode(issued.issue)))
        member = Member(PersonId(person), key(f"owner/{person}"), the_charter)
        _ok(observer.post(f"{path}/bindings", content=encode(member.join(issued.code))))
        members[person] = member

    # Guessing a code: five wrong ones for a person, then nothing more is looked at for an hour.
    guesser = Member(PersonId("gina"), key("guesser"), the_charter)
    gina = convener.issue_code(PersonId("gina"))
    _ok(observer.post(f"{path}/codes", content=encode(gina.issue)))
    for _ in range(5):
        wrong = observer.post(f"{path}/bindings", content=encode(guesser.join(new_code())))
        assert wrong.status_code == 422, wrong.text
        assert wrong.json()["type"] == "/problems/code-invalid"
    blocked = observer.post(f"{path}/bindings", content=encode(guesser.join(gina.code)))
    assert blocked.status_code == 429
    assert blocked.json()["type"] == "/problems/too-many-attempts"
    assert blocked.headers["retry-after"] == "3600"

    secretary = PetitionOpener(key("secretary"), the_charter)
    now = int(time.time())
    petition = secretary.open_petition(
        "p1", Purpose.INTERIM_MEETING, "提议召开临时会议", "续聘物业", opens=now - 5,
        deadline=now + 4,
    )  # fmt: skip
    _ok(observer.post(f"{path}/petitions", content=encode(petition)))
    _ok(observer.post(f"{path}/signatures", content=encode(members["alice"].sign("p1"))))
    progress = _ok(observer.get(f"{path}/petitions/p1"))
    assert progress["signed"] == {"area": 20_000, "headcount": 1}
    assert progress["reached"] is False
    again = observer.post(f"{path}/signatures", content=encode(members["alice"].sign("p1")))
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/already-signed"
    _ok(observer.post(f"{path}/signatures", content=encode(members["bob"].sign("p1"))))
    assert _ok(observer.get(f"{path}/petitions/p1"))["reached"] is True
    kinds = [e["event"]["type"] for e in _ok_list(observer.get(f"{path}/entries"))]
    assert kinds[-2:] == ["petition-signature", "petition-reached"]

    notice = convener.notice("roll", NoticeKind.ROLL, "名册公示", "名册", until=now + 3600)
    _ok(observer.post(f"{path}/notices", content=encode(notice)))
    objection = _ok(observer.post(f"{path}/objections",
                                  content=encode(members["erin"].object("roll", "面积有误"))))  # fmt: skip
    answer = convener.answer(objection["index"], "已核实", upheld=False)
    _ok(observer.post(f"{path}/answers", content=encode(answer)))
    bank = Bank(key("bank"), the_charter, "6222")
    statement = bank.statement("2026-12-01", 1_000_000, [
        Transaction(id="t1", amount=5_000, counterparty="停车费", memo="停车收入")])  # fmt: skip
    _ok(observer.post(f"{path}/statements", content=encode(statement)))

    time.sleep(max(0.0, now + 4 - time.time()) + 1)
    _ok(convener_client.post(f"{path}/close-due"))
    status = _ok(observer.get(path))
    assert status["petitions"] == ["p1"]
    archive = observer.get(f"{path}/record")
    with tarfile.open(fileobj=io.BytesIO(archive.content), mode="r:gz") as tar:
        tar.extractall(tmp_path, filter="data")
    verdict = verify_community_record(tmp_path / COMMUNITY, board_key=board_key)
    assert verdict.valid, verdict.render()
    (summary,) = verdict.community.summary.petitions or ()
    assert summary.closed
    assert summary.reached_at is not None


def _ok_list(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries
