"""Joint petitions (联名) on the community's board (spec §16.3)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evote import CommunityBoard, CommunityDesk, Language, NoticeKind, SqliteStorage
from evote._internal.community.charter import (
    DEFAULT_PETITION_RULES,
    Combine,
    PetitionRule,
    Purpose,
)
from evote._internal.community.events import PetitionClosed, PetitionReached, PetitionSigned
from evote._internal.community.petitions import Petition, PetitionBody, SignatureBody, sign_petition
from evote._internal.community.petitions import open_petition as sign_opening
from evote._internal.encoding import Bytes32
from evote._internal.ids import PersonId
from evote._internal.registry.roll import Figures
from evote.errors import Check, Reason, Refused
from tests.community import COMMUNITY, DAY, HOUR, Town, join, key, refused, roll, town


def _open(t: Town, purpose: Purpose = Purpose.INTERIM_MEETING, petition: str = "p1") -> str:
    opened = t.secretary.open_petition(
        petition, purpose, "提议召开临时会议", "更换物业服务企业", opens=t.at,
        deadline=t.at + 30 * DAY,
    )  # fmt: skip
    t.desk.open_petition(opened, at=t.tick())
    return petition


def _refused(
    t: Town, action: Callable[[], object], reason: Reason, check: Check = Check.PETITIONS
) -> Refused:
    return refused(t, action, reason, check)


def _rule(purpose: Purpose) -> PetitionRule:
    return next(r for r in DEFAULT_PETITION_RULES if r.purpose is purpose)


# -- thresholds as exact integers (domain rule 19) ------------------------------------------------


def test_exactly_a_fifth_of_the_area_with_19_99_percent_of_the_headcount() -> None:
    totals = Figures(area=123_456_785, headcount=10_000)
    signed = Figures(area=totals.area // 5, headcount=1_999)  # 20 % exactly, 19.99 %
    assert signed.area * 5 == totals.area
    assert not _rule(Purpose.INTERIM_MEETING).holds(signed, totals)  # AND
    assert _rule(Purpose.PREPARATORY_GROUP).holds(signed, totals)  # OR
    one_more = Figures(area=signed.area, headcount=2_000)
    assert _rule(Purpose.INTERIM_MEETING).holds(one_more, totals)
    one_less = Figures(area=signed.area - 1, headcount=1_999)
    assert not _rule(Purpose.PREPARATORY_GROUP).holds(one_less, totals)


def test_the_defaults_follow_domain_rule_19() -> None:
    assert _rule(Purpose.INTERIM_MEETING).combine is Combine.ALL
    assert _rule(Purpose.PREPARATORY_GROUP).combine is Combine.ANY
    for rule in DEFAULT_PETITION_RULES:
        assert {(r.numerator, r.denominator, r.strict) for r in rule.requirements} == {
            (1, 5, False)
        }


def test_a_multi_unit_owner_brings_all_their_area_once() -> None:
    t = town()
    petition = _open(t)
    t.desk.sign_petition(t.member("alice").sign(petition), at=t.tick())
    progress = t.desk.progress(petition)
    assert progress.signed == Figures(area=20_000, headcount=1)  # two units, one person
    assert progress.totals == Figures(area=100_000, headcount=10)
    area, headcount = progress.evaluations
    assert area.holds  # 20 % of the area exactly
    assert not headcount.holds  # 10 % of the headcount
    assert not progress.reached


def test_the_developer_and_a_co_owned_unit_are_one_person_each() -> None:
    t = town()
    petition = _open(t)
    t.desk.sign_petition(t.member("developer").sign(petition), at=t.tick())
    assert t.desk.progress(petition).signed == Figures(area=15_000, headcount=1)
    t.desk.sign_petition(t.member("chen-and-carol").sign(petition), at=t.tick())
    assert t.desk.progress(petition).signed == Figures(area=24_000, headcount=2)


def test_the_board_records_the_moment_the_rule_is_reached() -> None:
    t = town()
    petition = _open(t)
    t.desk.sign_petition(t.member("alice").sign(petition), at=t.tick())
    before = len(t.desk.board)
    t.desk.sign_petition(t.member("bob").sign(petition), at=t.tick())
    entries = list(t.desk.board.entries(before))
    assert [type(e.event) for e in entries] == [PetitionSigned, PetitionReached]
    event = entries[1].event
    assert isinstance(event, PetitionReached)
    reached = event.reaching
    assert reached.progress.signed == Figures(area=28_000, headcount=2)
    assert reached.progress.reached
    assert entries[1].at == entries[0].at
    # More signatures still count; no second "reached".
    t.desk.sign_petition(t.member("erin").sign(petition), at=t.tick())
    assert type(next(t.desk.board.entries(len(t.desk.board) - 1)).event) is PetitionSigned


def test_or_reached_by_the_area_alone() -> None:
    t = town()
    petition = _open(t, Purpose.PREPARATORY_GROUP)
    t.desk.sign_petition(t.member("alice").sign(petition), at=t.tick())
    assert t.desk.proceedings.petitions[petition].reached_at == t.at


def test_a_signature_after_the_deadline_counts_for_nothing() -> None:
    t = town()
    petition = _open(t)
    deadline = t.desk.proceedings.petitions[petition].body.deadline
    signature = t.member("alice").sign(petition)
    _refused(t, lambda: t.desk.sign_petition(signature, at=deadline), Reason.PETITION_CLOSED)
    t.desk.close_due(at=deadline)
    (closed,) = [e.event for e in t.desk.board.entries() if isinstance(e.event, PetitionClosed)]
    assert closed.closing.progress.signed == Figures(area=0, headcount=0)
    assert not closed.closing.progress.reached


def test_one_signature_per_person() -> None:
    t = town()
    petition = _open(t)
    first = t.member("bob").sign(petition)
    t.desk.sign_petition(first, at=t.tick())
    _refused(t, lambda: t.desk.sign_petition(first, at=t.tick()), Reason.COUNTER_USED)  # replayed
    again = t.member("bob").sign(petition)
    _refused(t, lambda: t.desk.sign_petition(again, at=t.tick()), Reason.ALREADY_SIGNED)
    # A second device of the same person (a new binding) is the same person.
    join(t, "bob", name="bob's new phone")
    renewed = t.member("bob").sign(petition)
    assert renewed.body.number == 1  # a new device starts its own count, as the same person
    _refused(t, lambda: t.desk.sign_petition(renewed, at=t.tick()), Reason.ALREADY_SIGNED)
    # The old phone's signature, sent again, is not the bound credential's any more.
    _refused(t, lambda: t.desk.sign_petition(first, at=t.tick()), Reason.BAD_SIGNATURE)


def test_withdrawn_then_renewed() -> None:
    t = town()
    petition = _open(t)
    bob = t.member("bob")
    t.desk.sign_petition(bob.sign(petition), at=t.tick())
    t.desk.sign_petition(bob.sign(petition, withdraw=True), at=t.tick())
    assert t.desk.progress(petition).signed == Figures(area=0, headcount=0)
    _refused(
        t, lambda: t.desk.sign_petition(bob.sign(petition, withdraw=True), at=t.tick()),
        Reason.NOT_SIGNED,
    )  # fmt: skip
    t.desk.sign_petition(bob.sign(petition), at=t.tick())
    assert t.desk.progress(petition).signed == Figures(area=8_000, headcount=1)


def test_no_withdrawal_once_reached() -> None:
    t = town()
    petition = _open(t)
    t.desk.sign_petition(t.member("alice").sign(petition), at=t.tick())
    t.desk.sign_petition(t.member("bob").sign(petition), at=t.tick())
    withdrawal = t.member("bob").sign(petition, withdraw=True)
    _refused(t, lambda: t.desk.sign_petition(withdrawal, at=t.tick()), Reason.PETITION_REACHED)


def test_an_unbound_signer_and_a_stranger_are_refused() -> None:
    t = town(bound=("alice",))
    petition = _open(t)
    body = SignatureBody(
        community=t.charter.community, charter=Bytes32(t.charter.hash()), petition=petition,
        person=PersonId("bob"), number=1,
    )  # fmt: skip
    unbound = sign_petition(body, key("owner/bob"))
    _refused(t, lambda: t.desk.sign_petition(unbound, at=t.tick()), Reason.NOT_BOUND)
    stranger = sign_petition(
        msgspec.structs.replace(body, person=PersonId("zoe")), key("owner/zoe")
    )
    _refused(t, lambda: t.desk.sign_petition(stranger, at=t.tick()), Reason.NOT_ON_ROLL)
    # Signed by alice's credential in bob's name: a forgery.
    forged = sign_petition(body, key("owner/alice"))
    join(t, "bob")
    _refused(t, lambda: t.desk.sign_petition(forged, at=t.tick()), Reason.BAD_SIGNATURE)


def test_a_forged_organiser_cannot_open_a_petition() -> None:
    t = town()
    body = PetitionBody(
        community=t.charter.community, charter=Bytes32(t.charter.hash()), petition="forged",
        purpose=Purpose.DISMISS_PROPERTY_COMPANY, title="解聘物业", text="解聘物业服务企业",
        opener=key("impostor").verify_key, opens=t.at, deadline=t.at + DAY,
    )  # fmt: skip
    opened = sign_opening(body, key("impostor"))
    refusal = _refused(t, lambda: t.desk.open_petition(opened, at=t.tick()), Reason.NOT_AUTHORISED)
    assert "organiser" in str(refusal)
    # The secretary's key named, someone else's signature.
    named = msgspec.structs.replace(body, opener=key("secretary").verify_key)
    stolen = Petition(body=named, signature=opened.signature)
    _refused(t, lambda: t.desk.open_petition(stolen, at=t.tick()), Reason.BAD_SIGNATURE)


def test_a_bound_owner_may_open_a_petition_and_a_replaced_credential_may_not() -> None:
    t = town()
    alice = t.member("alice")
    opened = alice.opener().open_petition(
        "by-alice", Purpose.COMMITTEE_MEMBERS, "更换委员", "更换业主委员会委员", opens=t.at,
        deadline=t.at + DAY,
    )  # fmt: skip
    t.desk.open_petition(opened, at=t.tick())
    old = alice.opener()
    join(t, "alice", name="alice's new phone")
    again = old.open_petition(
        "by-old-phone", Purpose.COMMITTEE_MEMBERS, "更换委员", "更换", opens=t.at,
        deadline=t.at + DAY,
    )  # fmt: skip
    _refused(t, lambda: t.desk.open_petition(again, at=t.tick()), Reason.NOT_AUTHORISED)


def test_opening_and_closing_times() -> None:
    t = town()
    early = t.secretary.open_petition(
        "early", Purpose.INTERIM_MEETING, "t", "x", opens=t.at + HOUR, deadline=t.at + DAY
    )
    _refused(t, lambda: t.desk.open_petition(early, at=t.tick()), Reason.OUTSIDE_WINDOW)
    petition = _open(t)
    again = t.secretary.open_petition(
        petition, Purpose.INTERIM_MEETING, "t", "x", opens=t.at, deadline=t.at + DAY
    )
    _refused(t, lambda: t.desk.open_petition(again, at=t.tick()), Reason.DUPLICATE)
    assert t.desk.close_due(at=t.tick()) == []
    deadline = t.desk.proceedings.petitions[petition].body.deadline
    (closed,) = t.desk.close_due(at=deadline)
    assert closed.index == len(t.desk.board) - 1
    assert t.desk.close_due(at=deadline + DAY) == []


def test_a_signature_for_another_community_or_charter() -> None:
    t = town()
    petition = _open(t)
    body = SignatureBody(
        community=t.charter.community, charter=Bytes32(bytes(32)), petition=petition,
        person=PersonId("alice"), number=1,
    )  # fmt: skip
    other = sign_petition(body, key("owner/alice"))
    _refused(t, lambda: t.desk.sign_petition(other, at=t.tick()), Reason.WRONG_ELECTION)


def test_a_petition_counts_over_the_roll_in_force_when_it_opened() -> None:
    t = town()
    petition = _open(t)
    correction = t.convener.correct_roll(roll(drop="jack"), "杰克的房屋已出售，重复登记")
    t.desk.correct_roll(correction, at=t.tick())
    assert t.desk.progress(petition).totals == Figures(area=100_000, headcount=10)
    later = _open(t, petition="p2")
    assert t.desk.progress(later).totals == Figures(area=91_000, headcount=9)


# -- published progress equals a plain recount (property) -----------------------------------------

_PEOPLE = ("alice", "bob", "chen-and-carol", "developer", "erin", "frank", "gina", "hank")
_AREAS = {"alice": 20_000, "bob": 8_000, "chen-and-carol": 9_000, "developer": 15_000,
          "erin": 6_000, "frank": 7_000, "gina": 8_000, "hank": 9_000}  # fmt: skip


@given(
    actions=st.lists(st.tuples(st.sampled_from(_PEOPLE), st.booleans()), max_size=25),
    purpose=st.sampled_from(list(Purpose)),
)
def test_published_progress_equals_a_plain_recount(
    actions: list[tuple[str, bool]], purpose: Purpose
) -> None:
    t = town()
    petition = _open(t, purpose)
    for person, withdraw in actions:
        member = t.member(person)
        with contextlib.suppress(Refused):  # refused: the recount below must not see it either
            t.desk.sign_petition(member.sign(petition, withdraw=withdraw), at=t.tick())
    deadline = t.desk.proceedings.petitions[petition].body.deadline
    t.desk.close_due(at=deadline)
    # A plain recount from the published entries alone.
    signing: set[str] = set()
    reached_seen = False
    for entry in t.desk.board.entries():
        event = entry.event
        if isinstance(event, PetitionSigned):
            person = event.signature.body.person
            if event.signature.body.withdraw:
                signing.discard(person)
            else:
                signing.add(person)
        elif isinstance(event, PetitionReached | PetitionClosed):
            if isinstance(event, PetitionReached):
                progress = event.reaching.progress
            else:
                progress = event.closing.progress
            recount = Figures(area=sum(_AREAS[p] for p in signing), headcount=len(signing))
            assert progress.signed == recount
            area_ok = recount.area * 5 >= 100_000
            head_ok = recount.headcount * 5 >= 10
            expected = (
                (area_ok and head_ok)
                if purpose is not Purpose.PREPARATORY_GROUP
                else (area_ok or head_ok)
            )
            assert progress.reached == (expected or reached_seen)
            reached_seen = reached_seen or isinstance(event, PetitionReached)
    assert isinstance(entry.event, PetitionClosed)


def test_a_desk_resumes_from_its_board_and_settles_a_reached_moment(tmp_path: Path) -> None:
    """Stopped between the signature that reached the rule and the "reached" entry, a desk
    rebuilt from its SQLite board publishes the entry before anything else.
    """
    path = tmp_path / "community.sqlite"
    t = town()
    board = CommunityBoard(COMMUNITY, SqliteStorage(path), key("board"))
    for entry in t.desk.board.entries():  # the same community, on a file
        board.append(entry.event, at=entry.at)
    desk = CommunityDesk(board)
    petition = t.secretary.open_petition(
        "p1", Purpose.INTERIM_MEETING, "临时会议", "提议", opens=t.at, deadline=t.at + DAY
    )
    desk.open_petition(petition, at=t.tick())
    desk.sign_petition(t.member("alice").sign("p1"), at=t.tick())
    crossing = t.member("bob").sign("p1")
    board.append(PetitionSigned(signature=crossing), at=t.tick())  # … and the process dies here
    reopened = CommunityBoard(COMMUNITY, SqliteStorage(path), key("board"))
    resumed = CommunityDesk(reopened)
    last = list(reopened.entries())[-1]
    assert isinstance(last.event, PetitionReached)
    assert last.at == t.at
    assert resumed.progress("p1").signed == Figures(area=28_000, headcount=2)
    resumed.sign_petition(t.member("erin").sign("p1"), at=t.tick())


def test_a_person_added_by_a_later_correction_does_not_sign_an_earlier_petition() -> None:
    t = town()
    t.desk.correct_roll(t.convener.correct_roll(roll(drop="jack"), "杰克暂不在册"), at=t.tick())
    petition = _open(t)  # counts over the roll without jack
    t.desk.correct_roll(t.convener.correct_roll(roll(), "杰克恢复在册"), at=t.tick())
    signature = t.member("jack").sign(petition)
    _refused(t, lambda: t.desk.sign_petition(signature, at=t.tick()), Reason.NOT_ON_ROLL)
    later = _open(t, petition="p2")  # counts over the roll with jack
    t.desk.sign_petition(t.member("jack").sign(later), at=t.tick())


def test_an_owner_struck_off_the_roll_cannot_open_a_petition() -> None:
    t = town()
    jack = t.member("jack").opener()
    t.desk.correct_roll(t.convener.correct_roll(roll(drop="jack"), "杰克已出售房屋"), at=t.tick())
    opened = jack.open_petition(
        "by-jack", Purpose.INTERIM_MEETING, "临时会议", "提议", opens=t.at, deadline=t.at + DAY
    )
    _refused(t, lambda: t.desk.open_petition(opened, at=t.tick()), Reason.NOT_AUTHORISED)


def test_the_charter_then_the_roll_come_first() -> None:
    board = CommunityBoard(COMMUNITY, SqliteStorage(":memory:"), key("board"))
    desk = CommunityDesk(board)
    t = town()
    notice = t.convener.notice("n", NoticeKind.OTHER, "公告", "内容", until=t.at + DAY)
    with pytest.raises(Refused) as caught:
        desk.post_notice(notice, at=t.at)  # before the charter
    assert (caught.value.reason, caught.value.check) == (Reason.WRONG_PHASE, Check.CHARTER)
    assert "charter" in str(caught.value)
    desk.found(t.charter, at=t.at)
    with pytest.raises(Refused) as caught:
        desk.post_notice(notice, at=t.at)  # before the roll
    assert (caught.value.reason, caught.value.check, caught.value.index) == (
        Reason.WRONG_PHASE, Check.CHARTER, 1,
    )  # fmt: skip
    desk.publish_roll(roll(), at=t.at)
    desk.post_notice(notice, at=t.at)


# -- a proxy signs only within the delegation's scope (default: no) -------------------------------


def test_a_proxy_signs_only_under_a_delegation_that_covers_the_purpose() -> None:
    t = town()
    petition = _open(t)  # an interim meeting
    alice, bob = t.member("alice"), t.member("bob")
    unasked = bob.sign_for(PersonId("alice"), petition)
    _refused(t, lambda: t.desk.sign_petition(unasked, at=t.tick()), Reason.NOT_AUTHORISED)
    narrow = t.desk.delegate(
        alice.delegate(bob.credential.verify_key, [Purpose.PREPARATORY_GROUP], expires=t.at + DAY),
        at=t.tick(),
    )
    outside = bob.sign_for(PersonId("alice"), petition)
    _refused(t, lambda: t.desk.sign_petition(outside, at=t.tick()), Reason.NOT_AUTHORISED)
    t.desk.revoke_delegation(alice.revoke(narrow.index), at=t.tick())
    t.desk.delegate(
        alice.delegate(bob.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at + DAY),
        at=t.tick(),
    )
    t.desk.sign_petition(bob.sign_for(PersonId("alice"), petition), at=t.tick())
    assert t.desk.progress(petition).signed == Figures(area=20_000, headcount=1)  # alice's
    # Still one signature per person: alice's own is a second one.
    _refused(
        t, lambda: t.desk.sign_petition(alice.sign(petition), at=t.tick()), Reason.ALREADY_SIGNED
    )
    # A signature by the proxy in alice's name but with another key is a forgery.
    forged = t.member("erin").sign_for(PersonId("alice"), petition, withdraw=True)
    _refused(t, lambda: t.desk.sign_petition(forged, at=t.tick()), Reason.NOT_AUTHORISED)


def test_petition_delegations_are_checked() -> None:
    t = town()
    alice, bob = t.member("alice"), t.member("bob")
    to_self = alice.delegate(
        alice.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at + DAY
    )
    _refused(t, lambda: t.desk.delegate(to_self, at=t.tick()), Reason.DELEGATION_INVALID)
    stranger = alice.delegate(
        key("nobody").verify_key, [Purpose.INTERIM_MEETING], expires=t.at + DAY
    )
    _refused(t, lambda: t.desk.delegate(stranger, at=t.tick()), Reason.DELEGATION_INVALID)
    expired = alice.delegate(bob.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at)
    _refused(t, lambda: t.desk.delegate(expired, at=t.tick()), Reason.DELEGATION_INVALID)
    given = alice.delegate(bob.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at + DAY)
    entry = t.desk.delegate(given, at=t.tick())
    _refused(t, lambda: t.desk.delegate(given, at=t.tick()), Reason.COUNTER_USED)  # replayed
    second = alice.delegate(t.member("erin").credential.verify_key, [Purpose.INTERIM_MEETING],
                            expires=t.at + DAY)  # fmt: skip
    _refused(t, lambda: t.desk.delegate(second, at=t.tick()), Reason.DELEGATION_INVALID)
    not_hers = bob.revoke(entry.index)
    _refused(t, lambda: t.desk.revoke_delegation(not_hers, at=t.tick()), Reason.DELEGATION_INVALID)
    revocation = alice.revoke(entry.index)
    t.desk.revoke_delegation(revocation, at=t.tick())
    _refused(t, lambda: t.desk.revoke_delegation(revocation, at=t.tick()), Reason.DUPLICATE)
    # After its expiry a delegation no longer lets the proxy sign.
    petition = _open(t)
    t.desk.delegate(
        alice.delegate(bob.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at + 120),
        at=t.tick(),
    )
    late = bob.sign_for(PersonId("alice"), petition)
    _refused(t, lambda: t.desk.sign_petition(late, at=t.tick(300)), Reason.NOT_AUTHORISED)


def test_a_proxy_struck_off_the_roll_signs_no_more_and_a_revocation_is_once() -> None:
    t = town()
    petition = _open(t)
    alice, jack = t.member("alice"), t.member("jack")
    given = t.desk.delegate(
        alice.delegate(jack.credential.verify_key, [Purpose.INTERIM_MEETING], expires=t.at + DAY),
        at=t.tick(),
    )
    t.desk.correct_roll(t.convener.correct_roll(roll(drop="jack"), "杰克已出售房屋"), at=t.tick())
    struck = jack.sign_for(PersonId("alice"), petition)
    refusal = _refused(t, lambda: t.desk.sign_petition(struck, at=t.tick()), Reason.NOT_AUTHORISED)
    assert "an interim meeting" in refusal.render()
    assert "召开临时会议" in refusal.render(Language.ZH)
    t.desk.revoke_delegation(alice.revoke(given.index), at=t.tick())
    again = alice.revoke(given.index)
    _refused(t, lambda: t.desk.revoke_delegation(again, at=t.tick()), Reason.DUPLICATE)
