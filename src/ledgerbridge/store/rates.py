"""The rates table in bulk: load a feed's history fast, upsert manual rates, and read the few
rows ``domain.fx.choose`` needs for one look-up. Rates are stored as their decimal text."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Connection, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ledgerbridge.domain.fx import Rate
from ledgerbridge.store.tables import rates

CHUNK = 10_000
"""Rows per executemany batch: large enough to amortise the round trip, small enough to keep
the parameter list in memory modest."""


def _insert(conn: Connection) -> Any:
    """The dialect's INSERT that understands ON CONFLICT (SQLite and PostgreSQL both do)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(rates)


def _chunks(items: Iterable[Rate], size: int) -> Iterator[list[Rate]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _params(batch: list[Rate], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "base": r.base,
            "quote": r.quote,
            "day": r.day,
            "source": r.source,
            "rate": str(r.rate),
            "created_at": now,
        }
        for r in batch
    ]


def load_rates(conn: Connection, items: Iterable[Rate], chunk: int = CHUNK) -> int:
    """Insert ``items``, skipping any (base, quote, day, source) already stored (a feed's
    published figure never changes). Returns how many rows were new."""
    stmt = _insert(conn).on_conflict_do_nothing(
        index_elements=["base", "quote", "day", "source"]
    )
    before = count_rates(conn)
    now = datetime.now(UTC)
    for batch in _chunks(items, chunk):
        conn.execute(stmt, _params(batch, now))
    return count_rates(conn) - before


def upsert_rates(conn: Connection, items: Iterable[Rate]) -> None:
    """Insert or replace: a manual rate entered again for its key corrects the earlier one."""
    stmt = _insert(conn)
    stmt = stmt.on_conflict_do_update(
        index_elements=["base", "quote", "day", "source"],
        set_={"rate": stmt.excluded.rate, "created_at": stmt.excluded.created_at},
    )
    now = datetime.now(UTC)
    for batch in _chunks(items, CHUNK):
        conn.execute(stmt, _params(batch, now))


def count_rates(conn: Connection, source: str | None = None) -> int:
    query = select(func.count()).select_from(rates)
    if source is not None:
        query = query.where(rates.c.source == source)
    return int(conn.execute(query).scalar_one())


def has_rate(conn: Connection, base: str, quote: str, day: date, source: str) -> bool:
    query = select(rates.c.rate).where(
        rates.c.base == base, rates.c.quote == quote, rates.c.day == day, rates.c.source == source
    )
    return conn.execute(query).first() is not None


def rates_near(
    conn: Connection, currencies: Collection[str], day: date, max_age_days: int
) -> list[Rate]:
    """Every stored rate between two of ``currencies`` (include the pivots) dated within
    ``max_age_days`` on or before ``day``: the candidates ``domain.fx.choose`` picks from.
    The primary key (base, quote, day, source) serves it as a few index range scans."""
    codes = sorted(set(currencies))
    query = select(rates.c.base, rates.c.quote, rates.c.day, rates.c.rate, rates.c.source).where(
        and_(
            rates.c.base.in_(codes),
            rates.c.quote.in_(codes),
            rates.c.day <= day,
            rates.c.day >= day - timedelta(days=max_age_days),
        )
    )
    return [
        Rate(row.base, row.quote, row.day, Decimal(row.rate), row.source)
        for row in conn.execute(query)
    ]
