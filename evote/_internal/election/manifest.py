"""The manifest of an election: one owners' assembly vote and its questions (spec §7.3).

Three kinds of question, each with a fixed ballot shape (how many 0/1 selections, and the range the
number of chosen ones must lie in):

- :class:`Motion` — agree / oppose / abstain, exactly one; a blank motion is cast as abstain
  (domain rule 12); it names the matter of Civil Code art. 278 it decides, whose statutory rule
  decides it — or a stricter custom rule; a question outside art. 278 (a consultation) has any
  rule and does not bind.
- :class:`CommitteeElection` — approve up to ``seats`` candidates; winners, alternates and ties per
  domain rules 15–17; an opt-in round 2, flagged as legally doubtful.
- :class:`Rating` — a satisfaction score 1–5, or none; the result is a distribution.

The manifest is fixed before the key ceremony; its hash names the election in the ceremony and in
the election fingerprint.
"""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar, Final

from evote._internal.election.rules import ORDINARY, DecisionRule, Matter, statutory_rule
from evote._internal.encoding import Bytes32, Struct, encode
from evote._internal.ids import CandidateId, ElectionId, QuestionId, check_id
from evote._internal.trustees.ceremony import MAX_TRUSTEES, CeremonyParameters
from evote.errors import ParameterError
from evote.hazmat.signing import VerifyKey
from evote.hazmat.transcript import Domain, Transcript

__all__ = [
    "MAX_QUESTIONS",
    "Candidate",
    "CommitteeElection",
    "Convening",
    "Manifest",
    "Motion",
    "Policy",
    "Question",
    "Rating",
    "Window",
]

MAX_QUESTIONS: Final = 64
MAX_AMOUNT: Final = 10**15  # fen
MAX_CANDIDATES: Final = 64


class _Question(Struct, tag_field="kind"):
    """Fields common to every question; ``kind`` tells them apart on the wire."""

    id: QuestionId
    title: str

    # Each question kind defines bounds() — the range the number of chosen selections must lie in —
    # and options(), the label of each selection in ballot order.

    def _check_common(self) -> None:
        check_id(self.id, "question id")
        if not self.title:
            raise ParameterError(f"question {self.id}: a title is required")


class Motion(_Question, tag="motion"):
    """Agree / oppose / abstain, exactly one (spec §7.3, §9.2).

    ``matter`` is the item of Civil Code art. 278 the motion decides; the statute's rule for it
    decides the motion (:func:`~evote._internal.election.rules.statutory_rule`) unless ``rule``
    gives a custom one, which must be at least as strict in every term. A motion with no matter
    is a consultation: ``rule`` (required) decides it, and its result does not bind.
    """

    OPTIONS: ClassVar[tuple[str, ...]] = ("agree", "oppose", "abstain")
    AGREE: ClassVar[int] = 0
    OPPOSE: ClassVar[int] = 1
    ABSTAIN: ClassVar[int] = 2

    matter: Matter | None
    rule: DecisionRule | None = None
    amount: int | None = None  # fen: the most the motion authorises to spend, if it says (§16.5)

    def __post_init__(self) -> None:
        self._check_common()
        if self.amount is not None and not 0 < self.amount <= MAX_AMOUNT:
            raise ParameterError(f"question {self.id}: an amount of 1 to 10¹⁵ fen")
        if self.matter is None:
            if self.rule is None:
                raise ParameterError(
                    f"question {self.id}: a motion names its matter (art. 278), or, for a "
                    "consultation, its rule"
                )
        elif self.rule is not None:
            _require_covers(self.id, self.rule, self.matter)

    @property
    def decision_rule(self) -> DecisionRule:
        """The rule that decides the motion: the custom one, or the statute's for its matter."""
        if self.rule is not None:
            return self.rule
        assert self.matter is not None  # __post_init__: a motion without a matter has a rule
        return statutory_rule(self.matter)

    @property
    def binding(self) -> bool:
        """Whether the motion decides a matter of art. 278 (a consultation does not bind)."""
        return self.matter is not None

    @property
    def custom_rule(self) -> bool:
        """Whether a statutory matter is decided by the community's own, stricter rule."""
        return self.matter is not None and self.rule is not None

    def bounds(self) -> tuple[int, int]:
        return (1, 1)

    def options(self) -> tuple[str, ...]:
        return self.OPTIONS


class Candidate(Struct):
    id: CandidateId
    name: str


class CommitteeElection(_Question, tag="committee"):
    """Approve up to ``seats`` candidates (spec §7.3, domain rules 15–17).

    The matter is art. 278 (3). A candidate is elected in round 1 when its approvals satisfy the
    ordinary double majority of the participants, or ``rule``, a custom one at least as strict.
    ``alternates`` is how many further passing candidates become alternates (候补委员).
    ``round_two`` fills seats left empty by ranking alone — an older Shenzhen practice, legally
    doubtful, off by default and flagged in the result when used.
    """

    candidates: tuple[Candidate, ...]
    seats: int
    alternates: int = 0
    rule: DecisionRule | None = None
    round_two: bool = False

    def __post_init__(self) -> None:
        self._check_common()
        if not 1 <= len(self.candidates) <= MAX_CANDIDATES:
            raise ParameterError(
                f"question {self.id}: expected 1 to {MAX_CANDIDATES} candidates, "
                f"found {len(self.candidates)}"
            )
        ids = [c.id for c in self.candidates]
        for candidate in self.candidates:
            check_id(candidate.id, f"question {self.id}: candidate id")
        if len(set(ids)) != len(ids):
            raise ParameterError(f"question {self.id}: a candidate id appears twice")
        if not 1 <= self.seats <= len(self.candidates):
            raise ParameterError(
                f"question {self.id}: seats must be between 1 and the {len(self.candidates)} "
                f"candidates, found {self.seats}"
            )
        if self.alternates < 0:
            raise ParameterError(f"question {self.id}: alternates must not be negative")
        if self.rule is not None:
            _require_covers(self.id, self.rule, Matter.COMMITTEE)

    @property
    def decision_rule(self) -> DecisionRule:
        return ORDINARY if self.rule is None else self.rule

    @property
    def custom_rule(self) -> bool:
        return self.rule is not None

    def bounds(self) -> tuple[int, int]:
        return (0, self.seats)

    def options(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.candidates)


