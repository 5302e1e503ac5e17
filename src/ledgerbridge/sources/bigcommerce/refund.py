"""store/order/refund/created + the order's V3 refunds -> Refund / Noted events. Pure.

``GET /v3/orders/{id}/payment_actions/refunds`` lists every refund of the order; each posts
once under ``:refund:{refund id}``, so a delivery that was missed is caught up by the next one.
A refund posts on its own against the clearing account and never waits for its order's Sale
(the project's ordering rule): a refund that arrives first simply posts first.

The refund document carries no currency: it is the order's ``currency_code``. Its money is
JSON numbers in V3, read exactly by client.py (kept as decimal strings), rounded half up here:
    total     total_amount, or, when some of its payments were declined, what the others
              returned (a refund whose payments were all declined moved no money: Noted)
    tax       total_tax (may be negative: tax kept by refunding less), scaled with the total
              when part was declined
    shipping  requested_amount of its SHIPPING and HANDLING items, when given and no more
              than the total less tax
    goods     the rest (product lines, order-level amounts, gift wrapping, fees)
    gateway   the order's payment_method, or None when every payment returned went outside
              the gateway (``offline``, or to store credit)
"""

from __future__ import annotations

from decimal import Decimal

from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.domain.events import CommerceEvent, Noted, Refund
from ledgerbridge.domain.money import round_half_up
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.bigcommerce import wire

SHIPPING_ITEM_TYPES = frozenset({"SHIPPING", "HANDLING"})
OUTSIDE_GATEWAY_PROVIDERS = frozenset({"storecredit", "store_credit"})


def refunds(order: Json, documents: list[Json], wanted: int, source_id: str) -> list[CommerceEvent]:
    """One event per refund the API lists; the refund the webhook names must be among them
    (else the API has not caught up: the event fails and is replayed later)."""
    order_id = wire.integer(order, "id", "order")
    listed = {wire.integer(doc, "id", f"refunds[{i}]") for i, doc in enumerate(documents)}
    if wanted not in listed:
        raise UnmappableEventError(
            f"refund {wanted} of order {order_id} is not listed by the refunds API yet",
            order_id=order_id,
            refund_id=wanted,
        )
    return [refund_event(doc, order, source_id, f"refunds[{i}]") for i, doc in enumerate(documents)]


def refund_event(doc: Json, order: Json, source_id: str, where: str) -> Refund | Noted:
    refund_id = wire.integer(doc, "id", where)
    order_id = wire.integer(order, "id", "order")
    cur = wire.currency(order, "currency_code", "order")
    key = f"{source_id}:refund:{refund_id}"
    occurred_at = wire.iso_time(doc, "created", where)
    payments = wire.items(doc, "payments", required=False, where=where)
    returned = [(i, p) for i, p in enumerate(payments) if p.get("is_declined") is not True]
    if payments and not returned:
        return Noted(
            key=key,
            reference=str(refund_id),
            occurred_at=occurred_at,
            currency=cur,
            note=f"refund {refund_id} of order {order_id} moved no money "
            "(every refund payment was declined)",
        )
    requested = wire.exact(doc, "total_amount", where)
    tax = wire.exact(doc, "total_tax", where, required=False)
    total = requested
    if len(returned) < len(payments):
        total = sum(
            (wire.exact(p, "amount", f"{where}.payments[{i}]") for i, p in returned), Decimal(0)
        )
        tax = tax * total / requested if requested else Decimal(0)
    total, tax = round_half_up(total, cur), round_half_up(tax, cur)
    shipping = _shipping(doc, cur, where)
    if shipping < 0 or shipping > total - tax:
        shipping = Decimal(0)  # not a shipping split we can trust: all of it is goods
    return Refund(
        key=key,
        reference=str(refund_id),
        order_reference=str(order_id),
        occurred_at=occurred_at,
        currency=cur,
        goods=total - tax - shipping,
        shipping=shipping,
        tax=tax,
        total=total,
        gateway=_gateway(order, [p for _, p in returned]),
    )


def _shipping(doc: Json, cur: str, where: str) -> Decimal:
    found = Decimal(0)
    for i, item in enumerate(wire.items(doc, "items", required=False, where=where)):
        if str(item.get("item_type") or "").upper() in SHIPPING_ITEM_TYPES:
            found += wire.exact(item, "requested_amount", f"{where}.items[{i}]", required=False)
    return round_half_up(found, cur)


def _gateway(order: Json, returned: list[Json]) -> str | None:
    outside = [
        p.get("offline") is True
        or str(p.get("provider_id") or "").lower() in OUTSIDE_GATEWAY_PROVIDERS
        for p in returned
    ]
    if returned and all(outside):
        return None
    name = order.get("payment_method")
    return name if isinstance(name, str) and name else None
