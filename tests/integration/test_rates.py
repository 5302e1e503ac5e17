"""Rates in the store, on SQLite and PostgreSQL: the offline history, manual rates (CSV and
API), the ECB feed, and the look-up posting uses (base units per one unit of the currency)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from ledgerbridge.api import errors
from ledgerbridge.api.routes import rates as rates_route
from ledgerbridge.domain.errors import MissingRateError, ValidationError
from ledgerbridge.domain.fx import Rate
from ledgerbridge.rates.offline.bundle import OfflineEcbFeed
from ledgerbridge.service import rates
from ledgerbridge.store import rates as store
from ledgerbridge.store.database import Database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ecb"
JAN2 = date(2024, 1, 2)


@pytest.fixture(scope="module")
def early_2024() -> list[Rate]:
    """The real ECB rates of December 2023 to April 2024, from the bundled history."""
    return [
        r for r in OfflineEcbFeed().history() if date(2023, 12, 1) <= r.day <= date(2024, 4, 30)
    ]


def test_an_offline_subset_loads_once_and_posting_gets_base_per_unit(
    db: Database, early_2024: list[Rate]
) -> None:
    with db.write() as conn:
        assert store.load_rates(conn, early_2024) == len(early_2024)
    with db.write() as conn:
        assert store.load_rates(conn, early_2024[:100]) == 0  # existing rows are skipped
    with db.read() as conn:
        eur = rates.rate_lookup(conn, "EUR")
        usd = rates.rate_lookup(conn, "USD")
        quote = eur("USD", JAN2)  # 1 / 1.0956 (ECB, 2 January 2024)
        assert (quote.rate, quote.rate_date, quote.source) == (Decimal("0.9127418766"), JAN2, "ecb")
        assert usd("CHF", JAN2).rate == Decimal("1.177431488")  # 1.0956 / 0.9305 via EUR
        assert usd("EUR", JAN2).rate == Decimal("1.0956")
        assert eur("JPY", date(2024, 1, 6)).rate_date == date(2024, 1, 5)  # Saturday
        assert eur("CHF", date(2024, 4, 1)).rate_date == date(2024, 3, 28)  # Easter Monday
        with pytest.raises(MissingRateError, match="no rate for CHF/EUR on 2026-03-01"):
            eur("CHF", date(2026, 3, 1))


def test_a_manual_rate_wins_on_its_date(db: Database, early_2024: list[Rate]) -> None:
    with db.write() as conn:
        store.load_rates(conn, early_2024)
    rates.put_manual(db, "EUR", "USD", JAN2, "1.1000")
    rates.put_manual(db, "EUR", "USD", JAN2, "1.1")  # entered again: corrects, no duplicate
    with db.read() as conn:
        eur = rates.rate_lookup(conn, "EUR")
        assert (eur("USD", JAN2).source, eur("USD", JAN2).rate) == (
            "manual",
            Decimal("0.9090909091"),
        )
        assert eur("USD", date(2024, 1, 3)).source == "ecb"
        assert store.count_rates(conn, "manual") == 1


def test_a_manual_csv_is_imported_whole_or_not_at_all(db: Database, tmp_path: Path) -> None:
    good = "date,base,quote,rate\n2026-03-02,EUR,CHF,0.9412\n2026-03-02,eur,bhd,0.4103\n"
    path = tmp_path / "rates.csv"
    path.write_text(good)
    assert rates.import_csv(db, path) == 2
    broken = "date,base,quote,rate\n2026-03-03,EUR,CHF,0.95\n2026-03-03,EUR,USD,1,08\n"
    with pytest.raises(ValidationError, match="rates CSV line 3: expected 4 fields") as info:
        rates.import_csv(db, broken)
    assert info.value.details["line"] == 3
    for bad, reason in [
        ("2026-03-03,EUR,XYZ,1.0", "line 2: unknown currency"),
        ("2026-03-03,EUR,USD,1.0812e0x", "line 2: rate: not a decimal"),
        ("03/03/2026,EUR,USD,1.08", "line 2: date"),
        ("2026-03-03,EUR,USD,-1", "line 2: rate EUR/USD on 2026-03-03: needs a positive"),
    ]:
        with pytest.raises(ValidationError, match=reason):
            rates.import_csv(db, f"date,base,quote,rate\n{bad}\n")
    with db.read() as conn:
        assert store.count_rates(conn, "manual") == 2  # nothing of the broken files
        chf = rates.rate_lookup(conn, "EUR")("CHF", date(2026, 3, 3))
        assert (chf.rate_date, chf.source) == (date(2026, 3, 2), "manual")


def test_the_ecb_feed_is_stored_without_duplicates(db: Database) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, content=(FIXTURES / name).read_bytes())

    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        assert rates.refresh_ecb(db, http) == 7
        assert rates.refresh_ecb(db, http) == 0
        assert rates.refresh_ecb(db, http, history=True) == 7 * 6 - 7


def test_the_api_shows_and_takes_rates_as_decimal_strings(db: Database) -> None:
    app = FastAPI()
    app.state.db = db
    errors.install(app)
    app.include_router(rates_route.router)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = {"base": "EUR", "quote": "USD", "date": "2026-03-02", "rate": "1.0812"}
            assert (await client.post("/api/v1/rates", json=body)).status_code == 201
            number = await client.post("/api/v1/rates", json={**body, "rate": 1.0812})
            assert number.status_code == 422

            async def get(base: str, quote: str, day: str) -> httpx.Response:
                query = {"base": base, "quote": quote, "date": day}
                return await client.get("/api/v1/rates", params=query)

            shown = (await get("EUR", "USD", "2026-03-07")).json()
            assert shown["rate"] == "1.0812"
            assert (shown["rate_date"], shown["source"]) == ("2026-03-02", "manual")
            inverse = (await get("USD", "EUR", "2026-03-02")).json()
            assert inverse["rate"] == "0.9248982612"
            missing = await get("CHF", "EUR", "2026-03-01")
            assert missing.status_code == 404
            assert missing.json()["error"]["code"] == "missing_rate"
            assert missing.json()["error"]["message"] == "no rate for CHF/EUR on 2026-03-01"

    asyncio.run(run())


def test_the_whole_offline_history_loads_once(db: Database) -> None:
    first = rates.load_offline(db)
    assert first.rows > 200_000
    assert not first.skipped
    assert rates.load_offline(db).skipped
    with db.read() as conn:
        assert rates.rate_lookup(conn, "EUR")("USD", JAN2).rate == Decimal("0.9127418766")