class Rating(_Question, tag="rating"):
    """A satisfaction score from 1 to 5, or none (spec §7.3, domain rule 27)."""

    SCORES: ClassVar[tuple[int, ...]] = (1, 2, 3, 4, 5)

    def __post_init__(self) -> None:
        self._check_common()

    def bounds(self) -> tuple[int, int]:
        return (0, 1)

    def options(self) -> tuple[str, ...]:
        return tuple(str(score) for score in self.SCORES)


Question = Motion | CommitteeElection | Rating


def _require_covers(question: QuestionId, rule: DecisionRule, matter: Matter) -> None:
    """Refuse a custom rule weaker than the statute's for ``matter`` in any term (spec §9.1)."""
    statute = statutory_rule(matter)
    if not rule.covers(statute):
        raise ParameterError(
            f"question {question}: rule {rule.name!r} is weaker than the statute's "
            f"{statute.name!r} rule for matter ({matter.item}) {matter}: a community may ask for "
            "more, never for less"
        )


class Window(Struct):
    """The voting window, in seconds since the Unix epoch (UTC): ``opens ≤ t < closes``."""

    opens: int
    closes: int

    def __post_init__(self) -> None:
        if not 0 <= self.opens < self.closes:
            raise ParameterError(
                f"voting window: opens {self.opens} must precede closes {self.closes}"
            )


class Policy(Struct):
    """The configurable box rules (spec §11.2; defaults from domain rules 23 and 25)."""

    revoting: bool = True
    max_delegations_per_proxy: int | None = None
    delegation_depth: int = 1

    def __post_init__(self) -> None:
        if self.max_delegations_per_proxy is not None and self.max_delegations_per_proxy < 1:
            raise ParameterError("policy: max_delegations_per_proxy must be at least 1, or null")
        if not 1 <= self.delegation_depth <= 8:
            raise ParameterError("policy: delegation_depth must be between 1 and 8")


class Convening(Struct):
    """The petition of a community's board that convened this meeting (spec §16.7)."""

    community: ElectionId
    petition: str

    def __post_init__(self) -> None:
        check_id(self.community, "community id")
        check_id(self.petition, "petition id")


class Manifest(Struct, dict=True):
    """One election: what is asked, by whom, when, and who holds the key (spec §7.3).

    ``convener_key`` signs what the convener decides: the paper ballots it enters on the owners'
    behalf, code issues, window extensions and notices (spec §10.5); ``board_key`` signs the heads
    of the public board (spec §13.4).
    """

    election: ElectionId
    title: str
    convener: str
    convener_key: VerifyKey
    board_key: VerifyKey
    window: Window
    trustees: int
    threshold: int
    questions: tuple[Question, ...]
    policy: Policy = Policy()
    convened_by: Convening | None = None

    def __post_init__(self) -> None:
        check_id(self.election, "election id")
        if not self.title or not self.convener:
            raise ParameterError(f"election {self.election}: title and convener are required")
        if self.board_key == self.convener_key:
            raise ParameterError(
                f"election {self.election}: the board and the convener need two keys"
            )
        if not 1 <= self.threshold <= self.trustees <= MAX_TRUSTEES:
            raise ParameterError(
                f"election {self.election}: need 1 ≤ threshold ≤ trustees ≤ {MAX_TRUSTEES}, "
                f"found {self.threshold} of {self.trustees}"
            )
        if not 1 <= len(self.questions) <= MAX_QUESTIONS:
            raise ParameterError(
                f"election {self.election}: expected 1 to {MAX_QUESTIONS} questions, "
                f"found {len(self.questions)}"
            )
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ParameterError(f"election {self.election}: a question id appears twice")

    def question(self, question: QuestionId) -> Question:
        found = self._questions.get(question)
        if found is None:
            raise ParameterError(f"election {self.election}: no question {question!r}")
        return found

    @cached_property
    def _questions(self) -> dict[QuestionId, Question]:
        return {q.id: q for q in self.questions}

    def hash(self) -> bytes:
        """SHA-256 of ``TAG "evote/v1/manifest" ‖ BYTES canonical JSON`` (spec §7.3)."""
        return self._hash

    def ceremony_parameters(self) -> CeremonyParameters:
        """The key ceremony of this election: its manifest hash, n and k (spec §6.2)."""
        return CeremonyParameters(
            election=Bytes32(self.hash()), trustees=self.trustees, threshold=self.threshold
        )

    @cached_property
    def _hash(self) -> bytes:
        return Transcript(Domain.MANIFEST).data(encode(self)).digest()
