"""WooCommerce traffic for tests, the demo and bench/: wc/v3 orders and refunds, bodies and
headers exactly as a site's webhook delivery sends them.

Amounts are decimal strings at the currency's exponent, as WooCommerce prints them, except
``taxes[].total`` (the unrounded tax, up to 6 decimals, trailing zeros trimmed: "1.4784") and
``price`` / ``rate_percent`` (JSON numbers in WooCommerce: never read money from them).
Unit prices are given without tax; ``prices_include_tax`` is only echoed.
"""

from __future__ import annotations

import base64
import secrets as _secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.sources.base import Json, hmac_sha256
from ledgerbridge.sources.simulate_json import ascii_dumps
from ledgerbridge.sources.woocommerce.simulate_lines import (
    _fmt,
    _number,
    fee_line,
    line_item,
    refund_line,
    refund_shipping,
    shipping_line,
)

__all__ = [
    "body",
    "fee_line",
    "headers",
    "line_item",
    "order",
    "ping_body",
    "ping_headers",
    "refund",
    "refund_line",
    "refund_shipping",
    "refund_summary",
    "shipping_line",
    "signature",
]

WC_VERSION = "9.8.5"
WP_VERSION = "6.8.1"
USER_AGENT = f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})"
AUTO = "auto"
_PAID_BY_DEFAULT = ("processing", "completed", "refunded")


def body(payload: Any) -> bytes:
    """``trim(wp_json_encode($payload))``: compact, "/" escaped, non-ASCII as \\uXXXX."""
    text = ascii_dumps(payload)
    return text.replace("/", "\\/").encode("ascii")  # "/" only occurs inside strings


def signature(raw: bytes, secret: str) -> str:
    return base64.b64encode(hmac_sha256(secret.encode(), raw)).decode("ascii")


def headers(
    topic: str,
    body: bytes,
    secret: str,
    webhook_id: int = 1,
    source_url: str = "https://shop.example",
) -> dict[str, str]:
    """The headers of WC_Webhook::deliver(), in its order; Delivery-ID is new per attempt."""
    resource, _, event = topic.partition(".")
    return {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": source_url.rstrip("/") + "/",  # home_url('/')
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": signature(body, secret),
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": _secrets.token_hex(16),  # wp_hash(id . time): 32 hex
    }


def ping_body(webhook_id: int) -> bytes:
    """WC_Webhook::deliver_ping(): a form body, no JSON, no signature."""
    return f"webhook_id={webhook_id}".encode("ascii")


def ping_headers() -> dict[str, str]:
    """The ping's headers: WordPress sets no content type for a string body, so the cURL
    transport sends libcurl's form default (the fsockopen one adds "; charset=UTF-8")."""
    return {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}


def order(
    order_id: int = 1001,
    *,
    status: str = "processing",
    currency: str = "USD",
    line_items: Sequence[Json] | None = None,
    shipping_lines: Sequence[Json] = (),
    fee_lines: Sequence[Json] = (),
    coupons: Sequence[str] = (),
    refunds: Sequence[Json] = (),
    payment_method: str = "stripe",
    payment_method_title: str = "Credit Card (Stripe)",
    transaction_id: str = "",
    date_created_gmt: datetime | str = "2026-03-02T09:30:00",
    date_modified_gmt: datetime | str | None = None,
    date_paid_gmt: datetime | str | None = AUTO,
    prices_include_tax: bool = False,
    number: str | None = None,
    source_url: str = "https://shop.example",
    overrides: Mapping[str, Any] | None = None,
) -> Json:
    """A wc/v3 order; the totals are computed from the lines as WooCommerce does. All of a
    coupon discount (the lines' subtotal - total) goes on the first of ``coupons``.
    ``refunds`` takes refund() objects (or summaries); ``date_paid_gmt`` AUTO = the creation
    time for processing/completed/refunded orders, else null."""
    lines = list(
        line_items if line_items is not None else [line_item(order_id * 10 + 1, currency=currency)]
    )
    ship, fees = list(shipping_lines), list(fee_lines)
    created = _time(date_created_gmt)
    modified = _time(date_modified_gmt) if date_modified_gmt is not None else created
    paid = (
        (created if status in _PAID_BY_DEFAULT else None)
        if date_paid_gmt == AUTO
        else (_time(date_paid_gmt) if date_paid_gmt is not None else None)
    )

    def total(rows: Sequence[Json], field: str) -> Decimal:
        return sum((Decimal(r[field]) for r in rows), Decimal(0))

    discount = total(lines, "subtotal") - total(lines, "total")
    discount_tax = total(lines, "subtotal_tax") - total(lines, "total_tax")
    cart_tax = total(lines, "total_tax") + total(fees, "total_tax")
    shipping_tax = total(ship, "total_tax")
    grand = (
        total(lines, "total")
        + total(fees, "total")
        + total(ship, "total")
        + cart_tax
        + shipping_tax
    )
    next_id = max((r["id"] for r in [*lines, *ship, *fees]), default=order_id * 10) + 1
    coupon_lines: list[Json] = [
        {
            "id": next_id + i,
            "code": code,
            "discount": _fmt(discount if i == 0 else 0, currency),
            "discount_tax": _fmt(discount_tax if i == 0 else 0, currency),
            "discount_type": "fixed_cart",
            "nominal_amount": _number(discount),
            "free_shipping": False,
            "meta_data": [],
        }
        for i, code in enumerate(coupons)
    ]
    doc: Json = {
        "id": order_id,
        "parent_id": 0,
        "status": status,
        "currency": currency.upper(),
        "version": WC_VERSION,
        "prices_include_tax": prices_include_tax,
        "date_created": created,
        "date_modified": modified,
        "discount_total": _fmt(discount, currency),
        "discount_tax": _fmt(discount_tax, currency),
        "shipping_total": _fmt(total(ship, "total"), currency),
        "shipping_tax": _fmt(shipping_tax, currency),
        "cart_tax": _fmt(cart_tax, currency),
        "total": _fmt(grand, currency),
        "total_tax": _fmt(cart_tax + shipping_tax, currency),
        "customer_id": 7,
        "order_key": f"wc_order_{order_id:08x}",
        "billing": _ADDRESS | {"email": "ana@example.org", "phone": ""},
        "shipping": _ADDRESS | {"phone": ""},
        "payment_method": payment_method,
        "payment_method_title": payment_method_title,
        "transaction_id": transaction_id,
        "customer_ip_address": "203.0.113.9",
        "customer_user_agent": "Mozilla/5.0",
        "created_via": "checkout",
        "customer_note": "",
        "date_completed": modified if status == "completed" else None,
        "date_paid": paid,
        "cart_hash": "",
        "number": number or str(order_id),
        "meta_data": [],
        "line_items": lines,
        "tax_lines": _tax_lines(lines, ship, fees, next_id + len(coupon_lines), currency),
        "shipping_lines": ship,
        "fee_lines": fees,
        "coupon_lines": coupon_lines,
        "refunds": [r if "total" in r else refund_summary(r) for r in refunds],
        "payment_url": f"{source_url}/checkout/order-pay/{order_id}/",
        "is_editable": status in ("pending", "on-hold"),
        "needs_payment": paid is None,
        "needs_processing": True,
        "date_created_gmt": created,
        "date_modified_gmt": modified,
        "date_completed_gmt": modified if status == "completed" else None,
        "date_paid_gmt": paid,
        "currency_symbol": "$" if currency.upper() == "USD" else "",
        "_links": {
            "self": [{"href": f"{source_url}/wp-json/wc/v3/orders/{order_id}"}],
            "collection": [{"href": f"{source_url}/wp-json/wc/v3/orders"}],
        },
    }
    return doc | dict(overrides or {})


