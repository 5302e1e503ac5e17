"""Reading PayPal's wire format, naming the field path on every failure.

Money is an object of a currency and a decimal string: ``{"currency_code": "USD", "value":
"30.00"}`` in the v2 APIs, ``{"currency": "USD", "total" | "value": "30.00"}`` in the legacy v1
ones. A value is read exactly at the currency's ISO 4217 exponent (PayPal writes JPY as an
integer and TND with three decimals, as ISO does); one with more decimals than its currency
allows is refused rather than rounded, and so is a JSON number with a fraction (orjson would
have made it a float). Times are RFC 3339 (``2024-08-02T19:34:57Z``, ``…-07:00``), in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError, ValidationError
from ledgerbridge.domain.money import exponent, normalize_currency, parse_decimal
from ledgerbridge.sources.base import Json, parse_time
from ledgerbridge.sources.fields import optional_text as optional_text
from ledgerbridge.sources.fields import section as section
from ledgerbridge.sources.fields import text as text

Money = tuple[Decimal, str]
_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def optional_section(doc: Json, name: str, where: str) -> Json | None:
    return None if doc.get(name) is None else section(doc, name, where)


def items(doc: Json, name: str, where: str) -> list[Json]:
    """A list of objects (absent or null: empty)."""
    value = doc.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise MalformedPayloadError(
            f"{where}.{name}: expected a list of objects", field=f"{where}.{name}"
        )
    return value


def paypal_id(doc: Json, name: str, where: str) -> str:
    """An object id (capture ``12A34567BC123456S``, event ``WH-…``, dispute ``PP-D-…``)."""
    value = text(doc, name, where)
    if not _ID.match(value):
        raise MalformedPayloadError(
            f"{where}.{name}: not a PayPal id ({value!r})", field=f"{where}.{name}"
        )
    return value


def time_of(doc: Json, name: str, where: str) -> datetime:
    value = text(doc, name, where)
    try:
        return parse_time(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{where}.{name}: not an RFC 3339 time ({value!r})", field=f"{where}.{name}"
        ) from None


def first_time(doc: Json, where: str, *names: str) -> datetime | None:
    for name in names:
        if doc.get(name) is not None:
            return time_of(doc, name, where)
    return None


def currency(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise MalformedPayloadError(
            f"{field}: expected a currency code, got {value!r}", field=field
        )
    try:
        return normalize_currency(value)
    except ValidationError:
        raise MalformedPayloadError(f"{field}: unknown currency {value!r}", field=field) from None


def exact(value: Any, code: str, field: str) -> Decimal:
    """``value`` (a decimal string) as a Decimal exact at ``code``'s ISO exponent."""
    try:
        parsed = parse_decimal(value, field=field)
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=field) from None
    quantum = Decimal(1).scaleb(-exponent(code))
    result = parsed.quantize(quantum)
    if result != parsed:
        raise MalformedPayloadError(
            f"{field}: {value!r} has more decimals than {code} allows", field=field
        )
    return result


def money(doc: Json, name: str, where: str) -> Money:
    """A v2 money object ``doc[name] = {currency_code, value}``."""
    obj = section(doc, name, where)
    path = f"{where}.{name}"
    code = currency(obj.get("currency_code"), f"{path}.currency_code")
    return exact(obj.get("value"), code, f"{path}.value"), code


def optional_money(doc: Json, name: str, where: str) -> Money | None:
    return None if doc.get(name) is None else money(doc, name, where)


def legacy_money(doc: Json, name: str, where: str, amount_field: str = "value") -> Money:
    """A v1 money object ``doc[name] = {currency, total | value}``."""
    obj = section(doc, name, where)
    path = f"{where}.{name}"
    code = currency(obj.get("currency"), f"{path}.currency")
    return exact(obj.get(amount_field), code, f"{path}.{amount_field}"), code


def optional_legacy_money(doc: Json, name: str, where: str) -> Money | None:
    return None if doc.get(name) is None else legacy_money(doc, name, where)


def rate(value: Any, field: str) -> Decimal:
    """An exchange rate (a decimal string such as ``"0.628281035098039"``), > 0."""
    try:
        parsed = parse_decimal(value, field=field)
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=field) from None
    if parsed <= 0:
        raise MalformedPayloadError(f"{field}: not a positive rate ({value!r})", field=field)
    return parsed


def up_link_id(resource: Json, kind: str) -> str | None:
    """The id at the end of the ``rel: up`` link to ``…/{kind}/{id}`` (a refund's only link
    to its capture), or None."""
    for link in items(resource, "links", "resource"):
        href = link.get("href")
        if link.get("rel") != "up" or not isinstance(href, str):
            continue
        parts = href.split("?")[0].rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2] == kind and _ID.match(parts[-1]):
            return parts[-1]
    return None
