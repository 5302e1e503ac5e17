"""Square's wire format for the simulator: ids, times, money, processing fees, and the
body bytes and signed headers of a delivery. Kept apart from simulate.py (which re-exports
these) so the builders there read as the payloads they make.
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime
from typing import Any

import orjson

from ledgerbridge.sources.square.verify import HEADER, signature_for

Json = dict[str, Any]
API_VERSION = "2024-11-20"
MERCHANT_ID = "ML4XQ7TB2N9KD"
LOCATION_ID = "LH8W3RZ0P6V1E"
_ALNUM = string.ascii_letters + string.digits


def token(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_payment_id() -> str:
    """A payment id in Square's shape: 29 letters and digits."""
    return token(29)


def rfc3339(value: datetime | None = None) -> str:
    """A time as Square writes it: UTC, milliseconds, ``Z``."""
    moment = (value or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def money(amount: int, currency: str, *, code_field: str = "currency") -> Json:
    """A Money object; the Payouts API names the code ``currency_code``."""
    return {"amount": amount, code_field: currency.upper()}


def fee_for(amount_minor: int) -> int:
    """A realistic processing fee: 2.6 % (rounded half up) + 15 minor units."""
    return (amount_minor * 26 + 500) // 1000 + 15


def processing_fee(
    amount: int, currency: str, effective_at: datetime, type: str = "INITIAL"
) -> Json:
    return {
        "amount_money": money(amount, currency),
        "effective_at": rfc3339(effective_at),
        "type": type,
    }


def encode(payload: Json) -> bytes:
    """The body bytes as Square sends them (compact JSON)."""
    return orjson.dumps(payload)


def sign(body: bytes, key: str, notification_url: str) -> dict[str, str]:
    """The headers of a delivery of ``body`` to the subscription at ``notification_url``."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "Square Connect v2",
        "Square-Version": API_VERSION,
        "Square-Environment": "Production",
        HEADER: signature_for(body, key, notification_url),
    }
