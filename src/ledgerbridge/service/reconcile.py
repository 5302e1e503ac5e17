"""Run reconciliation (level 1: payouts to deposits) and work the discrepancy queue.

A run matches only what is still unmatched: matches found earlier, confirmed or made by hand
stay as they are, and a match a person broke is never made again. Discrepancies are keyed
stably, so a re-run does not reopen what someone resolved or ignored. Every change a person
makes (resolve, ignore, confirm, break) goes to the append-only audit log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import structlog

from ledgerbridge.domain.errors import ConflictError, NotFoundError, ValidationError
from ledgerbridge.domain.matching import DepositRef, PayoutRef, match_payouts
from ledgerbridge.domain.money import from_minor, to_minor
from ledgerbridge.store import catalog
from ledgerbridge.store import reconcile as store
from ledgerbridge.store.database import Database

log = structlog.get_logger(__name__)
KIND = "payout_deposit"
SETTLEMENT_DAYS = {"stripe": 5, "shopify": 5, "paypal": 4, "square": 3, "adyen": 4}
"""Days a payout may take to reach the bank, by platform (``settlement_delay_days`` wins)."""


def _payout(row: dict[str, Any]) -> PayoutRef:
    settings = row["settings"] or {}
    window = int(settings.get("settlement_delay_days") or SETTLEMENT_DAYS.get(row["platform"], 5))
    reference = row["key"].split(":payout:", 1)[1]
    return PayoutRef(
        row["id"],
        row["source_id"],
        row["platform"],
        reference,
        from_minor(row["amount_minor"], row["currency"]),
        row["currency"],
        row["effective_date"],
        window,
    )


def _deposit(row: dict[str, Any]) -> DepositRef:
    text = " ".join(
        x
        for x in (row["remittance"], row["counterparty"], row["bank_ref"], row["customer_ref"])
        if x
    )
    return DepositRef(
        row["id"],
        from_minor(row["amount_minor"], row["currency"]),
        row["currency"],
        row["booking_date"],
        text,
    )


def run(
    db: Database, ledger: str = "default", *, trigger: str = "api", today: date | None = None
) -> dict[str, Any]:
    day = today or datetime.now(UTC).date()
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        run_id = store.start_run(conn, ledger, trigger)
        taken, _ = store.matched_ids(conn, ledger, KIND)
        every = [_payout(r) for r in store.payouts(conn, ledger)]
        payouts = [p for p in every if p.id not in taken]
        deposits = [_deposit(r) for r in store.unmatched_deposits(conn, ledger)]
        found, problems = match_payouts(
            payouts,
            deposits,
            today=day,
            vetoed=frozenset(store.broken_pairs(conn, ledger, KIND)),
            settled=[p for p in every if p.id in taken],
        )
        by_id = {p.id: p for p in payouts}
        for match in found:
            currency = by_id[match.left[0]].currency
            store.add_match(
                conn,
                {
                    "ledger_id": ledger,
                    "run_id": run_id,
                    "kind": match.kind,
                    "rule": match.rule,
                    "confidence": str(match.confidence),
                    "left_ids": list(match.left),
                    "right_ids": list(match.right),
                    "left_refs": [by_id[i].reference for i in match.left],
                    "right_refs": list(match.right),
                    "difference_minor": to_minor(match.difference, currency),
                    "currency": currency,
                    "status": "active",
                    "changed_by": None,
                },
            )
        opened = sum(
            store.open_discrepancy(
                conn,
                {
                    "ledger_id": ledger,
                    "key": d.key,
                    "kind": d.kind,
                    "amount_minor": to_minor(d.amount, d.currency),
                    "currency": d.currency,
                    "refs": list(d.refs),
                    "detail": d.detail,
                },
            )
            for d in problems
        )
        closed = _close_explained(conn, ledger, run_id, found, by_id)
        stats = {
            "matched": len(found),
            "discrepancies_opened": opened,
            "discrepancies_closed": closed,
            "payouts_considered": len(payouts),
            "deposits_considered": len(deposits),
        }
        store.finish_run(conn, run_id, stats)
    log.info("reconciliation run", ledger=ledger, trigger=trigger, run=run_id, **stats)
    return {"id": run_id, **stats}


def _close_explained(
    conn: Any, ledger: str, run_id: str, found: list[Any], by_id: dict[str, PayoutRef]
) -> int:
    """An open missing-deposit or deposit-without-payout that this run matched is explained:
    resolved by the reconciliation itself, with the run named, in the audit log."""
    deposits = {d for m in found for d in m.right}
    references = {by_id[p].reference for m in found for p in m.left}
    closed = 0
    for row in store.list_discrepancies(conn, ledger, "open", None):
        refs = set(row["refs"])
        explained = (row["kind"] == "deposit_without_payout" and refs & deposits) or (
            row["kind"] == "missing_deposit" and refs & references
        )
        if explained:
            reason = f"matched by reconciliation run {run_id}"
            store.set_discrepancy(conn, row["id"], "resolved", reason, "reconciliation")
            store.audit(
                conn,
                "reconciliation",
                "discrepancy.resolved",
                row["id"],
                {"reason": reason, "kind": row["kind"]},
            )
            closed += 1
    return closed


def match_document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "rule": row["rule"],
        "confidence": row["confidence"],
        "left": row["left_refs"],
        "right": row["right_refs"],
        "left_ids": row["left_ids"],
        "right_ids": row["right_ids"],
        "difference": str(from_minor(row["difference_minor"], row["currency"])),
        "currency": row["currency"],
        "status": row["status"],
    }


def discrepancy_document(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "amount": str(from_minor(row["amount_minor"], row["currency"])),
        "currency": row["currency"],
        "refs": row["refs"],
        "detail": row["detail"],
        "reason": row["reason"],
        "changed_by": row["changed_by"],
        "opened_at": row["opened_at"],
        "changed_at": row["changed_at"],
    }


def matches(db: Database, ledger: str, kind: str | None) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [match_document(r) for r in store.list_matches(conn, ledger, kind)]


def discrepancies(
    db: Database, ledger: str, status: str | None, kind: str | None
) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [
            discrepancy_document(r) for r in store.list_discrepancies(conn, ledger, status, kind)
        ]


def decide(
    db: Database, discrepancy_id: str, status: str, reason: str, actor: str
) -> dict[str, Any]:
    """Resolve or ignore an open discrepancy, with the reason and who: audited."""
    if status not in ("resolved", "ignored"):
        raise ValidationError(f"a discrepancy is resolved or ignored, not {status!r}")
    if not reason.strip():
        raise ValidationError("a reason is required", field="reason")
    with db.write() as conn:
        row = store.get_discrepancy(conn, discrepancy_id)
        if row is None:
            raise NotFoundError(f"no discrepancy {discrepancy_id!r}", discrepancy=discrepancy_id)
        if row["status"] != "open":
            raise ConflictError(f"discrepancy {discrepancy_id} is already {row['status']}")
        store.set_discrepancy(conn, discrepancy_id, status, reason, actor)
        store.audit(
            conn,
            actor,
            f"discrepancy.{status}",
            discrepancy_id,
            {"reason": reason, "kind": row["kind"]},
        )
        return discrepancy_document(store.get_discrepancy(conn, discrepancy_id) or row)
