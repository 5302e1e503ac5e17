"""Writing and reading journal entries. Lines are stored as integer minor units; a line goes
back to Decimal with its currency's exponent (``from_minor``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, literal, select

from ledgerbridge.domain.journal import JournalEntry, Line
from ledgerbridge.domain.money import from_minor, to_minor
from ledgerbridge.store import prepared
from ledgerbridge.store.catalog import now
from ledgerbridge.store.ids import new_id
from ledgerbridge.store.tables import accounts, entries, entry_events, lines
from ledgerbridge.store.upsert import insert_new


def find_entry_id(conn: Connection, ledger_id: str, key: str) -> str | None:
    query = select(entries.c.id).where(entries.c.ledger_id == ledger_id, entries.c.key == key)
    return conn.execute(query).scalar()


def insert_entry(
    conn: Connection,
    entry: JournalEntry,
    *,
    event_ids: list[str],
    reverses_id: str | None = None,
    mapping_version: int | None = None,
) -> str | None:
    """Write a balanced entry and its lines; None when its key is already posted."""
    entry_id = new_id("je_")
    row = {
        "id": entry_id,
        "ledger_id": entry.ledger,
        "key": entry.key,
        "effective_date": entry.effective_date,
        "posted_at": now(),
        "description": entry.description,
        "source_id": entry.source,
        "mapping_version": mapping_version,
        "reverses_id": reverses_id,
        "note": entry.note,
    }
    if not insert_new(conn, entries, row):
        return None
    prepared.execute(
        conn,
        _INSERT_LINES,
        [
            {
                "entry_id": entry_id,
                "line_no": n,
                "ledger_id": entry.ledger,
                "account_code": x.account,
                "amount_minor": to_minor(x.amount, x.currency),
                "currency": x.currency,
                "base_amount_minor": to_minor(x.base_amount, x.base_currency),
                "base_currency": x.base_currency,
                "rate": str(x.rate),
                "rate_date": x.rate_date,
                "rate_source": x.rate_source,
                "dimensions": dict(x.dimensions),
            }
            for n, x in enumerate(entry.lines, start=1)
        ],
    )
    if event_ids:
        links = [{"entry_id": entry_id, "event_id": e} for e in event_ids]
        prepared.execute(conn, _INSERT_LINKS, links)
    return entry_id


# Built once: a statement made anew on every call costs its cache key on every call.
_INSERT_LINES = insert(lines)
_INSERT_LINKS = insert(entry_events)


def _line(row: Any) -> Line:
    return Line(
        row.account_code,
        from_minor(row.amount_minor, row.currency),
        row.currency,
        from_minor(row.base_amount_minor, row.base_currency),
        row.base_currency,
        Decimal(row.rate),
        row.rate_date,
        row.rate_source,
        row.dimensions or {},
    )


def load_entry(conn: Connection, entry_id: str) -> tuple[dict[str, Any], JournalEntry] | None:
    row = conn.execute(select(entries).where(entries.c.id == entry_id)).mappings().first()
    if row is None:
        return None
    found = conn.execute(
        select(lines).where(lines.c.entry_id == entry_id).order_by(lines.c.line_no)
    )
    entry = JournalEntry(
        row["key"],
        row["ledger_id"],
        row["effective_date"],
        row["description"],
        row["source_id"],
        tuple(_line(r) for r in found),
        None,
        row["note"],
    )
    meta = dict(row)
    meta["event_ids"] = list(
        conn.execute(
            select(entry_events.c.event_id)
            .where(entry_events.c.entry_id == entry_id)
            .order_by(entry_events.c.event_id)
        ).scalars()
    )
    meta["reversed_by"] = conn.execute(
        select(entries.c.id).where(entries.c.reverses_id == entry_id)
    ).scalar()
    return meta, entry


def list_entry_ids(
    conn: Connection,
    *,
    ledger_id: str,
    since: date | None,
    until: date | None,
    source: str | None,
    account: str | None,
    limit: int,
    after: str | None,
    dimensions: Mapping[str, str] | None = None,
) -> list[str]:
    conditions: list[Any] = [entries.c.ledger_id == ledger_id]
    if since:
        conditions.append(entries.c.effective_date >= since)
    if until:
        conditions.append(entries.c.effective_date <= until)
    if source:
        conditions.append(entries.c.source_id == source)
    line_filters = [lines.c.account_code == account] if account else []
    line_filters += [dimension(k) == v for k, v in (dimensions or {}).items()]
    if line_filters:
        conditions.append(entries.c.id.in_(select(lines.c.entry_id).where(*line_filters)))
    if after:
        conditions.append(entries.c.id > after)
    query = select(entries.c.id).where(and_(*conditions)).order_by(entries.c.id).limit(limit)
    return list(conn.execute(query).scalars())


def dimension(name: str) -> Any:
    """A line's dimension as text, the same SQL on both engines (JSON1 on SQLite, ->> on PG)."""
    return lines.c.dimensions[name].as_string()


