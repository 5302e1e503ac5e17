"""Run reconciliation (level 1: payouts to deposits; level 2: transactions to payouts;
level 3: orders to charges) and work the matches and the discrepancy queue.

A run matches only what is still unmatched: matches found earlier, confirmed or made by hand
stay as they are, and a match a person broke is never made again. Discrepancies are keyed
stably, so a re-run does not reopen what someone resolved or ignored. Every change a person
makes (resolve, ignore, match, confirm, break) goes to the append-only audit log.

Level 2's inputs (payout items, the sales to be paid out) come from reconcile_items.py. Not
yet: PayPal payouts fall back to the clearing balance (unitemised_balance), and unsettled_sale
is found for Stripe, Square and Shopify Payments only (their payouts name what they pay).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import structlog

from ledgerbridge.domain.errors import ConflictError, NotFoundError, ValidationError
from ledgerbridge.domain.matching import DepositRef, PayoutRef, match_payouts
from ledgerbridge.domain.matching.model import Discrepancy, Match
from ledgerbridge.domain.matching.orders import (
    ChargeRef,
    OrderRef,
    fronted_gateways,
    match_orders,
)
from ledgerbridge.domain.matching.settlement import SettledPayout, match_settlements
from ledgerbridge.domain.money import from_minor, to_minor
from ledgerbridge.service import bank_rules, metrics, reconcile_items
from ledgerbridge.store import catalog
from ledgerbridge.store import reconcile as store
from ledgerbridge.store.database import Database

log = structlog.get_logger(__name__)
KIND = "payout_deposit"
KINDS = ("payout_deposit", "settlement", "order_charge")
SETTLEMENT_DAYS = {"stripe": 5, "shopify": 5, "paypal": 4, "square": 3, "adyen": 4}
"""Days a payout may take to reach the bank, by platform (``settlement_delay_days`` wins)."""


def _delay(platform: str, settings: dict[str, Any] | None) -> int:
    chosen = (settings or {}).get("settlement_delay_days")
    return int(chosen or SETTLEMENT_DAYS.get(platform, 5))


def _payout(row: dict[str, Any]) -> PayoutRef:
    reference = row["key"].split(":payout:", 1)[1]
    return PayoutRef(
        row["id"],
        row["source_id"],
        row["platform"],
        reference,
        from_minor(row["amount_minor"], row["currency"]),
        row["currency"],
        row["effective_date"],
        _delay(row["platform"], row["settings"]),
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
    """Levels 1, 2 and 3 over what is unmatched, then the bank rules; counts per level."""
    day = today or datetime.now(UTC).date()
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        run_id = store.start_run(conn, ledger, trigger)
        found1, problems1, considered = _level1(conn, ledger, day)
        sources = store.ledger_sources(conn, ledger)
        found2, problems2, explained = _level2(conn, ledger, day, sources)
        found3, problems3 = _level3(conn, ledger, day, sources)
        levels: dict[str, dict[str, int]] = {}
        for kind, found, problems in (
            (KIND, found1, problems1),
            ("settlement", found2, problems2),
            ("order_charge", found3, problems3),
        ):
            for match, left_refs, right_refs, currency in found:
                save_match(conn, ledger, run_id, match, left_refs, right_refs, currency, None)
            opened = sum(_open(conn, ledger, d) for d in problems)
            levels[kind] = {"matched": len(found), "discrepancies_opened": opened}
        levels["categorised"] = bank_rules.categorise(conn, ledger, run_id, day)
        explained |= {f"order_without_charge:{m.left[0]}" for m, *_ in found3}
        explained |= {f"charge_without_order:{m.right[0]}" for m, *_ in found3}
        closed = _close_explained(conn, ledger, run_id, found1, explained)
        stats = {
            "matched": sum(x["matched"] for x in levels.values()),
            "discrepancies_opened": sum(x["discrepancies_opened"] for x in levels.values()),
            "discrepancies_closed": closed,
            **considered,
            "levels": levels,
        }
        store.finish_run(conn, run_id, stats)
    metrics.RECONCILIATION_RUNS.inc()
    for kind, counts in levels.items():
        metrics.MATCHES.labels(kind=kind).inc(counts["matched"])
    log.info(
        "reconciliation run",
        ledger=ledger,
        trigger=trigger,
        run=run_id,
        **{k: v for k, v in stats.items() if k != "levels"},
        **{f"{k}_matched": v["matched"] for k, v in levels.items()},
    )
    return {"id": run_id, **stats}


Found = list[tuple[Match, list[str], list[str], str]]


def _level1(conn: Any, ledger: str, day: date) -> tuple[Found, list[Discrepancy], dict[str, int]]:
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
    out = [
        (m, [by_id[i].reference for i in m.left], list(m.right), by_id[m.left[0]].currency)
        for m in found
    ]
    considered = {"payouts_considered": len(payouts), "deposits_considered": len(deposits)}
    return out, problems, considered


def _level2(
    conn: Any, ledger: str, day: date, sources: list[dict[str, Any]]
) -> tuple[Found, list[Discrepancy], set[str]]:
    """Itemised payouts against their items, the rest against the clearing balance; and the
    sales no itemised payout has paid (unsettled_sale)."""
    taken, _ = store.matched_ids(conn, ledger, "settlement")
    vetoed = {i for i, _ in store.broken_pairs(conn, ledger, "settlement")}
    every: list[SettledPayout] = []
    for row in store.payout_facts(conn, ledger):
        items = reconcile_items.payout_items(row)
        amount = from_minor(row["amount_minor"], row["currency"])
        every.append(
            SettledPayout(
                row["id"],
                row["source_id"],
                row["reference"],
                amount,
                row["currency"],
                row["day"],
                items,
            )
        )
    todo = [p for p in every if p.id not in taken and p.id not in vetoed]
    balances: dict[tuple[str, str], list[tuple[date, Decimal]]] = {}
    for p in todo:
        account = catalog.clearing_code(conn, ledger, p.source)
        if p.items is None and account and (p.source, p.currency) not in balances:
            balances[(p.source, p.currency)] = [
                (d, from_minor(v, p.currency))
                for d, v in store.clearing_movements(conn, ledger, account, p.currency)
            ]
    found, problems = match_settlements(todo, balances, every=every)
    by_id = {p.id: p for p in every}
    out = [
        (m, [by_id[m.left[0]].reference], list(m.right), by_id[m.left[0]].currency) for m in found
    ]
    platform = {s["id"]: s["platform"] for s in sources}
    delays = {s["id"]: _delay(s["platform"], s["settings"]) for s in sources}
    late, explained = reconcile_items.unsettled(conn, ledger, day, every, platform, delays)
    return out, problems + late, explained


def _level3(
    conn: Any, ledger: str, day: date, sources: list[dict[str, Any]]
) -> tuple[Found, list[Discrepancy]]:
    left, right = store.matched_ids(conn, ledger, "order_charge")
    rows = store.list_facts(conn, ledger, ("sale", "charge"))
    orders = [
        OrderRef(
            r["id"],
            r["source_id"],
            r["gateway_source"] or r["source_id"],
            r["order_reference"] or "",
            r["reference"],
            from_minor(r["amount_minor"], r["currency"]),
            r["currency"],
            r["day"],
        )
        for r in rows
        if r["kind"] == "sale" and r["id"] not in left
    ]
    charges = [
        ChargeRef(
            r["id"],
            r["source_id"],
            r["reference"],
            r["order_reference"],
            from_minor(r["amount_minor"], r["currency"]),
            r["currency"],
            r["day"],
        )
        for r in rows
        if r["kind"] == "charge" and r["id"] not in right
    ]
    found, problems = match_orders(
        orders,
        charges,
        today=day,
        fronted=fronted_gateways(sources),
        vetoed=frozenset(store.broken_pairs(conn, ledger, "order_charge")),
    )
    names = {o.id: o.name for o in orders}
    refs = {c.id: c.reference for c in charges}
    currency = {o.id: o.currency for o in orders}
    out = [(m, [names[m.left[0]]], [refs[m.right[0]]], currency[m.left[0]]) for m in found]
    return out, problems


def save_match(
    conn: Any,
    ledger: str,
    run_id: str | None,
    match: Match,
    left_refs: list[str],
    right_refs: list[str],
    currency: str,
    actor: str | None,
) -> str:
    return store.add_match(
        conn,
        {
            "ledger_id": ledger,
            "run_id": run_id,
            "kind": match.kind,
            "rule": match.rule,
            "confidence": str(match.confidence),
            "left_ids": list(match.left),
            "right_ids": list(match.right),
            "left_refs": left_refs,
            "right_refs": right_refs,
            "difference_minor": to_minor(match.difference, currency),
            "currency": currency,
            "status": "confirmed" if actor else "active",
            "changed_by": actor,
        },
    )


def _open(conn: Any, ledger: str, d: Discrepancy) -> bool:
    return store.open_discrepancy(
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


def _close_explained(conn: Any, ledger: str, run_id: str, found: Found, keys: set[str]) -> int:
    """An open discrepancy that this run explains is resolved by the reconciliation itself,
    with the run named, in the audit log: a missing deposit or a deposit without payout that
    level 1 matched, an order or charge level 3 paired, a sale a payout has since paid."""
    deposits = {d for m, *_ in found for d in m.right}
    references = {r for _, left_refs, *_ in found for r in left_refs}
    closed = 0
    for row in store.list_discrepancies(conn, ledger, "open", None):
        refs = set(row["refs"])
        explained = (
            (row["kind"] == "deposit_without_payout" and refs & deposits)
            or (row["kind"] == "missing_deposit" and refs & references)
            or row["key"] in keys
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
