"""The charter of a community: entry 0 of its board, and the rules everything else follows (§16.2).

The charter names the community, the convener's key (which signs code issues, roll corrections,
notices and answers), the board's key (which signs heads), the organisers the convener registered
(the community party-branch secretary, the street office…: they may open petitions and reply to
opinions), the bank's key (which signs the shared-fund account's daily statements), the petition
rule of each purpose, the amount above which a transfer is large, and the notice periods.

Petition thresholds are fractions of the roll's totals, inclusive, combined by AND or OR (domain
rule 19), compared as exact integers like every other rule (spec §9.1).
"""

from __future__ import annotations

import enum
from typing import Final

from evote._internal.election.rules import Base, Requirement
from evote._internal.encoding import Bytes32, Struct, encode
from evote._internal.ids import ElectionId, QuestionId, check_id
from evote._internal.messages import Text
from evote._internal.registry.roll import Figures, Measure
from evote.errors import ParameterError
from evote.hazmat.signing import VerifyKey
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "DAY",
    "DEFAULT_PETITION_RULES",
    "Charter",
    "Combine",
    "CommunityId",
    "ElectionQuestion",
    "Organiser",
    "OrganiserRole",
    "PetitionRule",
    "Purpose",
]

#: A community id follows the rules of every identifier (spec §7.1).
CommunityId = ElectionId
DAY: Final = 86_400  # seconds


class ElectionQuestion(Struct):
    """A question of an election, by the election's manifest hash: what a large transfer or an
    opinion cites (spec §16.5, §16.6).
    """  # noqa: D205

    election: Bytes32
    question: QuestionId


class Purpose(enum.StrEnum):
    """What a joint petition (联名) asks for (domain rules 19–20)."""

    INTERIM_MEETING = "interim-meeting"  # 提议召开业主大会临时会议
    PREPARATORY_GROUP = "preparatory-group"  # 申请成立首次业主大会会议筹备组
    COMMITTEE_MEMBERS = "committee-members"  # 选举或者更换业主委员会委员
    DISMISS_PROPERTY_COMPANY = "dismiss-property-company"  # 解聘物业服务企业
    RECOMMEND_CANDIDATES = "recommend-candidates"  # 推荐候选人或筹备组业主代表

    @property
    def phrase(self) -> Text:
        """What the petition asks for, in words of either language."""
        return _PURPOSE_TITLES[self]


_PURPOSE_TITLES: Final = {
    Purpose.INTERIM_MEETING: Text("purpose-interim-meeting", "an interim meeting", "召开临时会议"),
    Purpose.PREPARATORY_GROUP: Text(
        "purpose-preparatory-group", "forming the preparatory group", "成立首次业主大会筹备组"
    ),
    Purpose.COMMITTEE_MEMBERS: Text(
        "purpose-committee-members", "electing or replacing committee members",
        "选举或更换业主委员会委员",
    ),
    Purpose.DISMISS_PROPERTY_COMPANY: Text(
        "purpose-dismiss-property-company", "dismissing the property company", "解聘物业服务企业"
    ),
    Purpose.RECOMMEND_CANDIDATES: Text(
        "purpose-recommend-candidates", "recommending candidates or representatives",
        "推荐候选人或业主代表",
    ),
}  # fmt: skip


class Combine(enum.StrEnum):
    ALL = "all"  # every requirement (AND)
    ANY = "any"  # at least one requirement (OR)


class PetitionRule(Struct):
    """When a petition for ``purpose`` is reached: its requirements over the roll's totals (§16.2).

    Each requirement is of base ``total`` and inclusive; ``combine`` says whether all of them or
    any one must hold.
    """

    purpose: Purpose
    requirements: tuple[Requirement, ...]
    combine: Combine

    def __post_init__(self) -> None:
        if not 1 <= len(self.requirements) <= 2:
            raise ParameterError(f"petition rule {self.purpose}: one or two requirements")
        measures = [r.measure for r in self.requirements]
        if len(set(measures)) != len(measures):
            raise ParameterError(f"petition rule {self.purpose}: a measure appears twice")
        for r in self.requirements:
            if r.base is not Base.TOTAL or r.strict or r.numerator == 0:
                raise ParameterError(
                    f"petition rule {self.purpose}: each requirement is a positive fraction of "
                    "the roll's total, inclusive"
                )

    def holds(self, signed: Figures, totals: Figures) -> bool:
        """Whether the signers' figures reach the rule, by exact integers (spec §16.3)."""
        verdicts = [r.holds(signed.of(r.measure), totals.of(r.measure)) for r in self.requirements]
        return all(verdicts) if self.combine is Combine.ALL else any(verdicts)


