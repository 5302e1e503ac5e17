"""Reading Shopify payload fields exactly: decimal strings, ``*_set`` money pairs, ids, times.

Shopify sends money as decimal strings ("19.99"); current API versions add a pair
``<name>_set: {shop_money: {amount, currency_code}, presentment_money: {...}}``. ``pick`` reads
the side of the pair in the currency being booked and falls back to the plain field. Every
failure is a MalformedPayloadError naming the field (a float amount included: JSON numbers with
decimals are never money).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError, ValidationError
from ledgerbridge.domain.money import normalize_currency, parse_decimal, round_half_up
from ledgerbridge.sources.base import Json, parse_time

SHOP = "shop_money"
PRESENTMENT = "presentment_money"


def amount(value: object, currency: str, field: str) -> Decimal:
    """``value`` as an exact Decimal at ``currency``'s exponent."""
    try:
        parsed = parse_decimal(value, field=field)
    except ValidationError as exc:
        raise MalformedPayloadError(exc.message, field=field) from None
    return round_half_up(parsed, currency_code(currency, f"{field} currency"))


def currency_code(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise MalformedPayloadError(
            f"{field}: expected a currency code, got {value!r}", field=field
        )
    try:
        return normalize_currency(value)
    except ValidationError as exc:
        raise MalformedPayloadError(f"{field}: {exc.message}", field=field) from None


def money_of(pair: object, field: str) -> tuple[Decimal, str]:
    """One side of a ``*_set``: ``{"amount": "1.00", "currency_code": "USD"}``."""
    if not isinstance(pair, Mapping):
        raise MalformedPayloadError(f"{field}: expected a money object", field=field)
    code = currency_code(pair.get("currency_code"), f"{field}.currency_code")
    return amount(pair.get("amount"), code, f"{field}.amount"), code


def side(doc: Mapping[str, Any], name: str, which: str, where: str) -> tuple[Decimal, str] | None:
    """``doc[name_set][which]`` as (amount, currency), or None when the pair is absent."""
    pair = doc.get(f"{name}_set")
    if not isinstance(pair, Mapping) or pair.get(which) is None:
        return None
    return money_of(pair[which], f"{where}{name}_set.{which}")


def pick(
    doc: Mapping[str, Any],
    name: str,
    currency: str,
    where: str = "",
    default: Decimal | None = None,
) -> Decimal:
    """The amount of ``name`` in ``currency``: the matching side of ``name_set`` when the pair
    is there, else the plain field (which Shopify gives in shop currency)."""
    pair = doc.get(f"{name}_set")
    if isinstance(pair, Mapping):
        for which in (SHOP, PRESENTMENT):
            found = side(doc, name, which, where)
            if found is not None and found[1] == currency:
                return found[0]
        raise MalformedPayloadError(
            f"{where}{name}_set: no amount in {currency}", field=f"{where}{name}_set"
        )
    if doc.get(name) is None:
        if default is not None:
            return default
        raise MalformedPayloadError(f"{where}{name}: missing", field=f"{where}{name}")
    return amount(doc[name], currency, f"{where}{name}")


def items(doc: Mapping[str, Any], name: str, where: str = "") -> list[Json]:
    """A list of objects (absent or null means empty)."""
    value = doc.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise MalformedPayloadError(f"{where}{name}: expected a list of objects", field=name)
    return value


def ident(doc: Mapping[str, Any], name: str, where: str = "") -> str:
    """A required id (Shopify ids are integers; strings are accepted as given)."""
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str) or value == "":
        raise MalformedPayloadError(f"{where}{name}: missing or not an id", field=f"{where}{name}")
    return str(value)


def quantity(doc: Mapping[str, Any], where: str) -> int:
    value = doc.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedPayloadError(
            f"{where}quantity: expected a whole number, got {value!r}", field=f"{where}quantity"
        )
    return value


def time_of(value: object, field: str) -> datetime:
    """An ISO 8601 timestamp (Shopify: with offset, or ``...Z`` with nanoseconds) in UTC."""
    if not isinstance(value, str):
        raise MalformedPayloadError(f"{field}: expected a timestamp, got {value!r}", field=field)
    try:
        return parse_time(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{field}: not an ISO 8601 time ({value!r})", field=field
        ) from None


def first_time(doc: Mapping[str, Any], *names: str) -> datetime | None:
    for name in names:
        if doc.get(name) is not None:
            return time_of(doc[name], name)
    return None


def tax_sum(doc: Mapping[str, Any], currency: str, where: str) -> Decimal:
    """Sum of ``doc.tax_lines[].price`` in ``currency``."""
    return sum(
        (
            pick(t, "price", currency, f"{where}tax_lines[{i}].")
            for i, t in enumerate(items(doc, "tax_lines", where))
        ),
        Decimal(0),
    )
