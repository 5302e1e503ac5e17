"""Reading Magento's wire format: JSON numbers for money, entity ids, UTC times without offset.

Magento money are JSON NUMBERS (``"grand_total": 165.5``) in REST documents, and decimal
strings (``"165.5000"``) in model data an observer hands to a webhook. Neither may pass through
float: bodies and look-ups are parsed with ``json.loads(parse_float=Decimal)``, and every
Decimal is then kept as its decimal string (``plain``), so a document survives the inbox's JSON
column and a replay exactly. Readers accept Decimal, int and decimal strings, never a float.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import CurrencyError, MalformedPayloadError, ValidationError
from ledgerbridge.domain.money import normalize_currency, parse_decimal, round_half_up
from ledgerbridge.sources.base import Json, parse_time


def parse_body(raw: bytes | str, what: str = "body") -> Json:
    """A JSON object with every number holding a fraction parsed as Decimal, never float."""
    try:
        doc = json.loads(raw, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayloadError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise MalformedPayloadError(f"{what} is not a JSON object")
    return doc


def plain(value: Any) -> Any:
    """``value`` with every Decimal as its exact decimal string (JSON-storable, float-free)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def plain_document(doc: Json) -> Json:
    """A parsed document with its Decimals as decimal strings (see ``plain``)."""
    return {k: plain(v) for k, v in doc.items()}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _name(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def section(doc: Mapping[str, Any], field: str, where: str = "") -> Json:
    value = doc.get(field)
    if not isinstance(value, dict):
        name = _name(where, field)
        raise MalformedPayloadError(f"{name} missing or not an object", field=name)
    return value


def ident(doc: Mapping[str, Any], field: str, where: str = "") -> str:
    """An entity id (a JSON integer, or digits in model data) as its decimal text."""
    value = doc.get(field)
    if isinstance(value, str) and value.isdigit():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    name = _name(where, field)
    raise MalformedPayloadError(f"{name} missing or not an entity id", field=name)


def optional_int(doc: Mapping[str, Any], field: str, where: str = "") -> int | None:
    value = doc.get(field)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    name = _name(where, field)
    raise MalformedPayloadError(f"{name} is not an integer", field=name)


def text(doc: Mapping[str, Any], field: str, where: str = "") -> str | None:
    value = doc.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        name = _name(where, field)
        raise MalformedPayloadError(f"{name} is not a string", field=name)
    return value


def currency(doc: Mapping[str, Any], where: str = "") -> str:
    """The order's currency (``order_currency_code``; ``base_currency_code`` when absent)."""
    field = "order_currency_code" if doc.get("order_currency_code") else "base_currency_code"
    code = text(doc, field, where)
    name = _name(where, field)
    if code is None:
        raise MalformedPayloadError(f"{_name(where, 'order_currency_code')} missing", field=name)
    try:
        return normalize_currency(code)
    except CurrencyError:
        raise MalformedPayloadError(f"{name}: unknown currency {code!r}", field=name) from None


def money(
    doc: Mapping[str, Any], field: str, code: str, where: str = "", *, required: bool = False
) -> Decimal:
    """A money field at the currency's exponent (Magento keeps 4 decimals: rounded half up,
    as it prints them). Absent or null is zero unless ``required``."""
    name = _name(where, field)
    value = doc.get(field)
    if value is None:
        if required:
            raise MalformedPayloadError(f"{name} missing", field=name)
        return round_half_up(Decimal(0), code)
    try:
        return round_half_up(parse_decimal(value, field=name), code)
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=name) from None


def time(doc: Mapping[str, Any], field: str, where: str = "") -> datetime | None:
    """A Magento time: "YYYY-MM-DD HH:MM:SS", UTC without an offset."""
    value = text(doc, field, where)
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        name = _name(where, field)
        raise MalformedPayloadError(f"{name} is not a date-time ({value!r})", field=name) from None
