"""A whole election over HTTP against a real server process on SQLite (design §4, issue 10).

Every role is a separate client: the convener with its token, trustees whose messages the convener
relays, owners' devices, observers without a login. Bad requests get problem details with the
library's reason as their type, and change nothing.
"""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from evote import (
    CeremonyTrustee,
    ConsistencyProof,
    Convener,
    ElectionId,
    Entry,
    InclusionReceipt,
    Manifest,
    Matter,
    Motion,
    Proceedings,
    QuestionId,
    SignedTreeHead,
    SigningKey,
    VerifyKey,
    Voter,
    Window,
    decode,
    decrypt_tally,
    encode,
    prepare_ballot,
    read_roll_csv,
    verify_consistency_proof,
    verify_receipt,
    verify_record,
)
from tests.elections import world
from tests.server import Served, postgres_schema, serving

ELECTION = ElectionId("server-e2e")
RENEW = QuestionId("renew")
ROLL_CSV = "unit,building,area,owner\n1-101,1,89.12,A\n1-102,1,102.30,B\n1-201,1,65.12,C\n"


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


def _problem(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"/problems/{kind}", problem
    assert problem["status"] == status
    assert problem["detail"]
    return problem


def _proceedings(client: httpx.Client, election: str) -> Proceedings:
    """What any client does to know the election: replay the board's entries, every rule."""
    proceedings = Proceedings()
    for line in msgspec.json.decode(client.get(f"/elections/{election}/entries").content):
        proceedings.apply(decode(msgspec.json.encode(line), Entry))
    return proceedings


def test_a_whole_election_over_http(served: Served, tmp_path: Path) -> None:
    observer = served.client()
    operator = served.client(served.operator_token)
    if not served.database.startswith("postgresql"):  # it holds the boards' signing keys
        assert Path(served.database).stat().st_mode & 0o777 == 0o600
    _problem(served.client("not-the-token").post("/elections", json={"id": "x"}), 401,
             "unauthorised")  # fmt: skip
    created = operator.post("/elections", json={"id": ELECTION})
    assert created.status_code == 201, created.text
    board_key = VerifyKey.from_hex(created.json()["board_key"])
    convener_client = served.client(created.json()["token"])
    _problem(operator.post("/elections", json={"id": ELECTION}), 409, "exists")

    roll = read_roll_csv(ROLL_CSV, ELECTION)
    convener = Convener(SigningKey.generate())
    now = int(time.time())
    manifest = Manifest(
        election=ELECTION, title="Owners' assembly", convener="Preparatory group",
        convener_key=convener.key, board_key=board_key,
        window=Window(opens=now - 60, closes=now + 20), trustees=3, threshold=2,
        questions=(Motion(id=RENEW, title="Renew the property company",
                          matter=Matter.PROPERTY_SERVICE),),
    )  # fmt: skip
    opening = msgspec.json.encode({"manifest": msgspec.json.decode(encode(manifest)),
                                   "roll": msgspec.json.decode(encode(roll))})  # fmt: skip
    _problem(observer.post(f"/elections/{ELECTION}/open", content=opening), 401, "unauthorised")
    opened = convener_client.post(f"/elections/{ELECTION}/open", content=opening)
    assert opened.status_code == 201, opened.text
    assert opened.json()["index"] == 1
    early = world({"A": [8_000]})  # any well-formed ballot: there is no election to cast in yet
    early.bind_everyone()
    too_soon = early.ballot("A", {"hire": [0]}).ballot
    _problem(observer.post(f"/elections/{ELECTION}/ballots", content=encode(too_soon)), 409,
             "wrong-phase")  # fmt: skip

    # The trustees' ceremony, relayed by the convener.
    trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2, 3)]
    announcements = [t.announce() for t in trustees]
    for announcement in announcements:
        posted = convener_client.post(f"/elections/{ELECTION}/announcements",
                                      content=encode(announcement))  # fmt: skip
        assert posted.status_code == 201, posted.text
    dealings = [t.deal(announcements) for t in trustees]
    for dealing in dealings:
        convener_client.post(f"/elections/{ELECTION}/dealings", content=encode(dealing))
    assert convener_client.post(f"/elections/{ELECTION}/ceremony").status_code == 201
    election = _proceedings(observer, ELECTION).election
    keys = [t.finish(election.ceremony, dealings) for t in trustees]

    # Owners bind their phones with the codes the convener sent them, then vote.
    voters = []
    for person in roll.persons:
        issued = convener.issue_code(manifest, person.id)
        assert observer.post(
            f"/elections/{ELECTION}/codes", content=encode(issued.issue)
        ).is_success
        voter = Voter.create(person.id)
        bound = observer.post(f"/elections/{ELECTION}/bindings",
                              content=encode(voter.bind(manifest, issued.code)))  # fmt: skip
        assert bound.status_code == 201, bound.text
        voters.append(voter)
    receipts = []
    for voter, choice in zip(voters, [Motion.AGREE, Motion.AGREE, Motion.OPPOSE], strict=True):
        ballot = voter.prepare_ballot(election, {RENEW: [choice]}).ballot
        cast = observer.post(f"/elections/{ELECTION}/ballots", content=encode(ballot))
        assert cast.status_code == 201, cast.text
        receipt = decode(cast.content, InclusionReceipt)
        verify_receipt(receipt, board_key)
        receipts.append((ballot, receipt))
    # A device casting in another owner's name is refused.
    for_another = prepare_ballot(election, roll.persons[2].id, voters[0].credential,
                                 {RENEW: [Motion.AGREE]}, counter=7).ballot  # fmt: skip
    _problem(observer.post(f"/elections/{ELECTION}/ballots", content=encode(for_another)), 403,
             "not-authorised")  # fmt: skip
    # Resent, a ballot gets the same entry back.
    ballot, receipt = receipts[0]
    again = decode(observer.post(f"/elections/{ELECTION}/ballots", content=encode(ballot)).content,
                   InclusionReceipt)  # fmt: skip
    assert again.index == receipt.index

    found = observer.get(f"/elections/{ELECTION}/ballots/{receipt.tracking_code.hex()}")
    assert decode(found.content, InclusionReceipt).index == receipt.index
    assert observer.get(f"/elections/{ELECTION}/ballots/{'00' * 32}").status_code == 404
    _heads_for_observers(observer, convener, manifest, board_key)
    _bad_requests(observer, election, voters, receipts[0][0])

    # Close, tally, decrypt with two trustees, results.
    time.sleep(max(0.0, manifest.window.closes - time.time()) + 1)
    assert convener_client.post(f"/elections/{ELECTION}/close").status_code == 201
    late = voters[0].prepare_ballot(election, {RENEW: [Motion.OPPOSE]}).ballot
    _problem(observer.post(f"/elections/{ELECTION}/ballots", content=encode(late)), 409,
             "outside-window")  # fmt: skip
    assert convener_client.post(f"/elections/{ELECTION}/tally").status_code == 201
    # A trustee cannot post a share in another trustee's name.
    box = _proceedings(observer, ELECTION).box
    theirs = msgspec.structs.replace(decrypt_tally(keys[0], box), trustee=keys[1].trustee)
    _problem(observer.post(f"/elections/{ELECTION}/shares", content=encode(theirs)), 422,
             "share-invalid")  # fmt: skip
    for key in keys[:2]:
        box = _proceedings(observer, ELECTION).box  # each trustee recounts the box itself
        shared = observer.post(f"/elections/{ELECTION}/shares",
                               content=encode(decrypt_tally(key, box)))  # fmt: skip
        assert shared.status_code == 201, shared.text
    assert convener_client.post(f"/elections/{ELECTION}/results").status_code == 201
    status = observer.get(f"/elections/{ELECTION}").json()
    assert status["phase"] == "decided"
    head = decode(observer.get(f"/elections/{ELECTION}/heads/latest").content, SignedTreeHead)
    assert head.head.size == status["size"]

    # The record, downloaded in one piece, verifies on its own.
    archive = observer.get(f"/elections/{ELECTION}/record")
    assert archive.headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(archive.content), mode="r:gz") as tar:
        tar.extractall(tmp_path, filter="data")
    report = verify_record(tmp_path / ELECTION, board_key=board_key, heads=[head])
    assert report.valid, report.render()
    (result,) = report.summary.results or ()
    assert result.agree.headcount == 2  # type: ignore[union-attr]


