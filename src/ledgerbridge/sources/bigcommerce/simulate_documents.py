"""BigCommerce REST documents for the simulator: the V2 order (4-decimal strings, RFC 2822
dates) and V3 refunds (money as JSON numbers: Python floats here, whose shortest repr is the
2-decimal figure, so a StandIn serves exactly "12.34"; the adapter never reads them as float).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.utils import format_datetime
from typing import Any

from orjson import Fragment

from ledgerbridge.sources.base import Json
from ledgerbridge.sources.simulate_json import number

STORE_HASH = "k7xq2m9r4t"
DEFAULT_TIME = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

STATUSES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
_PAYMENT_STATUS = {4: "refunded", 5: "void", 6: "declined", 14: "partially refunded"}
_PAID = (2, 3, 8, 9, 10, 11, 13)


# --- V2 order ----------------------------------------------------------------------------


def order(
    order_id: int,
    *,
    subtotal: str = "50.00",
    discount: str = "0",
    coupon_discount: str = "0",
    shipping: str = "5.00",
    handling: str = "0",
    wrapping: str = "0",
    tax_rate: str = "0",
    gift_certificate: str = "0",
    store_credit: str = "0",
    status_id: int = 11,
    payment_status: str | None = None,
    currency: str = "USD",
    payment_method: str = "Credit Card",
    date_created: datetime = DEFAULT_TIME,
    overrides: Mapping[str, Any] | None = None,
) -> Json:
    """A ``GET /v2/orders/{id}`` document of a tax-exclusive store. Amounts are given without
    tax; tax = rate x (subtotal - discounts + shipping + handling + wrapping), and
    total_inc_tax = total_ex_tax + total_tax, all printed with 4 decimals."""
    rate = Decimal(tax_rate)
    sub, ship, hand, wrap = (Decimal(x) for x in (subtotal, shipping, handling, wrapping))
    discounts = Decimal(discount) + Decimal(coupon_discount)
    sub_tax, ship_tax = _q4((sub - discounts) * rate), _q4(ship * rate)
    hand_tax, wrap_tax = _q4(hand * rate), _q4(wrap * rate)
    total_ex = sub - discounts + ship + hand + wrap
    total_tax = sub_tax + ship_tax + hand_tax + wrap_tax
    doc: Json = {
        "id": order_id,
        "customer_id": 31,
        "date_created": _rfc2822(date_created),
        "date_modified": _rfc2822(date_created),
        "date_shipped": "",
        "status_id": status_id,
        "status": STATUSES.get(status_id, "Custom"),
        "subtotal_ex_tax": _d4(sub),
        "subtotal_inc_tax": _d4(sub + sub_tax),
        "subtotal_tax": _d4(sub_tax),
        "base_shipping_cost": _d4(ship),
        "shipping_cost_ex_tax": _d4(ship),
        "shipping_cost_inc_tax": _d4(ship + ship_tax),
        "shipping_cost_tax": _d4(ship_tax),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": _d4(hand),
        "handling_cost_ex_tax": _d4(hand),
        "handling_cost_inc_tax": _d4(hand + hand_tax),
        "handling_cost_tax": _d4(hand_tax),
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": _d4(wrap),
        "wrapping_cost_ex_tax": _d4(wrap),
        "wrapping_cost_inc_tax": _d4(wrap + wrap_tax),
        "wrapping_cost_tax": _d4(wrap_tax),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": _d4(total_ex),
        "total_inc_tax": _d4(total_ex + total_tax),
        "total_tax": _d4(total_tax),
        "is_tax_inclusive_pricing": False,
        "items_total": 2,
        "items_shipped": 0,
        "payment_method": payment_method,
        "payment_provider_id": "",
        "payment_status": payment_status
        if payment_status is not None
        else ("captured" if status_id in _PAID else _PAYMENT_STATUS.get(status_id, "pending")),
        "refunded_amount": "0.0000",
        "order_is_digital": False,
        "store_credit_amount": _d4(Decimal(store_credit)),
        "gift_certificate_amount": _d4(Decimal(gift_certificate)),
        "ip_address": "198.51.100.24",
        "ip_address_v6": "",
        "geoip_country": "United States",
        "geoip_country_iso2": "US",
        "currency_id": 1,
        "currency_code": currency.upper(),
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": currency.upper(),
        "staff_notes": "",
        "customer_message": "",
        "discount_amount": _d4(Decimal(discount)),
        "coupon_discount": _d4(Decimal(coupon_discount)),
        "shipping_address_count": 1,
        "ebay_order_id": "0",
        "cart_id": f"c0ffee00-{order_id:04d}-4a1b-9c2d-3e4f5a6b7c8d",
        "billing_address": {
            "first_name": "Rosa",
            "last_name": "Park",
            "company": "",
            "street_1": "12 Elm Row",
            "street_2": "",
            "city": "Denver",
            "state": "Colorado",
            "zip": "80202",
            "country": "United States",
            "country_iso2": "US",
            "phone": "3035550188",
            "email": "rosa.park@example.net",
            "form_fields": [],
        },
        "is_email_opt_in": False,
        "credit_card_type": None,
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "products": _resource(order_id, "products"),
        "shipping_addresses": _resource(order_id, "shippingaddresses"),
        "coupons": _resource(order_id, "coupons"),
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "store_default_currency_code": "",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "custom_status": STATUSES.get(status_id, "Custom"),
        "customer_locale": "en",
        "external_order_id": "",
        "fees": [],
    }
    return doc | dict(overrides or {})


# --- V3 refunds --------------------------------------------------------------------------


def refund(
    refund_id: int,
    *,
    order_id: int,
    total_amount: str,
    total_tax: str | None = "0",
    items: Sequence[Json] | None = None,
    payments: Sequence[Json] | None = None,
    created: datetime = DEFAULT_TIME,
    reason: str = "Customer return",
) -> Json:
    """A V3 refund (``GET /v3/orders/{id}/payment_actions/refunds`` ``data[]``): money as JSON
    numbers. Default: an order-level amount, returned in full to one card payment."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "user_id": 0,
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
        "reason": reason,
        "total_amount": _number(total_amount),
        "total_tax": None if total_tax is None else _number(total_tax),
        "uses_merchant_override_values": False,
        "items": list(items)
        if items is not None
        else [refund_item("ORDER", order_id, requested_amount=total_amount)],
        "payments": list(payments)
        if payments is not None
        else [payment(refund_id * 10 + 1, total_amount)],
    }


