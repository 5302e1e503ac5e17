"""Journal entries balance per currency and in base, or raise; a reversal undoes its original."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerbridge.domain.errors import UnbalancedEntryError, ValidationError
from ledgerbridge.domain.journal import JournalEntry, Line, check_balanced, reversal

from .factories import BANK, CLEARING, FEES, SALES, TAX, balances

DAY = date(2024, 3, 1)


def eur(account: str, amount: str) -> Line:
    return Line(account, Decimal(amount), "EUR", Decimal(amount), "EUR")


def usd_in_eur(account: str, amount: str, base: str, rate: str = "0.9") -> Line:
    return Line(account, Decimal(amount), "USD", Decimal(base), "EUR", Decimal(rate), DAY, "ecb")


def entry(*lines: Line, key: str = "sale:1001") -> JournalEntry:
    return JournalEntry.balanced(
        key=key,
        ledger="main",
        effective_date=DAY,
        description="Sale 1001",
        source="shopify",
        lines=lines,
    )


def test_sale_with_tax_balances() -> None:
    e = entry(eur(CLEARING, "119.00"), eur(SALES, "-100.00"), eur(TAX, "-19.00"))
    assert [(x.account, x.amount) for x in e.lines] == [
        (CLEARING, Decimal("119.00")),
        (SALES, Decimal("-100.00")),
        (TAX, Decimal("-19.00")),
    ]
    assert e.key == "sale:1001"
    assert e.reverses is None


def test_entry_off_by_one_cent_is_refused() -> None:
    with pytest.raises(UnbalancedEntryError, match="EUR off by 1 minor units") as raised:
        entry(eur(CLEARING, "119.01"), eur(SALES, "-100.00"), eur(TAX, "-19.00"))
    assert raised.value.code == "unbalanced_entry"


def test_entry_balanced_per_currency_but_not_in_base_is_refused() -> None:
    with pytest.raises(UnbalancedEntryError, match="base EUR off by -1 minor units"):
        entry(usd_in_eur(CLEARING, "10.00", "9.00"), usd_in_eur(SALES, "-10.00", "-9.01"))


def test_entry_balanced_in_base_but_not_per_currency_is_refused() -> None:
    with pytest.raises(UnbalancedEntryError, match="USD off by 1 minor units"):
        entry(usd_in_eur(CLEARING, "10.01", "9.00"), usd_in_eur(SALES, "-10.00", "-9.00"))


def test_each_currency_must_balance_on_its_own() -> None:
    # 10 USD against 9 EUR is equal in base, yet each currency is off by itself.
    with pytest.raises(UnbalancedEntryError) as raised:
        entry(usd_in_eur(CLEARING, "10.00", "9.00"), eur(SALES, "-9.00"))
    assert raised.value.details["off"] == {"USD": 1000, "EUR": -900}


def test_entry_needs_two_lines() -> None:
    with pytest.raises(UnbalancedEntryError, match="at least two"):
        entry(eur(CLEARING, "0.00"), eur(SALES, "0.00"))
    with pytest.raises(UnbalancedEntryError, match="at least two"):
        entry(eur(CLEARING, "5.00"))
    with pytest.raises(UnbalancedEntryError, match="at least two"):
        entry()


def test_zero_lines_are_dropped_from_a_balanced_entry() -> None:
    e = entry(eur(CLEARING, "5.00"), eur(TAX, "0.00"), eur(SALES, "-5.00"))
    assert [x.account for x in e.lines] == [CLEARING, SALES]


def test_lines_in_two_base_currencies_are_refused() -> None:
    other_base = Line(SALES, Decimal("-5.00"), "EUR", Decimal("-5.00"), "USD")
    with pytest.raises(UnbalancedEntryError, match="more than one base currency"):
        entry(eur(CLEARING, "5.00"), other_base)


def test_line_with_more_decimals_than_its_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="more decimals"):
        entry(eur(CLEARING, "5.005"), eur(SALES, "-5.005"))


def test_check_balanced_passes_a_balanced_tuple() -> None:
    check_balanced((eur(BANK, "1.00"), eur(CLEARING, "-0.40"), eur(FEES, "-0.60")))


def test_reversal_negates_every_line_and_points_at_the_original() -> None:
    original = entry(
        usd_in_eur(CLEARING, "119.00", "107.10"),
        usd_in_eur(SALES, "-100.00", "-90.00"),
        usd_in_eur(TAX, "-19.00", "-17.10"),
    )
    undo = reversal(original, key="sale:1001:rev", effective_date=date(2024, 3, 5), reason="void")
    assert undo.key == "sale:1001:rev"
    assert undo.reverses == "sale:1001"
    assert undo.ledger == "main"
    assert undo.source == "shopify"
    assert undo.effective_date == date(2024, 3, 5)
    assert undo.description == "Reversal of Sale 1001: void"
    assert [(x.account, x.amount, x.base_amount) for x in undo.lines] == [
        (CLEARING, Decimal("-119.00"), Decimal("-107.10")),
        (SALES, Decimal("100.00"), Decimal("90.00")),
        (TAX, Decimal("19.00"), Decimal("17.10")),
    ]
    # The rate, its date and source stay as they were: the reversal undoes, it does not re-rate.
    assert all(
        (x.rate, x.rate_date, x.rate_source, x.currency, x.base_currency)
        == (Decimal("0.9"), DAY, "ecb", "USD", "EUR")
        for x in undo.lines
    )


def test_original_plus_reversal_nets_to_zero_on_every_account() -> None:
    original = entry(eur(CLEARING, "119.00"), eur(SALES, "-100.00"), eur(TAX, "-19.00"))
    undo = reversal(original, key="rev", effective_date=DAY, reason="duplicate")
    assert balances([original, undo]) == {CLEARING: 0, SALES: 0, TAX: 0}
