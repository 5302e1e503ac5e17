"""Properties of the accounting core: allocation sums back, reversals net to zero, and any
sequence of orders, refunds, fees and disputes settled by a payout leaves clearing at zero."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerbridge.domain.events import (
    Charge,
    CommerceEvent,
    DisputeFunds,
    Fee,
    Payout,
    Refund,
    Sale,
)
from ledgerbridge.domain.journal import JournalEntry, Line, reversal
from ledgerbridge.domain.money import Money, allocate, exponent, from_minor, to_minor

from .factories import CLEARING, SALES, at, balances, post, retail_context

CURRENCIES = ("EUR", "JPY", "BHD", "USD")
FAST = settings(max_examples=150, deadline=None)
STORE = retail_context(source="shopify")
GATEWAY = retail_context(source="stripe")

currencies = st.sampled_from(CURRENCIES)


# --- money -----------------------------------------------------------------------------------


@FAST
@given(currency=currencies, units=st.integers(-(10**15), 10**15))
def test_minor_units_round_trip_in_every_currency(currency: str, units: int) -> None:
    amount = from_minor(units, currency)
    assert amount.as_tuple().exponent == -exponent(currency)
    assert to_minor(amount, currency) == units


@FAST
@given(
    currency=currencies,
    units=st.integers(-(10**12), 10**12),
    weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any),
    scale=st.sampled_from([0, 2, 4]),
)
def test_allocation_sums_back_and_each_part_is_within_one_unit_of_its_share(
    currency: str, units: int, weights: list[int], scale: int
) -> None:
    total = Money.minor(units, currency)
    dec_weights = [Decimal(w).scaleb(-scale) for w in weights]
    parts = allocate(total, dec_weights)
    assert len(parts) == len(weights)
    assert sum(to_minor(p.amount, currency) for p in parts) == units
    assert all(p.currency == currency for p in parts)
    whole = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        share = Fraction(units * w, whole)
        assert abs(to_minor(part.amount, currency) - share) < 1


# --- journal -------------------------------------------------------------------------------


ACCOUNTS = ("1000", "1100-stripe", "2100", "4000", "4100", "6100")


@st.composite
def balanced_entries(draw: st.DrawFn) -> JournalEntry:
    currency = draw(currencies)
    n = draw(st.integers(1, 6))
    units = draw(st.lists(st.integers(-(10**9), 10**9).filter(bool), min_size=n, max_size=n))
    accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=n + 1, max_size=n + 1))
    amounts = [*units, -sum(units)]
    lines = [
        Line(acct, from_minor(u, currency), currency, from_minor(u, currency), currency)
        for acct, u in zip(accounts, amounts, strict=True)
        if u
    ]
    return JournalEntry.balanced(
        key="e1",
        ledger="main",
        effective_date=date(2024, 3, 1),
        description="Sale",
        source="shopify",
        lines=lines,
    )


@FAST
@given(original=balanced_entries())
def test_original_plus_reversal_nets_to_zero_on_every_account(original: JournalEntry) -> None:
    undo = reversal(original, key="e1:rev", effective_date=date(2024, 3, 2), reason="error")
    assert undo.reverses == original.key
    assert len(undo.lines) == len(original.lines)
    for a, b in zip(original.lines, undo.lines, strict=True):
        assert (b.account, b.amount, b.base_amount) == (a.account, -a.amount, -a.base_amount)
    assert set(balances([original, undo]).values()) == {0}


# --- a whole trading period ----------------------------------------------------------------


@dataclass
class Period:
    """Generated events in one currency, and what the gateway says it should pay out."""

    currency: str
    events: list[CommerceEvent] = field(default_factory=list)
    net: int = 0  # minor units: gross - refunds - fees - disputes
    revenue: int = 0  # minor units credited to sales (goods + platform remainder)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    c = draw(currencies)
    p = Period(c)

    def m(units: int) -> Decimal:
        return from_minor(units, c)

    for i in range(draw(st.integers(1, 4))):
        goods = draw(st.integers(1, 10**6))
        discounts = draw(st.integers(0, goods))
        shipping = draw(st.integers(0, 10**4))
        tax = draw(st.integers(0, 10**5))
        remainder = draw(st.sampled_from([0, 0, 0, -1, 1, 2]))
        total = goods - discounts + shipping + tax + remainder
        if total <= 0:
            remainder, total = 0, goods - discounts + shipping + tax
        if total == 0:
            continue
        order = f"#{i}"
        p.events.append(
            Sale(
                key=f"sale:{i}",
                reference=order,
                occurred_at=at(1),
                currency=c,
                goods=m(goods),
                discounts=m(discounts),
                shipping=m(shipping),
                tax=m(tax),
                total=m(total),
                gateway="stripe",
            )
        )
        p.events.append(
            Charge(
                key=f"ch:{i}",
                reference=f"ch_{i}",
                occurred_at=at(1),
                currency=c,
                amount=m(total),
                order_reference=order,
            )
        )
        p.net += total
        p.revenue += goods + remainder
        fee = draw(st.integers(0, total // 10))
        p.events.append(
            Fee(key=f"fee:{i}", reference=f"txn_{i}", occurred_at=at(1), currency=c, amount=m(fee))
        )
        p.net -= fee
        # Refunds, partial or full, never more than is left of the order in any part.
        left = {"goods": goods - discounts, "shipping": shipping, "tax": tax}
        for j in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                parts = dict(left)
            else:
                parts = {k: draw(st.integers(0, v)) for k, v in left.items()}
            refunded = sum(parts.values())
            if refunded == 0:
                break
            left = {k: left[k] - parts[k] for k in left}
            p.events.append(
                Refund(
                    key=f"re:{i}:{j}",
                    reference=f"re_{i}_{j}",
                    occurred_at=at(2),
                    currency=c,
                    order_reference=order,
                    goods=m(parts["goods"]),
                    shipping=m(parts["shipping"]),
                    tax=m(parts["tax"]),
                    total=m(refunded),
                )
            )
            p.net -= refunded
        # A dispute over what is left of the order: withdrawn, then maybe won back.
        disputed = sum(left.values())
        if disputed and draw(st.booleans()):
            dispute_fee = draw(st.integers(0, 1500))
            p.events.append(
                DisputeFunds(
                    key=f"dp:{i}:w",
                    reference=f"dp_{i}",
                    occurred_at=at(3),
                    currency=c,
                    withdrawn=m(disputed),
                    fee=m(dispute_fee),
                )
            )
            p.net -= disputed + dispute_fee
            if draw(st.booleans()):
                p.events.append(
                    DisputeFunds(
                        key=f"dp:{i}:r",
                        reference=f"dp_{i}",
                        occurred_at=at(4),
                        currency=c,
                        withdrawn=m(-disputed),
                        fee=m(-dispute_fee),
                    )
                )
                p.net += disputed + dispute_fee
    return p


def _context_for(event: CommerceEvent):
    return STORE if isinstance(event, Sale | Refund) else GATEWAY


def _assert_balanced(entry: JournalEntry) -> None:
    per_currency: dict[str, int] = defaultdict(int)
    base = 0
    for x in entry.lines:
        per_currency[x.currency] += to_minor(x.amount, x.currency)
        base += to_minor(x.base_amount, x.base_currency)
    assert set(per_currency.values()) == {0}
    assert base == 0


@settings(max_examples=200, deadline=None)
@given(period=periods())
def test_any_period_settled_by_a_payout_of_the_net_leaves_clearing_at_zero(period: Period) -> None:
    c = period.currency
    journal: list[JournalEntry] = []
    for event in period.events:
        entry = post(event, _context_for(event), base=c)
        if entry is not None:
            _assert_balanced(entry)
            journal.append(entry)

    clearing_before = sum(
        (x.base_amount for e in journal for x in e.lines if x.account == CLEARING), Decimal(0)
    )
    # The ledger agrees with the gateway's own arithmetic: gross - refunds - fees - disputes.
    assert to_minor(clearing_before, c) == period.net

    payout = Payout(
        key="po:1",
        reference="po_1",
        occurred_at=at(7),
        currency=c,
        amount=from_minor(period.net, c),
    )
    settled = post(payout, GATEWAY, base=c)
    if period.net == 0:
        assert settled is None
    else:
        assert settled is not None
        _assert_balanced(settled)
        journal.append(settled)

    totals = balances(journal)
    assert totals.get(CLEARING, 0) == 0
    # Revenue recognised once: the store's sales, never the gateway's charges as well.
    assert totals.get(SALES, 0) == -from_minor(period.revenue, c)
    debits = sum(x.base_amount for e in journal for x in e.lines if x.base_amount > 0)
    credits = -sum(x.base_amount for e in journal for x in e.lines if x.base_amount < 0)
    assert debits == credits
    assert all(x.currency == c and x.rate_source == "identity" for e in journal for x in e.lines)
