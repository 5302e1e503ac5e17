"""Magento-shaped documents, webhook bodies and signatures, for tests, the demo and bench/.

Documents follow ``GET /rest/V1/invoices/{id}``, ``/V1/creditmemo/{id}`` and ``/V1/orders/{id}``
(money as JSON numbers, ``discount_amount`` negative, each amount with its ``base_*`` twin,
times "YYYY-MM-DD HH:MM:SS" UTC). Builders hold money as Decimal; ``body`` writes them as exact
JSON numbers, ``model_data`` as the "165.5000" strings an observer's model data carries, and
``rest_document`` as a JSON library holds them (for StandIn.put). Signers: ``adobe_headers``
(RSA-SHA256 over base64(body), as Adobe Commerce Webhooks send), ``oss_headers``
(X-Magento-Signature) and ``timed_headers`` (X-Ledgerbridge-Signature).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.sources.base import Json
from ledgerbridge.sources.magento.simulate_sign import (
    adobe_headers,
    adobe_signature,
    generate_key_pair,
    oss_headers,
    timed_headers,
)

__all__ = [
    "adobe_headers",
    "adobe_signature",
    "body",
    "creditmemo",
    "event",
    "generate_key_pair",
    "invoice",
    "model_data",
    "order",
    "oss_headers",
    "rest_document",
    "timed_headers",
]

Line = tuple[str, str, int]
"""(name, unit price without tax, quantity)."""

DEFAULT_LINES: tuple[Line, ...] = (("Linen shirt", "45.00", 2), ("Canvas tote", "20.00", 1))


def invoice(
    invoice_id: int,
    *,
    order_id: int,
    increment_id: str | None = None,
    lines: Sequence[Line] = DEFAULT_LINES,
    discount: str = "0",
    shipping: str = "0",
    tax: str = "0",
    gift_cards: str = "0",
    currency: str = "USD",
    base_currency: str | None = None,
    base_to_order_rate: str = "1",
    state: int = 2,
    created_at: datetime | str = "2026-03-02 10:00:00",
    updated_at: datetime | str | None = None,
) -> Json:
    """A paid invoice (state 2): grand_total = subtotal - discount + shipping + tax - gift
    cards (Adobe Commerce gift cards lower what the gateway charges)."""
    subtotal = sum((Decimal(p) * q for _, p, q in lines), Decimal(0))
    grand = subtotal - Decimal(discount) + Decimal(shipping) + Decimal(tax) - Decimal(gift_cards)
    amounts = {
        "subtotal": subtotal,
        "subtotal_incl_tax": subtotal + Decimal(tax),
        "discount_amount": -Decimal(discount),
        "shipping_amount": Decimal(shipping),
        "shipping_incl_tax": Decimal(shipping),
        "tax_amount": Decimal(tax),
        "discount_tax_compensation_amount": Decimal(0),
        "grand_total": grand,
    }
    if Decimal(gift_cards):
        amounts["gift_cards_amount"] = Decimal(gift_cards)
    doc: Json = {
        "entity_id": invoice_id,
        "increment_id": increment_id or f"{invoice_id:09d}",
        "order_id": order_id,
        "state": state,
        "store_id": 1,
        "total_qty": sum(q for _, _, q in lines),
        "email_sent": 1,
        "can_void_flag": 0,
        "created_at": _time(created_at),
        "updated_at": _time(updated_at or created_at),
        "items": [
            _item(invoice_id * 100 + i, invoice_id, line, "order_item_id")
            for i, line in enumerate(lines, 1)
        ],
        "comments": [],
    }
    return doc | _currencies(currency, base_currency, base_to_order_rate, amounts)


def creditmemo(
    memo_id: int,
    *,
    order_id: int,
    invoice_id: int | None = None,
    increment_id: str | None = None,
    lines: Sequence[Line] = (("Linen shirt", "45.00", 1),),
    discount: str = "0",
    shipping: str = "0",
    tax: str = "0",
    adjustment_positive: str = "0",
    adjustment_negative: str = "0",
    currency: str = "USD",
    base_currency: str | None = None,
    base_to_order_rate: str = "1",
    state: int = 2,
    created_at: datetime | str = "2026-03-04 09:30:00",
    updated_at: datetime | str | None = None,
) -> Json:
    """A refunded credit memo (state 2): grand_total = subtotal - discount + shipping + tax +
    adjustment_positive (a refund on top) - adjustment_negative (a fee kept back)."""
    subtotal = sum((Decimal(p) * q for _, p, q in lines), Decimal(0))
    adjustment = Decimal(adjustment_positive) - Decimal(adjustment_negative)
    grand = subtotal - Decimal(discount) + Decimal(shipping) + Decimal(tax) + adjustment
    amounts = {
        "subtotal": subtotal,
        "subtotal_incl_tax": subtotal + Decimal(tax),
        "discount_amount": -Decimal(discount),
        "shipping_amount": Decimal(shipping),
        "shipping_incl_tax": Decimal(shipping),
        "tax_amount": Decimal(tax),
        "adjustment_positive": Decimal(adjustment_positive),
        "adjustment_negative": Decimal(adjustment_negative),
        "adjustment": adjustment,
        "grand_total": grand,
    }
    doc: Json = {
        "entity_id": memo_id,
        "increment_id": increment_id or f"{memo_id:09d}",
        "order_id": order_id,
        "invoice_id": invoice_id,
        "state": state,
        "creditmemo_status": 1,
        "store_id": 1,
        "email_sent": 0,
        "created_at": _time(created_at),
        "updated_at": _time(updated_at or created_at),
        "items": [
            _item(memo_id * 100 + i, memo_id, line, "order_item_id")
            for i, line in enumerate(lines, 1)
        ],
        "comments": [],
    }
    return doc | _currencies(currency, base_currency, base_to_order_rate, amounts)


def order(
    order_id: int,
    *,
    increment_id: str | None = None,
    state: str = "processing",
    status: str | None = None,
    payment_method: str = "stripe_payments",
    lines: Sequence[Line] = DEFAULT_LINES,
    shipping: str = "0",
    tax: str = "0",
    discount: str = "0",
    currency: str = "USD",
    created_at: datetime | str = "2026-03-02 09:58:00",
    updated_at: datetime | str | None = None,
) -> Json:
    """An order as GET /V1/orders/{id} answers it (the fields ledgerbridge reads and more)."""
    subtotal = sum((Decimal(p) * q for _, p, q in lines), Decimal(0))
    grand = subtotal - Decimal(discount) + Decimal(shipping) + Decimal(tax)
    amounts = {
        "subtotal": subtotal,
        "discount_amount": -Decimal(discount),
        "shipping_amount": Decimal(shipping),
        "tax_amount": Decimal(tax),
        "grand_total": grand,
        "total_paid": grand if state in ("processing", "complete", "closed") else Decimal(0),
    }
    doc: Json = {
        "entity_id": order_id,
        "increment_id": increment_id or f"{order_id:09d}",
        "state": state,
        "status": status or ("canceled" if state == "canceled" else state),
        "customer_email": "ana@example.org",
        "customer_firstname": "Ana",
        "customer_lastname": "Lima",
        "created_at": _time(created_at),
        "updated_at": _time(updated_at or created_at),
        "items": [
            _item(order_id * 100 + i, order_id, line, "item_id") for i, line in enumerate(lines, 1)
        ],
        "payment": {
            "entity_id": order_id,
            "parent_id": order_id,
            "method": payment_method,
            "amount_ordered": grand,
            "base_amount_ordered": grand,
            "last_trans_id": f"txn_{order_id}",
        },
        "status_histories": [],
    }
    return doc | _currencies(currency, None, "1", amounts)


def event(
    event_name: str, kind: str, document: Json, *, order: Json | None = None, **extra: Any
) -> Json:
    """An observer event as Adobe Commerce Webhooks (and the ledgerbridge module) POST it."""
    data: Json = {kind: document}
    if order is not None:
        data["order"] = order
    return {"eventName": f"observer.{event_name}", "data": data, **extra}


def body(payload: Any) -> bytes:
    """Compact JSON with every Decimal written as an exact JSON number (as PHP prints it)."""
    return _dump(payload).encode()


def model_data(payload: Any) -> Any:
    """``payload`` with money as Magento's stored decimal strings ("165.5000")."""
    if isinstance(payload, Decimal):
        return f"{payload:.4f}"
    if isinstance(payload, dict):
        return {k: model_data(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [model_data(v) for v in payload]
    return payload


def rest_document(payload: Any) -> Any:
    """The document as a JSON library holds it (for StandIn.put, which writes with orjson)."""
    return json.loads(body(payload))


def _currencies(
    currency: str, base_currency: str | None, rate: str, amounts: Mapping[str, Decimal]
) -> Json:
    code, base = currency.upper(), (base_currency or currency).upper()
    fields: Json = {
        "order_currency_code": code,
        "base_currency_code": base,
        "global_currency_code": base,
        "store_currency_code": base,
        "base_to_global_rate": Decimal(1),
        "base_to_order_rate": Decimal(rate),
    }
    for name, value in amounts.items():
        fields[name] = value
        fields[f"base_{name}"] = (value / Decimal(rate)).quantize(Decimal("0.0001"))
    return fields


def _item(item_id: int, parent_id: int, line: Line, link: str) -> Json:
    name, price, qty = line
    row = Decimal(price) * qty
    return {
        "entity_id": item_id,
        "parent_id": parent_id,
        link: item_id,
        "name": name,
        "sku": name.upper().replace(" ", "-"),
        "price": Decimal(price),
        "base_price": Decimal(price),
        "row_total": row,
        "base_row_total": row,
        "qty": qty,
        "tax_amount": Decimal(0),
    }


def _dump(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "") else text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _time(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