def refund_item(
    item_type: str,
    item_id: int,
    *,
    quantity: int | None = None,
    requested_amount: str | None = None,
    reason: str = "",
) -> Json:
    """A refund's item: PRODUCT by ``quantity``, ORDER / SHIPPING / HANDLING by amount."""
    found: Json = {"item_type": item_type, "item_id": item_id, "reason": reason}
    if quantity is not None:
        found["quantity"] = quantity
    found["requested_amount"] = None if requested_amount is None else _number(requested_amount)
    return found


def payment(
    payment_id: int,
    amount: str,
    *,
    provider_id: str = "braintree",
    offline: bool = False,
    is_declined: bool = False,
) -> Json:
    return {
        "id": payment_id,
        "provider_id": provider_id,
        "amount": _number(amount),
        "offline": offline,
        "is_declined": is_declined,
        "declined_message": "Card declined by issuer" if is_declined else "",
    }


def refunds_page(
    refunds: Sequence[Json], *, page: int = 1, total_pages: int = 1, per_page: int = 250
) -> Json:
    """One page of the V3 refunds list, with BigCommerce's ``meta.pagination``."""
    return {
        "data": list(refunds),
        "meta": {
            "pagination": {
                "total": len(refunds) if total_pages == 1 else per_page * total_pages,
                "count": len(refunds),
                "per_page": per_page,
                "current_page": page,
                "total_pages": total_pages,
                "links": {"current": f"?page={page}&limit={per_page}"},
            }
        },
    }


def publish(
    standin: Any,
    *,
    order_doc: Json | None = None,
    refunds: Sequence[Json] | None = None,
    order_id: int | None = None,
    prefix: str = "",
) -> None:
    """Put an order and/or its refunds on a ``demo.standin.StandIn`` under ``prefix`` (the
    ``/stores/{hash}`` part when the source's api_base_url ends with it)."""
    oid = order_id if order_id is not None else (order_doc or {}).get("id")
    if order_doc is not None:
        standin.put(f"{prefix}/v2/orders/{oid}", order_doc)
    if refunds is not None:
        standin.put(f"{prefix}/v3/orders/{oid}/payment_actions/refunds", refunds_page(refunds))


def _resource(order_id: int, name: str) -> Json:
    return {
        "url": f"https://api.bigcommerce.com/stores/{STORE_HASH}/v2/orders/{order_id}/{name}",
        "resource": f"/orders/{order_id}/{name}",
    }


def _rfc2822(value: datetime) -> str:
    """A V2 date: "Mon, 02 Mar 2026 10:00:00 +0000"."""
    return format_datetime(value.astimezone(UTC))


def _q4(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _d4(value: Decimal) -> str:
    return f"{_q4(value):.4f}"


def _number(value: str) -> int | Fragment:
    """A V3 JSON number as PHP prints it (wire format only; the adapter reads it exactly)."""
    return number(value)
