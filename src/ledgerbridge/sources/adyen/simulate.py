"""Adyen traffic in Adyen's formats, for the demo, end-to-end tests and bench/.

Item builders (``authorisation``, ``capture``, ``refund``, ``chargeback``,
``chargeback_reversed``, ``report_available``) return one NotificationRequestItem as Adyen
renders it: integer minor units (Adyen's exponents), ``success`` as a string, 16-character
PSP references, an ISO 8601 ``eventDate`` with offset. ``sign_item`` adds the HMAC;
``delivery`` signs items, wraps them and gives the body and the headers Adyen sends:
    key = new_hmac_key()
    payment = new_psp_reference()
    body, headers = delivery([capture(payment, 2500, "EUR", merchant_reference="1042")], key)
Settlement reports: row builders (``settled_row``, ``refunded_row``, ``fee_row``,
``payout_row``, ``balance_transfer_row``) and ``settlement_report_csv`` in either column order.
"""

from __future__ import annotations

import copy
import secrets
import string
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from ledgerbridge.sources.adyen.simulate_report import (
    COLUMNS,
    COLUMNS_OLD,
    MERCHANT_ACCOUNT,
    balance_transfer_row,
    fee_row,
    net_total,
    payout_row,
    refunded_row,
    settled_row,
    settlement_report_csv,
)
from ledgerbridge.sources.adyen.verify import signature_for
from ledgerbridge.sources.adyen.wire import ITEM, to_adyen_minor

Json = dict[str, Any]
ADYEN_ZONE = ZoneInfo("Europe/Amsterdam")
_PSP_ALPHABET = string.ascii_uppercase + string.digits


def new_psp_reference() -> str:
    """A fresh PSP reference in Adyen's shape: 16 upper-case letters and digits."""
    return "".join(secrets.choice(_PSP_ALPHABET) for _ in range(16))


def new_hmac_key() -> str:
    """A fresh HMAC key as the Customer Area shows it: 64 upper-case hex characters."""
    return secrets.token_hex(32).upper()


def minor(amount: str | Decimal, currency: str) -> int:
    """Adyen minor units of a decimal amount ("24.95" EUR -> 2495; ISK has two decimals)."""
    return to_adyen_minor(Decimal(amount), currency.upper())


def item(
    event_code: str,
    *,
    psp_reference: str,
    value: int,
    currency: str,
    original_reference: str | None = None,
    merchant_reference: str = "",
    merchant_account: str = MERCHANT_ACCOUNT,
    success: bool = True,
    event_date: datetime | None = None,
    reason: str = "",
    payment_method: str = "visa",
    additional_data: Json | None = None,
) -> Json:
    """One unsigned NotificationRequestItem; ``value`` in Adyen minor units. ``eventDate`` is
    written in Amsterdam time with its offset, as Adyen writes it."""
    when = (event_date or datetime.now(UTC)).astimezone(ADYEN_ZONE)
    doc: Json = {
        "additionalData": dict(additional_data or {}),
        "amount": {"currency": currency.upper(), "value": value},
        "eventCode": event_code,
        "eventDate": when.isoformat(timespec="seconds"),
        "merchantAccountCode": merchant_account,
        "merchantReference": merchant_reference,
        **({} if original_reference is None else {"originalReference": original_reference}),
        "paymentMethod": payment_method,
        "pspReference": psp_reference,
        "reason": reason,
        "success": "true" if success else "false",
    }
    return doc


def authorisation(psp_reference: str, value: int, currency: str, **kw: Any) -> Json:
    kw.setdefault("reason", "039404:1111:03/2030")
    kw.setdefault("additional_data", {"authCode": "039404", "cardSummary": "1111"})
    return item("AUTHORISATION", psp_reference=psp_reference, value=value, currency=currency, **kw)


