"""Bank statements and their lines: each line once per (ledger, account, dedupe key)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ledgerbridge.store.catalog import now
from ledgerbridge.store.tables import bank_lines, bank_statements, statement_profiles
from ledgerbridge.store.upsert import insert_new


def add_statement(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(bank_statements).values(**row, imported_at=now()))


def set_counts(conn: Connection, statement_id: str, imported: int, skipped: int) -> None:
    conn.execute(
        update(bank_statements)
        .where(bank_statements.c.id == statement_id)
        .values(lines_imported=imported, lines_skipped=skipped)
    )


def add_line(conn: Connection, row: dict[str, Any]) -> bool:
    """Insert a bank line unless its dedupe key is already on the account: True if new."""
    return insert_new(conn, bank_lines, row)


def list_lines(
    conn: Connection,
    *,
    ledger_id: str,
    status: str | None,
    account: str | None,
    since: date | None,
    until: date | None,
    limit: int,
    after: str | None,
) -> list[dict[str, Any]]:
    query = select(bank_lines).where(bank_lines.c.ledger_id == ledger_id)
    if status:
        query = query.where(bank_lines.c.match_status == status)
    if account:
        query = query.where(bank_lines.c.account_code == account)
    if since:
        query = query.where(bank_lines.c.booking_date >= since)
    if until:
        query = query.where(bank_lines.c.booking_date <= until)
    if after:
        query = query.where(bank_lines.c.id > after)
    rows = conn.execute(query.order_by(bank_lines.c.id).limit(limit)).mappings()
    return [dict(r) for r in rows]


def get_profile(conn: Connection, ledger_id: str, account: str) -> dict[str, Any] | None:
    found = conn.execute(
        select(statement_profiles.c.profile).where(
            statement_profiles.c.ledger_id == ledger_id,
            statement_profiles.c.account_code == account,
        )
    ).scalar()
    return dict(found) if found else None


def put_profile(conn: Connection, ledger_id: str, account: str, profile: dict[str, Any]) -> None:
    row = {"ledger_id": ledger_id, "account_code": account, "profile": profile, "updated_at": now()}
    if not insert_new(conn, statement_profiles, row):
        conn.execute(
            update(statement_profiles)
            .where(
                statement_profiles.c.ledger_id == ledger_id,
                statement_profiles.c.account_code == account,
            )
            .values(profile=profile, updated_at=now())
        )
