"""The errors of evote, in three families, and the codes they carry (spec README, "Refused").

- :class:`InvalidInput` — bad data from outside: a malformed or non-canonical encoding, a point off
  the group, a signature or proof that does not verify, a step the rules refuse. Nothing changed.
  Every one carries a stable :class:`Reason` code and, once placed on a board, the :class:`Check`
  of the verifier it falls under and the board index of the entry.
- :class:`UsageError` — the caller misused the API: an argument outside its domain, a call in a
  state that does not admit it. A bug in the caller, not in the data.
- :class:`VerificationFailed` — published material does not check out for an observer: a receipt,
  a consistency proof, a head, a record.

Primitives raise; the record verifier collects. Messages name the object and say what was expected
versus what was found; programs compare codes, never messages.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from typing import ClassVar, Final

from evote._internal.messages import Figure, Language, Message, Text, printable

__all__ = [
    "COMMUNITY_CHECKS",
    "ELECTION_CHECKS",
    "CeremonyError",
    "Check",
    "DecodingError",
    "EvoteError",
    "InvalidEncoding",
    "InvalidInput",
    "InvalidMerkleProof",
    "InvalidPoint",
    "InvalidProof",
    "InvalidScalar",
    "InvalidSignature",
    "ParameterError",
    "Reason",
    "RecordError",
    "Refused",
    "SecretFileError",
    "ThresholdError",
    "UsageError",
    "VerificationFailed",
    "refusing",
]


class Reason(enum.StrEnum):
    """Why input was refused: the stable codes of the protocol (spec §11.2, §14.2).

    A server maps each to one problem type; tests and programs compare these, not messages.
    """

    # Bad data of any kind (spec §1–§6, §13).
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad-signature"
    BAD_PROOF = "bad-proof"
    BAD_MERKLE_PROOF = "bad-merkle-proof"
    CEREMONY_INVALID = "ceremony-invalid"
    DECRYPTION_FAILED = "decryption-failed"
    SECRET_FILE_INVALID = "secret-file-invalid"  # noqa: S105 -- a code, not a password
    RECORD_INVALID = "record-invalid"
    ROLL_INVALID = "roll-invalid"
    # The registry and the ballot box (spec §11.2).
    NOT_ON_ROLL = "not-on-roll"
    OUTSIDE_WINDOW = "outside-window"
    WRONG_ELECTION = "wrong-election"
    WRONG_FINGERPRINT = "wrong-fingerprint"
    NOT_AUTHORISED = "not-authorised"
    REPLAY = "replay"
    COUNTER_USED = "counter-used"
    SPOILED = "spoiled"
    REVOTING_DISABLED = "revoting-disabled"
    DELEGATION_INVALID = "delegation-invalid"
    CODE_INVALID = "code-invalid"
    CODE_USED = "code-used"
    CREDENTIAL_IN_USE = "credential-in-use"
    EXTENSION_INVALID = "extension-invalid"
    # The proceedings: where and when an entry may come (spec §14.2).
    OUT_OF_ORDER = "out-of-order"
    TIME_GOES_BACK = "time-goes-back"
    WRONG_PHASE = "wrong-phase"
    DUPLICATE = "duplicate"
    TALLY_MISMATCH = "tally-mismatch"
    SHARE_INVALID = "share-invalid"
    COUNTS_MISMATCH = "counts-mismatch"
    RESULTS_MISMATCH = "results-mismatch"
    # The community board (spec §16).
    NOT_BOUND = "not-bound"
    UNKNOWN_REFERENCE = "unknown-reference"
    PETITION_CLOSED = "petition-closed"
    PETITION_REACHED = "petition-reached"
    ALREADY_SIGNED = "already-signed"
    NOT_SIGNED = "not-signed"
    PROGRESS_MISMATCH = "progress-mismatch"
    STATEMENT_CHAIN = "statement-chain"
    DECISION_INVALID = "decision-invalid"


class Check(enum.StrEnum):
    """The numbered checks of the record verifier; each id is the section of spec §15 defining it."""

    FORMAT = "15.1"
    BOARD = "15.2"
    SETUP = "15.3"
    CEREMONY = "15.4"
    REGISTRATION = "15.5"
    DELEGATIONS = "15.6"
    BALLOT_PROOFS = "15.7"
    BOX_RULES = "15.8"
    TALLY = "15.9"
    DECRYPTION = "15.10"
    RESULTS = "15.11"
    ORDER = "15.12"
    # The community record (spec §16.8).
    CHARTER = "16.2"
    PETITIONS = "16.3"
    NOTICES = "16.4"
    FUND = "16.5"
    OPINIONS = "16.6"
    LINKS = "16.7"

    @property
    def label(self) -> str:
        """Its title, in English."""
        return _TITLES[self].en

    def title(self, language: Language = Language.EN) -> str:
        return _TITLES[self].render(language)


_TITLES: Final[dict[Check, Text]] = {
    Check.FORMAT: Text("15.1", "Record format and files", "记录格式与文件"),
    Check.BOARD: Text("15.2", "Board: Merkle tree and signed heads", "公告板：默克尔树与签名树头"),
    Check.SETUP: Text("15.3", "Manifest and roll", "选举清单与业主名册"),
    Check.CEREMONY: Text("15.4", "Key ceremony", "密钥生成仪式"),
    Check.REGISTRATION: Text("15.5", "Activation codes and bindings", "激活码与凭证绑定"),
    Check.DELEGATIONS: Text("15.6", "Delegations and revocations", "委托与撤销委托"),
    Check.BALLOT_PROOFS: Text("15.7", "Ballot signatures and proofs", "选票签名与证明"),
    Check.BOX_RULES: Text("15.8", "Ballot box rules", "投票箱规则"),
    Check.TALLY: Text("15.9", "Homomorphic tally", "同态计票"),
    Check.DECRYPTION: Text("15.10", "Decryption shares and decoding", "解密份额与解码"),
    Check.RESULTS: Text("15.11", "Results against the rules", "依规则核对结果"),
    Check.ORDER: Text("15.12", "Order and time", "顺序与时间"),
    Check.CHARTER: Text("16.2", "Charter and roll", "社区章程与业主名册"),
    Check.PETITIONS: Text("16.3", "Joint petitions", "联名"),
    Check.NOTICES: Text("16.4", "Notices, objections and roll corrections", "公示、异议与名册更正"),
    Check.FUND: Text("16.5", "Shared-fund statements", "共有资金账户流水"),
    Check.OPINIONS: Text("16.6", "Opinions and replies", "业主意见与回复"),
    Check.LINKS: Text("16.7", "Community and elections together", "社区与选举记录互相印证"),
}

#: The checks of an election's record (spec §15) and of a community's (spec §16.8).
ELECTION_CHECKS: Final = tuple(c for c in Check if c.value.startswith("15."))
COMMUNITY_CHECKS: Final = (
    Check.FORMAT, Check.BOARD, Check.CHARTER, Check.REGISTRATION, Check.PETITIONS, Check.NOTICES,
    Check.FUND, Check.OPINIONS, Check.LINKS, Check.ORDER,
)  # fmt: skip


class EvoteError(Exception):
    """Base class of every error evote raises deliberately."""

    def diagnostics(self, language: Language = Language.EN) -> str:  # noqa: ARG002 -- English
        """A human-readable explanation, safe to print as it is (spec §15.13)."""
        return printable(str(self), lines=True)


# -- bad data from outside -----------------------------------------------------------------------


class InvalidInput(EvoteError, ValueError):  # noqa: N818 -- names the input, as the others
    """Data from outside that is wrong; nothing changed.

    ``reason`` is the stable code (each subclass has its own default); ``check`` and ``index`` say
    where on a board the data was refused, when it was: the verifier's check it falls under and the
    board index of its entry (see :meth:`placed`). ``said`` is what it tells people: a text and its
    figures, written in English by ``message`` and in any language by :meth:`render`. A plain
    string is a detail in English only (from a primitive, or a decoder).
    """

    default_reason: ClassVar[Reason] = Reason.MALFORMED

    def __init__(
        self,
        message: str | Text | Message,
        /,
        *,
        reason: Reason | None = None,
        check: Check | None = None,
        index: int | None = None,
        **figures: Figure,
    ) -> None:
        self.said = message_of(message, figures)
        super().__init__(self.said.render())
        self.reason = reason or self.default_reason
        self.check = check
        self.index = index

    @property
    def message(self) -> str:
        """What went wrong, in English."""
        return self.said.render()

    def render(self, language: Language = Language.EN) -> str:
        """Where, and what went wrong, in ``language``; not yet made printable."""
        return describe(self.said, language, index=self.index)

    def diagnostics(self, language: Language = Language.EN) -> str:
        return printable(self.render(language), lines=True)

    def __str__(self) -> str:
        return self.render()


class Refused(InvalidInput):
    """A step the rules refuse, with the reason named (spec §11.2, §14.2)."""

    def __init__(
        self,
        reason: Reason,
        message: str | Text | Message,
        /,
        *,
        check: Check | None = None,
        index: int | None = None,
        **figures: Figure,
    ) -> None:
        super().__init__(message, reason=reason, check=check, index=index, **figures)

    def placed(self, check: Check, index: int) -> Refused:
        """The same refusal, of entry ``index`` of a board, under verification check ``check``."""
        return Refused(self.reason, self.said, check=check, index=index)

    def __reduce__(self) -> tuple[object, ...]:
        return (_refused, (self.reason, self.said, self.check, self.index))

    def render(self, language: Language = Language.EN) -> str:
        return describe(self.said, language, index=self.index, reason=self.reason)


@contextlib.contextmanager
def refusing(reason: Reason | None = None) -> Iterator[None]:
    """Within the block, bad input is a refused step: :class:`InvalidInput` becomes :class:`Refused`.

    The refusal keeps the error's reason (or takes ``reason``) and its message, and chains the error
    as its cause; a :class:`Refused` passes through unchanged.
    """
    try:
        yield
    except Refused:
        raise
    except InvalidInput as error:
        raise Refused(reason or error.reason, error.said) from error


def _refused(reason: Reason, said: Message, check: Check | None, index: int | None) -> Refused:
    return Refused(reason, said, check=check, index=index)


#: A detail in English only: a primitive's or a decoder's message.
DETAIL: Final = Text("detail", "{detail}", "{detail}")
#: Where on a board, and that the rules refused: the prefixes of a refusal (and of a finding).
_ENTRY: Final = Text("entry", "entry {index}: ", "第 {index} 条：")
_REFUSED: Final = Text("refused", "refused ({reason}): ", "拒绝（{reason}）：")


def message_of(message: str | Text | Message, figures: dict[str, Figure]) -> Message:
    if isinstance(message, Message):
        return message
    if isinstance(message, Text):
        return Message(message, figures)
    return Message(DETAIL, {"detail": message})


def describe(
    said: Message, language: Language, *, index: int | None = None, reason: Reason | None = None
) -> str:
    """Where, whether refused, and what: ``entry 4: refused (code-used): …`` in ``language``."""
    where = "" if index is None else _ENTRY.render(language, {"index": index})
    refused = "" if reason is None else _REFUSED.render(language, {"reason": reason.value})
    return f"{where}{refused}{said.render(language)}"


class InvalidEncoding(InvalidInput):
    """Bytes or JSON that are not the canonical encoding of the expected object."""


class InvalidPoint(InvalidEncoding):
    """Not a canonical encoding of a point of the prime-order group, or the identity where not allowed."""


class InvalidScalar(InvalidEncoding):
    """Not a canonical encoding of an integer modulo the group order (spec §2.2)."""


class InvalidProof(InvalidInput):
    """A zero-knowledge proof that does not verify for its statement."""

    default_reason = Reason.BAD_PROOF


class InvalidMerkleProof(InvalidInput):
    """A Merkle inclusion or consistency proof that does not verify (spec §13.2)."""

    default_reason = Reason.BAD_MERKLE_PROOF


class InvalidSignature(InvalidInput):
    """An Ed25519 signature that does not verify for its key and message (spec §7.2)."""

    default_reason = Reason.BAD_SIGNATURE


class DecodingError(InvalidInput):
    """A decrypted point that is not m·G for any m within the stated bound (spec §4.4)."""

    default_reason = Reason.DECRYPTION_FAILED


class ThresholdError(InvalidInput):
    """Too few, duplicated or unknown trustees for a threshold operation (spec §6.6)."""

    default_reason = Reason.DECRYPTION_FAILED


class CeremonyError(InvalidInput):
    """A key-ceremony message that is malformed or inconsistent with the ceremony (spec §6)."""

    default_reason = Reason.CEREMONY_INVALID


class SecretFileError(InvalidInput):
    """A passphrase-protected secret file that cannot be opened: wrong passphrase, altered or damaged."""

    default_reason = Reason.SECRET_FILE_INVALID


class RecordError(InvalidInput):
    """A record that cannot be read as one: wrong format or version, a missing or altered file."""

    default_reason = Reason.RECORD_INVALID


# -- misuse of the API ---------------------------------------------------------------------------


class UsageError(EvoteError):
    """The caller used the API wrongly: a call in a state that does not admit it, a bad argument."""


class ParameterError(UsageError, ValueError):
    """A parameter outside its domain: a threshold above the number of trustees, a negative weight...

    Raised when such a value is *built*; decoding the same value from outside raises
    :class:`InvalidEncoding` instead (a struct's check becomes a decoding error, spec §1.3).
    """


# -- verification --------------------------------------------------------------------------------


class VerificationFailed(EvoteError):  # noqa: N818 -- names the outcome
    """Published material that does not check out: a receipt, a consistency proof, a head (§13.5).

    ``check`` is the verifier's check it belongs to, where there is one.
    """

    def __init__(self, message: str, *, check: Check | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.check = check