def capture(payment: str, value: int, currency: str, **kw: Any) -> Json:
    """A CAPTURE of ``payment`` (its own pspReference is fresh unless given)."""
    psp = kw.pop("psp_reference", None) or new_psp_reference()
    return item(
        "CAPTURE",
        psp_reference=psp,
        original_reference=payment,
        value=value,
        currency=currency,
        **kw,
    )


def refund(payment: str, value: int, currency: str, **kw: Any) -> Json:
    psp = kw.pop("psp_reference", None) or new_psp_reference()
    return item(
        "REFUND",
        psp_reference=psp,
        original_reference=payment,
        value=value,
        currency=currency,
        **kw,
    )


def chargeback(dispute: str, payment: str, value: int, currency: str, **kw: Any) -> Json:
    """A CHARGEBACK: ``dispute`` is the dispute's pspReference, shared by its later events."""
    kw.setdefault("reason", "Other Fraud-Card Absent Environment")
    kw.setdefault("additional_data", {"chargebackReasonCode": "10.4", "disputeStatus": "Lost"})
    return item(
        "CHARGEBACK",
        psp_reference=dispute,
        original_reference=payment,
        value=value,
        currency=currency,
        **kw,
    )


def chargeback_reversed(dispute: str, payment: str, value: int, currency: str, **kw: Any) -> Json:
    kw.setdefault("additional_data", {"disputeStatus": "Won"})
    return item(
        "CHARGEBACK_REVERSED",
        psp_reference=dispute,
        original_reference=payment,
        value=value,
        currency=currency,
        **kw,
    )


def report_url(base_url: str, batch: int, merchant_account: str = MERCHANT_ACCOUNT) -> str:
    name = f"settlement_detail_report_batch_{batch}.csv"
    return f"{base_url.rstrip('/')}/reports/download/MerchantAccount/{merchant_account}/{name}"


def report_available(url: str, **kw: Any) -> Json:
    """REPORT_AVAILABLE: ``pspReference`` is the file name, ``reason`` the download URL."""
    name = url.rsplit("/", 1)[-1]
    kw.setdefault("currency", "EUR")
    return item(
        "REPORT_AVAILABLE", psp_reference=name, value=0, reason=url, payment_method="", **kw
    )


def sign_item(doc: Json, hex_key: str) -> Json:
    """A copy of ``doc`` with ``additionalData.hmacSignature`` for the hex HMAC key."""
    signed = copy.deepcopy(doc)
    extra = dict(signed.get("additionalData") or {})
    extra.pop("hmacSignature", None)
    signed["additionalData"] = {**extra, "hmacSignature": signature_for(signed, hex_key)}
    return signed


def notification(items: Sequence[Json], *, live: bool = False) -> Json:
    return {
        "live": "true" if live else "false",
        "notificationItems": [{ITEM: doc} for doc in items],
    }


def encode(payload: Json) -> bytes:
    return orjson.dumps(payload)


def headers() -> dict[str, str]:
    """The headers of an Adyen delivery (the signature is in the body)."""
    return {"Content-Type": "application/json", "User-Agent": "Adyen HttpClient 1.0"}


def delivery(
    items: Sequence[Json], hex_key: str, *, live: bool = False
) -> tuple[bytes, dict[str, str]]:
    """Sign each item, wrap them, and return the body and headers as Adyen sends them."""
    signed = [sign_item(doc, hex_key) for doc in items]
    return encode(notification(signed, live=live)), headers()


__all__ = [
    "COLUMNS",
    "COLUMNS_OLD",
    "MERCHANT_ACCOUNT",
    "authorisation",
    "balance_transfer_row",
    "capture",
    "chargeback",
    "chargeback_reversed",
    "delivery",
    "encode",
    "fee_row",
    "headers",
    "item",
    "minor",
    "net_total",
    "new_hmac_key",
    "new_psp_reference",
    "notification",
    "payout_row",
    "refunded_row",
    "report_available",
    "report_url",
    "settled_row",
    "settlement_report_csv",
    "sign_item",
]
