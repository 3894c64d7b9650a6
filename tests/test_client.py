"""The Python client against a real server: every role's calls, refusals as the library's (issue 10)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest

from evote import (
    CeremonyTrustee,
    Convener,
    ElectionId,
    Manifest,
    Matter,
    Motion,
    QuestionId,
    SignedTreeHead,
    SigningKey,
    VerifyKey,
    Voter,
    Window,
    decode,
    decrypt_tally,
    encode,
    read_roll_csv,
    verify_record,
)
from evote.client import Client, ServerError
from evote.errors import Reason, Refused
from evote.hazmat.transcript import Domain
from tests.server import Served, serving

ELECTION = ElectionId("client-e2e")
RENEW = QuestionId("renew")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with serving(tmp_path_factory.mktemp("server")) as server:
        yield server


def test_every_role_through_the_client(served: Served, tmp_path: Path) -> None:
    with Client(served.url, token=served.operator_token) as operator:
        created = operator.create_election(ELECTION)
        with pytest.raises(ServerError) as exists:
            operator.create_election(ELECTION)
        assert (exists.value.status, exists.value.kind) == (409, "exists")
    board_key = VerifyKey.from_hex(created.board_key)
    convener_side = Client(served.url, token=created.token).election(ELECTION)
    public = Client(served.url).election(ELECTION)

    roll = read_roll_csv("unit,building,area,owner\n1-101,1,89.12,A\n1-102,1,102.30,B\n", ELECTION)
    convener = Convener(SigningKey.generate())
    now = int(time.time())
    manifest = Manifest(
        election=ELECTION, title="Client", convener="Tests", convener_key=convener.key,
        board_key=board_key, window=Window(opens=now - 60, closes=now + 8), trustees=2,
        threshold=2,
        questions=(Motion(id=RENEW, title="Renew", matter=Matter.PROPERTY_SERVICE),),
    )  # fmt: skip
    convener_side.open(manifest, roll)
    trustees = [CeremonyTrustee.start(manifest.ceremony_parameters(), i) for i in (1, 2)]
    announcements = [t.announce() for t in trustees]
    for announcement in announcements:
        convener_side.announce(announcement)
    dealings = [t.deal(announcements) for t in trustees]
    for dealing in dealings:
        convener_side.deal(dealing)
    convener_side.conclude_ceremony()
    election = public.proceedings().election
    keys = [t.finish(election.ceremony, dealings) for t in trustees]

    voters = []
    for person in roll.persons:
        issued = convener.issue_code(manifest, person.id)
        public.issue_code(issued.issue)
        voter = Voter.create(person.id)
        binding = voter.bind(manifest, issued.code)
        public.bind(binding)
        with pytest.raises(Refused) as used:
            public.bind(binding)  # the code is spent
        assert used.value.reason is Reason.CODE_USED
        voters.append(voter)
    receipts = [
        public.cast(v.prepare_ballot(election, {RENEW: [Motion.AGREE]}).ballot, board_key)
        for v in voters
    ]
    assert public.receipt(receipts[0].tracking_code, board_key).index == receipts[0].index
    first = public.latest_head(board_key)
    with pytest.raises(Refused) as early:
        convener_side.close_box()
    assert early.value.reason is Reason.OUTSIDE_WINDOW

    time.sleep(max(0.0, manifest.window.closes - time.time()) + 1)
    convener_side.close_box()
    convener_side.publish_tally()
    for key in keys:
        public.add_share(decrypt_tally(key, public.proceedings().box))
    convener_side.publish_results()
    last = public.latest_head(board_key)
    public.consistency(first.head.size, last.head.size, board_key)
    record = public.download_record(tmp_path / "download")
    report = verify_record(record, board_key=board_key, heads=[first, *receipts])
    assert report.valid, report.render()
    assert public.status()["phase"] == "decided"


def test_an_observer_keeps_heads_and_catches_a_rewritten_board(
    served: Served, tmp_path: Path
) -> None:
    """Run after the election above: the board is complete and its heads are kept."""
    status = Client(served.url).election(ELECTION).status()
    heads = tmp_path / "heads.jsonl"

    def observe(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "evote.cli.main", "observe", served.url, ELECTION,
             "--board-key", status["board_key"], "--heads", str(heads), *extra],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    first = observe()
    assert first.returncode == 0, first.stderr
    assert "signed, and extends the 0 head(s) kept" in first.stdout
    second = observe("--record", str(tmp_path / "record"))
    assert second.returncode == 0, second.stderr
    assert "extends the 1 head(s) kept" in second.stdout
    assert "VALID: every check passed" in second.stdout
    # A head of the same size, but not the one the server signed then: a rewritten board.
    kept = decode(heads.read_bytes().splitlines()[0], SignedTreeHead)
    other = SigningKey.generate()
    forged = msgspec.structs.replace(kept, signature=other.sign(Domain.SIGN_TREE_HEAD, kept.head))
    heads.write_bytes(encode(forged) + b"\n")
    caught = observe()
    assert caught.returncode == 1
    assert "the board was rewritten" in caught.stderr
    wrong_key = subprocess.run(
        [sys.executable, "-m", "evote.cli.main", "observe", served.url, ELECTION,
         "--board-key", other.verify_key.hex(), "--heads", str(tmp_path / "other.jsonl")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert wrong_key.returncode == 1
    assert "not the one given" in wrong_key.stdout
