"""Builders shared by the domain tests: the retail chart's posting context, and posting helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from ledgerbridge.domain.accounts import RETAIL_CHART, Role, clearing_account
from ledgerbridge.domain.errors import MissingRateError
from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.domain.journal import JournalEntry
from ledgerbridge.domain.posting import PostingContext, RateQuote, drafts_for, to_entry

CLEARING = clearing_account("stripe", "stripe").code  # "1100-stripe"
BANK = "1000"
TAX = "2100"
GIFT_CARDS = "2200"
SALES = "4000"
SHIPPING = "4100"
DISCOUNTS = "4500"
RETURNS = "4600"
FEES = "6100"
CHARGEBACKS = "6200"
ROUNDING = "7990"

LEDGER = "main"


def retail_context(*, source: str = "shopify", recognize_revenue: bool = False) -> PostingContext:
    """The retail chart's account per role, with the Stripe clearing account as control."""
    return PostingContext(
        ledger=LEDGER,
        source=source,
        accounts={a.role: a.code for a in RETAIL_CHART if a.role is not None},
        clearing=CLEARING,
        recognize_revenue=recognize_revenue,
    )


def at(day: int = 1, month: int = 3) -> datetime:
    return datetime(2024, month, day, 12, 0, tzinfo=UTC)


def d(value: str) -> Decimal:
    return Decimal(value)


def no_rate(currency: str, day: date) -> RateQuote:
    raise MissingRateError(f"no rate for {currency} on {day}", currency=currency, day=str(day))


def post(
    event: CommerceEvent, ctx: PostingContext, *, base: str = "EUR", rate_for=no_rate
) -> JournalEntry | None:
    """Post ``event`` the way the service does: draft by rule, then convert into ``base``."""
    draft = drafts_for(event, ctx)
    if draft is None:
        return None
    return to_entry(
        draft,
        ledger=ctx.ledger,
        source=ctx.source,
        base_currency=base,
        rate_for=rate_for,
        rounding_account=ctx.account(Role.ROUNDING),
    )


def pairs(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    """(account, amount) per line, in the order posted: what a worked example compares."""
    return [(x.account, x.amount) for x in entry.lines]


def balances(entries: Iterable[JournalEntry]) -> dict[str, Decimal]:
    """Per-account balance in base currency (debit positive) over ``entries``."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        for x in entry.lines:
            out[x.account] += x.base_amount
    return dict(out)
