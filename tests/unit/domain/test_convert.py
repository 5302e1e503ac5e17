"""Draft -> JournalEntry: identity in base currency, the rate on record otherwise, rounding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerbridge.domain.errors import MissingRateError
from ledgerbridge.domain.events import Sale
from ledgerbridge.domain.posting import Draft, DraftLine, RateQuote, to_entry

from .factories import (
    CLEARING,
    ROUNDING,
    SALES,
    SHIPPING,
    TAX,
    at,
    d,
    no_rate,
    post,
    retail_context,
)


def draft(*lines: tuple[str, str], currency: str = "USD") -> Draft:
    return Draft(
        key="k1",
        effective_date=date(2024, 3, 1),
        description="Sale #1001",
        lines=tuple(DraftLine(acct, Decimal(amount), currency) for acct, amount in lines),
    )


def convert(dr: Draft, rate_for=no_rate, base: str = "EUR"):
    return to_entry(
        dr,
        ledger="main",
        source="shopify",
        base_currency=base,
        rate_for=rate_for,
        rounding_account=ROUNDING,
    )


def test_base_currency_lines_convert_at_identity_without_asking_for_a_rate() -> None:
    e = convert(draft((CLEARING, "119.00"), (SALES, "-119.00"), currency="EUR"))
    assert [(x.amount, x.base_amount, x.rate, x.rate_date, x.rate_source) for x in e.lines] == [
        (d("119.00"), d("119.00"), d(1), None, "identity"),
        (d("-119.00"), d("-119.00"), d(1), None, "identity"),
    ]


def test_foreign_line_keeps_the_rate_its_date_and_source() -> None:
    asked: list[tuple[str, date]] = []

    def rate_for(currency: str, day: date) -> RateQuote:
        asked.append((currency, day))
        return RateQuote(d("0.9213"), date(2024, 2, 29), "ecb")

    e = convert(draft((CLEARING, "100.00"), (SALES, "-100.00")), rate_for)
    assert asked == [("USD", date(2024, 3, 1))] * 2
    assert [(x.account, x.amount, x.currency, x.base_amount, x.base_currency) for x in e.lines] == [
        (CLEARING, d("100.00"), "USD", d("92.13"), "EUR"),
        (SALES, d("-100.00"), "USD", d("-92.13"), "EUR"),
    ]
    assert all(
        (x.rate, x.rate_date, x.rate_source) == (d("0.9213"), date(2024, 2, 29), "ecb")
        for x in e.lines
    )


def test_converted_lines_off_by_a_cent_get_a_rounding_line() -> None:
    # At 0.5: 10.00 -> 5.00 but 3.33 -> 1.665 -> 1.66 (half even) twice, 3.34 -> 1.67.
    def rate_for(currency: str, day: date) -> RateQuote:
        return RateQuote(d("0.5"), day, "gateway")

    e = convert(
        draft((CLEARING, "10.00"), (SALES, "-3.33"), (SHIPPING, "-3.33"), (TAX, "-3.34")),
        rate_for,
    )
    assert [(x.account, x.amount, x.currency, x.base_amount) for x in e.lines] == [
        (CLEARING, d("10.00"), "USD", d("5.00")),
        (SALES, d("-3.33"), "USD", d("-1.66")),
        (SHIPPING, d("-3.33"), "USD", d("-1.66")),
        (TAX, d("-3.34"), "USD", d("-1.67")),
        (ROUNDING, d("0"), "EUR", d("-0.01")),
    ]
    assert e.lines[-1].rate_source == "rounding"
    assert sum(x.base_amount for x in e.lines) == 0


def test_yen_into_bahraini_dinar_rounds_to_three_places() -> None:
    def rate_for(currency: str, day: date) -> RateQuote:
        return RateQuote(d("0.0025125"), day, "ecb")

    e = convert(draft((CLEARING, "1000"), (SALES, "-1000"), currency="JPY"), rate_for, "BHD")
    # 1000 * 0.0025125 = 2.5125 -> 2.512 (ties to even): same on both sides, no rounding line.
    assert [x.base_amount for x in e.lines] == [d("2.512"), d("-2.512")]


def test_missing_rate_propagates_and_posts_nothing() -> None:
    with pytest.raises(MissingRateError) as raised:
        convert(draft((CLEARING, "100.00"), (SALES, "-100.00")))
    assert raised.value.code == "missing_rate"
    assert raised.value.details["currency"] == "USD"


def test_to_entry_passes_reversal_key_and_note_through() -> None:
    e = to_entry(
        draft((CLEARING, "5.00"), (SALES, "-5.00"), currency="EUR"),
        ledger="main",
        source="shopify",
        base_currency="EUR",
        rate_for=no_rate,
        rounding_account=ROUNDING,
        reverses="k0",
        note="late event from a closed period",
    )
    assert (e.reverses, e.note) == ("k0", "late event from a closed period")


def test_the_orders_presentment_pair_is_the_rate_when_the_customer_paid_in_base() -> None:
    """A USD shop, a customer paying 92.00 EUR for a 100.00 USD order, on a EUR ledger: the
    order's own pair (0.92) values every line, not the feed's rate of the day."""
    sale = Sale(
        key="shop:sale:1",
        reference="#1",
        occurred_at=at(),
        currency="USD",
        goods=d("90.00"),
        tax=d("10.00"),
        total=d("100.00"),
        presentment_currency="EUR",
        presentment_total=d("92.00"),
    )

    def feed(currency: str, day: date) -> RateQuote:
        return RateQuote(d("0.95"), day, "ecb")

    entry = post(sale, retail_context(), base="EUR", rate_for=feed)
    assert entry is not None
    assert {x.account: (x.base_amount, x.rate_source) for x in entry.lines} == {
        CLEARING: (d("92.00"), "gateway"),
        SALES: (d("-82.80"), "gateway"),
        TAX: (d("-9.20"), "gateway"),
    }
