"""Two server processes on one PostgreSQL database, casting at once (design §4, issue 10).

Every acknowledged ballot is on the board exactly once, every receipt verifies, a ballot resent to
the other process gets the same entry, and the record verifies with every receipt checked in it.
"""

from __future__ import annotations

import io
import random
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec

from evote import (
    CeremonyTrustee,
    Convener,
    ElectionId,
    Entry,
    InclusionReceipt,
    Manifest,
    Matter,
    Motion,
    Proceedings,
    QuestionId,
    SigningKey,
    VerifyKey,
    Voter,
    Window,
    decode,
    decrypt_tally,
    encode,
    verify_receipt,
    verify_record,
)
from evote.simulation import estate
from tests.server import postgres_schema, serving

ELECTION = ElectionId("two-processes")
RENEW = QuestionId("renew")
OWNERS = 24


def test_two_processes_cast_concurrently_on_one_database(tmp_path: Path) -> None:
    with postgres_schema() as url, serving(tmp_path, url) as a, serving(tmp_path, url) as b:
        created = a.client(a.operator_token).post("/elections", json={"id": ELECTION}).json()
        board_key = VerifyKey.from_hex(created["board_key"])
        conveners = [a.client(created["token"]), b.client(created["token"])]
        observers = [a.client(), b.client()]
        roll = estate(ELECTION, OWNERS, random.Random(5))
        convener = Convener(SigningKey.generate())
        now = int(time.time())
        manifest = Manifest(
            election=ELECTION, title="Two processes", convener="Tests",
            convener_key=convener.key, board_key=board_key,
            window=Window(opens=now - 60, closes=now + 25), trustees=3, threshold=2,
            questions=(Motion(id=RENEW, title="Renew", matter=Matter.PROPERTY_SERVICE),),
        )  # fmt: skip
        opening = msgspec.json.encode({"manifest": msgspec.json.decode(encode(manifest)),
                                       "roll": msgspec.json.decode(encode(roll))})  # fmt: skip
        assert conveners[0].post(f"/elections/{ELECTION}/open", content=opening).status_code == 201
        trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2, 3)]
        announcements = [t.announce() for t in trustees]
        for i, announcement in enumerate(announcements):  # alternately through each process
            conveners[i % 2].post(
                f"/elections/{ELECTION}/announcements", content=encode(announcement)
            )
        dealings = [t.deal(announcements) for t in trustees]
        for i, dealing in enumerate(dealings):
            conveners[i % 2].post(f"/elections/{ELECTION}/dealings", content=encode(dealing))
        assert conveners[1].post(f"/elections/{ELECTION}/ceremony").status_code == 201
        election = _replay(observers[0]).election
        keys = [t.finish(election.ceremony, dealings) for t in trustees]

        voters = []
        for i, person in enumerate(roll.persons):
            issued = convener.issue_code(manifest, person.id)
            observers[i % 2].post(f"/elections/{ELECTION}/codes", content=encode(issued.issue))
            voter = Voter.create(person.id)
            bound = observers[(i + 1) % 2].post(
                f"/elections/{ELECTION}/bindings", content=encode(voter.bind(manifest, issued.code))
            )
            assert bound.status_code == 201, bound.text
            voters.append(voter)
        ballots = [v.prepare_ballot(election, {RENEW: [Motion.AGREE]}).ballot for v in voters]

        def cast(index: int) -> InclusionReceipt:
            response = observers[index % 2].post(
                f"/elections/{ELECTION}/ballots", content=encode(ballots[index])
            )
            assert response.status_code == 201, response.text
            return decode(response.content, InclusionReceipt)

        with ThreadPoolExecutor(max_workers=8) as pool:
            receipts = list(pool.map(cast, range(len(ballots))))
        for receipt in receipts:
            verify_receipt(receipt, board_key)
        assert len({r.index for r in receipts}) == len(ballots)  # none lost, none twice
        resent = observers[1].post(f"/elections/{ELECTION}/ballots", content=encode(ballots[0]))
        assert decode(resent.content, InclusionReceipt).index == receipts[0].index

        time.sleep(max(0.0, manifest.window.closes - time.time()) + 1)
        assert conveners[0].post(f"/elections/{ELECTION}/close").status_code == 201
        assert conveners[1].post(f"/elections/{ELECTION}/tally").status_code == 201
        for i, key in enumerate(keys[:2]):
            share = decrypt_tally(key, _replay(observers[i]).box)
            assert observers[i].post(f"/elections/{ELECTION}/shares",
                                     content=encode(share)).status_code == 201  # fmt: skip
        assert conveners[0].post(f"/elections/{ELECTION}/results").status_code == 201
        archive = observers[1].get(f"/elections/{ELECTION}/record").content
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(tmp_path, filter="data")
        report = verify_record(tmp_path / ELECTION, board_key=board_key, heads=receipts)
        assert report.valid, report.render()
        assert report.summary.ballots_accepted == len(roll.persons)  # the developer too


def _replay(client: object) -> Proceedings:
    proceedings = Proceedings()
    lines = msgspec.json.decode(client.get(f"/elections/{ELECTION}/entries").content)  # type: ignore[attr-defined]
    for line in lines:
        proceedings.apply(decode(msgspec.json.encode(line), Entry))
    return proceedings
