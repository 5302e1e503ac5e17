"""What every bank format parses into, and the checks shared by all of them.

A parser reads a whole file into ``Statement``s or raises ``BadStatement`` naming the line (and
field) that broke it: nothing of a broken file is imported. Amounts are signed Decimals (credit
positive), exact at the currency's exponent; never a float.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from ledgerbridge.domain.errors import ValidationError


class BadStatement(ValidationError):
    """Raised when a bank file cannot be read whole: ``details`` has ``line`` and ``reason``
    (and ``field`` where one is to blame)."""

    code = "bad_statement"

    def __init__(self, line: int, reason: str, *, field_name: str | None = None) -> None:
        where = f"line {line}" + (f", {field_name}" if field_name else "")
        details: dict[str, object] = {"line": line, "reason": reason}
        if field_name:
            details["field"] = field_name
        super().__init__(f"{where}: {reason}", **details)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str
    day: date


@dataclass(frozen=True, slots=True)
class BankLine:
    """One booked movement on the account. ``bank_ref`` is the bank's own unique reference
    (camt AcctSvcrRef, MT940 :61: //bank ref, OFX FITID, BAI2 bank ref) when the file has one."""

    amount: Decimal
    currency: str
    booking_date: date
    value_date: date | None = None
    bank_ref: str | None = None
    customer_ref: str | None = None
    remittance: str = ""
    counterparty: str | None = None
    counterparty_account: str | None = None
    tx_code: str | None = None
    status: str = "BOOK"
    reversal: bool = False
    source_line: int = 0
    """Where in the file it came from (for messages and the audit trail)."""


@dataclass(frozen=True, slots=True)
class Statement:
    format: str
    account: str
    currency: str
    lines: tuple[BankLine, ...]
    statement_id: str | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    period_from: date | None = None
    period_to: date | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)


class Parser(Protocol):
    """A bank format: ``identify`` looks at the first bytes; ``parse`` reads the whole file."""

    name: str

    def identify(self, head: bytes) -> bool: ...

    def parse(self, data: bytes) -> list[Statement]: ...


def check_balances(statement: Statement, *, line: int = 0) -> None:
    """Opening + the lines = closing, where the format carries both balances (booked lines)."""
    if statement.opening is None or statement.closing is None:
        return
    moved = sum((x.amount for x in statement.lines if x.status == "BOOK"), Decimal(0))
    expected = statement.opening.amount + moved
    if expected != statement.closing.amount:
        raise BadStatement(
            line,
            f"opening {statement.opening.amount} + lines {moved} = {expected}, but the "
            f"closing balance says {statement.closing.amount}: a line is missing or doubled",
            field_name="closing balance",
        )


def fingerprint(account: str, line: BankLine, ordinal: int) -> str:
    """A stable key for a line with no bank reference: the same line in an overlapping
    statement gets the same key (account, date, amount, text, and its rank among identical
    lines of that day)."""
    text = "|".join(
        (
            account,
            line.booking_date.isoformat(),
            str(line.amount),
            line.currency,
            " ".join(line.remittance.split()),
            str(ordinal),
        )
    )
    return "fp:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def keyed(statement: Statement) -> Iterable[tuple[str, BankLine]]:
    """Each line with its dedupe key: the bank's reference, else the fingerprint."""
    seen: dict[tuple[date, Decimal, str], int] = {}
    for line in statement.lines:
        if line.bank_ref:
            yield f"ref:{line.bank_ref}", line
            continue
        group = (line.booking_date, line.amount, " ".join(line.remittance.split()))
        seen[group] = seen.get(group, 0) + 1
        yield fingerprint(statement.account, line, seen[group]), line
