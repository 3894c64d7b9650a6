"""The community around the demo's vote: its board, before and after the election (spec §16).

Before: the charter and the roll; owners bind phones on the community's board; the community
party-branch secretary opens a petition for an interim meeting, which owners sign (one withdraws)
until it reaches 20 % of the area and of the headcount; an owner's petition to dismiss the
property company fails at its deadline; the roll is posted, an owner objects to the area of their
flat, the convener upholds the objection and posts the corrected roll. The election, convened by
the petition, votes on the corrected roll, after a meeting notice posted 20 days before.

After: the results are posted; the data-sharing bank reports the shared-fund account for a month,
one large transfer citing the fund motion the owners passed; owners give opinions on the property
service with their satisfaction rating, and the property company replies.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from dataclasses import dataclass, field
from typing import Final

from evote import (
    OS_RANDOMNESS,
    Bank,
    Bytes32,
    Charter,
    CommunityBoard,
    CommunityConvener,
    CommunityDesk,
    CommunityId,
    Convening,
    ElectionQuestion,
    Manifest,
    Member,
    MotionResult,
    NoticeKind,
    Organiser,
    OrganiserRole,
    PersonId,
    PetitionOpener,
    Purpose,
    QuestionId,
    QuestionResult,
    Randomness,
    Roll,
    SigningKey,
    Transaction,
    Unit,
    VerifyKey,
)
from evote.client import RemoteDesk
from evote.simulation import estate

__all__ = ["COMMUNITY", "PETITION", "CommunityOutcome", "after_election", "before_election"]

COMMUNITY: Final = CommunityId("demo-lianhua-garden")
PETITION: Final = "interim-meeting-2026"
DAY: Final = 86_400
FUND_QUESTION: Final = QuestionId("fund")
RATING_QUESTION: Final = QuestionId("service")


@dataclass
class CommunityOutcome:
    """The community's board, and what happened on it, for the demo's summary."""

    desk: CommunityDesk | RemoteDesk
    members: dict[PersonId, Member]
    convener: CommunityConvener
    events: dict[str, int] = field(default_factory=dict)
    roll: Roll | None = None  # the corrected roll, the election's


def community_key(name: str, seed: int) -> SigningKey:
    """The demo's keys (real ones are generated and kept secret, never derived)."""
    return SigningKey(hashlib.sha256(f"evote demo {name} {seed}".encode()).digest())


def before_election(
    board: CommunityBoard | RemoteDesk, owners: int, seed: int, opens: int,
    *, randomness: Randomness = OS_RANDOMNESS, board_key: VerifyKey | None = None,
) -> CommunityOutcome:  # fmt: skip
    """Everything on the community's board before the vote that opens at ``opens``.

    ``board`` is a board here, or a server's (a :class:`~evote.client.RemoteDesk`), whose key is
    ``board_key`` (by default the demo's, derived from ``seed``).
    """
    rng = random.Random(seed + 1)  # noqa: S311 -- simulates the owners, not cryptography
    charter = Charter(
        community=COMMUNITY,
        name="莲花花园 Lianhua Garden",
        convener="莲花街道办事处 Lianhua street office",
        convener_key=community_key("convener", seed).verify_key,
        board_key=board_key or community_key("community board", seed).verify_key,
        bank_key=community_key("bank", seed).verify_key,
        organisers=(
            Organiser(key=community_key("secretary", seed).verify_key,
                      role=OrganiserRole.PARTY_BRANCH, name="莲花社区党委书记 Party secretary"),
            Organiser(key=community_key("property", seed).verify_key,
                      role=OrganiserRole.PROPERTY_COMPANY, name="莲花物业 Lianhua Property"),
        ),
    )  # fmt: skip
    desk = CommunityDesk(board) if isinstance(board, CommunityBoard) else board
    convener = CommunityConvener(community_key("convener", seed), charter)
    outcome = CommunityOutcome(desk=desk, members={}, convener=convener)
    events = outcome.events
    now = opens - 80 * DAY

    def tick(seconds: int = 60) -> int:
        nonlocal now
        now += seconds
        return now

    roll = estate(COMMUNITY, owners, rng)
    desk.found(charter, at=tick())
    desk.publish_roll(roll, at=tick())
    for person in roll.persons:  # most owners bind a phone on the community's board
        if rng.random() < 0.9:
            issued = convener.issue_code(person.id, randomness=randomness)
            desk.issue_code(issued.issue, at=tick())
            member = Member(person.id, SigningKey.generate(randomness=randomness), charter)
            desk.bind(member.join(issued.code), at=tick())
            outcome.members[person.id] = member
    events["bound"] = len(outcome.members)

    now = _petitions(outcome, seed, now, rng)
    outcome.roll = _correct_roll(outcome, roll, now)
    return outcome


