"""WooCommerce order payloads (wc/v3 shape) and their fetched refunds -> canonical events. Pure.

Money is read only from decimal strings at the store's price decimals. Two quirks:
``line_items[].price`` is a JSON number (never read), and ``taxes[].total`` carries the
unrounded tax ("1.4784"), so every amount is summed first and then rounded half up at the
currency's exponent, as WooCommerce prints its totals.

Which orders post (``order.created`` / ``order.updated`` / ``order.restored``):
- a Sale once the order is paid: status processing or completed, or any other status but
  pending/failed/cancelled/draft/trash once ``date_paid_gmt`` is set (on-hold, refunded, a
  plugin's "shipped"); the same order updated ten times posts once (key ``:sale:{id}``);
- one Refund per refund the REST API lists for an order that was ever paid (a cancelled
  order that had been paid posts no Sale again: its refunds carry the money back);
- nothing for an order never paid, nor for ``order.deleted`` or any other topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import (
    MalformedPayloadError,
    UnmappableEventError,
    ValidationError,
)
from ledgerbridge.domain.events import CommerceEvent, Refund, Sale
from ledgerbridge.domain.money import normalize_currency, parse_decimal, round_half_up
from ledgerbridge.sources.base import Json, parse_time

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
PAID_STATUSES = frozenset({"processing", "completed"})
UNPAID_STATUSES = frozenset({"pending", "failed", "cancelled", "checkout-draft", "draft", "trash"})


def normalize(topic: str, payload: Json, lookups: Json, source_id: str) -> list[CommerceEvent]:
    """The events one WooCommerce order delivery stands for (see the module docstring)."""
    if topic not in ORDER_TOPICS:
        return []
    status = text(payload, "status")
    paid_at = optional_time(payload, "date_paid_gmt")
    if status not in PAID_STATUSES and paid_at is None:
        return []
    order_id = integer(payload, "id")
    currency = _currency(payload)
    number = str(payload.get("number") or order_id)
    gateway = payload.get("payment_method") or None
    events: list[CommerceEvent] = []
    if status in PAID_STATUSES or status not in UNPAID_STATUSES:
        events.append(_sale(payload, source_id, order_id, number, currency, paid_at))
    for doc in _refund_documents(payload, lookups, order_id):
        events.append(_refund(doc, source_id, number, currency, gateway))
    return events


def _sale(
    payload: Json,
    source_id: str,
    order_id: int,
    number: str,
    currency: str,
    paid_at: datetime | None,
) -> Sale:
    # Woo line subtotals are before coupon discounts and exclude tax; fee lines (which may be
    # negative) are goods too, so goods - discount_total + shipping + tax = total.
    goods = _sum(
        currency,
        (
            amount(line, "subtotal", f"line_items[{i}]")
            for i, line in enumerate(items(payload, "line_items"))
        ),
    )
    goods += _sum(
        currency,
        (
            amount(line, "total", f"fee_lines[{i}]")
            for i, line in enumerate(items(payload, "fee_lines", required=False))
        ),
    )
    gateway = payload.get("payment_method")
    return Sale(
        key=f"{source_id}:sale:{order_id}",
        reference=number,
        occurred_at=paid_at or required_time(payload, "date_modified_gmt"),
        currency=currency,
        goods=goods,
        discounts=_sum(currency, [amount(payload, "discount_total")]),
        shipping=_sum(currency, [amount(payload, "shipping_total")]),
        tax=_sum(currency, [amount(payload, "total_tax")]),
        total=_sum(currency, [amount(payload, "total")]),
        gateway=str(gateway) if gateway else None,
    )


def _refund_documents(payload: Json, lookups: Json, order_id: int) -> list[Json]:
    """The refunds as the REST API lists them now (the payload's summary only triggers the
    look-up: a refund deleted since, or created since, is as the API says)."""
    listed = items(payload, "refunds", required=False)
    fetched = lookups.get("refunds")
    if fetched is None:
        if listed:
            raise UnmappableEventError(
                f"order {order_id} lists refunds but no look-up of "
                f"/wp-json/wc/v3/orders/{order_id}/refunds was made",
                order_id=order_id,
            )
        return []
    if not isinstance(fetched, list) or not all(isinstance(r, dict) for r in fetched):
        raise MalformedPayloadError("lookups.refunds is not a list of refund objects")
    return fetched


def _refund(doc: Json, source_id: str, order_number: str, currency: str, gateway: object) -> Refund:
    refund_id = integer(doc, "id", "refund")
    where = f"refund {refund_id}"
    total = _sum(currency, [amount(doc, "amount", where)])
    lines = items(doc, "line_items", required=False, where=where)
    shipping_lines = items(doc, "shipping_lines", required=False, where=where)
    if lines or shipping_lines:
        # Refund lines carry negative quantities and totals.
        goods = -_sum(
            currency, (amount(x, "total", f"{where} line_items[{i}]") for i, x in enumerate(lines))
        )
        shipping = -_sum(
            currency,
            (
                amount(x, "total", f"{where} shipping_lines[{i}]")
                for i, x in enumerate(shipping_lines)
            ),
        )
        tax = -_sum(
            currency,
            [
                *(amount(x, "total_tax", f"{where} line_items[{i}]") for i, x in enumerate(lines)),
                *(
                    amount(x, "total_tax", f"{where} shipping_lines[{i}]")
                    for i, x in enumerate(shipping_lines)
                ),
            ],
        )
    else:  # an amount-only refund ("refund 5.00"): all of it is a return of sales
        goods, shipping, tax = total, _sum(currency, []), _sum(currency, [])
    return Refund(
        key=f"{source_id}:refund:{refund_id}",
        reference=str(refund_id),
        order_reference=order_number,
        occurred_at=required_time(doc, "date_created_gmt", where),
        currency=currency,
        goods=goods,
        shipping=shipping,
        tax=tax,
        total=total,
        # refunded_payment false = refunded by hand outside the gateway (cash, bank transfer).
        gateway=str(gateway) if gateway and doc.get("refunded_payment") else None,
    )


# --- field readers: every failure names the field -------------------------------------------


def _where(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def text(doc: Mapping[str, Any], field: str, where: str = "") -> str:
    value = doc.get(field)
    if not isinstance(value, str) or not value:
        raise MalformedPayloadError(
            f"{_where(where, field)} missing or not a string", field=_where(where, field)
        )
    return value


def integer(doc: Mapping[str, Any], field: str, where: str = "") -> int:
    value = doc.get(field)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedPayloadError(
            f"{_where(where, field)} missing or not an integer id", field=_where(where, field)
        )
    return value


def amount(doc: Mapping[str, Any], field: str, where: str = "") -> Decimal:
    """A decimal-string money field (a JSON number with decimals arrives as float: refused)."""
    name = _where(where, field)
    if field not in doc:
        raise MalformedPayloadError(f"{name} missing", field=name)
    try:
        return parse_decimal(doc[field], field=name)
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=name) from None


def items(
    doc: Mapping[str, Any], field: str, *, required: bool = True, where: str = ""
) -> list[Json]:
    value = doc.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise MalformedPayloadError(
            f"{_where(where, field)} missing or not a list of objects", field=_where(where, field)
        )
    return value


def optional_time(doc: Mapping[str, Any], field: str, where: str = "") -> datetime | None:
    """A WooCommerce ``*_gmt`` time (no offset: it is UTC); null or "" is None."""
    value = doc.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedPayloadError(
            f"{_where(where, field)} is not a date string", field=_where(where, field)
        )
    try:
        return parse_time(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{_where(where, field)} is not an ISO 8601 date: {value!r}", field=_where(where, field)
        ) from None


def required_time(doc: Mapping[str, Any], field: str, where: str = "") -> datetime:
    value = optional_time(doc, field, where)
    if value is None:
        raise MalformedPayloadError(f"{_where(where, field)} missing", field=_where(where, field))
    return value


def _currency(payload: Json) -> str:
    try:
        return normalize_currency(text(payload, "currency"))
    except MalformedPayloadError:
        raise
    except ValidationError as exc:
        raise MalformedPayloadError(f"currency: {exc.message}", field="currency") from None


def _sum(currency: str, values: Iterable[Decimal]) -> Decimal:
    return round_half_up(sum(values, Decimal(0)), currency)
