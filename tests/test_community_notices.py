"""Notices and objections, roll corrections, fund statements and opinions (spec §16.4–§16.6)."""

from __future__ import annotations

import hashlib

import msgspec
import pytest

from evote._internal.community.actors import Bank, CommunityConvener
from evote._internal.community.charter import ElectionQuestion
from evote._internal.community.fund import Transaction
from evote._internal.community.notices import NoticeKind, ObjectionBody, sign_objection
from evote._internal.community.opinions import ReplyBody, sign_reply
from evote._internal.encoding import Bytes32
from evote._internal.ids import PersonId, QuestionId
from evote.errors import Check, ParameterError, Reason
from tests.community import DAY, Town, key, refused, roll, town

ELECTION_HASH = Bytes32(hashlib.sha256(b"an election's manifest").digest())


def _roll_notice(t: Town) -> str:
    notice = t.convener.notice(
        "roll-2026", NoticeKind.ROLL, "业主名册公示", "业主名册如下，如有异议请于公示期内提出",
        until=t.at + 7 * DAY,
    )  # fmt: skip
    t.desk.post_notice(notice, at=t.tick())
    return "roll-2026"


# -- notices, objections, answers and corrections (spec §16.4) ------------------------------------


def test_an_objection_its_answer_and_the_corrected_roll() -> None:
    t = town()
    notice = _roll_notice(t)
    objection = t.desk.file_objection(
        t.member("jack").object(notice, "J-101 的面积应为 95 平方米"), at=t.tick()
    )
    answer = t.convener.answer(objection.index, "经核实，异议成立，已更正", upheld=True)
    t.desk.answer(answer, at=t.tick())
    corrected = roll(drop="jack")  # stands in for any change
    correction = t.convener.correct_roll(corrected, "更正 J-101", objections=[objection.index])
    t.desk.correct_roll(correction, at=t.tick())
    assert t.desk.proceedings.roll == corrected
    assert t.desk.proceedings.roll_at(t.at) == corrected
    assert t.desk.proceedings.roll_at(t.at - 1) == roll()
    # The same roll again is no correction.
    again = t.convener.correct_roll(corrected, "再次更正")
    refused(t, lambda: t.desk.correct_roll(again, at=t.tick()), Reason.DUPLICATE, Check.NOTICES)


def test_objections_only_while_the_notice_is_posted() -> None:
    t = town()
    notice = _roll_notice(t)
    until = t.desk.proceedings.notices[notice].item.body.until
    late = t.member("bob").object(notice, "太迟了")
    refused(
        t, lambda: t.desk.file_objection(late, at=until + 1), Reason.OUTSIDE_WINDOW, Check.NOTICES
    )
    unknown = t.member("bob").object("no-such-notice", "?")
    refused(
        t, lambda: t.desk.file_objection(unknown, at=t.tick()), Reason.UNKNOWN_REFERENCE,
        Check.NOTICES,
    )  # fmt: skip


def test_an_objection_by_someone_unbound_or_forged() -> None:
    t = town(bound=("alice",))
    notice = _roll_notice(t)
    body = ObjectionBody(
        community=t.charter.community, charter=Bytes32(t.charter.hash()), notice=notice,
        person=PersonId("bob"), number=1, text="异议",
    )  # fmt: skip
    unbound = sign_objection(body, key("owner/bob"))
    refused(t, lambda: t.desk.file_objection(unbound, at=t.tick()), Reason.NOT_BOUND, Check.NOTICES)
    forged = sign_objection(msgspec.structs.replace(body, person=PersonId("alice")), key("x"))
    refused(
        t, lambda: t.desk.file_objection(forged, at=t.tick()), Reason.BAD_SIGNATURE, Check.NOTICES
    )


def test_each_objection_is_answered_once_and_only_by_the_convener() -> None:
    t = town()
    notice = _roll_notice(t)
    objection = t.desk.file_objection(t.member("bob").object(notice, "异议"), at=t.tick())
    answer = t.convener.answer(objection.index, "不成立", upheld=False)
    t.desk.answer(answer, at=t.tick())
    refused(t, lambda: t.desk.answer(answer, at=t.tick()), Reason.DUPLICATE, Check.NOTICES)
    nothing = t.convener.answer(objection.index - 1, "？", upheld=False)  # the notice, not one
    refused(t, lambda: t.desk.answer(nothing, at=t.tick()), Reason.UNKNOWN_REFERENCE, Check.NOTICES)