def _petitions(outcome: CommunityOutcome, seed: int, now: int, rng: random.Random) -> int:
    """The interim-meeting petition, which reaches its rule, and one that fails; returns when
    both have closed.
    """  # noqa: D205
    desk, charter, events = outcome.desk, outcome.desk.charter, outcome.events

    def tick(seconds: int = 60) -> int:
        nonlocal now
        now += seconds
        return now

    # The party secretary's petition for an interim meeting: signed until it reaches its rule.
    secretary = PetitionOpener(community_key("secretary", seed), charter)
    deadline = tick(DAY) + 20 * DAY
    petition = secretary.open_petition(
        PETITION, Purpose.INTERIM_MEETING, "提议召开2026年业主大会临时会议 Call an interim meeting",
        "续聘物业、使用维修资金更换电梯、选举业主委员会 Renew the property company, replace the "
        "lifts, elect the committee", opens=now, deadline=deadline,
    )  # fmt: skip
    desk.open_petition(petition, at=tick())
    signers = list(outcome.members.values())
    rng.shuffle(signers)
    events["withdrawn"] = events["by proxy"] = 0
    # The second signer is abroad: their neighbour, the last one, signs for them by delegation.
    away, neighbour = signers[1], signers[-1]
    delegation = away.delegate(neighbour.credential.verify_key, [Purpose.INTERIM_MEETING],
                               expires=deadline)  # fmt: skip
    desk.delegate(delegation, at=tick())
    for index, member in enumerate(signers):
        if member is away:
            desk.sign_petition(neighbour.sign_for(away.person, PETITION), at=tick(600))
            events["by proxy"] += 1
        else:
            desk.sign_petition(member.sign(PETITION), at=tick(600))
        reached = desk.proceedings.petitions[PETITION].reached_at is not None
        if index == 0 and not reached:  # changes their mind, while it is still possible
            desk.sign_petition(member.sign(PETITION, withdraw=True), at=tick(600))
            events["withdrawn"] += 1
        if reached and rng.random() < 0.5:
            break
    events["signed"] = len(desk.proceedings.petitions[PETITION].signers)

    # An owner's petition to dismiss the property company: few sign it.
    opener = signers[-1].opener()
    failing = "dismiss-property-2026"
    desk.open_petition(
        opener.open_petition(
            failing, Purpose.DISMISS_PROPERTY_COMPANY, "解聘物业服务企业 Dismiss the property "
            "company", "物业服务不到位 The service is poor", opens=now, deadline=deadline,
        ), at=tick(),
    )  # fmt: skip
    for member in signers[-max(1, len(signers) // 25) :]:  # a few: far from 20 %
        desk.sign_petition(member.sign(failing), at=tick(600))
    desk.close_due(at=deadline)
    events["petitions"] = len(desk.proceedings.petitions)
    return deadline


def _correct_roll(outcome: CommunityOutcome, roll: Roll, now: int) -> Roll:
    """The roll posted, an owner's objection upheld, and the corrected roll (spec §16.4)."""
    desk, convener = outcome.desk, outcome.convener
    signers = sorted(outcome.members.values(), key=lambda m: m.person)

    def tick(seconds: int = 60) -> int:
        nonlocal now
        now += seconds
        return now

    # The roll is posted; an owner objects to the area of their flat; the roll is corrected.
    notice = convener.notice(
        "roll-2026", NoticeKind.ROLL, "业主名册公示 The roll", "业主名册已公示，如有异议请于7日内"
        "提出 Object within 7 days", until=now + 7 * DAY,
    )  # fmt: skip
    desk.post_notice(notice, at=tick())
    objector = signers[0]
    person = roll.person(objector.person)
    assert person is not None
    flat = person.units[0]
    objection = desk.file_objection(
        objector.object("roll-2026", f"{flat} 的面积登记有误，应增加 5 m² The area of {flat} is 5 m² "
                        "short"), at=tick(DAY),
    )  # fmt: skip
    desk.answer(convener.answer(objection.index, "经核实，异议成立 Upheld after checking the "
                                "deed", upheld=True), at=tick(DAY))  # fmt: skip
    corrected = Roll(
        election=roll.election,
        units=tuple(
            Unit(id=u.id, building=u.building, area=u.area + 500) if u.id == flat else u
            for u in roll.units
        ),
        persons=roll.persons,
    )
    correction = convener.correct_roll(
        corrected, f"更正 {flat} 的面积 The area of {flat}", objections=[objection.index]
    )
    desk.correct_roll(correction, at=tick())
    outcome.events["objections"] = 1
    return corrected


def convening() -> Convening:
    """What the manifest cites: the petition that convened the meeting."""
    return Convening(community=COMMUNITY, petition=PETITION)


def meeting_notice(outcome: CommunityOutcome, manifest: Manifest, *, at: int) -> None:
    """The meeting notice (会议通知), naming the election, posted at ``at``."""
    notice = outcome.convener.notice(
        "meeting-2026", NoticeKind.MEETING, "业主大会会议通知 Meeting notice", manifest.title,
        until=manifest.window.closes, election=manifest.hash(),
    )  # fmt: skip
    outcome.desk.post_notice(notice, at=at)


def after_election(
    outcome: CommunityOutcome, manifest: Manifest, results: tuple[QuestionResult, ...],
    seed: int, *, decided: int,
) -> None:  # fmt: skip
    """The results notice, a month of fund statements and the opinions, after ``decided``."""
    rng = random.Random(seed + 2)  # noqa: S311 -- simulates the owners, not cryptography
    desk, charter = outcome.desk, outcome.desk.charter
    now = decided + DAY
    desk.post_notice(
        outcome.convener.notice(
            "results-2026", NoticeKind.RESULTS, "表决结果公告 Results", manifest.title,
            until=now + 15 * DAY,
        ), at=now,
    )  # fmt: skip
    # A month of the bank's daily statements; the lift contractor is paid if the motion passed.
    bank = Bank(community_key("bank", seed), charter, "4000-0231-0900-1234")
    fund = next(q for q in manifest.questions if q.id == FUND_QUESTION)
    passed = any(isinstance(r, MotionResult) and r.question == FUND_QUESTION and r.passed
                 for r in results)  # fmt: skip
    amount = getattr(fund, "amount", None) or 0
    balance = 120_000_000  # ¥1,200,000.00
    day = datetime.datetime.fromtimestamp(now, tz=datetime.UTC).date()
    outcome.events["transfers"] = 0
    for offset in range(30):
        transactions = [
            Transaction(id=f"{day + datetime.timedelta(days=offset)}-{k}",
                        amount=rng.randrange(5_000, 60_000), counterparty="停车费 Parking",
                        memo="公共停车位收入 Parking income")
            for k in range(rng.randrange(0, 3))
        ]  # fmt: skip
        if offset == 10 and passed:
            transactions.append(Transaction(
                id=f"{day + datetime.timedelta(days=offset)}-lift", amount=-(amount * 3 // 4),
                counterparty="深圳电梯工程有限公司 Lift contractor",
                memo="更换电梯首期款 First payment for the lifts",
                decision=ElectionQuestion(election=Bytes32(manifest.hash()), question=FUND_QUESTION),
            ))  # fmt: skip
            outcome.events["transfers"] += 1
        statement = bank.statement(
            str(day + datetime.timedelta(days=offset)), balance, transactions
        )
        desk.post_statement(statement, at=now + offset * DAY + 3_600)
        balance = statement.body.closing
    outcome.events["statements"] = 30
    # Opinions on the property service, given with the rating, and the company's replies.
    property_company = PetitionOpener(community_key("property", seed), charter)
    about = ElectionQuestion(election=Bytes32(manifest.hash()), question=RATING_QUESTION)
    at = now + 30 * DAY
    suggestions = ("垃圾清运不及时 Rubbish is collected late",
                   "地下车库照明不足 The car park is dark",
                   "门禁经常故障 The gate often fails")  # fmt: skip
    members = sorted(outcome.members.values(), key=lambda m: m.person)
    for member, text in zip(rng.sample(members, len(suggestions)), suggestions, strict=True):
        entry = desk.give_opinion(member.opine(about, text), at=at)
        desk.reply(property_company.reply(entry.index, "已收到，将于本月整改 Will be fixed this "
                                          "month"), at=at + 3_600)  # fmt: skip
        at += 7_200
    outcome.events["opinions"] = len(suggestions)
