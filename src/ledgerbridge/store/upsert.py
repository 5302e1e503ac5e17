"""``INSERT ... ON CONFLICT DO NOTHING`` for both engines, built once per table and dialect.

Idempotency at the database: the inbox on (source, platform event id), the journal on
(ledger, business key). The statement is compiled once per dialect and run on the driver's
cursor (store/prepared.py); callers pass plain parameter dicts (no per-call ``.values()``,
which costs more than the insert itself)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from ledgerbridge.store import prepared


@cache
def _statement(table: Table, dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    return module.insert(table).on_conflict_do_nothing().returning(key)


def insert_new(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
    """Insert ``row`` unless it conflicts with a unique key; True when it was inserted."""
    returned = prepared.execute(conn, _statement(table, conn.dialect.name), row)
    return bool(returned)  # rowcount is -1 for this statement on psycopg
