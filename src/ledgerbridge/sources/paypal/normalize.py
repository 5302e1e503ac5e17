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
    ledgerbridge/paypal.transaction   a Transaction Search row pulled by back-fill (below)
Anything else (CHECKOUT.ORDER.*, CUSTOMER.DISPUTE.UPDATED, PAYMENT.PAYOUTSBATCH.* — the
Payouts product, money sent to others, not settlement) posts nothing. PayPal keeps a balance
and sends no webhook for a withdrawal to the bank: payouts come from back-fill (Transaction
Search, T04xx rows), not from here.

Back-fill rows (backfill.py), by ``transaction_event_code``. Codes as PLATFORMS.md §6 gives
them: T0006 is seen in PayPal's own sample; the others are from PayPal's published list of
event codes, not verified against live data here.
    T0000 T0003 T0005 T0006 T0007 T0011, amount > 0  (payments received: general,
                                pre-approved, direct, checkout, website standard, mobile)
                                Charge + Fee (``fee_amount`` is negative in the report)
    T1107, amount < 0           (refund by the merchant) GatewayRefund + Fee < 0 (fee given back)
    T04xx, amount < 0           (withdrawal to the bank) Payout {source}:payout:{transaction id}
                                (+ Fee when PayPal charged one for it)
    anything else, or a row whose ``transaction_status`` is not S (settled)
                                Noted (currency conversions T02xx, holds and releases
                                T11xx/T15xx/T21xx, chargebacks T1201 — disputes post from
                                their webhooks — and every code not named above)
The keys are the webhooks' (the transaction id of a capture is the capture id; of a refund,
the refund id), so a row and a webhook of the same payment post once.

Keys: ``{source}:charge|fee|fx:{capture id}``, ``:refund|fee|fx:{refund id}``; a fee in a
second currency gets ``:fee:{id}:{CCY}``. Ordering: a refund posts on its own against the
clearing account (it never waits for its capture), so it may arrive first; its
``charge_reference`` is the capture id from the refund's ``rel: up`` link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import Charge, CommerceEvent, Fee, GatewayRefund, Noted, Payout
from ledgerbridge.sources.base import Envelope, Json
from ledgerbridge.sources.paypal import breakdown, disputes, wire
from ledgerbridge.sources.paypal.backfill import SETTLED, TRANSACTION
from ledgerbridge.sources.paypal.breakdown import Breakdown

UNSETTLED_CAPTURE = ("PENDING", "DECLINED", "DENIED", "FAILED")
UNSETTLED_REFUND = ("CANCELLED", "FAILED")
SALE_CODES = frozenset({"T0000", "T0003", "T0005", "T0006", "T0007", "T0011"})
REFUND_CODES = frozenset({"T1107"})
WITHDRAWAL_PREFIX = "T04"
_BACKFILL_ID = re.compile(r"^backfill:[A-Za-z0-9._-]+(:[A-Za-z])?$")


def envelope_of(payload: Json) -> Envelope:
    """The Envelope of a PayPal event: ``id`` (WH-…) is the dedupe key; a back-fill row's is
    ``backfill:<transaction id>[:<status>]``."""
    event_type = wire.text(payload, "event_type", "event")
    if event_type == TRANSACTION:
        event_id = wire.text(payload, "id", "event")
        if not _BACKFILL_ID.match(event_id):
            raise MalformedPayloadError(
                f"event.id: not a back-fill id ({event_id!r})", field="event.id"
            )
    else:
        event_id = wire.paypal_id(payload, "id", "event")
    return Envelope(
        event_id=event_id,
        event_type=event_type,
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


# -- back-fill rows (Transaction Search) --------------------------------------------------


def _transaction(ctx: Context, row: Json) -> list[CommerceEvent]:
    where = "resource.transaction_info"
    info = wire.section(row, "transaction_info", "resource")
    txn_id = wire.paypal_id(info, "transaction_id", where)
    code = wire.text(info, "transaction_event_code", where)
    status = wire.optional_text(info, "transaction_status") or SETTLED
    at = wire.first_time(info, where, "transaction_initiation_date", "transaction_updated_date")
    at = at or ctx.at
    value, cur = wire.money(info, "transaction_amount", where)
    fee = wire.optional_money(info, "fee_amount", where)
    if status == SETTLED and code in SALE_CODES and value > 0:
        order = wire.optional_text(info, "invoice_id") or wire.optional_text(info, "custom_field")
        charge = Charge(
            key=f"{ctx.source}:charge:{txn_id}",
            reference=txn_id,
            occurred_at=at,
            currency=cur,
            amount=value,
            order_reference=order,
        )
        return [charge, *_row_fee(ctx.source, at, txn_id, txn_id, fee)]
    if status == SETTLED and code in REFUND_CODES and value < 0:
        capture = wire.optional_text(info, "paypal_reference_id")
        refund = GatewayRefund(
            key=f"{ctx.source}:refund:{txn_id}",
            reference=txn_id,
            occurred_at=at,
            currency=cur,
            amount=-value,
            charge_reference=capture,
        )
        return [refund, *_row_fee(ctx.source, at, txn_id, capture, fee)]
    if status == SETTLED and code.startswith(WITHDRAWAL_PREFIX) and value < 0:
        payout = Payout(
            key=f"{ctx.source}:payout:{txn_id}",
            reference=txn_id,
            occurred_at=at,
            currency=cur,
            amount=-value,
            arrival=at,
        )
        return [payout, *_row_fee(ctx.source, at, txn_id, None, fee)]
    suffix = "" if status == SETTLED else f":{status}"
    return [
        Noted(
            key=f"{ctx.source}:transaction:{txn_id}{suffix}",
            reference=txn_id,
            occurred_at=at,
            currency=cur,
            note=f"PayPal {code} {txn_id} of {value} {cur} (status {status}): not posted",
        )
    ]


def _row_fee(
    source: str, at: datetime, txn_id: str, capture: str | None, fee: wire.Money | None
) -> list[CommerceEvent]:
    """The report writes a fee charged negative and a fee given back positive."""
    if fee is None or not fee[0]:
        return []
    return [
        Fee(
            key=f"{source}:fee:{txn_id}",
            reference=capture or txn_id,
            occurred_at=at,
            currency=fee[1],
            amount=-fee[0],
            charge_reference=capture,
        )
    ]


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
    TRANSACTION: _transaction,
}
