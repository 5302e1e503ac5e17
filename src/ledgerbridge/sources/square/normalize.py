"""Square events to canonical events (pure: payload and look-ups in, events out).

    payment.created / .updated, status COMPLETED   Charge + Fee per processing_fee entry
                                                   (+ Fee for app_fee_money, a developer's cut)
        APPROVED / PENDING (authorised, not yet captured), CANCELED, FAILED: nothing
    refund.created / .updated, status COMPLETED    GatewayRefund + Fee per processing_fee entry
                                                   (negative: the fee Square gave back)
    dispute.created / .state.updated               DisputeFunds / Noted, see disputes.py
    payout.paid / payout.failed                    Fee + Payout / PayoutFailed, see payouts.py
Everything else (order.*, payout.sent, …) posts nothing.

A charge is what the buyer paid, ``total_money`` = ``amount_money`` + ``tip_money``: the tip
goes through the card and into the balance like the rest. A payment is reported many times
(``payment.updated`` on every change: captured, fees assessed, refunded); every report gives
the same keys, so each amount posts once, and a fee assessed after completion posts when the
update carrying it arrives. Fee keys: ``{source}:fee:{payment or refund id}:{effective_at}``
(``#<index>`` without a time; ``~n`` for the n-th entry with the same time), stable because
Square only appends fee adjustments. Fees are in the payment's currency (Square settles in
the location's currency, so a payment is never converted).

Ordering: a refund posts on its own against the clearing account, with the payment id as its
``charge_reference``; it never waits for its payment (a refund may arrive first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import Charge, CommerceEvent, Fee, GatewayRefund
from ledgerbridge.sources.base import Envelope, Json
from ledgerbridge.sources.square import disputes, payouts, wire

PAYOUT_PAID = "payout.paid"


def envelope_of(payload: Json) -> Envelope:
    """The Envelope of a Square event: ``event_id`` (a UUID) is Square's idempotency value."""
    return Envelope(
        event_id=wire.text(payload, "event_id", "event"),
        event_type=wire.text(payload, "type", "event"),
        payload=payload,
        occurred_at=wire.time(payload, "created_at", "event"),
    )


@dataclass(frozen=True, slots=True)
class _Context:
    source: str
    at: datetime
    lookups: Json


def normalize(envelope: Envelope, lookups: Json, source_id: str) -> list[CommerceEvent]:
    found = _HANDLERS.get(envelope.event_type)
    if found is None:
        return []
    name, handler = found
    data = wire.section(envelope.payload, "data", "event")
    obj = wire.section(data, "object", "event.data")
    inner = wire.section(obj, name, "event.data.object")
    at = envelope.occurred_at or wire.time(envelope.payload, "created_at", "event")
    return handler(_Context(source_id, at, lookups), inner)


# -- payments and refunds -----------------------------------------------------------------


def _payment(ctx: _Context, payment: Json) -> list[CommerceEvent]:
    where = "payment"
    if wire.text(payment, "status", where) != "COMPLETED":
        return []  # authorised or pending: no money has moved yet; cancelled or failed: none will
    payment_id = wire.square_id(payment, "id", where)
    amount, code = _paid(payment)
    at = _completed_at(payment, ctx.at)
    charge = Charge(
        key=f"{ctx.source}:charge:{payment_id}",
        reference=payment_id,
        occurred_at=at,
        currency=code,
        amount=amount,
        order_reference=wire.optional_text(payment, "order_id"),
    )
    fees = _processing_fees(ctx, payment, payment_id, payment_id, where, at)
    return [charge, *fees, *_app_fee(ctx, payment, payment_id, payment_id, where, at, 1)]


def _paid(payment: Json) -> tuple[Decimal, str]:
    """``total_money``; a payment rendered without it: ``amount_money`` + ``tip_money``."""
    if payment.get("total_money") is not None:
        return wire.money(payment, "total_money", "payment")
    amount, code = wire.money(payment, "amount_money", "payment")
    if payment.get("tip_money") is not None:
        tip, tip_code = wire.money(payment, "tip_money", "payment")
        if tip_code != code:
            raise MalformedPayloadError("payment.tip_money: not in the payment's currency")
        amount += tip
    return amount, code


