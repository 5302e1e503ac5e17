"""PayPal traffic as PayPal sends it: event envelopes around REST v2 capture, refund and
dispute resources, money as ``{currency_code, value}`` decimal strings (the legacy v1 sale
and refund: simulate_legacy.py). Amounts are given as decimal strings; the breakdowns are
computed from them (net = gross - fees) as PayPal computes them. ``sign`` (simulate_keys.py)
gives a delivery's PAYPAL-* headers. Used by the tests, the demo and bench/.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson

from ledgerbridge.sources.paypal.simulate_keys import (
    CertificateServer,
    cert_url,
    certificate_pem,
    sign,
    signing_key,
    transmission_time,
)

__all__ = [
    "CertificateServer",
    "capture",
    "cert_url",
    "certificate_pem",
    "dispute",
    "encode",
    "event",
    "link",
    "money",
    "movement",
    "new_id",
    "refund",
    "sign",
    "signing_key",
    "timestamp",
]

Json = dict[str, Any]
API = "https://api.sandbox.paypal.com"
_ALPHABET = string.ascii_uppercase + string.digits


def new_id(length: int = 17) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def money(value: str | Decimal, currency: str) -> Json:
    return {"currency_code": currency.upper(), "value": str(value)}


def timestamp(at: datetime | None) -> str:
    return transmission_time(at or datetime.now(UTC))


def _minus(value: str, *parts: str | None) -> str:
    return str(Decimal(value) - sum((Decimal(p) for p in parts if p), Decimal(0)))


def capture(
    amount: str,
    currency: str,
    *,
    capture_id: str | None = None,
    fee: str | None = None,
    platform_fees: Sequence[str] = (),
    receivable: tuple[str, str] | None = None,
    exchange_rate: str | None = None,
    fee_in_receivable: str | None = None,
    invoice_id: str | None = None,
    custom_id: str | None = None,
    status: str = "COMPLETED",
    created: datetime | None = None,
) -> Json:
    """A v2 capture; ``receivable`` = (net value, currency) PayPal credited after converting."""
    capture_id = capture_id or new_id()
    breakdown: Json = {"gross_amount": money(amount, currency)}
    if fee is not None:
        breakdown["paypal_fee"] = money(fee, currency)
    if platform_fees:
        breakdown["platform_fees"] = [
            {"amount": money(p, currency), "payee": {"merchant_id": "7XJ2Y3Q4VB5CN"}}
            for p in platform_fees
        ]
    breakdown["net_amount"] = money(_minus(amount, fee, *platform_fees), currency)
    if receivable is not None:
        breakdown["receivable_amount"] = money(*receivable)
        if fee_in_receivable is not None:
            breakdown["paypal_fee_in_receivable_currency"] = money(fee_in_receivable, receivable[1])
        if exchange_rate is not None:
            breakdown["exchange_rate"] = {
                "source_currency": currency.upper(),
                "target_currency": receivable[1].upper(),
                "value": exchange_rate,
            }
    at = timestamp(created)
    resource: Json = {
        "id": capture_id,
        "amount": money(amount, currency),
        "final_capture": True,
        "seller_protection": {"status": "ELIGIBLE", "dispute_categories": ["ITEM_NOT_RECEIVED"]},
        "seller_receivable_breakdown": breakdown,
        "status": status,
        "supplementary_data": {"related_ids": {"order_id": new_id()}},
        "create_time": at,
        "update_time": at,
        "links": [
            link(f"/v2/payments/captures/{capture_id}", "self"),
            link(f"/v2/payments/captures/{capture_id}/refund", "refund", "POST"),
            link(f"/v2/checkout/orders/{new_id()}", "up"),
        ],
    }
    if invoice_id is not None:
        resource["invoice_id"] = invoice_id
    if custom_id is not None:
        resource["custom_id"] = custom_id
    return resource


def refund(
    amount: str,
    currency: str,
    *,
    capture_id: str,
    refund_id: str | None = None,
    fee_returned: str | None = None,
    net_in_receivable: tuple[str, str] | None = None,
    fee_in_receivable: str | None = None,
    status: str = "COMPLETED",
    created: datetime | None = None,
    note: str | None = "Defective product",
) -> Json:
    """A v2 refund (also the resource of PAYMENT.CAPTURE.REVERSED), linked ``up`` to its
    capture; ``fee_returned`` is the PayPal fee given back to the seller."""
    refund_id = refund_id or new_id()
    breakdown: Json = {"gross_amount": money(amount, currency)}
    if fee_returned is not None:
        breakdown["paypal_fee"] = money(fee_returned, currency)
    breakdown["net_amount"] = money(_minus(amount, fee_returned), currency)
    if net_in_receivable is not None:
        breakdown["net_amount_in_receivable_currency"] = money(*net_in_receivable)
        if fee_in_receivable is not None:
            breakdown["paypal_fee_in_receivable_currency"] = money(
                fee_in_receivable, net_in_receivable[1]
            )
    breakdown["total_refunded_amount"] = money(amount, currency)
    at = timestamp(created)
    resource: Json = {
        "id": refund_id,
        "amount": money(amount, currency),
        "seller_payable_breakdown": breakdown,
        "status": status,
        "create_time": at,
        "update_time": at,
        "links": [
            link(f"/v2/payments/refunds/{refund_id}", "self"),
            link(f"/v2/payments/captures/{capture_id}", "up"),
        ],
    }
    if note is not None:
        resource["note_to_payer"] = note
    return resource


def dispute(
    amount: str,
    currency: str,
    *,
    capture_id: str,
    dispute_id: str | None = None,
    stage: str = "CHARGEBACK",
    status: str = "OPEN",
    reason: str = "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
    outcome: str | None = None,
    money_movements: Sequence[Json] = (),
    created: datetime | None = None,
) -> Json:
    """A Disputes v1 resource; ``outcome`` (RESOLVED_SELLER_FAVOUR, RESOLVED_BUYER_FAVOUR…)
    makes it a resolved one."""
    dispute_id = dispute_id or f"PP-D-{secrets.randbelow(90000) + 10000}"
    at = timestamp(created)
    resource: Json = {
        "dispute_id": dispute_id,
        "create_time": at,
        "update_time": at,
        "disputed_transactions": [
            {
                "seller_transaction_id": capture_id,
                "seller": {"merchant_id": "RD465XN5VS364", "name": "Test Store"},
                "items": [],
                "seller_protection_eligible": True,
            }
        ],
        "reason": reason,
        "status": "RESOLVED" if outcome else status,
        "dispute_amount": money(amount, currency),
        "dispute_life_cycle_stage": stage,
        "dispute_channel": "EXTERNAL" if stage == "CHARGEBACK" else "INTERNAL",
        "links": [link(f"/v1/customer/disputes/{dispute_id}", "self")],
    }
    if outcome is not None:
        resource["dispute_outcome"] = {"outcome_code": outcome}
    if money_movements:
        resource["money_movements"] = list(money_movements)
    return resource


def movement(amount: str, currency: str, *, party: str = "SELLER", kind: str = "CREDIT") -> Json:
    """One of a dispute's ``money_movements``."""
    return {
        "affected_party": party,
        "amount": money(amount, currency),
        "initiated_time": timestamp(None),
        "type": kind,
        "reason": "DISPUTE_SETTLEMENT",
    }


_RESOURCE_TYPES = {"CAPTURE": "capture", "SALE": "sale", "DISPUTE": "dispute"}


def event(
    event_type: str,
    resource: Json,
    *,
    event_id: str | None = None,
    created: datetime | None = None,
    summary: str | None = None,
) -> Json:
    """The webhook envelope; ``id`` (WH-…) is what ledgerbridge dedupes on."""
    event_id = event_id or f"WH-{new_id()}-{new_id()}"
    kind = event_type.split(".")[1]
    refunded = event_type.endswith((".REFUNDED", "CAPTURE.REVERSED"))
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": timestamp(created),
        "resource_type": "refund" if refunded else _RESOURCE_TYPES.get(kind, kind.lower()),
        "resource_version": "2.0",
        "event_type": event_type,
        "summary": summary or event_type.replace(".", " ").capitalize(),
        "resource": resource,
        "links": [
            link(f"/v1/notifications/webhooks-events/{event_id}", "self"),
            link(f"/v1/notifications/webhooks-events/{event_id}/resend", "resend", "POST"),
        ],
    }


def encode(payload: Json) -> bytes:
    return orjson.dumps(payload)


def link(path: str, rel: str, method: str = "GET") -> Json:
    return {"href": API + path, "rel": rel, "method": method}
