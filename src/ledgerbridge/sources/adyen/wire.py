"""Reading Adyen's standard notification format, naming the field on every failure.

A body is ``{"live": "false", "notificationItems": [{"NotificationRequestItem": {…}}]}``.
Money is ``amount {value: integer minor units, currency}``; a float (or a string) is refused.
Adyen's minor units are ISO 4217's except for four currencies
(https://docs.adyen.com/development-resources/currency-codes): CLP and ISK carry two decimals
on the wire, CVE and IDR none. Such amounts must be whole at the ISO exponent ledgerbridge
books in, or the payload is refused rather than rounded.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.errors import CurrencyError, MalformedPayloadError
from ledgerbridge.domain.money import exponent, normalize_currency
from ledgerbridge.sources.base import Json, parse_time

ITEM = "NotificationRequestItem"
ADYEN_EXPONENT = {"CLP": 2, "CVE": 0, "IDR": 0, "ISK": 2}


def items(payload: Json) -> list[Json]:
    """The NotificationRequestItems of a body, in order (at least one)."""
    wrapped = payload.get("notificationItems")
    if not isinstance(wrapped, list) or not wrapped:
        raise MalformedPayloadError(
            "notificationItems: expected a non-empty list", field="notificationItems"
        )
    found: list[Json] = []
    for i, entry in enumerate(wrapped):
        item = entry.get(ITEM) if isinstance(entry, dict) else None
        if not isinstance(item, dict):
            where = f"notificationItems[{i}].{ITEM}"
            raise MalformedPayloadError(f"{where}: expected an object", field=where)
        found.append(item)
    return found


def text(item: Json, name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedPayloadError(f"{where}.{name}: required string missing", field=name)
    return value


def optional_text(item: Json, name: str) -> str | None:
    value = item.get(name)
    return value if isinstance(value, str) and value else None


def success(item: Json, where: str) -> bool:
    """``success`` is the string "true" or "false" on the wire, never a JSON boolean."""
    value = item.get("success")
    if value not in ("true", "false"):
        raise MalformedPayloadError(
            f'{where}.success: expected "true" or "false", got {value!r}', field="success"
        )
    return bool(value == "true")


def event_date(item: Json, where: str) -> datetime:
    value = text(item, "eventDate", where)
    try:
        return parse_time(value)
    except ValueError:
        raise MalformedPayloadError(
            f"{where}.eventDate: not an ISO 8601 time ({value!r})", field="eventDate"
        ) from None


def currency_code(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedPayloadError(f"{where}: required currency missing", field=where)
    try:
        return normalize_currency(value)
    except CurrencyError:
        raise MalformedPayloadError(f"{where}: unknown currency {value!r}", field=where) from None


def amount(item: Json, where: str) -> tuple[str, Decimal]:
    """The item's ``amount`` as (currency, Decimal exact at the ISO exponent)."""
    money = item.get("amount")
    if not isinstance(money, dict):
        raise MalformedPayloadError(f"{where}.amount: expected an object", field="amount")
    code = currency_code(money.get("currency"), f"{where}.amount.currency")
    value = money.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedPayloadError(
            f"{where}.amount.value: expected integer minor units, got {value!r}",
            field="amount.value",
        )
    return code, from_adyen_minor(value, code, f"{where}.amount.value")


def from_adyen_minor(units: int, code: str, where: str = "amount.value") -> Decimal:
    iso = exponent(code)
    value = Decimal(units).scaleb(-ADYEN_EXPONENT.get(code, iso))
    exact = value.quantize(Decimal(1).scaleb(-iso))
    if exact != value:
        raise MalformedPayloadError(
            f"{where}: {units} minor units of {code} is not whole at {code}'s ISO exponent {iso}"
        )
    return exact


def to_adyen_minor(value: Decimal, code: str) -> int:
    """Adyen minor units of an amount (for the simulator): the inverse of from_adyen_minor."""
    scaled = value.scaleb(ADYEN_EXPONENT.get(code, exponent(code)))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} {code} has more decimals than Adyen's minor units")
    return int(scaled)
