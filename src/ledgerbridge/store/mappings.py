"""Mapping versions: every upload a new immutable row; the newest is the active one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select

from ledgerbridge.store.catalog import now
from ledgerbridge.store.tables import mapping_versions


def latest(conn: Connection, source_id: str) -> dict[str, Any] | None:
    query = (
        select(mapping_versions)
        .where(mapping_versions.c.source_id == source_id)
        .order_by(mapping_versions.c.version.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def add_version(conn: Connection, source_id: str, document: dict[str, Any]) -> int:
    current = conn.execute(
        select(func.max(mapping_versions.c.version)).where(
            mapping_versions.c.source_id == source_id
        )
    ).scalar()
    version = int(current or 0) + 1
    conn.execute(
        insert(mapping_versions).values(
            source_id=source_id, version=version, document=document, created_at=now()
        )
    )
    return version
