"""Draft -> JournalEntry: every line converted to base currency with the rate on record.

Rate direction (stated once): ``rate`` is base units per one unit of the line's currency, so
``base_amount = round_half_even(amount * rate, base)``. Converted lines that do not sum to zero
in base get one line on the rounding account for the difference: never a silent cent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgerbridge.domain.journal import JournalEntry, Line
from ledgerbridge.domain.money import exponent, round_half_even
from ledgerbridge.domain.posting.context import Draft, DraftLine


@dataclass(frozen=True, slots=True)
class RateQuote:
    rate: Decimal
    rate_date: date | None
    source: str


RateFor = Callable[[str, date], RateQuote]
"""Look up the rate for (currency, day) into base; raises MissingRateError when there is none."""

CarryingFor = Callable[[str, str, Decimal], Decimal | None]
"""The base value of ``amount`` taken from (or put back to) an account's balance in a currency,
at the rate that balance was booked at; None when the balance cannot carry it (then the
day's rate applies)."""

IDENTITY = RateQuote(Decimal(1), None, "identity")
RATE_PLACES = Decimal("1e-12")
"""Rates shown on a carried line: base/amount to 12 decimal places (display only)."""


def to_entry(
    draft: Draft,
    *,
    ledger: str,
    source: str | None,
    base_currency: str,
    rate_for: RateFor,
    rounding_account: str,
    reverses: str | None = None,
    note: str | None = None,
    carrying: CarryingFor | None = None,
) -> JournalEntry:
    lines: list[Line] = []
    for dl in draft.lines:
        carried = _carried(dl, base_currency, carrying, draft.effective_date)
        if carried is not None:
            quote, base = carried
        elif dl.gateway_rate is not None and dl.gateway_rate[0] == base_currency:
            quote = RateQuote(dl.gateway_rate[1], draft.effective_date, "gateway")
            base = round_half_even(dl.amount * quote.rate, base_currency)
        else:
            quote = (
                IDENTITY
                if dl.currency == base_currency
                else rate_for(dl.currency, draft.effective_date)
            )
            base = round_half_even(dl.amount * quote.rate, base_currency)
        lines.append(
            Line(
                dl.account,
                dl.amount,
                dl.currency,
                base,
                base_currency,
                quote.rate,
                quote.rate_date,
                quote.source,
                dl.dimensions,
            )
        )
    residual = sum((x.base_amount for x in lines), Decimal(0))
    if residual:
        realised = draft.residual_account is not None and any(
            x.rate_source == "carrying" for x in lines
        )
        zero = Decimal(0).scaleb(-exponent(base_currency))
        lines.append(
            Line(
                draft.residual_account if realised and draft.residual_account else rounding_account,
                zero,
                base_currency,
                -residual,
                base_currency,
                Decimal(1),
                None,
                "realised fx" if realised else "rounding",
            )
        )
    return JournalEntry.balanced(
        key=draft.key,
        ledger=ledger,
        effective_date=draft.effective_date,
        description=draft.description,
        source=source,
        lines=lines,
        reverses=reverses,
        note=note,
    )


def _carried(
    dl: DraftLine, base_currency: str, carrying: CarryingFor | None, day: date
) -> tuple[RateQuote, Decimal] | None:
    """The carrying value, and the quote it implies (rate = base / amount, to 12 places)."""
    if dl.currency == base_currency or carrying is None or dl.carried_by is None or not dl.amount:
        return None
    value = carrying(dl.carried_by, dl.currency, dl.amount)
    if value is None:
        return None
    return RateQuote((value / dl.amount).quantize(RATE_PLACES), day, "carrying"), value
