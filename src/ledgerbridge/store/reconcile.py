"""Reconciliation state: runs, matches (kept across runs), discrepancies (a work queue keyed
stably across runs) and the append-only audit log of every change a person makes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from ledgerbridge.store.catalog import now
from ledgerbridge.store.ids import new_id
from ledgerbridge.store.tables import (
    accounts,
    audit_log,
    bank_lines,
    discrepancies,
    entries,
    lines,
    matches,
    reconciliation_runs,
    sources,
)
from ledgerbridge.store.upsert import insert_new


def payouts(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    """Posted payouts not reversed: entry id, key, source, platform, settings, day, the bank
    line's amount and currency."""
    reversed_ids = select(entries.c.reverses_id).where(entries.c.reverses_id.is_not(None))
    query = (
        select(
            entries.c.id,
            entries.c.key,
            entries.c.source_id,
            entries.c.effective_date,
            lines.c.amount_minor,
            lines.c.currency,
            sources.c.platform,
            sources.c.settings,
        )
        .select_from(
            entries.join(lines, lines.c.entry_id == entries.c.id)
            .join(
                accounts,
                and_(
                    accounts.c.ledger_id == lines.c.ledger_id,
                    accounts.c.code == lines.c.account_code,
                ),
            )
            .join(sources, sources.c.id == entries.c.source_id)
        )
        .where(
            entries.c.ledger_id == ledger_id,
            entries.c.key.like("%:payout:%"),
            entries.c.reverses_id.is_(None),
            entries.c.id.not_in(reversed_ids),
            accounts.c.role == "bank",
            lines.c.amount_minor > 0,
        )
        .order_by(entries.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def matched_ids(conn: Connection, ledger_id: str, kind: str) -> tuple[set[str], set[str]]:
    rows = conn.execute(
        select(matches.c.left_ids, matches.c.right_ids).where(
            matches.c.ledger_id == ledger_id, matches.c.kind == kind, matches.c.status != "broken"
        )
    )
    left: set[str] = set()
    right: set[str] = set()
    for lids, rids in rows:
        left.update(lids)
        right.update(rids)
    return left, right


def broken_pairs(conn: Connection, ledger_id: str, kind: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        select(matches.c.left_ids, matches.c.right_ids).where(
            matches.c.ledger_id == ledger_id, matches.c.kind == kind, matches.c.status == "broken"
        )
    )
    return {(a, b) for lids, rids in rows for a in lids for b in rids}


def unmatched_deposits(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    query = select(bank_lines).where(
        bank_lines.c.ledger_id == ledger_id,
        bank_lines.c.match_status == "unmatched",
        bank_lines.c.amount_minor > 0,
    )
    return [dict(r) for r in conn.execute(query.order_by(bank_lines.c.id)).mappings()]


def add_match(conn: Connection, row: dict[str, Any]) -> str:
    match_id = new_id("mt_")
    conn.execute(insert(matches).values(id=match_id, created_at=now(), **row))
    conn.execute(
        update(bank_lines)
        .where(bank_lines.c.id.in_(row["right_ids"]))
        .values(match_status="matched")
    )
    return match_id


def open_discrepancy(conn: Connection, row: dict[str, Any]) -> bool:
    """Open it unless its key is already known (open, resolved or ignored): True if new."""
    return insert_new(
        conn,
        discrepancies,
        {
            "id": new_id("dc_"),
            "status": "open",
            "opened_at": now(),
            "reason": None,
            "changed_by": None,
            "changed_at": None,
            **row,
        },
    )


def start_run(conn: Connection, ledger_id: str, trigger: str) -> str:
    run_id = new_id("rr_")
    conn.execute(
        insert(reconciliation_runs).values(
            id=run_id, ledger_id=ledger_id, started_at=now(), trigger=trigger, stats={}
        )
    )
    return run_id


def list_matches(conn: Connection, ledger_id: str, kind: str | None) -> list[dict[str, Any]]:
    query = select(matches).where(matches.c.ledger_id == ledger_id)
    if kind:
        query = query.where(matches.c.kind == kind)
    return [dict(r) for r in conn.execute(query.order_by(matches.c.id)).mappings()]


def list_discrepancies(
    conn: Connection, ledger_id: str, status: str | None, kind: str | None
) -> list[dict[str, Any]]:
    query = select(discrepancies).where(discrepancies.c.ledger_id == ledger_id)
    if status:
        query = query.where(discrepancies.c.status == status)
    if kind:
        query = query.where(discrepancies.c.kind == kind)
    return [dict(r) for r in conn.execute(query.order_by(discrepancies.c.id)).mappings()]


def get_discrepancy(conn: Connection, discrepancy_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(discrepancies).where(discrepancies.c.id == discrepancy_id))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def set_discrepancy(
    conn: Connection, discrepancy_id: str, status: str, reason: str, actor: str
) -> None:
    conn.execute(
        update(discrepancies)
        .where(discrepancies.c.id == discrepancy_id)
        .values(status=status, reason=reason, changed_by=actor, changed_at=now())
    )


def audit(conn: Connection, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
    conn.execute(
        insert(audit_log).values(
            id=new_id("au_"), at=now(), actor=actor, action=action, subject=subject, detail=detail
        )
    )


def finish_run(conn: Connection, run_id: str, stats: dict[str, Any]) -> None:
    conn.execute(
        update(reconciliation_runs)
        .where(reconciliation_runs.c.id == run_id)
        .values(finished_at=now(), stats=stats)
    )