def _heads_for_observers(
    observer: httpx.Client, convener: Convener, manifest: Manifest, board_key: VerifyKey
) -> None:
    """New heads as server-sent events, and a consistency proof between two of them."""
    path = f"/elections/{ELECTION}"
    with observer.stream("GET", f"{path}/heads/stream") as stream:
        lines = stream.iter_lines()
        first = decode(
            next(ln for ln in lines if ln.startswith("data:"))[5:].strip(), SignedTreeHead
        )
        notice = convener.notice(manifest, "公告", "投票进行中", until=manifest.window.closes)
        assert observer.post(f"{path}/notices", content=encode(notice)).status_code == 201
        later = decode(
            next(ln for ln in lines if ln.startswith("data:"))[5:].strip(), SignedTreeHead
        )
    assert later.head.size == first.head.size + 1
    proof = observer.get(f"{path}/consistency", params={"old": 2, "new": later.head.size})
    assert proof.status_code == 200, proof.text
    verify_consistency_proof(decode(proof.content, ConsistencyProof), board_key)
    missing = observer.get(f"{path}/consistency", params={"old": later.head.size, "new": 2})
    assert missing.status_code == 404


def _bad_requests(observer: httpx.Client, election: Any, voters: list[Voter], cast: Any) -> None:
    """Each bad request gets its problem type, and the board does not change."""
    size = observer.get(f"/elections/{ELECTION}").json()["size"]
    path = f"/elections/{ELECTION}"
    forged = msgspec.structs.replace(cast, signature=voters[1].prepare_ballot(
        election, {RENEW: [Motion.AGREE]}).ballot.signature)  # fmt: skip
    problems = [
        (observer.post(f"{path}/ballots", content=b"{not json"), 400, "malformed"),
        (observer.post(f"{path}/ballots", content=b'{"body": 1}'), 400, "malformed"),
        (observer.post(f"{path}/ballots", content=encode(forged)), 422, "bad-signature"),
        (observer.post(f"{path}/ballots", content=b"x" * (17 << 20)), 413, "too-large"),
        (observer.post("/elections/nowhere/ballots", content=encode(cast)), 404, "not-found"),
        (observer.post(f"{path}/close"), 401, "unauthorised"),
        (observer.post(f"{path}/tally", headers={"authorization": "Bearer nope"}), 401,
         "unauthorised"),
        (observer.get(f"{path}/entries", params={"limit": 0}), 400, "http"),
    ]  # fmt: skip
    for response, status, kind in problems:
        _problem(response, status, kind)
    chinese = observer.post(f"{path}/ballots", content=encode(forged),
                            headers={"accept-language": "zh-CN"})  # fmt: skip
    assert "拒绝" in _problem(chinese, 422, "bad-signature")["detail"]
    assert observer.get(f"/elections/{ELECTION}").json()["size"] == size