def _fifth(measure: Measure) -> Requirement:
    return Requirement(measure=measure, base=Base.TOTAL, numerator=1, denominator=5, strict=False)


def _rule(purpose: Purpose, combine: Combine) -> PetitionRule:
    return PetitionRule(
        purpose=purpose,
        requirements=(_fifth(Measure.AREA), _fifth(Measure.HEADCOUNT)),
        combine=combine,
    )


#: Domain rule 19: an interim meeting needs 20 % of the area AND 20 % of the headcount; the first
#: preparatory group 20 % of either. The other purposes are carried out by an interim meeting, so
#: they take its rule unless the charter says otherwise.
DEFAULT_PETITION_RULES: Final = tuple(
    _rule(p, Combine.ANY if p is Purpose.PREPARATORY_GROUP else Combine.ALL) for p in Purpose
)


class OrganiserRole(enum.StrEnum):
    PARTY_BRANCH = "party-branch"  # 社区党组织书记
    STREET_OFFICE = "street-office"  # 街道办事处
    RESIDENTS_COMMITTEE = "residents-committee"  # 社区居民委员会
    OWNERS_COMMITTEE = "owners-committee"  # 业主委员会
    PROPERTY_COMPANY = "property-company"  # 物业服务企业


class Organiser(Struct):
    """A key the convener registered, the role it acts in and the name it acts under."""

    key: VerifyKey
    role: OrganiserRole
    name: str

    def __post_init__(self) -> None:
        if not self.name:
            raise ParameterError("organiser: a name is required")


class Charter(Struct, dict=True):
    """Entry 0 of a community's board (spec §16.2)."""

    community: CommunityId
    name: str
    convener: str
    convener_key: VerifyKey
    board_key: VerifyKey
    bank_key: VerifyKey
    organisers: tuple[Organiser, ...]
    petition_rules: tuple[PetitionRule, ...] = DEFAULT_PETITION_RULES
    large_transfer: int = 5_000_000  # fen: ¥50,000
    meeting_notice_days: int = 15  # domain rule 21

    def __post_init__(self) -> None:
        check_id(self.community, "community id")
        if not self.name or not self.convener:
            raise ParameterError(f"community {self.community}: name and convener are required")
        keys = [self.convener_key, self.board_key, self.bank_key, *(o.key for o in self.organisers)]
        if len(set(keys)) != len(keys):
            raise ParameterError(
                f"community {self.community}: the convener, the board, the bank and each "
                "organiser need keys of their own"
            )
        purposes = [r.purpose for r in self.petition_rules]
        if sorted(purposes) != sorted(Purpose) or len(purposes) != len(Purpose):
            raise ParameterError(f"community {self.community}: one petition rule for each purpose")
        if self.large_transfer < 1 or not 0 <= self.meeting_notice_days <= 366:
            raise ParameterError(
                f"community {self.community}: the large-transfer amount is positive and the "
                "meeting notice lasts 0 to 366 days"
            )

    def rule(self, purpose: Purpose) -> PetitionRule:
        return next(r for r in self.petition_rules if r.purpose is purpose)

    def organiser(self, key: VerifyKey) -> Organiser | None:
        return next((o for o in self.organisers if o.key == key), None)

    def hash(self) -> bytes:
        """SHA-256 of ``TAG "evote/v1/charter" ‖ BYTES canonical JSON`` (spec §16.2)."""
        return Transcript(Domain.CHARTER).data(encode(self)).digest()
