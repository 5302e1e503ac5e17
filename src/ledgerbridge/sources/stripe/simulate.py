"""Stripe traffic in Stripe's wire format, for the demo, end-to-end tests and bench/.

Object builders (``charge``, ``refund``, ``dispute``, ``payout``, ``balance_transaction``)
return API documents as Stripe renders them (minor units, lowercase currency, ``object``);
event builders wrap one in an event (``evt_…``); ``encode`` and ``sign`` give bytes, headers:
    ch, txn = captured_charge(amount=2500, currency="eur", order_id="1042")
    body = encode(charge_succeeded(ch))
    headers = sign(body, "whsec_…", timestamp=int(time.time()))
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import orjson

from ledgerbridge.sources.simulate_json import number
from ledgerbridge.sources.stripe.verify import signature_for

Json = dict[str, Any]
API_VERSION = "2024-06-20"
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """A fresh id in Stripe's shape: ``ch_3PqXb…`` (prefix, underscore, 24 alphanumerics)."""
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def fee_for(amount_minor: int) -> int:
    """A realistic processing fee: 1.5 % (rounded half up) + 25 minor units."""
    return (amount_minor * 15 + 500) // 1000 + 25


def _now(value: int | None) -> int:
    return int(time.time()) if value is None else value


def encode(payload: Json) -> bytes:
    """The body bytes as Stripe sends them (pretty-printed JSON, two-space indent)."""
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2)


def sign(body: bytes, secret: str, timestamp: int, *, also: Sequence[str] = ()) -> dict[str, str]:
    """The headers of a delivery of ``body``; ``also`` adds a ``v1`` per extra secret, as
    Stripe does while an endpoint secret is being rolled."""
    v1 = ",".join(f"v1={signature_for(body, s, timestamp)}" for s in (secret, *also))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Stripe-Signature": f"t={timestamp},{v1}",
    }


# -- API objects ---------------------------------------------------------------------------


def balance_transaction(
    *,
    amount: int,
    currency: str,
    source: str,
    fee: int | None = None,
    type: str = "charge",
    txn_id: str | None = None,
    created: int | None = None,
    description: str | None = None,
    exchange_rate: Decimal | str | None = None,
    status: str = "pending",
) -> Json:
    """A ``txn_…`` in the settlement currency; ``fee`` defaults to ``fee_for(amount)`` for
    charges and payments, 0 otherwise. ``exchange_rate``: a JSON number, None unless converted."""
    created = _now(created)
    if fee is None:
        fee = fee_for(amount) if type in ("charge", "payment") else 0
    category = {"charge": "charge", "payment": "charge", "refund": "refund", "payout": "payout"}
    return {
        "id": txn_id or new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created + 2 * 86400,
        "created": created,
        "currency": currency.lower(),
        "description": description,
        "exchange_rate": None if exchange_rate is None else number(exchange_rate),
        "fee": fee,
        "fee_details": []
        if fee == 0
        else [
            {
                "amount": fee,
                "application": None,
                "currency": currency.lower(),
                "description": "Stripe processing fees",
                "type": "stripe_fee",
            }
        ],
        "net": amount - fee,
        "reporting_category": category.get(type, "dispute" if amount < 0 else "dispute_reversal"),
        "source": source,
        "status": status,
        "type": type,
    }


def balance_transaction_page(
    data: Sequence[Json], *, has_more: bool = False, url: str = "/v1/balance_transactions"
) -> Json:
    """One page of a list endpoint (``GET /v1/balance_transactions?payout=po_…``)."""
    return {"object": "list", "data": list(data), "has_more": has_more, "url": url}


def charge(
    *,
    amount: int,
    currency: str,
    charge_id: str | None = None,
    balance_transaction: str | Json | None = None,
    amount_captured: int | None = None,
    captured: bool = True,
    created: int | None = None,
    order_id: str | None = None,
    metadata: dict[str, str] | None = None,
    payment_intent: str | None = None,
) -> Json:
    """A ``ch_…`` as rendered by API 2024-06-20 (no embedded ``refunds`` list)."""
    charge_id = charge_id or new_id("ch")
    meta = dict(metadata or {})
    if order_id is not None:
        meta["order_id"] = order_id
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": (amount if captured else 0)
        if amount_captured is None
        else amount_captured,
        "amount_refunded": 0,
        "balance_transaction": balance_transaction if captured else None,
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "captured": captured,
        "created": _now(created),
        "currency": currency.lower(),
        "customer": None,
        "description": None,
        "disputed": False,
        "livemode": False,
        "metadata": meta,
        "outcome": {"network_status": "approved_by_network", "type": "authorized"},
        "paid": True,
        "payment_intent": payment_intent or new_id("pi"),
        "payment_method": new_id("pm"),
        "refunded": False,
        "status": "succeeded",
    }


def captured_charge(
    *,
    amount: int,
    currency: str,
    fee: int | None = None,
    created: int | None = None,
    order_id: str | None = None,
    settlement_currency: str | None = None,
    settlement_amount: int | None = None,
    exchange_rate: Decimal | str | None = None,
) -> tuple[Json, Json]:
    """A captured charge and its balance transaction (settled in ``settlement_currency``)."""
    charge_id = new_id("ch")
    txn = balance_transaction(
        amount=amount if settlement_amount is None else settlement_amount,
        currency=settlement_currency or currency,
        source=charge_id,
        fee=fee,
        created=created,
        exchange_rate=exchange_rate,
    )
    ch = charge(
        amount=amount,
        currency=currency,
        charge_id=charge_id,
        created=created,
        balance_transaction=txn["id"],
        order_id=order_id,
    )
    return ch, txn


