"""Reading Stripe's wire format, naming the field on every failure.

Money is an integer in the currency's smallest unit; a float (or a decimal string) is refused.
Stripe's exponent is ISO's except for a few currencies it keeps two-decimal for backwards
compatibility where ISO 4217 / CLDR say zero (ISK: "an ISK amount of 100 represents 1 króna",
HUF): https://docs.stripe.com/currencies#special-cases . Such amounts must be whole at the ISO
exponent ledgerbridge books in, or the payload is refused rather than rounded.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import CurrencyError, MalformedPayloadError
from ledgerbridge.domain.money import exponent, normalize_currency
from ledgerbridge.sources.base import Json, utc_from_unix

STRIPE_EXPONENT = {"HUF": 2, "ISK": 2, "TWD": 2}
_ID = re.compile(r"^[A-Za-z0-9_]+$")


def section(doc: Json, name: str, where: str) -> Json:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise MalformedPayloadError(f"{where}.{name}: expected an object", field=name)
    return value


def items(doc: Json, name: str, where: str) -> list[Json]:
    value = doc.get(name)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise MalformedPayloadError(f"{where}.{name}: expected a list of objects", field=name)
    return value


def text(doc: Json, name: str, where: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedPayloadError(f"{where}.{name}: required string missing", field=name)
    return value


def stripe_id(doc: Json, name: str, where: str) -> str:
    """An object id (ch_…, txn_…): letters, digits and underscores only."""
    value = text(doc, name, where)
    if not _ID.match(value):
        raise MalformedPayloadError(f"{where}.{name}: not a Stripe id ({value!r})", field=name)
    return value


def ref(value: Any) -> str | None:
    """The id of a reference field that may be an id string or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def unix(doc: Json, name: str, where: str) -> datetime:
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayloadError(f"{where}.{name}: expected a unix time", field=name)
    return utc_from_unix(value)


def currency(doc: Json, where: str) -> str:
    value = text(doc, "currency", where)
    try:
        return normalize_currency(value)
    except CurrencyError:
        raise MalformedPayloadError(f"{where}.currency: unknown currency {value!r}") from None


def minor(doc: Json, name: str, where: str) -> int:
    value = doc.get(name)
    if isinstance(value, float):
        raise MalformedPayloadError(f"{where}.{name}: floats are not money ({value!r})", field=name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayloadError(
            f"{where}.{name}: expected integer minor units, got {value!r}", field=name
        )
    return value


def amount(doc: Json, name: str, where: str, code: str) -> Decimal:
    """``doc[name]`` (Stripe minor units of ``code``) as a Decimal exact at the ISO exponent."""
    return from_stripe_minor(minor(doc, name, where), code, f"{where}.{name}")


def from_stripe_minor(units: int, code: str, where: str = "amount") -> Decimal:
    iso = exponent(code)
    value = Decimal(units).scaleb(-STRIPE_EXPONENT.get(code, iso))
    exact = value.quantize(Decimal(1).scaleb(-iso))
    if exact != value:
        raise MalformedPayloadError(
            f"{where}: {units} minor units of {code} is not whole at {code}'s ISO exponent {iso}"
        )
    return exact
