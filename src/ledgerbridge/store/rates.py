"""The rates table in bulk: load a feed's history fast, upsert manual rates, and read the few
rows ``domain.fx.choose`` needs for one look-up. Rates are stored as their decimal text."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
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
    published figure never changes). Returns how many rows were new.

    Speed: the statement is compiled once and each chunk goes to the driver's executemany
    with the dialect's own bind processors applied in one tight loop (SQLAlchemy's per-row
    parameter processing is two thirds of the cost of a 220k-row load otherwise)."""
    stmt = _insert(conn).on_conflict_do_nothing(index_elements=["base", "quote", "day", "source"])
    keys = ["base", "quote", "day", "source", "rate", "created_at"]
    compiled = stmt.compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or []) if compiled.positional else keys
    process = _processors(conn, order)
    before = count_rates(conn)
    now = datetime.now(UTC)
    for batch in _chunks(items, chunk):
        rows = [(r.base, r.quote, r.day, r.source, str(r.rate), now) for r in batch]
        values = [tuple(p(v) for p, v in zip(process, row, strict=True)) for row in rows]
        if compiled.positional:
            conn.exec_driver_sql(compiled.string, values)
        else:
            conn.exec_driver_sql(
                compiled.string, [dict(zip(order, v, strict=True)) for v in values]
            )
    return count_rates(conn) - before


def _processors(conn: Connection, order: list[str]) -> list[Callable[[Any], Any]]:
    """The dialect's bind processor per parameter (identity where it has none)."""
    if order != ["base", "quote", "day", "source", "rate", "created_at"]:
        raise RuntimeError(f"unexpected parameter order {order}")  # pragma: no cover
    found: list[Callable[[Any], Any]] = []
    for name in order:
        impl = rates.c[name].type.dialect_impl(conn.dialect)
        found.append(impl.bind_processor(conn.dialect) or _same)
    return found


def _same(value: Any) -> Any:
    return value


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