def refund(
    *,
    charge_id: str,
    amount: int,
    currency: str,
    refund_id: str | None = None,
    balance_transaction: str | None = None,
    created: int | None = None,
    status: str = "succeeded",
    reason: str | None = "requested_by_customer",
) -> Json:
    return {
        "id": refund_id or new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": balance_transaction or new_id("txn"),
        "charge": charge_id,
        "created": _now(created),
        "currency": currency.lower(),
        "metadata": {},
        "payment_intent": None,
        "reason": reason,
        "receipt_number": None,
        "status": status,
    }


def dispute(
    *,
    charge_id: str,
    amount: int,
    currency: str,
    dispute_id: str | None = None,
    status: str = "needs_response",
    balance_transactions: Sequence[Json] = (),
    created: int | None = None,
    reason: str = "fraudulent",
) -> Json:
    """A ``du_…``; ``balance_transactions`` from ``dispute_transaction``."""
    created = _now(created)
    return {
        "id": dispute_id or new_id("du"),
        "object": "dispute",
        "amount": amount,
        "balance_transactions": list(balance_transactions),
        "charge": charge_id,
        "created": created,
        "currency": currency.lower(),
        "evidence": {"customer_name": None, "product_description": None, "receipt": None},
        "evidence_details": {
            "due_by": created + 14 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": None,
        "reason": reason,
        "status": status,
    }


def dispute_transaction(
    *, dispute_id: str, amount: int, currency: str, fee: int, created: int | None = None
) -> Json:
    """A dispute's balance transaction: the withdrawal (amount < 0, fee 1500 say) or the
    reinstatement (amount > 0, fee -1500 when the dispute fee is given back)."""
    return balance_transaction(
        amount=amount,
        currency=currency,
        source=dispute_id,
        fee=fee,
        type="adjustment",
        created=created,
        description=f"Chargeback {'withdrawal' if amount < 0 else 'reversal'}",
    )


def payout(
    *,
    amount: int,
    currency: str,
    payout_id: str | None = None,
    arrival_date: int | None = None,
    status: str = "paid",
    automatic: bool = True,
    created: int | None = None,
) -> Json:
    created = _now(created)
    return {
        "id": payout_id or new_id("po"),
        "object": "payout",
        "amount": amount,
        "arrival_date": arrival_date or created + 86400,
        "automatic": automatic,
        "balance_transaction": new_id("txn"),
        "created": created,
        "currency": currency.lower(),
        "description": "STRIPE PAYOUT",
        "destination": new_id("ba"),
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "livemode": False,
        "metadata": {},
        "method": "standard",
        "original_payout": None,
        "reconciliation_status": "completed" if automatic else "not_applicable",
        "reversed_by": None,
        "source_type": "card",
        "statement_descriptor": None,
        "status": status,
        "type": "bank_account",
    }


# -- events --------------------------------------------------------------------------------


def event(
    event_type: str,
    obj: Json,
    *,
    event_id: str | None = None,
    created: int | None = None,
    previous_attributes: Json | None = None,
    api_version: str = API_VERSION,
) -> Json:
    data: Json = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": api_version,
        "created": _now(created),
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": new_id("req"), "idempotency_key": str(uuid.uuid4())},
        "type": event_type,
    }


def charge_succeeded(ch: Json, **kw: Any) -> Json:
    return event("charge.succeeded", ch, **kw)


def charge_captured(ch: Json, **kw: Any) -> Json:
    return event("charge.captured", ch, **kw)


def charge_refunded(ch: Json, refunds: Sequence[Json], *, embed: bool = True, **kw: Any) -> Json:
    """The charge after ``refunds``; ``embed`` adds the ``refunds`` list as API versions
    before 2022-11-15 render it (later versions leave it out: the adapter looks it up)."""
    refunded = sum(r["amount"] for r in refunds)
    after = {**ch, "amount_refunded": refunded, "refunded": refunded >= ch["amount"]}
    if embed:
        after["refunds"] = {
            "object": "list",
            "data": list(refunds),
            "has_more": False,
            "total_count": len(refunds),
            "url": f"/v1/charges/{ch['id']}/refunds",
        }
    previous = {"amount_refunded": ch.get("amount_refunded", 0), "refunded": False}
    return event("charge.refunded", after, previous_attributes=previous, **kw)


def refund_created(rf: Json, **kw: Any) -> Json:
    return event("refund.created", rf, **kw)


def dispute_created(du: Json, **kw: Any) -> Json:
    return event("charge.dispute.created", du, **kw)


def dispute_funds_withdrawn(du: Json, **kw: Any) -> Json:
    return event("charge.dispute.funds_withdrawn", du, **kw)


def dispute_funds_reinstated(du: Json, **kw: Any) -> Json:
    return event("charge.dispute.funds_reinstated", du, **kw)


def dispute_closed(du: Json, status: str = "lost", **kw: Any) -> Json:
    """The dispute closed ``won``, ``lost`` or ``warning_closed``."""
    return event("charge.dispute.closed", {**du, "status": status}, **kw)


def payout_paid(po: Json, **kw: Any) -> Json:
    return event("payout.paid", {**po, "status": "paid"}, **kw)


def payout_failed(po: Json, failure_code: str = "account_closed", **kw: Any) -> Json:
    failed = {
        **po,
        "status": "failed",
        "failure_code": failure_code,
        "failure_balance_transaction": new_id("txn"),
        "failure_message": "The bank account has been closed.",
    }
    return event("payout.failed", failed, **kw)
