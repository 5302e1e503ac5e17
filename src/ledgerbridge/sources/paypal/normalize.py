"""PayPal webhook events to canonical events (pure: the event body in, events out).

    PAYMENT.CAPTURE.COMPLETED   Charge (amount) + Fee (paypal_fee + platform_fees)
                                + Conversion when PayPal credited another currency
    PAYMENT.CAPTURE.REFUNDED    GatewayRefund + Fee < 0 (fees given back) + Conversion back
    PAYMENT.CAPTURE.REVERSED    DisputeFunds …:dispute:{reversal}:withdrawn      (disputes.py)
    CUSTOMER.DISPUTE.CREATED    Noted: money moves on PAYMENT.CAPTURE.REVERSED     (disputes.py)
    CUSTOMER.DISPUTE.RESOLVED   DisputeFunds …:dispute:{id}:reinstated if the seller won,
                                else Noted                                          (disputes.py)
    PAYMENT.CAPTURE.PENDING | DENIED | DECLINED      Noted: no money moved
    PAYMENT.SALE.COMPLETED | REFUNDED | REVERSED     the same from the legacy v1 resources
                                (``amount.total``, ``transaction_fee``, ``refund_from_…``)
Anything else (CHECKOUT.ORDER.*, CUSTOMER.DISPUTE.UPDATED, PAYMENT.PAYOUTSBATCH.* — the
Payouts product, money sent to others, not settlement) posts nothing. PayPal keeps a balance
and sends no webhook for a withdrawal to the bank: payouts come from back-fill (Transaction
Search, T04xx rows), not from here.

Keys: ``{source}:charge|fee|fx:{capture id}``, ``:refund|fee|fx:{refund id}``; a fee in a
second currency gets ``:fee:{id}:{CCY}``. Ordering: a refund posts on its own against the
clearing account (it never waits for its capture), so it may arrive first; its
``charge_reference`` is the capture id from the refund's ``rel: up`` link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerbridge.domain.events import Charge, CommerceEvent, GatewayRefund, Noted
from ledgerbridge.sources.base import Envelope, Json
from ledgerbridge.sources.paypal import breakdown, disputes, wire
from ledgerbridge.sources.paypal.breakdown import Breakdown

UNSETTLED_CAPTURE = ("PENDING", "DECLINED", "DENIED", "FAILED")
UNSETTLED_REFUND = ("CANCELLED", "FAILED")


def envelope_of(payload: Json) -> Envelope:
    """The Envelope of a PayPal event: ``id`` (WH-…) is the dedupe key."""
    return Envelope(
        event_id=wire.paypal_id(payload, "id", "event"),
        event_type=wire.text(payload, "event_type", "event"),
        payload=payload,
        occurred_at=wire.first_time(payload, "event", "create_time"),
    )


@dataclass(frozen=True, slots=True)
class Context:
    source: str
    at: datetime
    """The event's own time: the fallback when a resource carries none."""

    def time(self, resource: Json) -> datetime:
        return wire.first_time(resource, "resource", "create_time", "update_time") or self.at


def normalize(envelope: Envelope, source_id: str) -> list[CommerceEvent]:
    handler = _HANDLERS.get(envelope.event_type)
    if handler is None:
        return []
    resource = wire.section(envelope.payload, "resource", "event")
    at = envelope.occurred_at or wire.time_of(envelope.payload, "create_time", "event")
    return handler(Context(source_id, at), resource)


# -- captures -----------------------------------------------------------------------------


def _capture(ctx: Context, resource: Json) -> list[CommerceEvent]:
    status = str(resource.get("status") or "").upper()
    if status in UNSETTLED_CAPTURE:
        return _unsettled(ctx, resource)
    gross = wire.money(resource, "amount", "resource")
    return _charge(ctx, resource, gross, breakdown.capture(resource, gross), _order_of(resource))


def _legacy_sale(ctx: Context, resource: Json) -> list[CommerceEvent]:
    state = str(resource.get("state") or "").upper()
    if state in UNSETTLED_CAPTURE:
        return _unsettled(ctx, resource)
    gross = wire.legacy_money(resource, "amount", "resource", "total")
    order = wire.optional_text(resource, "invoice_number") or wire.optional_text(resource, "custom")
    return _charge(ctx, resource, gross, breakdown.legacy_sale(resource, gross), order)


