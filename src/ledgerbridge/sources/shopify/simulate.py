"""Shopify traffic as Shopify sends it: order and refund payloads, signed headers.

Payloads are the bare webhook objects (not the Admin REST ``{"order": ...}`` wrapper), money
as decimal strings with ``*_set`` shop/presentment pairs. ``order`` computes a consistent
order (discount allocated over the lines, tax per line and on shipping, tax-exclusive or
-inclusive); ``refund`` refunds quantities and shipping of such an order. Used by the demo,
the end-to-end tests and bench/.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson

from ledgerbridge.domain.money import Money, allocate
from ledgerbridge.sources.base import hmac_sha256
from ledgerbridge.sources.shopify.simulate_wire import (
    Line,
    Pair,
    line_item,
    rate_of,
    tax_lines,
    tax_on,
    timestamp,
)

__all__ = [
    "API_VERSION",
    "DEFAULT_LINES",
    "Line",
    "body",
    "cancelled",
    "headers",
    "order",
    "refund",
]

Json = dict[str, Any]
API_VERSION = "2025-01"


DEFAULT_LINES = (Line("Linen shirt", "45.00", 2, sku="LS-01"), Line("Canvas tote", "20.00"))


def headers(
    topic: str,
    body: bytes,
    secret: str,
    webhook_id: str,
    shop_domain: str,
    triggered_at: datetime | None = None,
    *,
    api_version: str = API_VERSION,
    event_id: str | None = None,
) -> dict[str, str]:
    """The headers of one delivery, signed with ``secret`` (a retry keeps ``webhook_id``)."""
    at = (triggered_at or datetime.now(UTC)).astimezone(UTC)
    signature = base64.b64encode(hmac_sha256(secret.encode(), body)).decode()
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-API-Version": api_version,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Triggered-At": f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond:06d}000Z",
        "X-Shopify-Event-Id": event_id or str(uuid.uuid5(uuid.NAMESPACE_URL, webhook_id)),
    }


def body(payload: Json) -> bytes:
    return orjson.dumps(payload)


def order(
    order_id: int,
    *,
    number: int | None = None,
    lines: Sequence[Line] = DEFAULT_LINES,
    currency: str = "USD",
    presentment_currency: str | None = None,
    rate: str | Decimal = "1",
    shipping: str | Decimal = "5.00",
    tax_rate: str | Decimal = "0",
    taxes_included: bool = False,
    discount: str | Decimal = "0",
    discount_code: str = "WELCOME10",
    payment_gateway_names: Sequence[str] = ("shopify_payments",),
    financial_status: str = "paid",
    created_at: datetime | None = None,
    email: str = "customer@example.com",
) -> Json:
    """An order (orders/create, orders/paid, orders/updated payload). ``rate`` converts shop
    to presentment currency; ``discount`` (shop money) is allocated across non-gift-card
    lines by value; ``tax_rate`` applies per line after discount and to shipping."""
    m = Pair(currency.upper(), (presentment_currency or currency).upper(), Decimal(rate))
    r, ship, disc = Decimal(tax_rate), m.q(Decimal(shipping)), m.q(Decimal(discount))
    values = [m.q(Decimal(x.price)) * x.quantity for x in lines]
    taxable = [i for i, x in enumerate(lines) if not x.gift_card and values[i] > 0]
    allocated = [Decimal(0)] * len(lines)
    if disc and taxable:
        parts = allocate(Money(disc, m.shop), [values[i] for i in taxable])
        for i, part in zip(taxable, parts, strict=True):
            allocated[i] = part.amount
    line_docs, line_tax = [], Decimal(0)
    for i, x in enumerate(lines):
        tax = Decimal(0) if x.gift_card else tax_on(values[i] - allocated[i], r, taxes_included, m)
        line_tax += tax
        line_docs.append(line_item(order_id * 10 + i + 1, x, allocated[i], tax, r, m))
    ship_tax = tax_on(ship, r, taxes_included, m)
    tax_total = line_tax + ship_tax
    subtotal = sum(values, Decimal(0)) - disc
    total = subtotal + ship + (Decimal(0) if taxes_included else tax_total)
    at = timestamp(created_at)
    num = number if number is not None else 1000 + order_id % 100000
    names = list(payment_gateway_names)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{num}",
        "order_number": num,
        "number": num - 1000,
        "email": email,
        "created_at": at,
        "updated_at": at,
        "processed_at": at,
        "cancelled_at": None,
        "cancel_reason": None,
        "closed_at": None,
        "test": False,
        "confirmed": True,
        "currency": m.shop,
        "presentment_currency": m.presentment,
        "financial_status": financial_status,
        "fulfillment_status": None,
        "taxes_included": taxes_included,
        "tax_exempt": False,
        "source_name": "web",
        "gateway": names[0] if names else "",
        "payment_gateway_names": names,
        **m.field("total_line_items_price", sum(values, Decimal(0))),
        **m.field("subtotal_price", subtotal),
        **m.field("total_discounts", disc),
        **m.field("total_tax", tax_total),
        **m.field("total_price", total),
        "total_shipping_price_set": m.set(ship),
        **m.field("current_total_price", total),
        "total_outstanding": "0.00" if financial_status == "paid" else m.text(total),
        "discount_codes": [{"code": discount_code, "amount": m.text(disc), "type": "fixed_amount"}]
        if disc
        else [],
        "discount_applications": [
            {
                "type": "discount_code",
                "code": discount_code,
                "value": m.text(disc),
                "value_type": "fixed_amount",
                "allocation_method": "across",
                "target_selection": "all",
                "target_type": "line_item",
            }
        ]
        if disc
        else [],
        "tax_lines": tax_lines(tax_total, r, m),
        "line_items": line_docs,
        "shipping_lines": [
            {
                "id": order_id * 10,
                "title": "Standard",
                "code": "Standard",
                "source": "shopify",
                **m.field("price", ship),
                **m.field("discounted_price", ship),
                "discount_allocations": [],
                "tax_lines": tax_lines(ship_tax, r, m),
            }
        ]
        if ship
        else [],
        "refunds": [],
    }


def refund(
    order_doc: Mapping[str, Any],
    refund_id: int,
    *,
    quantities: Mapping[int, int] | None = None,
    shipping: str | Decimal = "0",
    amount: str | Decimal | None = None,
    status: str = "success",
    gateway: str | None = None,
    transaction_id: int | None = None,
    created_at: datetime | None = None,
    restock: bool = True,
    note: str | None = None,
) -> Json:
    """A refunds/create payload for ``order_doc`` (built by ``order``): ``quantities`` maps
    line item id -> quantity refunded (None: every line in full; {}: none, e.g. shipping
    only); ``shipping`` is the shipping price refunded (as charged); ``amount`` overrides the
    refund transaction's amount; ``status`` "pending"/"failure" leaves no money moved."""
    m = Pair(order_doc["currency"], order_doc["presentment_currency"], rate_of(order_doc))
    included = bool(order_doc["taxes_included"])
    wanted = (
        quantities
        if quantities is not None
        else {li["id"]: li["quantity"] for li in order_doc["line_items"]}
    )
    rlis, money, money_p = [], Decimal(0), Decimal(0)
    for li in order_doc["line_items"]:
        qty = wanted.get(li["id"], 0)
        if not qty:
            continue
        share = Decimal(qty) / li["quantity"]
        subtotal = m.q(Decimal(li["price"]) * qty - Decimal(li["total_discount"]) * share)
        tax = m.q(sum((Decimal(t["price"]) for t in li["tax_lines"]), Decimal(0)) * share)
        money += subtotal if included else subtotal + tax
        money_p += m.other(subtotal) if included else m.other(subtotal) + m.other(tax)
        rlis.append(
            {
                "id": li["id"] + 500000,
                "line_item_id": li["id"],
                "quantity": qty,
                "restock_type": "return" if restock else "no_restock",
                "location_id": None,
                **m.field("subtotal", subtotal),
                **m.field("total_tax", tax),
                "line_item": li,
            }
        )
    adjustments = []
    ship = m.q(Decimal(shipping))
    if ship:
        line = order_doc["shipping_lines"][0]
        charged = Decimal(line["price"])
        ship_tax = m.q(
            sum((Decimal(t["price"]) for t in line["tax_lines"]), Decimal(0)) * ship / charged
        )
        net = ship - ship_tax if included else ship
        money += net + ship_tax
        money_p += m.other(net) + m.other(ship_tax)
        adjustments.append(
            {
                "id": refund_id + 1,
                "order_id": order_doc["id"],
                "refund_id": refund_id,
                "kind": "shipping_refund",
                "reason": "Shipping refund",
                **m.field("amount", -net),
                **m.field("tax_amount", -ship_tax),
            }
        )
    # REST refund transactions carry the presentment amount and currency.
    paid = m.q(Decimal(amount)) if amount is not None else money
    paid_p = m.other(paid) if amount is not None else money_p
    at = timestamp(created_at)
    names = [n for n in order_doc["payment_gateway_names"] if n != "gift_card"]
    txn_id = transaction_id or refund_id + 2
    transactions = (
        [
            {
                "id": txn_id,
                "admin_graphql_api_id": f"gid://shopify/OrderTransaction/{txn_id}",
                "order_id": order_doc["id"],
                "kind": "refund",
                "status": status,
                "gateway": gateway or (names[0] if names else "manual"),
                "amount": str(paid_p),
                "currency": m.presentment,
                "created_at": at,
                "processed_at": at,
                "parent_id": txn_id - 1,
                "test": False,
                "message": None,
                "error_code": None,
                "source_name": "web",
            }
        ]
        if paid
        else []
    )
    return {
        "id": refund_id,
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "order_id": order_doc["id"],
        "created_at": at,
        "processed_at": at,
        "note": note,
        "restock": restock,
        "user_id": None,
        "refund_line_items": rlis,
        "transactions": transactions,
        "order_adjustments": adjustments,
        "duties": [],
    }


def cancelled(
    order_doc: Mapping[str, Any], *, reason: str = "customer", at: datetime | None = None
) -> Json:
    """The orders/cancelled payload of ``order_doc``."""
    when = timestamp(at)
    status = "voided" if order_doc["financial_status"] != "paid" else "refunded"
    return {
        **order_doc,
        "cancelled_at": when,
        "updated_at": when,
        "cancel_reason": reason,
        "financial_status": status,
    }
