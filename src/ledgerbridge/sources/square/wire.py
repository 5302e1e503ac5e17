"""Reading Square's wire format, naming the field path on every failure.

Money is a ``Money`` object: ``{"amount": <integer in the currency's smallest unit>,
"currency": "USD"}``; the Payouts API renders the code as ``currency_code``, so both are read.
Amounts are signed where Square documents a sign (a returned processing fee, a withdrawal
payout). Square's smallest unit is ISO 4217's (JPY 1, USD 0.01). A float, a string or a bool
is refused, never rounded. Times are RFC 3339 (``2024-11-20T16:12:31.258Z``); dates ISO.
https://developer.squareup.com/docs/build-basics/working-with-monetary-amounts
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from ledgerbridge.domain.errors import CurrencyError, MalformedPayloadError
from ledgerbridge.domain.money import from_minor, normalize_currency
from ledgerbridge.sources.base import Json, parse_time
from ledgerbridge.sources.fields import optional_text as optional_text
from ledgerbridge.sources.fields import section as section
from ledgerbridge.sources.fields import text as text

_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def optional_items(doc: Json, name: str, where: str) -> list[Json]:
    """A list of objects that Square omits when empty (it drops empty fields)."""
    value = doc.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise MalformedPayloadError(
            f"{where}.{name}: expected a list of objects", field=f"{where}.{name}"
        )
    return value


def square_id(doc: Json, name: str, where: str) -> str:
    """An object id (payments, refunds ``<payment>_<suffix>``, payouts ``po_<uuid>``): letters,
    digits, ``_`` and ``-`` only, so it is safe in a look-up path and a business key."""
    value = text(doc, name, where)
    if not _ID.match(value):
        raise MalformedPayloadError(
            f"{where}.{name}: not a Square id ({value!r})", field=f"{where}.{name}"
        )
    return value


def time(doc: Json, name: str, where: str) -> datetime:
    value = text(doc, name, where)
    try:
        return parse_time(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{where}.{name}: not an RFC 3339 time ({value!r})", field=f"{where}.{name}"
        ) from None


def time_or(doc: Json, name: str, where: str, default: datetime) -> datetime:
    return time(doc, name, where) if doc.get(name) is not None else default


def day(doc: Json, name: str, where: str) -> datetime:
    """A ``YYYY-MM-DD`` date (a payout's ``arrival_date``) as midnight UTC."""
    value = text(doc, name, where)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{where}.{name}: not a date ({value!r})", field=f"{where}.{name}"
        ) from None
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)


def money(doc: Json, name: str, where: str) -> tuple[Decimal, str]:
    """``doc[name]`` as (amount exact at its currency's exponent, upper-case currency)."""
    path = f"{where}.{name}"
    obj = section(doc, name, where)
    units = obj.get("amount")
    if isinstance(units, float):
        raise MalformedPayloadError(f"{path}.amount: floats are not money ({units!r})", field=path)
    if isinstance(units, bool) or not isinstance(units, int):
        raise MalformedPayloadError(
            f"{path}.amount: expected integer minor units, got {units!r}", field=path
        )
    code = obj.get("currency", obj.get("currency_code"))
    if not isinstance(code, str) or not code:
        raise MalformedPayloadError(f"{path}.currency: required string missing", field=path)
    try:
        currency = normalize_currency(code)
    except CurrencyError:
        raise MalformedPayloadError(f"{path}.currency: unknown currency {code!r}") from None
    return from_minor(units, currency), currency


def stamp(value: datetime) -> str:
    """A time as it appears in a business key: UTC, to the microsecond, ``Z``."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
