"""Rates as use cases: the look-up posting uses, the offline history, the ECB feed, and
manual rates (API and CSV). The rule that picks a rate lives in ``domain/fx.py``."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import Connection

from ledgerbridge.domain import fx
from ledgerbridge.domain.errors import LedgerbridgeError, ValidationError
from ledgerbridge.domain.money import normalize_currency, parse_decimal
from ledgerbridge.domain.posting.convert import RateQuote
from ledgerbridge.rates.ecb.client import DEFAULT_BASE_URL, EcbFeed
from ledgerbridge.rates.offline.bundle import OfflineEcbFeed, bundle_span
from ledgerbridge.rates.registry import PIVOTS
from ledgerbridge.store import rates as store
from ledgerbridge.store.database import Database

CSV_HEADER = ["date", "base", "quote", "rate"]


def choose(
    conn: Connection, currency: str, base: str, day: date, max_age_days: int = fx.MAX_AGE_DAYS
) -> fx.Chosen:
    """``base`` units per one ``currency`` unit on ``day`` by the rule of ``domain/fx.py``."""
    near = store.rates_near(conn, {currency, base, *PIVOTS}, day, max_age_days)
    return fx.choose(near, currency, base, day, max_age_days)


def rate_lookup(conn: Connection, base_currency: str) -> Callable[[str, date], RateQuote]:
    """The ``rate_for(currency, day)`` posting uses: base units per one unit of ``currency``
    with its date and source; MissingRateError when there is none. Answers are remembered
    for the life of the callable (one posting transaction)."""
    seen: dict[tuple[str, date], RateQuote] = {}

    def rate_for(currency: str, day: date) -> RateQuote:
        key = (currency, day)
        found = seen.get(key)
        if found is None:
            chosen = choose(conn, currency, base_currency, day)
            found = seen[key] = RateQuote(chosen.rate, chosen.rate_date, chosen.source)
        return found

    return rate_for


def rate_on(db: Database, base: str, quote: str, day: date) -> fx.Chosen:
    """What ``GET /api/v1/rates`` shows: ``quote`` units per one ``base`` unit on ``day``."""
    base, quote = normalize_currency(base), normalize_currency(quote)
    with db.read() as conn:
        return choose(conn, base, quote, day)


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a bulk load did: rows new to the store, and whether it was skipped."""

    rows: int
    skipped: bool
    milliseconds: int


def load_offline(db: Database, feed: OfflineEcbFeed | None = None) -> Loaded:
    """Load the bundled ECB history once (about 220k rows). The marker that it is loaded is
    the bundle's own oldest and newest EUR/USD rows: the load is one transaction, so both are
    there only when all of it is."""
    started = time.perf_counter_ns()
    feed = feed or OfflineEcbFeed()
    oldest, newest = bundle_span()
    with db.read() as conn:
        done = all(store.has_rate(conn, "EUR", "USD", d, "ecb") for d in (oldest, newest))
    if done:
        return Loaded(0, True, (time.perf_counter_ns() - started) // 1_000_000)
    history = feed.history()
    with db.write() as conn:
        rows = store.load_rates(conn, history)
    return Loaded(rows, False, (time.perf_counter_ns() - started) // 1_000_000)


def refresh_ecb(
    db: Database,
    http: httpx.Client,
    day: date | None = None,
    *,
    history: bool = False,
    base_url: str = DEFAULT_BASE_URL,
) -> int:
    """Fetch the ECB's rates (the latest day, ``day``, or the full history) and store the new
    ones. Returns how many rows were new."""
    feed = EcbFeed(http, base_url)
    fetched = feed.history() if history else feed.fetch(day)
    with db.write() as conn:
        return store.load_rates(conn, fetched)


def manual_rate(base: str, quote: str, day: date, rate: object) -> fx.Rate:
    """A validated manual rate: ``rate`` ``quote`` units per one ``base`` (a decimal string)."""
    value = parse_decimal(rate, field="rate")
    b, q = normalize_currency(base), normalize_currency(quote)
    return fx.Rate(b, q, day, value, fx.MANUAL)


def put_manual(db: Database, base: str, quote: str, day: date, rate: object) -> fx.Rate:
    """Store a manual rate (it wins over a feed's for its date); again for its key corrects it."""
    entered = manual_rate(base, quote, day, rate)
    with db.write() as conn:
        store.upsert_rates(conn, [entered])
    return entered


def import_csv(db: Database, path_or_text: Path | str) -> int:
    """Import manual rates from CSV ``date,base,quote,rate`` (a ``Path`` is read, a ``str`` is
    the CSV itself). The file is validated whole first: a broken line rejects it with its
    line number and nothing is written. Returns how many rates were stored."""
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    parsed = parse_manual_csv(text)
    with db.write() as conn:
        store.upsert_rates(conn, parsed)
    return len(parsed)


def parse_manual_csv(text: str) -> list[fx.Rate]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if header != CSV_HEADER:
        raise _bad_line(1, f"expected the header {','.join(CSV_HEADER)}, got {','.join(header)}")
    found: dict[tuple[str, str, date], fx.Rate] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            raise _bad_line(line, f"expected 4 fields, got {len(row)}")
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise _bad_line(line, f"date {row[0]!r} is not YYYY-MM-DD") from None
        try:
            rate = manual_rate(row[1].strip(), row[2].strip(), day, row[3].strip())
        except LedgerbridgeError as exc:
            raise _bad_line(line, exc.message) from None
        key = (rate.base, rate.quote, rate.day)
        if key in found and found[key].rate != rate.rate:
            raise _bad_line(line, f"{rate.base}/{rate.quote} on {day} is given twice")
        found[key] = rate
    if not found:
        raise _bad_line(reader.line_num or 1, "no rates in the file")
    return list(found.values())


def _bad_line(line: int, reason: str) -> ValidationError:
    return ValidationError(f"rates CSV line {line}: {reason}", line=line, reason=reason)


def as_decimal_text(value: Decimal) -> str:
    """A rate as plain decimal text (never an exponent): what the API and CLI print."""
    return format(value, "f")
