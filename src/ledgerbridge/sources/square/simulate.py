"""Square traffic in Square's wire format, for the demo, end-to-end tests and bench/.

Object builders (``payment``, ``refund``, ``dispute``, ``payout``, ``payout_entry``) return API
objects as Square renders them: ``{amount, currency}`` money in minor units (``currency_code``
in the Payouts API), RFC 3339 times with milliseconds, Square-shaped ids, empty fields
omitted. Event builders wrap an object in the webhook envelope (``event_id`` a UUID,
``data.object.<type>``). ``encode`` gives the body bytes and ``sign`` the headers Square sends:
    pay = payment(amount=2500, currency="EUR", tip=300, order_id="1042", at=when)
    body = encode(payment_updated(pay, at=when))
    headers = sign(body, signature_key, "https://books.example.com/webhooks/square")
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from ledgerbridge.sources.square.simulate_wire import LOCATION_ID, MERCHANT_ID, Json, token

# The wire helpers are part of this module's public face (tests and bench/ use them from here).
from ledgerbridge.sources.square.simulate_wire import encode as encode
from ledgerbridge.sources.square.simulate_wire import fee_for as fee_for
from ledgerbridge.sources.square.simulate_wire import money as money
from ledgerbridge.sources.square.simulate_wire import new_payment_id as new_payment_id
from ledgerbridge.sources.square.simulate_wire import processing_fee as processing_fee
from ledgerbridge.sources.square.simulate_wire import rfc3339 as rfc3339
from ledgerbridge.sources.square.simulate_wire import sign as sign

# -- API objects ---------------------------------------------------------------------------


def payment(
    *,
    amount: int,
    currency: str,
    tip: int = 0,
    status: str = "COMPLETED",
    payment_id: str | None = None,
    order_id: str | None = None,
    at: datetime | None = None,
    fees: Sequence[Json] | None = None,
    app_fee: int = 0,
) -> Json:
    """A card payment; ``fees`` default to one INITIAL ``fee_for(amount + tip)`` once the
    payment is COMPLETED (Square assesses none before capture)."""
    created = at or datetime.now(UTC)
    captured = status == "COMPLETED"
    payment_id = payment_id or new_payment_id()
    if fees is None:
        fees = [processing_fee(fee_for(amount + tip), currency, created)] if captured else []
    timeline = {"authorized_at": rfc3339(created)}
    if captured:
        timeline["captured_at"] = rfc3339(created + timedelta(seconds=1))
    doc: Json = {
        "amount_money": money(amount, currency),
        "approved_money": money(amount + tip, currency),
        "card_details": {
            "card": {
                "bin": "411111",
                "card_brand": "VISA",
                "card_type": "CREDIT",
                "exp_month": 11,
                "exp_year": 2029,
                "fingerprint": "sq-1-" + token(36),
                "last_4": "1111",
                "prepaid_type": "NOT_PREPAID",
            },
            "card_payment_timeline": timeline,
            "entry_method": "KEYED",
            "status": {"COMPLETED": "CAPTURED", "APPROVED": "AUTHORIZED"}.get(status, status),
        },
        "created_at": rfc3339(created),
        "id": payment_id,
        "location_id": LOCATION_ID,
        "receipt_number": payment_id[:4],
        "receipt_url": f"https://squareup.com/receipt/preview/{payment_id}",
        "source_type": "CARD",
        "status": status,
        "total_money": money(amount + tip, currency),
        "updated_at": rfc3339(created + timedelta(seconds=2 if captured else 0)),
        "version_token": token(45),
    }
    optional = {
        "tip_money": money(tip, currency) if tip else None,
        "app_fee_money": money(app_fee, currency) if app_fee else None,
        "order_id": order_id,
        "processing_fee": list(fees) or None,
    }
    doc.update({k: v for k, v in optional.items() if v is not None})
    return dict(sorted(doc.items()))


def refund(
    *,
    payment_id: str,
    amount: int,
    currency: str,
    status: str = "COMPLETED",
    refund_id: str | None = None,
    fee_returned: int = 0,
    order_id: str | None = None,
    at: datetime | None = None,
) -> Json:
    """A refund of ``payment_id``; ``fee_returned`` > 0 is the processing fee Square gives
    back, rendered as a negative ``processing_fee`` entry."""
    created = at or datetime.now(UTC)
    doc: Json = {
        "amount_money": money(amount, currency),
        "created_at": rfc3339(created),
        "id": refund_id or f"{payment_id}_{token(43)}",
        "location_id": LOCATION_ID,
        "payment_id": payment_id,
        "status": status,
        "updated_at": rfc3339(created + timedelta(seconds=40)),
        "version": 3,
    }
    if order_id:
        doc["order_id"] = order_id
    if fee_returned:
        when = created + timedelta(hours=2)
        doc["processing_fee"] = [processing_fee(-fee_returned, currency, when)]
    return dict(sorted(doc.items()))


def dispute(
    *,
    payment_id: str,
    amount: int,
    currency: str,
    state: str = "EVIDENCE_REQUIRED",
    dispute_id: str | None = None,
    at: datetime | None = None,
    updated_at: datetime | None = None,
    reason: str = "NOT_AS_DESCRIBED",
) -> Json:
    created = at or datetime.now(UTC)
    return {
        "amount_money": money(amount, currency),
        "brand_dispute_id": token(22),
        "card_brand": "VISA",
        "created_at": rfc3339(created),
        "disputed_payment": {"payment_id": payment_id},
        "due_at": rfc3339(created + timedelta(days=14)),
        "id": dispute_id or token(20),
        "location_id": LOCATION_ID,
        "reason": reason,
        "reported_at": rfc3339(created.replace(hour=0, minute=0, second=0, microsecond=0)),
        "state": state,
        "updated_at": rfc3339(updated_at or created),
        "version": 1,
    }


def payout(
    *,
    amount: int,
    currency: str,
    arrival_date: date,
    status: str = "PAID",
    payout_id: str | None = None,
    at: datetime | None = None,
) -> Json:
    """A batch payout to a bank account (a negative ``amount``: a withdrawal from the bank)."""
    created = at or datetime.now(UTC)
    return {
        "amount_money": money(amount, currency, code_field="currency_code"),
        "arrival_date": arrival_date.isoformat(),
        "created_at": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "destination": {"id": f"bact:{token(12)}", "type": "BANK_ACCOUNT"},
        "id": payout_id or f"po_{uuid.uuid4()}",
        "location_id": LOCATION_ID,
        "status": status,
        "type": "BATCH",
        "updated_at": rfc3339(created),
        "version": 1 if status == "SENT" else 2,
    }


def payout_entry(
    *,
    payout_id: str,
    type: str,
    gross: int,
    fee: int,
    currency: str,
    payment_id: str | None = None,
    refund_id: str | None = None,
    entry_id: str | None = None,
    at: datetime | None = None,
) -> Json:
    """One balance activity of a payout; ``net`` = ``gross`` - ``fee``. A payment (and refund)
    id goes into ``type_<type>_details`` as Square renders it."""
    doc: Json = {
        "effective_at": (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "fee_amount_money": money(fee, currency, code_field="currency_code"),
        "gross_amount_money": money(gross, currency, code_field="currency_code"),
        "id": entry_id or f"poe_{token(26)}",
        "net_amount_money": money(gross - fee, currency, code_field="currency_code"),
        "payout_id": payout_id,
        "type": type,
    }
    details = {"payment_id": payment_id, "refund_id": refund_id}
    if payment_id:
        doc[f"type_{type.lower()}_details"] = {k: v for k, v in details.items() if v}
    return doc


def payout_entries_page(entries: Sequence[Json], cursor: str | None = None) -> Json:
    """One page of ``GET /v2/payouts/{id}/payout-entries`` (Square omits empty fields)."""
    page: Json = {"payout_entries": list(entries)} if entries else {}
    if cursor:
        page["cursor"] = cursor
    return page


# -- events --------------------------------------------------------------------------------


def event(event_type: str, obj: Json, *, at: datetime | None = None) -> Json:
    """The webhook envelope of ``obj`` (``data.type`` is the object type: payment, refund…)."""
    kind = event_type.split(".")[0]
    envelope: Json = {
        "created_at": rfc3339(at),
        "data": {"id": obj["id"], "object": {kind: obj}, "type": kind},
        "event_id": str(uuid.uuid4()),
        "merchant_id": MERCHANT_ID,
        "type": event_type,
    }
    if "location_id" in obj:
        envelope["location_id"] = obj["location_id"]
    return dict(sorted(envelope.items()))


def payment_created(p: Json, *, at: datetime | None = None) -> Json:
    return event("payment.created", p, at=at)


def payment_updated(p: Json, *, at: datetime | None = None) -> Json:
    return event("payment.updated", p, at=at)


def refund_created(r: Json, *, at: datetime | None = None) -> Json:
    return event("refund.created", r, at=at)


def refund_updated(r: Json, *, at: datetime | None = None) -> Json:
    return event("refund.updated", r, at=at)


def dispute_created(d: Json, *, at: datetime | None = None) -> Json:
    return event("dispute.created", d, at=at)


def dispute_state_updated(d: Json, state: str, *, at: datetime | None = None) -> Json:
    """The dispute moved to ``state`` (WON, LOST, …): a new version of it."""
    when = at or datetime.now(UTC)
    moved = d | {"state": state, "updated_at": rfc3339(when), "version": d["version"] + 1}
    return event("dispute.state.updated", moved, at=when)


def payout_paid(po: Json, *, at: datetime | None = None) -> Json:
    return event("payout.paid", po | {"status": "PAID"}, at=at)


def payout_failed(po: Json, *, at: datetime | None = None) -> Json:
    return event("payout.failed", po | {"status": "FAILED"}, at=at)