def test_a_notice_must_be_the_conveners_and_a_meeting_notice_names_its_election() -> None:
    t = town()
    with pytest.raises(ParameterError, match="meeting notice"):
        t.convener.notice("m", NoticeKind.MEETING, "会议通知", "开会", until=t.at + DAY)
    impostor = CommunityConvener(key("impostor"), t.charter)
    forged = impostor.notice(
        "m", NoticeKind.MEETING, "会议通知", "开会", until=t.at + DAY, election=ELECTION_HASH
    )
    refused(t, lambda: t.desk.post_notice(forged, at=t.tick()), Reason.BAD_SIGNATURE, Check.NOTICES)


# -- the shared fund (spec §16.5) ---------------------------------------------------------------


def _income(n: int) -> Transaction:
    return Transaction(id=f"in-{n}", amount=150_000, counterparty="停车费", memo="停车收入")


def test_a_chain_of_daily_statements() -> None:
    t = town()
    first = t.bank.statement("2026-12-01", 10_000_000, [_income(1)])
    t.desk.post_statement(first, at=t.tick())
    second = t.bank.statement("2026-12-02", first.body.closing, [])
    t.desk.post_statement(second, at=t.tick())
    gap = t.bank.statement("2026-12-04", second.body.closing, [])
    refused(t, lambda: t.desk.post_statement(gap, at=t.tick()), Reason.STATEMENT_CHAIN, Check.FUND)
    wrong_opening = t.bank.statement("2026-12-03", second.body.closing + 1, [])
    refused(
        t, lambda: t.desk.post_statement(wrong_opening, at=t.tick()), Reason.STATEMENT_CHAIN,
        Check.FUND,
    )  # fmt: skip
    sums_wrong = t.bank.statement("2026-12-03", second.body.closing, [_income(2)])
    sums_wrong = msgspec.structs.replace(
        sums_wrong, body=msgspec.structs.replace(sums_wrong.body, closing=second.body.closing)
    )
    refused(
        t, lambda: t.desk.post_statement(sums_wrong, at=t.tick()), Reason.BAD_SIGNATURE, Check.FUND
    )  # altered after the bank signed
    repeated = t.bank.statement("2026-12-03", second.body.closing, [_income(1)])
    refused(t, lambda: t.desk.post_statement(repeated, at=t.tick()), Reason.DUPLICATE, Check.FUND)


def test_a_large_transfer_must_cite_a_decision() -> None:
    t = town()
    limit = t.charter.large_transfer
    uncited = Transaction(id="out-1", amount=-(limit + 1), counterparty="电梯公司", memo="更换电梯")
    statement = t.bank.statement("2026-12-01", 100_000_000, [uncited])
    refused(
        t, lambda: t.desk.post_statement(statement, at=t.tick()), Reason.DECISION_INVALID,
        Check.FUND,
    )  # fmt: skip
    at_limit = Transaction(id="out-2", amount=-limit, counterparty="保洁公司", memo="保洁费")
    t.desk.post_statement(t.bank.statement("2026-12-01", 100_000_000, [at_limit]), at=t.tick())


def test_only_the_bank_signs_statements() -> None:
    t = town()
    statement = Bank(key("not-the-bank"), t.charter, "6222").statement("2026-12-01", 0, [])
    refused(
        t, lambda: t.desk.post_statement(statement, at=t.tick()), Reason.BAD_SIGNATURE, Check.FUND
    )


# -- opinions and replies (spec §16.6) ----------------------------------------------------------


def test_an_opinion_and_the_property_companys_reply() -> None:
    t = town()
    about = ElectionQuestion(election=ELECTION_HASH, question=QuestionId("service"))
    opinion = t.member("erin").opine(about, "垃圾清运不及时，建议增加频次")
    entry = t.desk.give_opinion(opinion, at=t.tick())
    t.desk.reply(t.property_company.reply(entry.index, "已增加为每日两次"), at=t.tick())
    refused(
        t, lambda: t.desk.give_opinion(opinion, at=t.tick()), Reason.COUNTER_USED, Check.OPINIONS
    )
    stranger = ReplyBody(
        community=t.charter.community, charter=Bytes32(t.charter.hash()), opinion=entry.index,
        replier=key("stranger").verify_key, text="我不是组织者",
    )  # fmt: skip
    refused(
        t, lambda: t.desk.reply(sign_reply(stranger, key("stranger")), at=t.tick()),
        Reason.NOT_AUTHORISED, Check.OPINIONS,
    )  # fmt: skip
    nothing = t.property_company.reply(entry.index + 1, "?")
    refused(t, lambda: t.desk.reply(nothing, at=t.tick()), Reason.UNKNOWN_REFERENCE, Check.OPINIONS)
