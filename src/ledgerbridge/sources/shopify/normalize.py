"""Shopify payloads -> canonical events (pure): which topic posts what, and the Sale of an order.

    orders/paid                         Sale   key <source>:sale:<order id>
    orders/create, financial_status paid  the same Sale (same key: posted once)
    orders/cancelled                    Noted  (the money side arrives as refunds/create)
    refunds/create                      Refund, or Noted when no refund transaction succeeded
    shopify_payments/payout             (back-fill's internal topic) Fee / DisputeFunds / Payout
                                        / PayoutFailed / Noted: see payments.py
    anything else                       []     (the service marks the event ignored)

Orders are booked in SHOP money (``*_set.shop_money``, else the plain fields, which Shopify
gives in shop currency); the presentment currency and total are kept on the Sale for audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent, Noted, Sale
from ledgerbridge.domain.money import round_half_up
from ledgerbridge.sources.base import Envelope, Json, SourceConfig
from ledgerbridge.sources.shopify.backfill import PAYOUT_TOPIC
from ledgerbridge.sources.shopify.fields import (
    PRESENTMENT,
    SHOP,
    amount,
    currency_code,
    first_time,
    ident,
    items,
    pick,
    quantity,
    side,
    tax_sum,
)
from ledgerbridge.sources.shopify.payments import payout_events
from ledgerbridge.sources.shopify.refund import refund_events

GIFT_CARD = "gift_card"
_ZERO = Decimal(0)


def normalize(envelope: Envelope, lookups: Json, config: SourceConfig) -> list[CommerceEvent]:
    topic, payload = envelope.event_type, _unwrap(envelope.payload)
    if topic == "orders/paid" or (topic == "orders/create" and is_paid(payload)):
        return [sale_of(payload, envelope, lookups, config)]
    if topic == "orders/cancelled":
        return [cancellation_of(payload, envelope, config)]
    if topic == "refunds/create":
        return [refund_events(payload, envelope, config)]
    if topic == PAYOUT_TOPIC:
        return payout_events(payload, lookups, config)
    return []


def is_paid(order: Mapping[str, Any]) -> bool:
    return order.get("financial_status") == "paid"


def _unwrap(payload: Json) -> Json:
    """Webhooks send the bare object; Admin REST documents wrap it (``{"order": {...}}``)."""
    if len(payload) == 1:
        ((name, inner),) = payload.items()
        if name in ("order", "refund", "payout") and isinstance(inner, dict):
            return inner
    return payload


def shop_currency(order: Mapping[str, Any]) -> str:
    found = side(order, "total_price", SHOP, "")
    if found is not None:
        return found[1]
    return currency_code(order.get("currency"), "currency")


def gateway_names(order: Mapping[str, Any]) -> list[str]:
    names = order.get("payment_gateway_names")
    if isinstance(names, list) and names:
        return [str(n) for n in names]
    gateway = order.get("gateway")
    return [str(gateway)] if gateway else []


def mixed_gift_card_tender(order: Mapping[str, Any]) -> bool:
    """Paid partly by gift card and partly through a gateway: only the order's transactions
    say how much each took (the one case that needs a look-up)."""
    names = gateway_names(order)
    return GIFT_CARD in names and any(n != GIFT_CARD for n in names)


def sale_of(order: Json, envelope: Envelope, lookups: Json, config: SourceConfig) -> Sale:
    order_id = ident(order, "id")
    cur = shop_currency(order)
    goods = gift_cards = line_tax = _ZERO
    for i, line in enumerate(items(order, "line_items")):
        where = f"line_items[{i}]."
        value = pick(line, "price", cur, where) * quantity(line, where)
        if line.get("gift_card") is True:
            gift_cards += value  # selling a gift card is a liability, not revenue
        else:
            goods += value
            line_tax += tax_sum(line, cur, where)
    shipping = shipping_tax = _ZERO
    for i, ship in enumerate(items(order, "shipping_lines")):
        shipping += pick(ship, "price", cur, f"shipping_lines[{i}].")
        shipping_tax += tax_sum(ship, cur, f"shipping_lines[{i}].")
    if order.get("taxes_included") is True:
        # Prices include tax: take the tax out of goods and shipping so that
        # goods - discounts + shipping + tax + gift_cards_sold == total still holds.
        goods -= line_tax
        shipping -= shipping_tax
    total = pick(order, "total_price", cur)
    names = gateway_names(order)
    presentment = side(order, "total_price", PRESENTMENT, "")
    return Sale(
        key=f"{config.id}:sale:{order_id}",
        reference=str(order.get("name") or order_id),
        occurred_at=_when(order, envelope, "processed_at", "updated_at", "created_at"),
        currency=cur,
        goods=goods,
        discounts=pick(order, "total_discounts", cur, default=_ZERO),
        shipping=shipping,
        tax=pick(order, "total_tax", cur, default=_ZERO),
        gift_cards_sold=gift_cards,
        gift_card_tender=gift_card_tender(order, names, total, cur, lookups),
        total=total,
        gateway=_gateway(names),
        presentment_currency=_presentment_currency(order, presentment),
        presentment_total=presentment[0] if presentment else None,
    )


def _gateway(names: list[str]) -> str | None:
    """The first gateway that took money; "gift_card" only when nothing else did."""
    others = [n for n in names if n != GIFT_CARD] or names
    return others[0] if others else None


def _presentment_currency(
    order: Mapping[str, Any], found: tuple[Decimal, str] | None
) -> str | None:
    if found is not None:
        return found[1]
    code = order.get("presentment_currency")
    return currency_code(code, "presentment_currency") if code is not None else None


def gift_card_tender(
    order: Json, names: list[str], total: Decimal, cur: str, lookups: Json
) -> Decimal:
    """The part of ``total`` paid with gift cards: all of it when gift cards were the only
    tender, the successful gift-card sale/capture transactions when tender was mixed."""
    if names and all(n == GIFT_CARD for n in names):
        return total
    if not mixed_gift_card_tender(order):
        return _ZERO
    if "transactions" not in lookups:
        raise MalformedPayloadError(
            "mixed gift-card tender needs the order's transactions", field="transactions"
        )
    tender = _ZERO
    for i, txn in enumerate(items(lookups, "transactions")):
        if (txn.get("gateway"), txn.get("status")) != (GIFT_CARD, "success"):
            continue
        if txn.get("kind") in ("sale", "capture"):
            tender += _in_shop_money(txn, order, total, cur, f"transactions[{i}].")
    return tender


def _in_shop_money(txn: Json, order: Json, total: Decimal, cur: str, where: str) -> Decimal:
    """A transaction's amount in shop money. REST transactions carry the presentment amount;
    without ``amount_set`` convert at the order's own rate (shop total / presentment total)."""
    found = side(txn, "amount", SHOP, where)
    if found is not None:
        return found[0]
    code = currency_code(txn.get("currency") or cur, f"{where}currency")
    value = amount(txn.get("amount"), code, f"{where}amount")
    if code == cur:
        return value
    presentment = side(order, "total_price", PRESENTMENT, "")
    if presentment is None or presentment[1] != code or presentment[0] == 0:
        raise MalformedPayloadError(
            f"{where}amount: in {code}, no rate to {cur}", field=f"{where}amount"
        )
    return round_half_up(value * total / presentment[0], cur)


def cancellation_of(order: Json, envelope: Envelope, config: SourceConfig) -> Noted:
    order_id = ident(order, "id")
    name = str(order.get("name") or order_id)
    reason = order.get("cancel_reason") or "no reason given"
    return Noted(
        key=f"{config.id}:sale:{order_id}:cancelled",
        reference=name,
        occurred_at=_when(order, envelope, "cancelled_at", "updated_at"),
        currency=shop_currency(order),
        note=f"order {name} cancelled ({reason}, financial status "
        f"{order.get('financial_status')}); money returned arrives as refunds/create",
    )


def _when(doc: Mapping[str, Any], envelope: Envelope, *names: str) -> datetime:
    """The delivery's X-Shopify-Triggered-At (when the order became paid/cancelled), else
    the payload's own time."""
    found = envelope.occurred_at or first_time(doc, *names)
    if found is None:
        raise MalformedPayloadError(f"{names[0]}: missing", field=names[0])
    return found
