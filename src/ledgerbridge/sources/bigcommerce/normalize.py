"""BigCommerce webhooks + the documents fetched for them -> canonical events. Pure.

The webhook is only a hint: ``store/order/created|updated|statusUpdated`` carry an order id,
and the order is read back with ``GET /v2/orders/{id}`` (lookups ``order``), so what posts is
the order as it is now, whatever order the deliveries arrive in.

An order posts a Sale (key ``:sale:{id}``, once however many deliveries report it) when it is
paid: status_id Awaiting Fulfillment 11, Awaiting Shipment 9, Awaiting Pickup 8, Partially
Shipped 3, Shipped 2 or Completed 10, or payment_status "captured" / "paid". An order whose
status says money was taken and later returned (Refunded 4, Partially Refunded 14, or
payment_status "refunded" / "partially refunded") was paid too, and posts its Sale: its
refunds post on their own and would otherwise leave the clearing account short. Any other
status (Incomplete, Pending, Awaiting Payment, Declined, Cancelled, Manual Verification
Required, ...) posts nothing yet.

Sale, from the V2 order (4-decimal strings, each rounded half up at the currency exponent):
    goods     subtotal_ex_tax + wrapping_cost_ex_tax
    discounts discount_amount + coupon_discount (both lower total_inc_tax)
    shipping  shipping_cost_ex_tax + handling_cost_ex_tax
    tax       total_tax
    total     total_inc_tax; what the parts leave over (custom ``fees[]``, tax-inclusive
              discounts) is revenue, posted to sales by the Sale rule
    gift_card_tender  gift_certificate_amount + store_credit_amount (prepaid customer
              balances: neither reaches the gateway)
    currency  currency_code (the transactional currency); gateway payment_method.

Refunds (refund.py) post on their own against the clearing account and never wait for their
order: a refund that arrives before its order's Sale simply posts first.
"""

from __future__ import annotations

from decimal import Decimal

from ledgerbridge.domain.errors import MalformedPayloadError, UnmappableEventError
from ledgerbridge.domain.events import CommerceEvent, Sale
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.bigcommerce import refund, wire

ORDER_SCOPES = frozenset(
    {"store/order/created", "store/order/updated", "store/order/statusUpdated"}
)
REFUND_SCOPE = "store/order/refund/created"
PAID_STATUS_IDS = frozenset({2, 3, 8, 9, 10, 11})
REFUNDED_STATUS_IDS = frozenset({4, 14})
PAID_PAYMENT_STATUSES = frozenset({"captured", "paid", "refunded", "partially refunded"})


def normalize(scope: str, payload: Json, lookups: Json, source_id: str) -> list[CommerceEvent]:
    """The events one delivery stands for (see the module docstring); other scopes: []."""
    if scope in ORDER_SCOPES:
        order = fetched_order(payload, lookups)
        return [sale(order, source_id)] if is_paid(order) else []
    if scope == REFUND_SCOPE:
        order = fetched_order(payload, lookups)
        data = wire.section(payload, "data")
        wanted = wire.integer(wire.section(data, "refund", "data"), "refund_id", "data.refund")
        return refund.refunds(order, _fetched_refunds(lookups), wanted, source_id)
    return []


def order_id(payload: Json) -> int:
    """The order a store/order/* webhook is about: ``data.id``."""
    return wire.integer(wire.section(payload, "data"), "id", "data")


def is_paid(order: Json) -> bool:
    status_id = wire.integer(order, "status_id", "order")
    payment_status = str(order.get("payment_status") or "").strip().lower()
    return (
        status_id in PAID_STATUS_IDS
        or status_id in REFUNDED_STATUS_IDS
        or payment_status in PAID_PAYMENT_STATUSES
    )


def sale(order: Json, source_id: str) -> Sale:
    oid = wire.integer(order, "id", "order")
    cur = wire.currency(order, "currency_code", "order")

    def part(*fields: str, required: bool = True) -> Decimal:
        return sum(
            (wire.money(order, f, cur, "order", required=required) for f in fields), Decimal(0)
        )

    gateway = order.get("payment_method")
    return Sale(
        key=f"{source_id}:sale:{oid}",
        reference=str(oid),
        occurred_at=wire.rfc2822_time(order, "date_created", "order"),
        currency=cur,
        goods=part("subtotal_ex_tax") + part("wrapping_cost_ex_tax", required=False),
        discounts=part("discount_amount", "coupon_discount", required=False),
        shipping=part("shipping_cost_ex_tax") + part("handling_cost_ex_tax", required=False),
        tax=part("total_tax"),
        gift_card_tender=part("gift_certificate_amount", "store_credit_amount", required=False),
        total=part("total_inc_tax"),
        gateway=str(gateway) if isinstance(gateway, str) and gateway else None,
    )


def fetched_order(payload: Json, lookups: Json) -> Json:
    """The V2 order fetched for this delivery, and the one the webhook names."""
    wanted = order_id(payload)
    order = lookups.get("order")
    if order is None:
        raise UnmappableEventError(
            f"no look-up of /v2/orders/{wanted} was made for this delivery", order_id=wanted
        )
    if not isinstance(order, dict):
        raise MalformedPayloadError("lookups.order is not an object", field="lookups.order")
    if wire.integer(order, "id", "order") != wanted:
        raise MalformedPayloadError(
            f"lookups.order is order {order.get('id')}, the webhook names {wanted}",
            field="order.id",
        )
    return order


def _fetched_refunds(lookups: Json) -> list[Json]:
    found = lookups.get("refunds")
    if found is None:
        raise UnmappableEventError("no look-up of the order's refunds was made")
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise MalformedPayloadError("lookups.refunds is not a list of refund objects")
    return found
