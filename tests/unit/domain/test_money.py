"""Money: ISO 4217 exponents (iso4217 package), no floats, minor units, rounding, allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgerbridge.domain.errors import CurrencyError, ValidationError
from ledgerbridge.domain.money import (
    Money,
    allocate,
    exponent,
    from_minor,
    normalize_currency,
    parse_decimal,
    round_half_even,
    round_half_up,
    to_minor,
)


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("JPY", 0), ("USD", 2), ("EUR", 2), ("BHD", 3), ("KWD", 3), ("jpy", 0)],
)
def test_exponent_comes_from_iso_4217(currency: str, expected: int) -> None:
    assert exponent(currency) == expected


@pytest.mark.parametrize("currency", ["ZZZ", "EURO", "EU", "", "ABC"])
def test_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(CurrencyError) as raised:
        exponent(currency)
    assert raised.value.code == "bad_currency"


def test_currency_code_is_upper_cased() -> None:
    assert normalize_currency("bhd") == "BHD"
    assert Money(Decimal("1.000"), "bhd").currency == "BHD"


def test_money_refuses_a_float() -> None:
    with pytest.raises(ValidationError):
        Money(1.5, "EUR")  # type: ignore[arg-type]


def test_money_refuses_an_int_amount() -> None:
    with pytest.raises(ValidationError):
        Money(2, "EUR")  # type: ignore[arg-type]


def test_money_refuses_an_unknown_currency() -> None:
    with pytest.raises(CurrencyError):
        Money(Decimal("1.00"), "ZZZ")


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), True])
def test_parse_decimal_refuses_floats_and_bools(value: object) -> None:
    with pytest.raises(ValidationError, match="amount"):
        parse_decimal(value)


@pytest.mark.parametrize("value", ["NaN", "nan", "Infinity", "-inf", "sNaN"])
def test_parse_decimal_refuses_non_finite_strings(value: str) -> None:
    with pytest.raises(ValidationError):
        parse_decimal(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_parse_decimal_refuses_non_finite_decimals(value: Decimal) -> None:
    # A NaN or infinite Decimal is as much junk as the string "NaN": it must not reach Money.
    with pytest.raises(ValidationError):
        parse_decimal(value)


def test_money_of_refuses_an_infinite_decimal() -> None:
    # Today this escapes as decimal.InvalidOperation from quantize: no LedgerbridgeError.
    with pytest.raises(ValidationError):
        Money.of(Decimal("Infinity"), "EUR")


@pytest.mark.parametrize("value", ["", "abc", "1,000.00", "12.3.4", "€5", None, [1], b"1.00"])
def test_parse_decimal_refuses_junk(value: object) -> None:
    with pytest.raises(ValidationError):
        parse_decimal(value, field="total")


def test_parse_decimal_names_the_field_it_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_decimal("x", field="total_tax")
    assert raised.value.details == {"field": "total_tax"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19.99", Decimal("19.99")),
        (" 0.10 ", Decimal("0.10")),
        ("-3", Decimal("-3")),
        (1500, Decimal(1500)),
        (Decimal("2.665"), Decimal("2.665")),
    ],
)
def test_parse_decimal_reads_strings_ints_and_decimals_exactly(
    value: object, expected: Decimal
) -> None:
    parsed = parse_decimal(value)
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    ("units", "currency", "amount"),
    [
        (1999, "EUR", "19.99"),
        (1999, "JPY", "1999"),
        (1999, "BHD", "1.999"),
        (-5, "USD", "-0.05"),
        (0, "BHD", "0.000"),
    ],
)
def test_minor_units_round_trip(units: int, currency: str, amount: str) -> None:
    value = from_minor(units, currency)
    assert str(value) == amount
    assert to_minor(value, currency) == units


def test_to_minor_accepts_trailing_zeros() -> None:
    assert to_minor(Decimal("1.500"), "EUR") == 150
    assert to_minor(Decimal("7.00"), "JPY") == 7


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("19.999", "EUR"), ("0.5", "JPY"), ("1.0005", "BHD"), ("0.001", "USD")],
)
def test_to_minor_refuses_more_decimals_than_the_currency_has(amount: str, currency: str) -> None:
    with pytest.raises(ValidationError, match="more decimals"):
        to_minor(Decimal(amount), currency)


@pytest.mark.parametrize(
    ("amount", "currency", "half_even", "half_up"),
    [
        ("2.665", "EUR", "2.66", "2.67"),
        ("2.675", "EUR", "2.68", "2.68"),
        ("-2.665", "EUR", "-2.66", "-2.67"),
        ("0.5", "JPY", "0", "1"),
        ("1.5", "JPY", "2", "2"),
        ("1.0005", "BHD", "1.000", "1.001"),
        ("1.0015", "BHD", "1.002", "1.002"),
        ("2.664", "EUR", "2.66", "2.66"),
    ],
)
def test_bankers_and_commercial_rounding_differ_only_on_ties(
    amount: str, currency: str, half_even: str, half_up: str
) -> None:
    assert str(round_half_even(Decimal(amount), currency)) == half_even
    assert str(round_half_up(Decimal(amount), currency)) == half_up


def test_money_of_rounds_half_up_unless_told() -> None:
    assert Money.of("2.665", "EUR") == Money(Decimal("2.67"), "EUR")
    assert Money.of("2.665", "EUR", round_half_even) == Money(Decimal("2.66"), "EUR")
    assert Money.of("0.5", "JPY") == Money(Decimal("1"), "JPY")


def test_money_minor_reads_zero_decimal_currencies() -> None:
    assert Money.minor(500, "JPY") == Money(Decimal("500"), "JPY")
    assert Money.minor(500, "USD") == Money(Decimal("5.00"), "USD")
    assert Money.minor(500, "BHD") == Money(Decimal("0.500"), "BHD")


def test_money_adds_and_subtracts_in_one_currency() -> None:
    total = Money.of("10.10", "EUR") + Money.of("0.05", "EUR") - Money.of("3.00", "EUR")
    assert total == Money(Decimal("7.15"), "EUR")
    assert -total == Money(Decimal("-7.15"), "EUR")
    assert (total - total).is_zero()
    assert str(total) == "7.15 EUR"


@pytest.mark.parametrize("op", ["add", "sub"])
def test_money_arithmetic_across_currencies_raises(op: str) -> None:
    eur, usd = Money.of("1.00", "EUR"), Money.of("1.00", "USD")
    with pytest.raises(CurrencyError, match="EUR with USD"):
        _ = eur + usd if op == "add" else eur - usd


def test_zero_has_the_currency_exponent() -> None:
    assert str(Money.zero("BHD").amount) == "0.000"
    assert str(Money.zero("JPY").amount) == "0"


def test_allocate_hundred_euros_three_ways_gives_the_odd_cent_to_the_first() -> None:
    parts = allocate(Money.of("100.00", "EUR"), [Decimal(1)] * 3)
    assert [str(p.amount) for p in parts] == ["33.34", "33.33", "33.33"]


def test_allocate_a_refund_keeps_the_sign_on_every_part() -> None:
    parts = allocate(Money.of("-100.00", "EUR"), [Decimal(1)] * 3)
    assert [str(p.amount) for p in parts] == ["-33.34", "-33.33", "-33.33"]


def test_allocate_gives_leftover_units_to_the_largest_remainders() -> None:
    # 10 JPY by 1:2:3 -> exact 1.67, 3.33, 5.00: the leftover yen goes to the first part.
    parts = allocate(Money.of("10", "JPY"), [Decimal(1), Decimal(2), Decimal(3)])
    assert [p.amount for p in parts] == [Decimal(2), Decimal(3), Decimal(5)]


def test_allocate_tax_by_line_weights_in_bahraini_dinar() -> None:
    parts = allocate(Money.of("1.000", "BHD"), [Decimal("0.3"), Decimal("0.3"), Decimal("0.4")])
    assert [str(p.amount) for p in parts] == ["0.300", "0.300", "0.400"]
    assert sum((p for p in parts), Money.zero("BHD")) == Money.of("1.000", "BHD")


def test_allocate_zero_weight_gets_nothing() -> None:
    parts = allocate(Money.of("0.05", "USD"), [Decimal(0), Decimal(1), Decimal(1)])
    assert [str(p.amount) for p in parts] == ["0.00", "0.03", "0.02"]


@pytest.mark.parametrize(
    "weights", [[], [Decimal(0), Decimal(0)], [Decimal(1), Decimal(-1), Decimal(2)]]
)
def test_allocate_refuses_weights_that_cannot_split(weights: list[Decimal]) -> None:
    with pytest.raises(ValidationError):
        allocate(Money.of("1.00", "EUR"), weights)


def test_exponents_are_iso_4217_minor_units_not_display_digits() -> None:
    """CLDR shows forint and rupiah without decimals; ISO 4217 (and banks) use two."""
    assert (exponent("HUF"), exponent("IDR"), exponent("IQD"), exponent("ISK")) == (2, 2, 3, 0)
