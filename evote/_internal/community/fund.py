"""The owners' shared-fund account (共有资金账户): the bank's daily statements (spec §16.5).

In Shenzhen the account sits at a data-sharing bank that reports its balance and transactions to
the platform every day. Here the bank's key, named in the charter, signs one statement per day:
the opening balance, each transaction and the closing balance, in fen (0.01 yuan) as exact
integers. Statements form a chain: each is for the day after the one before, opens with the
balance the one before closed with, and closes with its opening balance plus its transactions.

A transfer out larger than the charter's amount (大额资金转账) cites the decision that authorised
it: an election's manifest hash and the motion's question. The verifier checks, against that
election's record, that the motion passed and that the transfers citing it do not exceed the
amount it stated (spec §16.7).
"""

from __future__ import annotations

import datetime

from evote._internal.community.charter import CommunityId, ElectionQuestion
from evote._internal.encoding import Bytes32, Struct
from evote._internal.ids import check_id
from evote.errors import ParameterError
from evote.hazmat.signing import Signature, SigningKey
from evote.hazmat.transcript import Domain

__all__ = ["Statement", "StatementBody", "Transaction", "sign_statement"]

#: Any one amount, in fen: 10¹⁵ fen = 10 trillion yuan, far above any account, far below 2⁵³.
MAX_AMOUNT = 10**15


class Transaction(Struct):
    """One movement of the account: ``amount`` fen in (positive) or out (negative)."""

    id: str
    amount: int
    counterparty: str
    memo: str
    decision: ElectionQuestion | None = None  # the motion that authorised it

    def __post_init__(self) -> None:
        check_id(self.id, "transaction id")
        if self.amount == 0 or abs(self.amount) > MAX_AMOUNT:
            raise ParameterError(f"transaction {self.id}: an amount of 1 to 10¹⁵ fen, in or out")
        if not self.counterparty:
            raise ParameterError(f"transaction {self.id}: the counterparty is required")


class StatementBody(Struct):
    """The account's statement for ``day`` (ISO date, the bank's calendar day)."""

    community: CommunityId
    charter: Bytes32
    account: str
    day: str
    opening: int
    transactions: tuple[Transaction, ...]
    closing: int

    def __post_init__(self) -> None:
        check_id(self.account, "account")
        try:
            parsed = datetime.date.fromisoformat(self.day)
        except ValueError:
            parsed = None
        if parsed is None or parsed.isoformat() != self.day:
            raise ParameterError(f"statement: day {self.day!r} is not a date as YYYY-MM-DD")
        for balance in (self.opening, self.closing):
            if not 0 <= balance <= MAX_AMOUNT:
                raise ParameterError(f"statement of {self.day}: a balance of 0 to 10¹⁵ fen")
        ids = [t.id for t in self.transactions]
        if len(set(ids)) != len(ids):
            raise ParameterError(f"statement of {self.day}: a transaction id appears twice")

    @property
    def date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.day)


class Statement(Struct):
    body: StatementBody
    signature: Signature


def sign_statement(body: StatementBody, bank: SigningKey) -> Statement:
    return Statement(body=body, signature=bank.sign(Domain.SIGN_STATEMENT, body))