def refund(
    refund_id: int,
    *,
    order_id: int = 1001,
    line_items: Sequence[Json] = (),
    shipping_lines: Sequence[Json] = (),
    amount: str | None = None,
    reason: str = "",
    date_created_gmt: datetime | str = "2026-03-05T14:00:00",
    refunded_payment: bool = True,
    currency: str = "USD",
    source_url: str = "https://shop.example",
) -> Json:
    """A wc/v3 refund object: ``amount`` positive (default: the lines plus their tax)."""
    lines = [*line_items, *shipping_lines]
    value = (
        Decimal(amount)
        if amount is not None
        else -sum((Decimal(x["total"]) + Decimal(x["total_tax"]) for x in lines), Decimal(0))
    )
    created = _time(date_created_gmt)
    base = f"{source_url}/wp-json/wc/v3/orders/{order_id}"
    return {
        "id": refund_id,
        "date_created": created,
        "date_created_gmt": created,
        "amount": _fmt(value, currency),
        "reason": reason,
        "refunded_by": 1,
        "refunded_payment": refunded_payment,
        "meta_data": [],
        "line_items": list(line_items),
        "shipping_lines": list(shipping_lines),
        "_links": {
            "self": [{"href": f"{base}/refunds/{refund_id}"}],
            "collection": [{"href": f"{base}/refunds"}],
            "up": [{"href": base}],
        },
    }


def refund_summary(refund_doc: Json) -> Json:
    """The order's ``refunds[]`` entry for a refund: ``total`` is the negative amount."""
    return {
        "id": refund_doc["id"],
        "reason": refund_doc["reason"],
        "total": f"-{refund_doc['amount']}",
    }


_ADDRESS = {
    "first_name": "Ana",
    "last_name": "Lima",
    "company": "",
    "address_1": "1 Rua A",
    "address_2": "",
    "city": "Porto",
    "state": "",
    "postcode": "4000-001",
    "country": "PT",
}


def _tax_lines(
    lines: Sequence[Json], ship: Sequence[Json], fees: Sequence[Json], first_id: int, currency: str
) -> list[Json]:
    rates: dict[int, dict[str, Decimal]] = {}
    for rows, key in ((lines, "tax"), (fees, "tax"), (ship, "shipping")):
        for row in rows:
            for tax in row["taxes"]:
                entry = rates.setdefault(
                    tax["id"], dict.fromkeys(("tax", "shipping", "base"), Decimal(0))
                )
                entry[key] += Decimal(tax["total"])
                entry["base"] += Decimal(row["total"])
    return [
        {
            "id": first_id + i,
            "rate_code": f"PT-IVA-{rate_id}",
            "rate_id": rate_id,
            "label": "IVA",
            "compound": False,
            "tax_total": _fmt(r["tax"], currency),
            "shipping_tax_total": _fmt(r["shipping"], currency),
            "rate_percent": _number(_percent(r)),
            "meta_data": [],
        }
        for i, (rate_id, r) in enumerate(sorted(rates.items()))
    ]


def _percent(rate: Mapping[str, Decimal]) -> Decimal:
    """The rate back from the unrounded taxes and their base (4 decimals, as Woo stores it)."""
    if not rate["base"]:
        return Decimal(0)
    return ((rate["tax"] + rate["shipping"]) * 100 / rate["base"]).quantize(Decimal("0.0001"))


def _time(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:  # a naive datetime is taken as UTC, like every *_gmt field
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
