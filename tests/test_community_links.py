"""The community's record against its elections' records (spec §16.7).

A small community (:mod:`tests.community`) and an election announced on its own board — the
manifest and the roll, which is all these links read — each written as a record; then one link
at a time is broken.
"""

from __future__ import annotations

from pathlib import Path

from evote import (
    Assembly,
    Board,
    Convening,
    ElectionId,
    Manifest,
    Matter,
    MemoryStorage,
    Motion,
    NoticeKind,
    Purpose,
    QuestionId,
    Roll,
    Window,
    export_record,
    verify_community_record,
)
from evote.errors import Check
from tests.community import COMMUNITY, DAY, Town, key, roll, town

ELECTION = ElectionId("interim-2026")


def _petition(t: Town) -> str:
    opened = t.secretary.open_petition(
        "p1",
        Purpose.INTERIM_MEETING,
        "提议召开临时会议",
        "续聘物业",
        opens=t.at,
        deadline=t.at + DAY,
    )
    t.desk.open_petition(opened, at=t.tick())
    for person in ("alice", "bob"):
        t.desk.sign_petition(t.member(person).sign("p1"), at=t.tick())
    return "p1"


def _manifest(*, opens: int, petition: str = "p1") -> Manifest:
    return Manifest(
        election=ELECTION, title="临时会议", convener="业主委员会",
        convener_key=key("election convener").verify_key, board_key=key("election board").verify_key,
        window=Window(opens=opens, closes=opens + 7 * DAY), trustees=1, threshold=1,
        questions=(Motion(id=QuestionId("renew"), title="续聘物业", matter=Matter.PROPERTY_SERVICE),),
        convened_by=Convening(community=COMMUNITY, petition=petition),
    )  # fmt: skip


def _records(
    t: Town, tmp: Path, manifest: Manifest, *, published: int, the_roll: Roll | None = None
) -> Path:
    """The community's record with the election's (announced at ``published``) under it."""
    t.desk.board.sign_head(at=t.desk.board.latest)
    tmp.mkdir(exist_ok=True)
    directory = tmp / "community"
    export_record(t.desk.board, directory)
    board = Board(ELECTION, MemoryStorage(), key("election board"))
    election_roll = the_roll or t.desk.proceedings.roll
    Assembly(board).open(
        manifest, Roll(election=ELECTION, units=election_roll.units, persons=election_roll.persons),
        at=published,
    )  # fmt: skip
    board.sign_head(at=published)
    (directory / "elections").mkdir()
    export_record(board, directory / "elections" / ELECTION)
    return directory


def _links(directory: Path) -> list[str]:
    """The keys of what check 16.7 found, less the election's own record being incomplete."""
    verdict = verify_community_record(directory)
    findings = verdict.community.checks[Check.LINKS].findings
    return [f.said.text.key for f in findings if f.said.text.key != "election-invalid"]


def _meeting_notice(t: Town, manifest: Manifest) -> None:
    notice = t.convener.notice(
        "meeting", NoticeKind.MEETING, "会议通知", "召开临时会议", until=manifest.window.closes,
        election=manifest.hash(),
    )  # fmt: skip
    t.desk.post_notice(notice, at=t.tick())


def test_a_meeting_convened_by_a_reached_petition_on_the_final_roll(tmp_path: Path) -> None:
    t = town()
    _petition(t)
    manifest = _manifest(opens=t.at + 20 * DAY)
    _meeting_notice(t, manifest)
    assert _links(_records(t, tmp_path, manifest, published=t.tick())) == []


def test_a_petition_reached_after_the_manifest(tmp_path: Path) -> None:
    t = town()
    published = t.tick()
    _petition(t)  # reached after the manifest was published
    manifest = _manifest(opens=t.at + 20 * DAY)
    _meeting_notice(t, manifest)
    directory = _records(t, tmp_path, manifest, published=published)
    assert _links(directory) == ["cited-petition-not-reached"]


def test_a_petition_that_is_not_there(tmp_path: Path) -> None:
    t = town()
    manifest = _manifest(opens=t.at + 20 * DAY, petition="no-such-petition")
    _meeting_notice(t, manifest)
    assert _links(_records(t, tmp_path, manifest, published=t.tick())) == ["cited-petition-unknown"]


def test_a_meeting_notice_posted_too_late_or_never(tmp_path: Path) -> None:
    t = town()
    _petition(t)
    manifest = _manifest(opens=t.at + 14 * DAY)  # 14 days: one too few
    _meeting_notice(t, manifest)
    assert _links(_records(t, tmp_path / "late", manifest, published=t.tick())) == [
        "no-meeting-notice"
    ]
    t = town()
    _petition(t)
    manifest = _manifest(opens=t.at + 20 * DAY)
    assert _links(_records(t, tmp_path / "never", manifest, published=t.tick())) == [
        "no-meeting-notice"
    ]


def test_the_election_votes_on_the_roll_in_force_when_voting_opens(tmp_path: Path) -> None:
    t = town()
    _petition(t)
    manifest = _manifest(opens=t.at + 20 * DAY)
    _meeting_notice(t, manifest)
    correction = t.convener.correct_roll(roll(drop="jack"), "杰克的房屋登记重复")
    t.desk.correct_roll(correction, at=t.tick())
    stale = _records(t, tmp_path / "stale", manifest, published=t.tick(), the_roll=roll())
    assert _links(stale) == ["election-roll-differs"]
    # Corrected after voting opened: the election keeps the roll it opened with.
    t = town()
    _petition(t)
    manifest = _manifest(opens=t.at + 20 * DAY)
    _meeting_notice(t, manifest)
    t.desk.correct_roll(
        t.convener.correct_roll(roll(drop="jack"), "投票开始后的更正"), at=manifest.window.opens + 1
    )
    kept = _records(t, tmp_path / "kept", manifest, published=t.at - 1, the_roll=roll())
    assert _links(kept) == []
