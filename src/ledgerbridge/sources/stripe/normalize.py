"""Stripe events to canonical events (pure: payload and look-ups in, events out).

    charge.succeeded / charge.captured   Charge + Fee (from the balance transaction)
    charge.refunded / refund.created     GatewayRefund per refund (keyed by re_…, so once)
    charge.dispute.created / .funds_withdrawn          DisputeFunds …:withdrawn
    charge.dispute.funds_reinstated / .closed (won)    DisputeFunds …:reinstated
    charge.dispute.closed (other outcomes)             Noted
    payout.paid      Fee per charge in the payout (same keys as at charge time) + Payout
    payout.failed    PayoutFailed
A charge is in its own (presentment) currency; fees, dispute funds taken from a balance
transaction and payouts are in the balance's (settlement) currency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import (
    Charge,
    CommerceEvent,
    Conversion,
    Fee,
    GatewayRefund,
    Payout,
    PayoutFailed,
)
from ledgerbridge.sources.base import Envelope, Json
from ledgerbridge.sources.stripe import disputes, wire

CHARGE_TYPES = ("charge.succeeded", "charge.captured")
REFUND_TYPES = ("charge.refunded", "refund.created")
FEE_TXN_TYPES = ("charge", "payment")
_SKIPPED_REFUND_STATUSES = ("failed", "canceled")


def envelope_of(payload: Json) -> Envelope:
    """The Envelope of a Stripe event: ``id`` (evt_…) is the dedupe key."""
    return Envelope(
        event_id=wire.text(payload, "id", "event"),
        event_type=wire.text(payload, "type", "event"),
        payload=payload,
        occurred_at=wire.unix(payload, "created", "event"),
    )


@dataclass(frozen=True, slots=True)
class _Context:
    source: str
    at: datetime
    lookups: Json


def normalize(envelope: Envelope, lookups: Json, source_id: str) -> list[CommerceEvent]:
    handler = _HANDLERS.get(envelope.event_type)
    if handler is None:
        return []
    data = wire.section(envelope.payload, "data", "event")
    obj = wire.section(data, "object", "event.data")
    at = envelope.occurred_at or wire.unix(envelope.payload, "created", "event")
    return handler(_Context(source_id, at, lookups), obj)


# -- charges, refunds ---------------------------------------------------------------------


def _charge(ctx: _Context, charge: Json) -> list[CommerceEvent]:
    where = "charge"
    if charge.get("captured") is False:  # an authorisation only: charge.captured follows
        return []
    charge_id = wire.stripe_id(charge, "id", where)
    code = wire.currency(charge, where)
    name = "amount_captured" if charge.get("amount_captured") else "amount"
    txn = _charge_balance_transaction(ctx, charge)
    settled = wire.currency(txn, "balance_transaction") if txn else None
    converted = txn is not None and settled != code
    events: list[CommerceEvent] = [
        Charge(
            key=f"{ctx.source}:charge:{charge_id}",
            reference=charge_id,
            occurred_at=ctx.at,
            currency=code,
            amount=wire.amount(charge, name, where, code),
            order_reference=_order_reference(charge),
            settled_currency=settled if converted else None,
            settled_amount=wire.amount(txn, "amount", "balance_transaction", settled)
            if txn is not None and settled and converted
            else None,
        )
    ]
    fee = _fee(ctx, txn, charge_id, "balance_transaction") if txn else None
    if fee:
        events.append(fee)
    if txn:
        events.extend(_conversion(ctx, txn, charge, charge_id, name, "balance_transaction"))
    return events


def _conversion(
    ctx: _Context, txn: Json, obj: Json, obj_id: str, name: str, where: str, sign: int = 1
) -> list[CommerceEvent]:
    """When Stripe settles in another currency than the charge (or refund) was made in, the
    balance transaction's gross ``amount`` is what the conversion gave: a Conversion event."""
    code = wire.currency(obj, where)
    settled = wire.currency(txn, where)
    if settled == code:
        return []
    txn_id = wire.stripe_id(txn, "id", where)
    return [
        Conversion(
            key=f"{ctx.source}:fx:{txn_id}",
            reference=txn_id,
            occurred_at=wire.unix(txn, "created", where) if "created" in txn else ctx.at,
            currency=code,
            amount=sign * wire.amount(obj, name, where, code),
            to_currency=settled,
            to_amount=wire.amount(txn, "amount", where, settled),
            charge_reference=obj_id,
        )
    ]


def _order_reference(charge: Json) -> str | None:
    metadata = charge.get("metadata")
    if not isinstance(metadata, dict):
        return None
    for name in ("order_id", "order_number"):
        value = metadata.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def _charge_balance_transaction(ctx: _Context, charge: Json) -> Json | None:
    given = charge.get("balance_transaction")
    if isinstance(given, dict):
        return given
    looked_up = ctx.lookups.get("balance_transaction")
    if not isinstance(given, str) or not isinstance(looked_up, dict):
        return None
    if looked_up.get("id") != given:
        raise MalformedPayloadError(
            f"lookups.balance_transaction: id {looked_up.get('id')!r} is not the charge's {given!r}"
        )
    return looked_up


