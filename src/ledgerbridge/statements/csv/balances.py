"""Balances in a CSV export: the running balance after each row, and balance cells.

A running balance is checked row by row in date order (banks list newest first as often as
oldest first: the profile says which, or the first and last dates do). A row with an empty
balance cell is carried over. The statement's opening is the first known balance less the
movements up to it, its closing the last known balance: both read from the bank's own figures,
so the shared ``check_balances`` then holds by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ledgerbridge.statements.base import BadStatement, Balance
from ledgerbridge.statements.csv.rows import Parsed


def _walk(rows: Sequence[Parsed], column: str) -> BadStatement | None:
    running: Decimal | None = None
    for row in rows:
        if running is not None:
            running += row.line.amount
        if row.balance is not None:
            if running is not None and running != row.balance:
                return BadStatement(
                    row.line.source_line,
                    f"the balance {row.balance} does not follow: the previous balance plus "
                    f"{row.line.amount} is {running}",
                    field_name=column,
                )
            running = row.balance
    return None


def chronological(rows: Sequence[Parsed], newest_first: bool | None, column: str) -> list[Parsed]:
    """The rows oldest first, their running balance checked; BadStatement at the first row
    whose balance does not follow from the one before."""
    if newest_first is None and rows:
        first, last = rows[0].line.booking_date, rows[-1].line.booking_date
        newest_first = first > last if first != last else None
    if newest_first is None:  # every row on one day: whichever order makes the balances agree
        problem = _walk(rows, column)
        if problem is None:
            return list(rows)
        if _walk(rows[::-1], column) is None:
            return list(rows[::-1])
        raise problem
    ordered = list(rows[::-1]) if newest_first else list(rows)
    problem = _walk(ordered, column)
    if problem is not None:
        raise problem
    return ordered


def from_running(rows: Sequence[Parsed], currency: str) -> tuple[Balance, Balance] | None:
    """Opening and closing balances implied by the running balance of rows in date order."""
    known = [(i, b) for i, row in enumerate(rows) if (b := row.balance) is not None]
    if not known:
        return None
    (first, opening), (last, closing) = known[0], known[-1]
    before = sum((r.line.amount for r in rows[: first + 1]), Decimal(0))
    after = sum((r.line.amount for r in rows[last + 1 :]), Decimal(0))
    return (
        Balance(opening - before, currency, rows[0].line.booking_date),
        Balance(closing + after, currency, rows[-1].line.booking_date),
    )
