"""Reconciliation state: runs, matches (kept across runs), discrepancies (a work queue keyed
stably across runs) and the append-only audit log of every change a person makes."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledgerbridge.store import prepared
from ledgerbridge.store.catalog import now
from ledgerbridge.store.ids import new_id
from ledgerbridge.store.tables import (
    accounts,
    audit_log,
    bank_lines,
    discrepancies,
    entries,
    events,
    facts,
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
    if row["kind"] in ("payout_deposit", "categorised"):  # the others' right: no bank lines
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


# -- facts (recorded by posting) and what levels 2 and 3 read ------------------------------


@cache
def _facts_insert(dialect: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(facts).on_conflict_do_nothing()


def record_facts(
    conn: Connection, ledger_id: str, source_id: str, event_id: str, rows: list[dict[str, Any]]
) -> None:
    """One executemany per inbox event; a fact already known (ledger, kind, key) is kept."""
    at = now()
    prepared.execute(
        conn,
        _facts_insert(conn.dialect.name),
        [
            {
                "id": new_id("fa_"),
                "ledger_id": ledger_id,
                "source_id": source_id,
                "event_id": event_id,
                "created_at": at,
                **row,
            }
            for row in rows
        ],
    )


def list_facts(conn: Connection, ledger_id: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    query = (
        select(facts)
        .where(facts.c.ledger_id == ledger_id, facts.c.kind.in_(kinds))
        .order_by(facts.c.day, facts.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def payout_facts(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    """Payout facts not failed, with their platform and the look-ups of the event that
    reported them (a gateway's itemisation of the payout)."""
    failed = select(entries.c.key).where(
        entries.c.ledger_id == ledger_id, entries.c.key.like("%:payout:%:failed")
    )
    query = (
        select(facts, sources.c.platform, events.c.lookups)
        .select_from(
            facts.join(sources, sources.c.id == facts.c.source_id).outerjoin(
                events, events.c.id == facts.c.event_id
            )
        )
        .where(
            facts.c.ledger_id == ledger_id,
            facts.c.kind == "payout",
            (facts.c.key + ":failed").not_in(failed),
        )
        .order_by(facts.c.day, facts.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def ledger_sources(conn: Connection, ledger_id: str) -> list[dict[str, Any]]:
    query = select(sources.c.id, sources.c.platform, sources.c.settings).where(
        sources.c.ledger_id == ledger_id
    )
    return [dict(r) for r in conn.execute(query.order_by(sources.c.id)).mappings()]


def clearing_movements(
    conn: Connection, ledger_id: str, account: str, currency: str
) -> list[tuple[date, int]]:
    """What flowed into a clearing account per day, payouts (and their undoing) left out."""
    query = (
        select(entries.c.effective_date, func.sum(lines.c.amount_minor))
        .select_from(lines.join(entries, entries.c.id == lines.c.entry_id))
        .where(
            lines.c.ledger_id == ledger_id,
            lines.c.account_code == account,
            lines.c.currency == currency,
            entries.c.key.not_like("%:payout:%"),
        )
        .group_by(entries.c.effective_date)
        .order_by(entries.c.effective_date)
    )
    return [(d, int(v)) for d, v in conn.execute(query)]


def get_match(conn: Connection, match_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(matches).where(matches.c.id == match_id)).mappings().first()
    return dict(row) if row else None


def set_match_status(conn: Connection, match_id: str, status: str, actor: str) -> None:
    conn.execute(
        update(matches).where(matches.c.id == match_id).values(status=status, changed_by=actor)
    )


def unmatch_bank_lines(conn: Connection, ids: list[str]) -> None:
    conn.execute(
        update(bank_lines).where(bank_lines.c.id.in_(ids)).values(match_status="unmatched")
    )


def describe(conn: Connection, ledger_id: str, ids: list[str]) -> dict[str, tuple[str, int, str]]:
    """Our ids (facts, bank lines, payout entries) -> (the platform's or bank's reference,
    amount in minor units, currency): what a manual match records."""
    found: dict[str, tuple[str, int, str]] = {}
    query = select(facts.c.id, facts.c.reference, facts.c.amount_minor, facts.c.currency)
    for fid, ref, units, code in conn.execute(
        query.where(facts.c.ledger_id == ledger_id, facts.c.id.in_(ids))
    ):
        found[fid] = (ref, units, code)
    query = select(bank_lines.c.id, bank_lines.c.amount_minor, bank_lines.c.currency)
    lines_query = select(bank_lines.c.id, bank_lines.c.amount_minor, bank_lines.c.currency)
    for bid, units, code in conn.execute(
        lines_query.where(bank_lines.c.ledger_id == ledger_id, bank_lines.c.id.in_(ids))
    ):
        found[bid] = (bid, units, code)
    if len(found) < len(set(ids)):
        for payout in payouts(conn, ledger_id):
            if payout["id"] in ids:
                reference = payout["key"].split(":payout:", 1)[1]
                found[payout["id"]] = (reference, payout["amount_minor"], payout["currency"])
    return found