def _charge(
    ctx: Context, resource: Json, gross: wire.Money, found: Breakdown, order: str | None
) -> list[CommerceEvent]:
    capture_id = wire.paypal_id(resource, "id", "resource")
    settled = found.settled()
    charge = Charge(
        key=f"{ctx.source}:charge:{capture_id}",
        reference=capture_id,
        occurred_at=ctx.time(resource),
        currency=gross[1],
        amount=gross[0],
        order_reference=order,
        settled_currency=settled[1] if settled else None,
        settled_amount=settled[0] if settled else None,
    )
    return [
        charge,
        *breakdown.events(ctx.source, ctx.time(resource), capture_id, capture_id, found),
    ]


def _order_of(resource: Json) -> str | None:
    """The merchant's own reference: ``invoice_id`` (the store's order number, as store
    plug-ins send it), else ``custom_id``; PayPal's order id is PayPal's, not the store's."""
    return wire.optional_text(resource, "invoice_id") or wire.optional_text(resource, "custom_id")


def _unsettled(ctx: Context, resource: Json) -> list[CommerceEvent]:
    capture_id = wire.paypal_id(resource, "id", "resource")
    status = str(resource.get("status") or resource.get("state") or "").lower()
    amount = resource.get("amount")
    legacy = isinstance(amount, dict) and "total" in amount
    gross = (
        wire.legacy_money(resource, "amount", "resource", "total")
        if legacy
        else wire.money(resource, "amount", "resource")
    )
    return [
        Noted(
            key=f"{ctx.source}:capture:{capture_id}:{status}",
            reference=capture_id,
            occurred_at=ctx.time(resource),
            currency=gross[1],
            note=f"Payment {capture_id} of {gross[0]} {gross[1]} is {status}: no money moved",
        )
    ]


# -- refunds ------------------------------------------------------------------------------


def _refund(ctx: Context, resource: Json) -> list[CommerceEvent]:
    if str(resource.get("status") or "").upper() in UNSETTLED_REFUND:
        return []  # a refund that failed or was cancelled gave nothing back
    gross = wire.money(resource, "amount", "resource")
    capture_id = wire.up_link_id(resource, "captures")
    return _gateway_refund(ctx, resource, gross, breakdown.refund(resource, gross), capture_id)


def _legacy_refund(ctx: Context, resource: Json) -> list[CommerceEvent]:
    if str(resource.get("state") or "").upper() in UNSETTLED_REFUND:
        return []
    value, code = wire.legacy_money(resource, "amount", "resource", "total")
    gross = (abs(value), code)  # older deliveries write the refunded total negative
    sale_id = wire.optional_text(resource, "sale_id")
    return _gateway_refund(ctx, resource, gross, breakdown.legacy_refund(resource, gross), sale_id)


def _gateway_refund(
    ctx: Context, resource: Json, gross: wire.Money, found: Breakdown, capture_id: str | None
) -> list[CommerceEvent]:
    refund_id = wire.paypal_id(resource, "id", "resource")
    at = ctx.time(resource)
    refund = GatewayRefund(
        key=f"{ctx.source}:refund:{refund_id}",
        reference=refund_id,
        occurred_at=at,
        currency=gross[1],
        amount=gross[0],
        charge_reference=capture_id,
    )
    return [refund, *breakdown.events(ctx.source, at, refund_id, capture_id, found, sign=-1)]


_Handler = Callable[[Context, Json], list[CommerceEvent]]

_HANDLERS: dict[str, _Handler] = {
    "PAYMENT.CAPTURE.COMPLETED": _capture,
    "PAYMENT.CAPTURE.PENDING": _unsettled,
    "PAYMENT.CAPTURE.DENIED": _unsettled,
    "PAYMENT.CAPTURE.DECLINED": _unsettled,
    "PAYMENT.CAPTURE.REFUNDED": _refund,
    "PAYMENT.CAPTURE.REVERSED": lambda ctx, r: disputes.reversed_capture(ctx.source, ctx.at, r),
    "CUSTOMER.DISPUTE.CREATED": lambda ctx, r: disputes.created(ctx.source, ctx.at, r),
    "CUSTOMER.DISPUTE.RESOLVED": lambda ctx, r: disputes.resolved(ctx.source, ctx.at, r),
    "PAYMENT.SALE.COMPLETED": _legacy_sale,
    "PAYMENT.SALE.PENDING": _unsettled,
    "PAYMENT.SALE.DENIED": _unsettled,
    "PAYMENT.SALE.REFUNDED": _legacy_refund,
    "PAYMENT.SALE.REVERSED": lambda ctx, r: disputes.reversed_sale(ctx.source, ctx.at, r),
}
