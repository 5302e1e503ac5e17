"""Back-fill cursors and catch-up runs per source (resumable: saved after every page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from ledgerbridge.store.catalog import now
from ledgerbridge.store.tables import sync_state
from ledgerbridge.store.upsert import insert_new


def get(conn: Connection, source_id: str, name: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(sync_state).where(sync_state.c.source_id == source_id, sync_state.c.name == name)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def for_source(conn: Connection, source_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(sync_state).where(sync_state.c.source_id == source_id).order_by(sync_state.c.name)
    ).mappings()
    return [dict(r) for r in rows]


def save(
    conn: Connection,
    source_id: str,
    name: str,
    *,
    cursor: str | None,
    done: bool,
    stats: dict[str, int],
    last_until: datetime | None = None,
) -> None:
    values = {
        "cursor": cursor,
        "done": done,
        "stats": stats,
        "updated_at": now(),
        "last_until": last_until,
    }
    if not insert_new(conn, sync_state, {"source_id": source_id, "name": name, **values}):
        conn.execute(
            update(sync_state)
            .where(sync_state.c.source_id == source_id, sync_state.c.name == name)
            .values(**values)
        )
