"""The raw event inbox: verbatim bytes, filtered headers, idempotent on (source, platform id)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, and_, bindparam, func, select, update

from ledgerbridge.store.catalog import now
from ledgerbridge.store.ids import new_id
from ledgerbridge.store.tables import entry_events, events
from ledgerbridge.store.upsert import insert_new


def find_event_id(conn: Connection, source_id: str, platform_event_id: str) -> str | None:
    query = select(events.c.id).where(
        events.c.source_id == source_id, events.c.platform_event_id == platform_event_id
    )
    return conn.execute(query).scalar()


def insert_event(
    conn: Connection,
    *,
    source_id: str,
    platform_event_id: str,
    event_type: str,
    received_at: datetime,
    raw_body: bytes,
    headers: Mapping[str, str],
    lookups: Mapping[str, Any] | None,
    status: str = "received",
    error: str | None = None,
) -> str | None:
    """Store the event; None when (source, platform event id) is already in the inbox.

    A ``status`` other than ``received`` stores the event as processed (one attempt, stamped
    now): ingest writes the outcome it expects in the same transaction as the posting, so the
    common path needs no UPDATE; the whole transaction rolls back if posting fails."""
    event_id = new_id("ev_")
    processed = status != "received"
    row = {
        "id": event_id,
        "source_id": source_id,
        "platform_event_id": platform_event_id,
        "event_type": event_type,
        "received_at": received_at,
        "raw_body": raw_body,
        "headers": dict(headers),
        "lookups": dict(lookups) if lookups is not None else None,
        "status": status,
        "attempts": 1 if processed else 0,
        "error": error,
        "note": None,
        "processed_at": now() if processed else None,
    }
    if not insert_new(conn, events, row):
        return None
    return event_id


def mark(
    conn: Connection,
    event_id: str,
    status: str,
    *,
    error: str | None = None,
    note: str | None = None,
    lookups: Mapping[str, Any] | None = None,
) -> None:
    params: dict[str, Any] = {
        "b_id": event_id,
        "b_status": status,
        "b_error": error,
        "b_note": note,
        "b_at": now(),
    }
    if lookups is None:
        conn.execute(_MARK, params)
    else:
        conn.execute(_MARK_WITH_LOOKUPS, {**params, "b_lookups": dict(lookups)})


_MARK = (
    update(events)
    .where(events.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        error=bindparam("b_error"),
        note=bindparam("b_note"),
        processed_at=bindparam("b_at"),
        attempts=events.c.attempts + 1,
    )
)
_MARK_WITH_LOOKUPS = _MARK.values(lookups=bindparam("b_lookups", type_=JSON))


def settle(conn: Connection, event_id: str, status: str, note: str | None) -> None:
    """Correct the outcome ``insert_event`` stored in this same transaction (no new attempt)."""
    conn.execute(_SETTLE, {"b_id": event_id, "b_status": status, "b_note": note})


_SETTLE = (
    update(events)
    .where(events.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), note=bindparam("b_note"))
)


def get_event(conn: Connection, event_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
    return dict(row) if row is not None else None


def entry_ids_for(conn: Connection, event_ids: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {e: [] for e in event_ids}
    if not event_ids:
        return result
    query = (
        select(entry_events.c.event_id, entry_events.c.entry_id)
        .where(entry_events.c.event_id.in_(event_ids))
        .order_by(entry_events.c.entry_id)
    )
    for event_id, entry_id in conn.execute(query):
        result[event_id].append(entry_id)
    return result


def list_events(
    conn: Connection,
    *,
    status: str | None,
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    after: str | None,
) -> list[dict[str, Any]]:
    """Newest first; ``after`` is the id of the last event of the previous page."""
    cols = [c for c in events.c if c.name != "raw_body"]
    conditions = []
    if status:
        conditions.append(events.c.status == status)
    if source:
        conditions.append(events.c.source_id == source)
    if since:
        conditions.append(events.c.received_at >= utc(since))
    if until:
        conditions.append(events.c.received_at < utc(until))
    if after:
        conditions.append(events.c.id < after)
    query = select(*cols).where(and_(True, *conditions)).order_by(events.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def status_counts(conn: Connection, source_id: str) -> dict[str, int]:
    query = (
        select(events.c.status, func.count())
        .where(events.c.source_id == source_id)
        .group_by(events.c.status)
    )
    return {status: int(n) for status, n in conn.execute(query)}


def last_event(conn: Connection, source_id: str) -> dict[str, Any] | None:
    query = (
        select(events.c.received_at, events.c.error, events.c.status)
        .where(events.c.source_id == source_id)
        .order_by(events.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def last_error(conn: Connection, source_id: str) -> str | None:
    query = (
        select(events.c.error)
        .where(events.c.source_id == source_id, events.c.status == "failed")
        .order_by(events.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).scalar()


def failed_event_ids(conn: Connection, status: str, source: str | None) -> list[str]:
    query = select(events.c.id).where(events.c.status == status)
    if source:
        query = query.where(events.c.source_id == source)
    return list(conn.execute(query.order_by(events.c.id)).scalars())


def encode_body(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def utc(moment: datetime) -> datetime:
    """Times are stored in UTC (SQLite keeps no offset): compare instants, not wall clocks."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