def _fee(ctx: _Context, txn: Json, charge_id: str | None, where: str) -> Fee | None:
    txn_id = wire.stripe_id(txn, "id", where)
    code = wire.currency(txn, where)
    fee = wire.amount(txn, "fee", where, code)
    if fee == 0:
        return None
    charge_ref = charge_id or wire.ref(txn.get("source"))
    return Fee(
        key=f"{ctx.source}:fee:{txn_id}",
        reference=charge_ref or txn_id,
        occurred_at=wire.unix(txn, "created", where) if "created" in txn else ctx.at,
        currency=code,
        amount=fee,
        charge_reference=charge_ref,
    )


def _charge_refunded(ctx: _Context, charge: Json) -> list[CommerceEvent]:
    charge_id = wire.stripe_id(charge, "id", "charge")
    looked_up = ctx.lookups.get("refunds")
    embedded = charge.get("refunds")
    if isinstance(looked_up, list):  # complete list fetched by client.py
        refunds, where = looked_up, "lookups.refunds"
    elif isinstance(embedded, dict):  # API versions before 2022-11-15 embed the list
        refunds, where = wire.items(embedded, "data", "charge.refunds"), "charge.refunds.data"
    else:
        return []
    return [
        event
        for i, refund in enumerate(refunds)
        for event in _gateway_refund(ctx, refund, charge_id, f"{where}[{i}]")
    ]


def _refund_created(ctx: _Context, refund: Json) -> list[CommerceEvent]:
    return _gateway_refund(ctx, refund, None, "refund")


def _gateway_refund(
    ctx: _Context, refund: Json, charge_id: str | None, where: str
) -> list[CommerceEvent]:
    if not isinstance(refund, dict):
        raise MalformedPayloadError(f"{where}: expected a refund object")
    if refund.get("status") in _SKIPPED_REFUND_STATUSES:
        return []
    refund_id = wire.stripe_id(refund, "id", where)
    code = wire.currency(refund, where)
    txns = ctx.lookups.get("refund_balance_transactions") or {}
    txn = txns.get(refund.get("balance_transaction")) if isinstance(txns, dict) else None
    converted = _conversion(ctx, txn, refund, refund_id, "amount", where, -1) if txn else []
    return [
        *converted,
        GatewayRefund(
            key=f"{ctx.source}:refund:{refund_id}",
            reference=refund_id,
            occurred_at=wire.unix(refund, "created", where) if "created" in refund else ctx.at,
            currency=code,
            amount=wire.amount(refund, "amount", where, code),
            charge_reference=wire.ref(refund.get("charge")) or charge_id,
        ),
    ]


# -- payouts ------------------------------------------------------------------------------


def _payout_paid(ctx: _Context, payout: Json) -> list[CommerceEvent]:
    where = "payout"
    payout_id = wire.stripe_id(payout, "id", where)
    code = wire.currency(payout, where)
    events: list[CommerceEvent] = []
    txns = ctx.lookups.get("payout_balance_transactions") or []
    if not isinstance(txns, list):
        raise MalformedPayloadError("lookups.payout_balance_transactions: expected a list")
    for i, txn in enumerate(txns):
        if isinstance(txn, dict) and txn.get("type") in FEE_TXN_TYPES:
            fee = _fee(ctx, txn, None, f"lookups.payout_balance_transactions[{i}]")
            if fee:
                events.append(fee)
    arrival = wire.unix(payout, "arrival_date", where) if payout.get("arrival_date") else None
    events.append(
        Payout(
            key=f"{ctx.source}:payout:{payout_id}",
            reference=payout_id,
            occurred_at=ctx.at,
            currency=code,
            amount=wire.amount(payout, "amount", where, code),
            arrival=arrival,
        )
    )
    return events


def _payout_failed(ctx: _Context, payout: Json) -> list[CommerceEvent]:
    payout_id = wire.stripe_id(payout, "id", "payout")
    return [
        PayoutFailed(
            key=f"{ctx.source}:payout:{payout_id}:failed",
            reference=payout_id,
            occurred_at=ctx.at,
            currency=wire.currency(payout, "payout"),
            payout_key=f"{ctx.source}:payout:{payout_id}",
        )
    ]


_Handler = Callable[[_Context, Json], list[CommerceEvent]]


def _dispute(handler: Callable[[str, datetime, Json], list[CommerceEvent]]) -> _Handler:
    return lambda ctx, dispute: handler(ctx.source, ctx.at, dispute)


_HANDLERS: dict[str, _Handler] = {
    "charge.succeeded": _charge,
    "charge.captured": _charge,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_created,
    "charge.dispute.created": _dispute(disputes.withdrawn),
    "charge.dispute.funds_withdrawn": _dispute(disputes.withdrawn),
    "charge.dispute.funds_reinstated": _dispute(disputes.reinstated),
    "charge.dispute.closed": _dispute(disputes.closed),
    "payout.paid": _payout_paid,
    "payout.failed": _payout_failed,
}
