"""The journal of a period as the writers see it, and how one line becomes postings.

A line is written in its own currency with a total cost in base (``@@``), so each posting's
weight is exactly its base amount and every entry balances in Beancount's and hledger's own
rules. Lines with no amount in their own currency (revaluation, rounding and realised-fx
residuals: ``amount`` 0 and a base amount) are written as base-currency postings on the same
account: the account's balance in base is then the same in both tools as in our trial balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerbridge.domain.accounts import Account
from ledgerbridge.domain.journal import JournalEntry, Line

OPENING_DESCRIPTION = "Balances brought forward (base currency)"


@dataclass(frozen=True, slots=True)
class Posted:
    """One posted entry: its id and the events it came from beside the domain entry."""

    id: str
    entry: JournalEntry
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Journal:
    """A ledger's entries dated in [since, until], the accounts they use, and (when ``since``
    is set) each account's base balance the day before, brought forward as one entry."""

    ledger: str
    base_currency: str
    since: date | None
    until: date | None
    accounts: Mapping[str, Account]
    entries: tuple[Posted, ...]
    opening: tuple[tuple[str, Decimal], ...] = ()

    @property
    def opening_date(self) -> date | None:
        if not self.opening or self.since is None:
            return None
        return date.fromordinal(self.since.toordinal() - 1)

    def used_accounts(self) -> list[str]:
        used = {code for code, _ in self.opening}
        used |= {x.account for p in self.entries for x in p.entry.lines}
        return sorted(used)

    def first_date(self) -> date | None:
        days = [p.entry.effective_date for p in self.entries]
        days += [self.opening_date] if self.opening_date else []
        return min(days) if days else None


@dataclass(frozen=True, slots=True)
class Posting:
    """``units`` of ``currency`` on ``account``; ``cost`` is the unsigned total in base
    (``@@``) when the units are not base currency."""

    account: str
    units: Decimal
    currency: str
    cost: Decimal | None = None


def postings(line: Line) -> list[Posting]:
    """The postings whose weights sum to ``line.base_amount`` in base currency."""
    base = line.base_currency
    if line.currency == base or line.amount == 0:
        return [Posting(line.account, line.base_amount, base)]
    if line.base_amount == 0 or (line.base_amount > 0) == (line.amount > 0):
        return [Posting(line.account, line.amount, line.currency, abs(line.base_amount))]
    zero = line.base_amount - line.base_amount  # a zero with the base currency's places
    return [  # a base value of the other sign: zero cost, the base value beside it
        Posting(line.account, line.amount, line.currency, zero),
        Posting(line.account, line.base_amount, base),
    ]


def number(value: Decimal) -> str:
    """Plain decimal notation, never an exponent (``0E-2`` -> ``0.00``)."""
    return format(value, "f")
