"""Bank categorisation rules per ledger, and the bank lines they may still categorise."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from ledgerbridge.store.catalog import now
from ledgerbridge.store.tables import bank_lines, bank_rules


def add_rule(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(insert(bank_rules).values(created_at=now(), **row))


def name_taken(conn: Connection, ledger_id: str, name: str) -> bool:
    query = select(bank_rules.c.id).where(
        bank_rules.c.ledger_id == ledger_id, bank_rules.c.name == name
    )
    return conn.execute(query).first() is not None


def list_rules(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    query = (
        select(bank_rules)
        .where(bank_rules.c.ledger_id == ledger_id)
        .order_by(bank_rules.c.priority, bank_rules.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def get_rule(conn: Connection, rule_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(bank_rules).where(bank_rules.c.id == rule_id)).mappings().first()
    return dict(row) if row else None


def delete_rule(conn: Connection, rule_id: str) -> None:
    conn.execute(delete(bank_rules).where(bank_rules.c.id == rule_id))


def unmatched_lines(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    """Every unmatched bank line of the ledger, money in and out, by day then id."""
    query = (
        select(bank_lines)
        .where(bank_lines.c.ledger_id == ledger_id, bank_lines.c.match_status == "unmatched")
        .order_by(bank_lines.c.booking_date, bank_lines.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
