"""Level 3: store orders to gateway charges. Rules run in order over what is unmatched; every
choice is made by a total order (closest day, then id), so the same inputs give the same
matches whatever order they came in.

    order_reference  the charge's order reference is the order's id or name ('#1001' and
                     '1001' are the same), same gateway         confidence 1.00
                     (amounts differ: still the match, plus an amount_mismatch)
    amount_date      same gateway, currency and amount, within 2 days, the charge naming
                     no other order                              confidence 0.80
Leftovers, after 3 days: an order routed to a gateway with no charge (order_without_charge);
a charge of a gateway that has a store in front, with no order (charge_without_order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.matching.model import Discrepancy, Match

KIND = "order_charge"
DAY_WINDOW = 2
GRACE_DAYS = 3


@dataclass(frozen=True, slots=True)
class OrderRef:
    """A store's paid order (a sale fact): ``gateway`` is the source its money goes to."""

    id: str
    source: str
    gateway: str
    order_id: str
    name: str
    amount: Decimal
    currency: str
    day: date


@dataclass(frozen=True, slots=True)
class ChargeRef:
    """A gateway's charge (a charge fact)."""

    id: str
    source: str
    reference: str
    order_reference: str | None
    amount: Decimal
    currency: str
    day: date


def normalise(reference: str | None) -> str:
    """'#1001', ' 1001 ' and '1001' are one order reference."""
    return (reference or "").strip().lstrip("#").strip().lower()


def _names(order: OrderRef) -> set[str]:
    return {n for n in (normalise(order.order_id), normalise(order.name)) if n}


def fronted_gateways(sources: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The gateway sources some store of the ledger sends its orders to."""
    rows = list(sources)
    ids = {s["id"] for s in rows}
    found: set[str] = set()
    for source in rows:
        settings = source["settings"] or {}
        if settings.get("role", "store") != "store":
            continue
        chosen = settings.get("gateway")
        targets = chosen.values() if isinstance(chosen, dict) else [chosen]
        found |= {str(t) for t in targets if t in ids and t != source["id"]}
    return frozenset(found)


def match_orders(
    orders: Iterable[OrderRef],
    charges: Iterable[ChargeRef],
    *,
    today: date,
    fronted: frozenset[str],
    vetoed: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[list[Match], list[Discrepancy]]:
    """Level 3 over the unmatched orders and charges. ``fronted`` are the gateway sources a
    store sends its orders to: only their orders expect a charge and only their charges
    expect an order. ``vetoed`` (order, charge) pairs were broken by a person."""
    wanted = sorted((o for o in orders if o.gateway in fronted), key=lambda o: (o.day, o.id))
    pool = sorted((c for c in charges if c.source in fronted), key=lambda c: (c.day, c.id))
    by_ref: dict[tuple[str, str], list[ChargeRef]] = {}
    for charge in pool:
        if normalise(charge.order_reference):
            by_ref.setdefault((charge.source, normalise(charge.order_reference)), []).append(charge)
    known = {(o.gateway, n) for o in wanted for n in _names(o)}
    used: set[str] = set()
    done: set[str] = set()
    found: list[Match] = []
    problems: list[Discrepancy] = []

    def closest(order: OrderRef, candidates: list[ChargeRef]) -> ChargeRef | None:
        free = [c for c in candidates if c.id not in used and (order.id, c.id) not in vetoed]
        return min(free, key=lambda c: (abs((c.day - order.day).days), c.id), default=None)

    def take(order: OrderRef, charge: ChargeRef, rule: str, confidence: str) -> None:
        same_currency = order.currency == charge.currency
        difference = charge.amount - order.amount if same_currency else Decimal(0)
        found.append(Match(KIND, rule, Decimal(confidence), (order.id,), (charge.id,), difference))
        used.add(charge.id)
        done.add(order.id)
        if difference:
            problems.append(
                Discrepancy(
                    key=f"amount_mismatch:{order.id}:{charge.id}",
                    kind="amount_mismatch",
                    amount=difference,
                    currency=order.currency,
                    refs=(order.name, charge.reference),
                    detail=f"order {order.name} is {order.amount} {order.currency} but its "
                    f"charge {charge.reference} is {charge.amount} ({difference:+})",
                )
            )

    for order in wanted:
        candidates = [c for n in sorted(_names(order)) for c in by_ref.get((order.gateway, n), ())]
        by_reference = closest(order, candidates)
        if by_reference is not None:
            take(order, by_reference, "order_reference", "1.00")
    for order in wanted:
        if order.id in done:
            continue
        by_amount = closest(
            order,
            [
                c
                for c in pool
                if c.source == order.gateway
                and c.currency == order.currency
                and c.amount == order.amount
                and abs((c.day - order.day).days) <= DAY_WINDOW
                and (c.source, normalise(c.order_reference)) not in known
            ],
        )
        if by_amount is not None:
            take(order, by_amount, "amount_date", "0.80")
    for order in wanted:
        if order.id not in done and order.amount > 0 and today > order.day + timedelta(GRACE_DAYS):
            problems.append(
                Discrepancy(
                    key=f"order_without_charge:{order.id}",
                    kind="order_without_charge",
                    amount=order.amount,
                    currency=order.currency,
                    refs=(order.name,),
                    detail=f"order {order.name} of {order.amount} {order.currency} on "
                    f"{order.day} has no {order.gateway} charge after {GRACE_DAYS} days",
                )
            )
    for charge in pool:
        if charge.id not in used and today > charge.day + timedelta(GRACE_DAYS):
            problems.append(
                Discrepancy(
                    key=f"charge_without_order:{charge.id}",
                    kind="charge_without_order",
                    amount=charge.amount,
                    currency=charge.currency,
                    refs=(charge.reference,),
                    detail=f"charge {charge.reference} of {charge.amount} {charge.currency} on "
                    f"{charge.day} matches no store order after {GRACE_DAYS} days",
                )
            )
    return found, problems
