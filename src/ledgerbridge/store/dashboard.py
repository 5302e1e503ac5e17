"""Read-only queries behind the dashboard: activity per source, daily series, balances at a
date, and what the close checklist looks at. Amounts come back as integer minor units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from ledgerbridge.store.inbox import utc
from ledgerbridge.store.tables import (
    accounts,
    bank_lines,
    entries,
    events,
    facts,
    lines,
    sources,
    sync_state,
)


def status_counts(conn: Connection) -> dict[str, dict[str, int]]:
    """Per source, the number of kept events in each status."""
    query = select(events.c.source_id, events.c.status, func.count()).group_by(
        events.c.source_id, events.c.status
    )
    found: dict[str, dict[str, int]] = {}
    for source, status, n in conn.execute(query):
        found.setdefault(source, {})[status] = int(n)
    return found


def last_received(conn: Connection) -> dict[str, datetime]:
    query = select(events.c.source_id, func.max(events.c.received_at)).group_by(events.c.source_id)
    return {s: utc(t) for s, t in conn.execute(query) if t is not None}


def received_since(conn: Connection, since: datetime) -> dict[str, int]:
    query = (
        select(events.c.source_id, func.count())
        .where(events.c.received_at >= utc(since))
        .group_by(events.c.source_id)
    )
    return {s: int(n) for s, n in conn.execute(query)}


def posting_times(conn: Connection, since: datetime) -> list[tuple[str, datetime, datetime]]:
    """(source, received, processed) of events posted since ``since``."""
    query = select(events.c.source_id, events.c.received_at, events.c.processed_at).where(
        events.c.status == "posted", events.c.processed_at >= utc(since)
    )
    return [(s, utc(r), utc(p)) for s, r, p in conn.execute(query) if r and p]


def failed_count(conn: Connection, ledger_id: str) -> int:
    query = (
        select(func.count())
        .select_from(events.join(sources, sources.c.id == events.c.source_id))
        .where(sources.c.ledger_id == ledger_id, events.c.status == "failed")
    )
    return int(conn.execute(query).scalar() or 0)


def daily_role_totals(
    conn: Connection, ledger_id: str, role: str, since: date, until: date
) -> dict[date, int]:
    """Per effective day, the base-currency credit minus debit on the accounts of a role."""
    query = (
        select(entries.c.effective_date, func.sum(lines.c.base_amount_minor))
        .select_from(
            lines.join(entries, entries.c.id == lines.c.entry_id).join(
                accounts,
                and_(
                    accounts.c.ledger_id == lines.c.ledger_id,
                    accounts.c.code == lines.c.account_code,
                ),
            )
        )
        .where(
            lines.c.ledger_id == ledger_id,
            accounts.c.role == role,
            entries.c.effective_date >= since,
            entries.c.effective_date <= until,
        )
        .group_by(entries.c.effective_date)
    )
    return {d: -int(total) for d, total in conn.execute(query)}


def daily_facts(
    conn: Connection, ledger_id: str, kind: str, currency: str, since: date, until: date
) -> dict[date, int]:
    query = (
        select(facts.c.day, func.sum(facts.c.amount_minor))
        .where(
            facts.c.ledger_id == ledger_id,
            facts.c.kind == kind,
            facts.c.currency == currency,
            facts.c.day >= since,
            facts.c.day <= until,
        )
        .group_by(facts.c.day)
    )
    return {d: int(total) for d, total in conn.execute(query)}


def daily_deposits(
    conn: Connection, ledger_id: str, currency: str, since: date, until: date
) -> dict[date, int]:
    query = (
        select(bank_lines.c.booking_date, func.sum(bank_lines.c.amount_minor))
        .where(
            bank_lines.c.ledger_id == ledger_id,
            bank_lines.c.currency == currency,
            bank_lines.c.amount_minor > 0,
            bank_lines.c.booking_date >= since,
            bank_lines.c.booking_date <= until,
        )
        .group_by(bank_lines.c.booking_date)
    )
    return {d: int(total) for d, total in conn.execute(query)}


def payouts_after(conn: Connection, ledger_id: str, source_id: str, after: date) -> dict[str, int]:
    """What a gateway paid out after ``after``, per currency."""
    query = (
        select(facts.c.currency, func.sum(facts.c.amount_minor))
        .where(
            facts.c.ledger_id == ledger_id,
            facts.c.kind == "payout",
            facts.c.source_id == source_id,
            facts.c.day > after,
        )
        .group_by(facts.c.currency)
    )
    return {c: int(t) for c, t in conn.execute(query)}


def catch_up_until(conn: Connection) -> dict[str, datetime]:
    """Per source, the upper bound of its last completed catch-up."""
    query = (
        select(sync_state.c.source_id, func.max(sync_state.c.last_until))
        .where(sync_state.c.name == "catchup")
        .group_by(sync_state.c.source_id)
    )
    return {s: utc(t) for s, t in conn.execute(query) if t is not None}


def account_lines(
    conn: Connection,
    ledger_id: str,
    account: str,
    since: date | None,
    until: date | None,
    dimensions: dict[str, str] | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """An account's base-currency balance before ``since`` and its lines in [since, until],
    in date then entry order, each with its entry's description."""
    from ledgerbridge.store.journal import dimension

    joined = lines.join(entries, entries.c.id == lines.c.entry_id)
    where = [lines.c.ledger_id == ledger_id, lines.c.account_code == account]
    for name, value in (dimensions or {}).items():
        where.append(dimension(name) == value)
    opening = 0
    if since:
        opening = int(
            conn.execute(
                select(func.coalesce(func.sum(lines.c.base_amount_minor), 0))
                .select_from(joined)
                .where(*where, entries.c.effective_date < since)
            ).scalar()
            or 0
        )
        where.append(entries.c.effective_date >= since)
    if until:
        where.append(entries.c.effective_date <= until)
    query = (
        select(
            entries.c.id.label("entry_id"),
            entries.c.effective_date,
            entries.c.description,
            entries.c.note,
            lines.c.amount_minor,
            lines.c.currency,
            lines.c.base_amount_minor,
            lines.c.base_currency,
            lines.c.dimensions,
        )
        .select_from(joined)
        .where(*where)
        .order_by(entries.c.effective_date, entries.c.id, lines.c.line_no)
    )
    return opening, [dict(r) for r in conn.execute(query).mappings()]
