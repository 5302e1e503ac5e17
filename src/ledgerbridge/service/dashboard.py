"""What the dashboard's overview shows: per source its activity and health, per ledger the
clearing balances not yet paid out, and the daily and latency series its plots draw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from prometheus_client import REGISTRY

from ledgerbridge.domain.money import from_minor
from ledgerbridge.service import journal
from ledgerbridge.store import catalog
from ledgerbridge.store import dashboard as store
from ledgerbridge.store.database import Database

QUIET_AFTER = timedelta(hours=6)


def _quantile(values: list[int], percent: int) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, percent * len(ordered) // 100)]


def _ms(micros: int | None) -> Decimal | None:
    """Microseconds as milliseconds with one decimal (latency is no money, yet no float)."""
    return None if micros is None else (Decimal(micros) / 1000).quantize(Decimal("0.1"))


def _micros(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def _quiet_after(settings: Mapping[str, Any], default: timedelta) -> timedelta:
    """A source's own ``quiet_after_minutes`` setting (a shop that sells at night only), or
    the default."""
    minutes = settings.get("quiet_after_minutes")
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
        return timedelta(minutes=minutes)
    return default


def _duplicates(source: str) -> int:
    found = REGISTRY.get_sample_value(
        "ledgerbridge_webhooks_total", {"source": source, "status": "duplicate"}
    )
    return int(found or 0)


def overview(
    db: Database, now: datetime | None = None, quiet_after: timedelta = QUIET_AFTER
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    hour_ago = now - timedelta(hours=1)
    with db.read() as conn:
        configs = catalog.list_sources(conn)
        counts = store.status_counts(conn)
        last = store.last_received(conn)
        ledgers = catalog.ledger_ids(conn)
        today_n: dict[str, int] = {}  # since midnight in each source's ledger's time zone
        for ledger in ledgers:
            zone = ZoneInfo(catalog.get_ledger(conn, ledger)["timezone"])
            midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
            own = {c.id for c in configs if c.ledger == ledger}
            found = store.received_since(conn, midnight.astimezone(UTC))
            today_n.update({s: n for s, n in found.items() if s in own})
        times = store.posting_times(conn, hour_ago)
    rows = []
    for cfg in sorted(configs, key=lambda c: c.id):
        latencies = [_micros(p - r) for s, r, p in times if s == cfg.id]
        received = last.get(cfg.id)
        quiet = _quiet_after(cfg.settings, quiet_after)
        rows.append(
            {
                "id": cfg.id,
                "platform": cfg.platform,
                "ledger": cfg.ledger,
                "last_received": received,
                "since_last": (now - received) if received else None,
                "quiet": received is None or now - received > quiet,
                "quiet_after": quiet,
                "today": today_n.get(cfg.id, 0),
                "posted": counts.get(cfg.id, {}).get("posted", 0),
                "failed": counts.get(cfg.id, {}).get("failed", 0),
                "ignored": counts.get(cfg.id, {}).get("ignored", 0),
                "duplicates": _duplicates(cfg.id),
                "p50_ms": _ms(_quantile(latencies, 50)),
                "p99_ms": _ms(_quantile(latencies, 99)),
            }
        )
    clearing = {ledger: journal.clearing_balances(db, ledger) for ledger in ledgers}
    return {"now": now, "sources": rows, "clearing": clearing, "ledgers": ledgers}


def daily_series(
    db: Database, ledger: str, days: int = 30, until: date | None = None
) -> dict[str, Any]:
    """Sales (base currency, from the ledger), payouts (the gateways' own, in base currency)
    and bank deposits (credits in base currency), per day over the last ``days`` days."""
    until = until or datetime.now(UTC).date()
    since = until - timedelta(days=days - 1)
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger)["base_currency"]
        sales = store.daily_role_totals(conn, ledger, "sales", since, until)
        payouts = store.daily_facts(conn, ledger, "payout", base, since, until)
        deposits = store.daily_deposits(conn, ledger, base, since, until)
    axis = [since + timedelta(days=i) for i in range(days)]

    def values(found: dict[date, int]) -> list[Decimal]:
        return [from_minor(found.get(d, 0), base) for d in axis]

    return {
        "currency": base,
        "days": axis,
        "series": {
            "sales": values(sales),
            "payouts": values(payouts),
            "deposits": values(deposits),
        },
    }


def latency_series(db: Database, now: datetime | None = None, minutes: int = 60) -> dict[str, Any]:
    """Posting latency p50 and p99 (ms) per minute over the last ``minutes`` minutes."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    since = now - timedelta(minutes=minutes)
    with db.read() as conn:
        times = store.posting_times(conn, since)
    buckets: dict[int, list[int]] = {}
    for _, received, processed in times:
        slot = (processed - since) // timedelta(minutes=1)
        buckets.setdefault(slot, []).append(_micros(processed - received))
    axis = [since + timedelta(minutes=i) for i in range(minutes)]
    return {
        "minutes": axis,
        "p50": [_ms(_quantile(buckets.get(i, []), 50)) for i in range(minutes)],
        "p99": [_ms(_quantile(buckets.get(i, []), 99)) for i in range(minutes)],
        "count": sum(len(v) for v in buckets.values()),
    }
