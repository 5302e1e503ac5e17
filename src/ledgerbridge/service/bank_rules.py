"""Bank categorisation rules: add, list and delete them (audited), and categorise the bank
lines no payout explains (rent, a supplier) after each reconciliation run.

``categorise`` posts one entry per line (key ``bank:<line id>``, so a line posts once) between
the line's bank account and the rule's account, converted to base by the posting path's rate
look-up, dated on the booking day (or the first day of the next open month when that period
is closed, with the standard note), and records a ``categorised`` match (the rule's name,
confidence 1.00, the entry on the left and the bank line on the right) that marks the line
matched. Which rule fits, and which lines are ready, is ``domain/matching/bank_rules.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import Connection

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import (
    ConflictError,
    MissingRateError,
    NotFoundError,
    ValidationError,
)
from ledgerbridge.domain.matching.bank_rules import (
    KIND,
    BankLine,
    BankRule,
    checked_rule,
    draft_for,
    first_fit,
    ready,
)
from ledgerbridge.domain.money import from_minor
from ledgerbridge.domain.periods import late_note, open_date
from ledgerbridge.domain.posting import to_entry
from ledgerbridge.service.context import ledger_view
from ledgerbridge.service.post import closed_periods
from ledgerbridge.service.rates import rate_lookup
from ledgerbridge.store import bank_rules as store
from ledgerbridge.store import catalog, journal
from ledgerbridge.store import reconcile as reconcile_store
from ledgerbridge.store.database import Database
from ledgerbridge.store.ids import new_id

log = structlog.get_logger(__name__)


def document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ledger": row["ledger_id"],
        "priority": row["priority"],
        "name": row["name"],
        "account": row["account_code"],
        "bank_account": row["bank_account"],
        "text_contains": row["text_contains"],
        "direction": row["direction"],
        "min_amount": row["min_amount"],
        "max_amount": row["max_amount"],
        "created_at": row["created_at"].isoformat() if row["created_at"] else None,
        "created_by": row["created_by"],
    }


def add(
    db: Database,
    ledger: str,
    *,
    account: str,
    text: str,
    actor: str,
    name: str | None = None,
    direction: str = "any",
    bank_account: str | None = None,
    min_amount: object = None,
    max_amount: object = None,
    priority: object = 100,
) -> dict[str, Any]:
    """A new rule: its account (and bank account, when given) must be in the ledger's chart;
    its name is unique in the ledger (a categorised match names it). Audited."""
    rule = checked_rule(
        rule_id=new_id("br_"),
        priority=priority,
        name=name,
        account=account,
        text=text,
        direction=direction,
        bank_account=bank_account,
        min_amount=min_amount,
        max_amount=max_amount,
    )
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        for code, field in ((rule.account, "account"), (rule.bank_account, "bank_account")):
            if code is not None and not catalog.account_exists(conn, ledger, code):
                raise ValidationError(
                    f"no account {code!r} in the chart of ledger {ledger!r}", field=field
                )
        if store.name_taken(conn, ledger, rule.name):
            raise ConflictError(f"ledger {ledger!r} already has a rule named {rule.name!r}")
        row = {
            "id": rule.id,
            "ledger_id": ledger,
            "priority": rule.priority,
            "name": rule.name,
            "account_code": rule.account,
            "bank_account": rule.bank_account,
            "text_contains": rule.text,
            "direction": rule.direction,
            "min_amount": _text(rule.min_amount),
            "max_amount": _text(rule.max_amount),
            "created_by": actor,
        }
        store.add_rule(conn, row)
        doc = document(store.get_rule(conn, rule.id) or row)
        reconcile_store.audit(conn, actor, "bank_rule.created", rule.id, _audited(doc))
        return doc


def list_rules(db: Database, ledger: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        catalog.get_ledger(conn, ledger)
        return [document(r) for r in store.list_rules(conn, ledger)]


def delete(db: Database, rule_id: str, actor: str) -> dict[str, Any]:
    """Delete a rule (audited, with what it was). What it categorised stays posted."""
    with db.write() as conn:
        row = store.get_rule(conn, rule_id)
        if row is None:
            raise NotFoundError(f"no bank rule {rule_id!r}", rule=rule_id)
        store.delete_rule(conn, rule_id)
        doc = document(row)
        reconcile_store.audit(conn, actor, "bank_rule.deleted", rule_id, _audited(doc))
        return doc


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else format(amount, "f")


def _audited(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("id", "created_at", "created_by")}


def _rule(row: dict[str, Any]) -> BankRule:
    return BankRule(
        row["id"],
        row["priority"],
        row["name"],
        row["account_code"],
        row["text_contains"],
        row["direction"],
        row["bank_account"],
        Decimal(row["min_amount"]) if row["min_amount"] is not None else None,
        Decimal(row["max_amount"]) if row["max_amount"] is not None else None,
    )


def _line(row: dict[str, Any]) -> BankLine:
    return BankLine(
        row["id"],
        row["account_code"],
        from_minor(row["amount_minor"], row["currency"]),
        row["currency"],
        row["booking_date"],
        " ".join(x for x in (row["remittance"], row["counterparty"]) if x),
        " ".join(x for x in (row["bank_ref"], row["customer_ref"]) if x),
        row["status"] == "BOOK",
    )


def categorise(conn: Connection, ledger: str, run_id: str, today: date) -> dict[str, int]:
    """Categorise what is still unmatched after levels 1-3 (inside the run's transaction):
    the counts a reconciliation run reports for this level."""
    counts = {"matched": 0, "discrepancies_opened": 0}
    rules = [_rule(r) for r in store.list_rules(conn, ledger)]
    if not rules:
        return counts
    view = ledger_view(conn, ledger)
    rate_for = rate_lookup(conn, view.base_currency)
    closed = closed_periods(conn, ledger)
    rounding = view.roles.get(Role.ROUNDING, "")
    for row in store.unmatched_lines(conn, ledger):
        line = _line(row)
        rule = first_fit(rules, line) if ready(line, today) else None
        if rule is None:
            continue
        draft = draft_for(rule, line, row["remittance"])
        note = f"bank line {line.id}"
        moved = open_date(draft.effective_date, closed)
        if moved != draft.effective_date:  # a closed period is locked: post into the open one
            note = f"{note}; {late_note(draft.effective_date, moved)}"
            draft = replace(draft, effective_date=moved)
        try:
            entry = to_entry(
                draft,
                ledger=ledger,
                source=None,
                base_currency=view.base_currency,
                rate_for=rate_for,
                rounding_account=rounding,
                note=note,
            )
        except MissingRateError as exc:  # the line waits for its rate; the run goes on
            log.warning("bank line not categorised", line=line.id, error=exc.message)
            continue
        entry_id = journal.insert_entry(conn, entry, event_ids=[])
        if entry_id is None:  # already posted: a line posts once
            continue
        reconcile_store.add_match(
            conn,
            {
                "ledger_id": ledger,
                "run_id": run_id,
                "kind": KIND,
                "rule": rule.name,
                "confidence": "1.00",
                "left_ids": [entry_id],
                "right_ids": [line.id],
                "left_refs": [rule.account],
                "right_refs": [line.id],
                "difference_minor": 0,
                "currency": line.currency,
                "status": "active",
                "changed_by": None,
            },
        )
        counts["matched"] += 1
    return counts