def _completed_at(payment: Json, default: datetime) -> datetime:
    """When the money was taken: a card's capture (later than creation under delayed
    capture), else the payment's creation (cash, wallets and the like complete at once)."""
    card = payment.get("card_details")
    timeline = card.get("card_payment_timeline") if isinstance(card, dict) else None
    if isinstance(timeline, dict) and timeline.get("captured_at") is not None:
        where = "payment.card_details.card_payment_timeline"
        return wire.time(timeline, "captured_at", where)
    return wire.time_or(payment, "created_at", "payment", default)


def _refund(ctx: _Context, refund: Json) -> list[CommerceEvent]:
    where = "refund"
    if wire.text(refund, "status", where) != "COMPLETED":
        return []  # pending, rejected or failed: no money returned (yet)
    refund_id = wire.square_id(refund, "id", where)
    amount, code = wire.money(refund, "amount_money", where)
    payment_id = wire.optional_text(refund, "payment_id")
    at = wire.time_or(refund, "created_at", where, ctx.at)
    returned = GatewayRefund(
        key=f"{ctx.source}:refund:{refund_id}",
        reference=refund_id,
        occurred_at=at,
        currency=code,
        amount=amount,
        charge_reference=payment_id,
    )
    fees = _processing_fees(ctx, refund, refund_id, payment_id, where, at)
    # A refund's app_fee_money is what the developer contributed to it: a fee given back.
    return [returned, *fees, *_app_fee(ctx, refund, refund_id, payment_id, where, at, -1)]


def _processing_fees(
    ctx: _Context, doc: Json, owner: str, payment_id: str | None, where: str, default: datetime
) -> list[CommerceEvent]:
    """A Fee per ``processing_fee`` entry, signed as Square signs it (< 0: returned)."""
    events: list[CommerceEvent] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(wire.optional_items(doc, "processing_fee", where)):
        path = f"{where}.processing_fee[{i}]"
        amount, code = wire.money(entry, "amount_money", path)
        if entry.get("effective_at") is not None:
            at = wire.time(entry, "effective_at", path)
            tag = wire.stamp(at)
        else:
            at, tag = default, f"#{i}"
        seen[tag] = seen.get(tag, 0) + 1
        if amount == 0:
            continue
        suffix = tag if seen[tag] == 1 else f"{tag}~{seen[tag]}"
        events.append(
            Fee(
                key=f"{ctx.source}:fee:{owner}:{suffix}",
                reference=owner,
                occurred_at=at,
                currency=code,
                amount=amount,
                charge_reference=payment_id,
            )
        )
    return events


def _app_fee(
    ctx: _Context,
    doc: Json,
    owner: str,
    payment_id: str | None,
    where: str,
    at: datetime,
    sign: int,
) -> list[CommerceEvent]:
    """``app_fee_money``: the share a third-party app takes from a payment (it never reaches
    the seller's balance), or contributes to a refund (``sign`` -1: given back)."""
    if doc.get("app_fee_money") is None:
        return []
    amount, code = wire.money(doc, "app_fee_money", where)
    if amount == 0:
        return []
    return [
        Fee(
            key=f"{ctx.source}:fee:{owner}:app_fee",
            reference=owner,
            occurred_at=at,
            currency=code,
            amount=sign * amount,
            charge_reference=payment_id,
        )
    ]


_Handler = Callable[[_Context, Json], list[CommerceEvent]]


def _dispute(handler: Callable[[str, datetime, Json], list[CommerceEvent]]) -> _Handler:
    return lambda ctx, dispute: handler(ctx.source, ctx.at, dispute)


# event type -> (the key of the object under data.object, handler)
_HANDLERS: dict[str, tuple[str, _Handler]] = {
    "payment.created": ("payment", _payment),
    "payment.updated": ("payment", _payment),
    "refund.created": ("refund", _refund),
    "refund.updated": ("refund", _refund),
    "dispute.created": ("dispute", _dispute(disputes.created)),
    "dispute.state.updated": ("dispute", _dispute(disputes.state_updated)),
    "dispute.state.changed": ("dispute", _dispute(disputes.state_updated)),  # its deprecated name
    PAYOUT_PAID: ("payout", lambda ctx, po: payouts.paid(ctx.source, ctx.at, ctx.lookups, po)),
    "payout.failed": ("payout", lambda ctx, po: payouts.failed(ctx.source, ctx.at, po)),
}