def trial_balance(
    conn: Connection,
    ledger_id: str,
    as_of: date | None,
    *,
    dimensions: Mapping[str, str] | None = None,
    group_by: str | None = None,
) -> list[dict[str, Any]]:
    """Per account (and per value of ``group_by``): debit and credit totals in base minor
    units, with the account's role; only lines whose dimensions match ``dimensions``."""
    amount = lines.c.base_amount_minor
    group = dimension(group_by).label("dimension") if group_by else literal(None).label("dimension")
    query = (
        select(
            lines.c.account_code,
            lines.c.base_currency,
            group,
            func.sum(case((amount > 0, amount), else_=0)).label("debit"),
            func.sum(case((amount < 0, -amount), else_=0)).label("credit"),
        )
        .select_from(lines.join(entries, entries.c.id == lines.c.entry_id))
        .where(lines.c.ledger_id == ledger_id)
        .group_by(lines.c.account_code, lines.c.base_currency, *([group] if group_by else []))
        .order_by(lines.c.account_code, *([group] if group_by else []))
    )
    for name, value in (dimensions or {}).items():
        query = query.where(dimension(name) == value)
    if as_of:
        query = query.where(entries.c.effective_date <= as_of)
    roles = dict(
        conn.execute(
            select(accounts.c.code, accounts.c.role).where(accounts.c.ledger_id == ledger_id)
        ).all()
    )
    return [
        {
            "account": r.account_code,
            "role": roles.get(r.account_code),
            "base_currency": r.base_currency,
            "dimension": r.dimension,
            "debit": int(r.debit),
            "credit": int(r.credit),
        }
        for r in conn.execute(query)
    ]


def account_balances(
    conn: Connection, ledger_id: str, account: str, as_of: date | None = None
) -> dict[str, int]:
    """An account's balance per original currency, in minor units (of the entries effective
    on or before ``as_of``, when given)."""
    query = (
        select(lines.c.currency, func.sum(lines.c.amount_minor))
        .where(lines.c.ledger_id == ledger_id, lines.c.account_code == account)
        .group_by(lines.c.currency)
    )
    if as_of is not None:
        query = query.join(entries, entries.c.id == lines.c.entry_id).where(
            entries.c.effective_date <= as_of
        )
    return {c: int(total) for c, total in conn.execute(query)}


def posting_times(conn: Connection, event_ids: list[str]) -> dict[str, datetime]:
    query = (
        select(entry_events.c.event_id, func.min(entries.c.posted_at))
        .select_from(entry_events.join(entries, entries.c.id == entry_events.c.entry_id))
        .where(entry_events.c.event_id.in_(event_ids))
        .group_by(entry_events.c.event_id)
    )
    return dict(conn.execute(query).all())


def balance_in(conn: Connection, ledger_id: str, account: str, currency: str) -> tuple[int, int]:
    """An account's balance in one currency and its base value, both in minor units."""
    query = select(
        func.coalesce(func.sum(lines.c.amount_minor), 0),
        func.coalesce(func.sum(lines.c.base_amount_minor), 0),
    ).where(
        lines.c.ledger_id == ledger_id,
        lines.c.account_code == account,
        lines.c.currency == currency,
    )
    units, base = conn.execute(query).one()
    return int(units), int(base)


def foreign_balances(
    conn: Connection, ledger_id: str, accounts_: list[str], base_currency: str, as_of: date
) -> list[tuple[str, str, int, int]]:
    """(account, currency, units, base units) of every non-base balance on or before as_of."""
    query = (
        select(
            lines.c.account_code,
            lines.c.currency,
            func.sum(lines.c.amount_minor),
            func.sum(lines.c.base_amount_minor),
        )
        .select_from(lines.join(entries, entries.c.id == lines.c.entry_id))
        .where(
            lines.c.ledger_id == ledger_id,
            lines.c.account_code.in_(accounts_),
            lines.c.currency != base_currency,
            entries.c.effective_date <= as_of,
        )
        .group_by(lines.c.account_code, lines.c.currency)
        .order_by(lines.c.account_code, lines.c.currency)
    )
    return [(a, c, int(u), int(b)) for a, c, u, b in conn.execute(query)]
