"""Legacy v1 resources (PAYMENT.SALE.*) as PayPal still sends them to older integrations:
``amount{total, currency}``, ``transaction_fee``, ``refund_from_transaction_fee``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerbridge.sources.paypal.simulate import link, new_id, timestamp

Json = dict[str, Any]


def legacy_sale(
    total: str,
    currency: str,
    *,
    fee: str | None = None,
    sale_id: str | None = None,
    invoice_number: str | None = None,
    created: datetime | None = None,
) -> Json:
    """A v1 sale (PAYMENT.SALE.COMPLETED)."""
    sale_id = sale_id or new_id()
    at = timestamp(created)
    resource: Json = {
        "id": sale_id,
        "state": "completed",
        "amount": {"total": total, "currency": currency.upper(), "details": {"subtotal": total}},
        "payment_mode": "INSTANT_TRANSFER",
        "protection_eligibility": "ELIGIBLE",
        "parent_payment": f"PAY-{new_id(24)}",
        "create_time": at,
        "update_time": at,
        "links": [link(f"/v1/payments/sale/{sale_id}", "self")],
    }
    if fee is not None:
        resource["transaction_fee"] = {"value": fee, "currency": currency.upper()}
    if invoice_number is not None:
        resource["invoice_number"] = invoice_number
    return resource


def legacy_refund(
    total: str,
    currency: str,
    *,
    sale_id: str,
    refund_id: str | None = None,
    fee_returned: str | None = None,
    created: datetime | None = None,
) -> Json:
    """A v1 refund (PAYMENT.SALE.REFUNDED); older deliveries write ``total`` negative."""
    refund_id = refund_id or new_id()
    at = timestamp(created)
    resource: Json = {
        "id": refund_id,
        "state": "completed",
        "amount": {"total": total, "currency": currency.upper()},
        "sale_id": sale_id,
        "parent_payment": f"PAY-{new_id(24)}",
        "create_time": at,
        "update_time": at,
        "links": [link(f"/v1/payments/refund/{refund_id}", "self")],
    }
    if fee_returned is not None:
        resource["refund_from_transaction_fee"] = {"value": fee_returned, "currency": currency}
    return resource
