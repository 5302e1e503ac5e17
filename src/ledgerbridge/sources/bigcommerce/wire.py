"""Reading BigCommerce documents exactly; every failure names the field path.

V2 orders carry money as 4-decimal strings ("62.6793") and dates as RFC 2822 ("Tue, 05 Mar
2019 21:13:35 +0000"). V3 refunds carry money as JSON numbers: client.py reads them as Decimal
from the response text and keeps them as exact decimal strings, so a float here is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError, ValidationError
from ledgerbridge.domain.money import normalize_currency, parse_decimal, round_half_up
from ledgerbridge.sources.base import Json, parse_time


def path(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def _bad(where: str, field: str, problem: str) -> MalformedPayloadError:
    name = path(where, field)
    return MalformedPayloadError(f"{name} {problem}", field=name)


def section(doc: Mapping[str, Any], field: str, where: str = "") -> Json:
    value = doc.get(field)
    if not isinstance(value, dict):
        raise _bad(where, field, "missing or not an object")
    return value


def text(doc: Mapping[str, Any], field: str, where: str = "") -> str:
    value = doc.get(field)
    if not isinstance(value, str) or not value:
        raise _bad(where, field, "missing or not a string")
    return value


def integer(doc: Mapping[str, Any], field: str, where: str = "") -> int:
    """An id: a JSON integer, or digits in a string (transaction scopes send "250")."""
    value = doc.get(field)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(where, field, "missing or not an integer id")
    return value


def items(
    doc: Mapping[str, Any], field: str, *, required: bool = True, where: str = ""
) -> list[Json]:
    value = doc.get(field)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise _bad(where, field, "missing or not a list of objects")
    return value


def money(
    doc: Mapping[str, Any], field: str, currency: str, where: str = "", *, required: bool = True
) -> Decimal:
    """A money field rounded half up at the currency's exponent (V2 prints 4 decimals; what
    the store's receipt shows is the rounded figure). Absent or null is 0 when not required."""
    return round_half_up(exact(doc, field, where, required=required), currency)


def exact(doc: Mapping[str, Any], field: str, where: str = "", *, required: bool = True) -> Decimal:
    """A decimal string or integer as it stands (no rounding); a float is refused."""
    value = doc.get(field)
    if value is None or value == "":
        if required:
            raise _bad(where, field, "missing")
        return Decimal(0)
    try:
        return parse_decimal(value, field=path(where, field))
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=path(where, field)) from None


def currency(doc: Mapping[str, Any], field: str, where: str = "") -> str:
    try:
        return normalize_currency(text(doc, field, where))
    except MalformedPayloadError:
        raise
    except ValidationError as exc:
        raise MalformedPayloadError(
            f"{path(where, field)}: {exc.message}", field=path(where, field)
        ) from None


def rfc2822_time(doc: Mapping[str, Any], field: str, where: str = "") -> datetime:
    """A V2 date ("Tue, 05 Mar 2019 21:13:35 +0000") as aware UTC."""
    value = text(doc, field, where)
    try:
        found = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise _bad(where, field, f"is not an RFC 2822 date: {value!r}") from None
    if found.tzinfo is None:  # "-0000": UTC, origin unknown
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC)


def iso_time(doc: Mapping[str, Any], field: str, where: str = "") -> datetime:
    """A V3 date ("2026-03-05T14:00:00+00:00") as aware UTC."""
    value = text(doc, field, where)
    try:
        return parse_time(value)
    except ValueError:
        raise _bad(where, field, f"is not an ISO 8601 date: {value!r}") from None
