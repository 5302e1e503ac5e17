"""Read models for the API and CLI: entries, trial balance, events, as plain documents.
Money goes out as decimal strings beside its currency (API.md), never as a float."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.domain.money import from_minor
from ledgerbridge.store import catalog, inbox, journal
from ledgerbridge.store.database import Database


def entry_document(conn: Any, entry_id: str) -> dict[str, Any]:
    loaded = journal.load_entry(conn, entry_id)
    if loaded is None:
        raise NotFoundError(f"no entry {entry_id!r}", entry=entry_id)
    meta, entry = loaded
    doc: dict[str, Any] = {
        "id": meta["id"],
        "ledger": entry.ledger,
        "key": entry.key,
        "effective_date": entry.effective_date.isoformat(),
        "posted_at": _time(meta["posted_at"]),
        "description": entry.description,
        "source": entry.source,
        "event_ids": meta["event_ids"],
        "mapping_version": meta["mapping_version"],
        "note": entry.note,
        "lines": [
            {
                "account": x.account,
                "amount": str(x.amount),
                "currency": x.currency,
                "base_amount": str(x.base_amount),
                "base_currency": x.base_currency,
                "rate": str(x.rate),
                "rate_date": x.rate_date.isoformat() if x.rate_date else None,
                "rate_source": x.rate_source,
                "dimensions": dict(x.dimensions),
            }
            for x in entry.lines
        ],
    }
    if meta["reverses_id"]:
        doc["reverses"] = meta["reverses_id"]
    if meta["reversed_by"]:
        doc["reversed_by"] = meta["reversed_by"]
    return doc


def get_entry(db: Database, entry_id: str) -> dict[str, Any]:
    with db.read() as conn:
        return entry_document(conn, entry_id)


def list_entries(
    db: Database,
    *,
    ledger: str,
    since: date | None,
    until: date | None,
    source: str | None,
    account: str | None,
    limit: int,
    cursor: str | None,
    dimensions: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    with db.read() as conn:
        catalog.get_ledger(conn, ledger)
        ids = journal.list_entry_ids(
            conn,
            ledger_id=ledger,
            since=since,
            until=until,
            source=source,
            account=account,
            limit=limit + 1,
            after=cursor,
            dimensions=dimensions,
        )
        docs = [entry_document(conn, i) for i in ids[:limit]]
    return docs, ids[limit - 1] if len(ids) > limit else None


def trial_balance(
    db: Database,
    ledger: str,
    as_of: date | None,
    *,
    dimensions: Mapping[str, str] | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """In base currency; filtered to lines carrying ``dimensions``, split by ``group_by``."""
    with db.read() as conn:
        base = catalog.get_ledger(conn, ledger)["base_currency"]
        rows = journal.trial_balance(conn, ledger, as_of, dimensions=dimensions, group_by=group_by)
    debit = sum(r["debit"] for r in rows)
    credit = sum(r["credit"] for r in rows)
    return {
        "ledger": ledger,
        "base_currency": base,
        "as_of": as_of.isoformat() if as_of else None,
        "dimensions": dict(dimensions or {}),
        "group_by": group_by,
        "rows": [
            {
                "account": r["account"],
                "role": r["role"],
                **({"dimension": r["dimension"]} if group_by else {}),
                "debit": str(from_minor(r["debit"], base)),
                "credit": str(from_minor(r["credit"], base)),
                "balance": str(from_minor(r["debit"] - r["credit"], base)),
            }
            for r in rows
        ],
        "total_debit": str(from_minor(debit, base)),
        "total_credit": str(from_minor(credit, base)),
        "balanced": debit == credit,
    }


def event_document(row: dict[str, Any], entry_ids: list[str], *, with_body: bool) -> dict[str, Any]:
    doc = {
        "id": row["id"],
        "source": row["source_id"],
        "platform_event_id": row["platform_event_id"],
        "type": row["event_type"],
        "status": row["status"],
        "error": row["error"],
        "note": row["note"],
        "attempts": row["attempts"],
        "received_at": _time(row["received_at"]),
        "processed_at": _time(row["processed_at"]),
        "entry_ids": entry_ids,
    }
    if with_body:
        doc["raw_body"] = inbox.encode_body(bytes(row["raw_body"]))
        doc["headers"] = row["headers"]
        doc["lookups"] = row["lookups"]
    return doc


def list_events(
    db: Database,
    *,
    status: str | None,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    with db.read() as conn:
        rows = inbox.list_events(
            conn,
            status=status,
            source=source,
            since=since,
            until=until,
            limit=limit + 1,
            after=cursor,
        )
        page = rows[:limit]
        links = inbox.entry_ids_for(conn, [r["id"] for r in page])
    docs = [event_document(r, links[r["id"]], with_body=False) for r in page]
    return docs, page[-1]["id"] if len(rows) > limit else None


def get_event(db: Database, event_id: str) -> dict[str, Any]:
    with db.read() as conn:
        row = inbox.get_event(conn, event_id)
        if row is None:
            raise NotFoundError(f"no event {event_id!r}", event=event_id)
        links = inbox.entry_ids_for(conn, [event_id])
    return event_document(row, links[event_id], with_body=True)


def clearing_balances(db: Database, ledger: str) -> dict[str, dict[str, str]]:
    """Each gateway clearing account's balance per currency (zero once everything is paid out)."""
    with db.read() as conn:
        codes = [
            a.code
            for a in catalog.list_accounts(conn, ledger)
            if a.role is not None and a.role.value == "gateway_clearing"
        ]
        return {
            code: {
                c: str(from_minor(v, c))
                for c, v in journal.account_balances(conn, ledger, code).items()
            }
            for code in codes
        }


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z") if value.tzinfo else value.isoformat() + "Z"
