"""Period-end revaluation of open foreign-currency balances (clearing and bank accounts).

For each such balance, the difference between its base value at the closing rate of the
period's last day and the base it is carried at is posted to fx_gain_loss on that day, and
reversed on the first day of the next period (so realised FX at settlement stays exact).
Explicit, by command; running it twice for a period posts nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.journal import JournalEntry, Line, reversal
from ledgerbridge.domain.money import from_minor, round_half_even
from ledgerbridge.domain.periods import bounds
from ledgerbridge.service.context import ledger_view, rate_lookup
from ledgerbridge.store import catalog, journal
from ledgerbridge.store.database import Database


@dataclass(frozen=True, slots=True)
class Revalued:
    account: str
    currency: str
    balance: str
    carried: str
    revalued: str
    difference: str
    entry_id: str | None


def period_bounds(period: str) -> tuple[date, date]:
    """(last day of YYYY-MM, first day of the next month)."""
    _, last = bounds(period)
    return last, last + timedelta(days=1)


def revalue(db: Database, ledger_id: str, period: str) -> list[Revalued]:
    as_of, next_day = period_bounds(period)
    results: list[Revalued] = []
    with db.write() as conn:
        ledger = ledger_view(conn, ledger_id)
        base = ledger.base_currency
        fx = ledger.roles[Role.FX_GAIN_LOSS]
        watched = [
            a.code
            for a in catalog.list_accounts(conn, ledger_id)
            if a.role in (Role.GATEWAY_CLEARING, Role.BANK)
        ]
        rate_for = rate_lookup(conn, base)
        for account, currency, units, base_units in journal.foreign_balances(
            conn, ledger_id, watched, base, as_of
        ):
            balance = from_minor(units, currency)
            carried = from_minor(base_units, base)
            quote = rate_for(currency, as_of)
            value = round_half_even(balance * quote.rate, base)
            difference = value - carried
            entry_id = None
            key = f"reval:{period}:{account}:{currency}"
            if difference and journal.find_entry_id(conn, ledger_id, key) is None:
                zero_c, zero_b = from_minor(0, currency), from_minor(0, base)
                entry = JournalEntry.balanced(
                    key=key,
                    ledger=ledger_id,
                    effective_date=as_of,
                    description=f"Revaluation of {balance} {currency} on {account} at "
                    f"{quote.rate} ({quote.source}, {quote.rate_date or as_of})",
                    source=None,
                    lines=[
                        Line(
                            account,
                            zero_c,
                            currency,
                            difference,
                            base,
                            quote.rate,
                            quote.rate_date,
                            quote.source,
                        ),
                        Line(fx, zero_b, base, -difference, base),
                    ],
                )
                entry_id = journal.insert_entry(conn, entry, event_ids=[])
                undo = reversal(
                    entry,
                    key=f"{key}:reversal",
                    effective_date=next_day,
                    reason=f"revaluation of {period} reversed",
                )
                journal.insert_entry(conn, undo, event_ids=[], reverses_id=entry_id)
            results.append(
                Revalued(
                    account,
                    currency,
                    str(balance),
                    str(carried),
                    str(value),
                    str(difference),
                    entry_id,
                )
            )
    return results
