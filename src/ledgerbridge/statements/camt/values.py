"""Small readers for camt element values: child look-ups by local name, amounts, signs, dates.

Every look-up is an explicit child path (``Ntry/Amt``, never ``.//Amt``), matched on the local
name in any namespace (``{*}``), so the .02 to .13 namespaces (and the misspelt ``20023`` one)
read alike. Every failure is a ``BadStatement`` at the ``sourceline`` of the element to blame.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.money import from_minor, normalize_currency, parse_decimal, to_minor
from ledgerbridge.statements.base import BadStatement

Element: TypeAlias = etree._Element

# ActiveOrHistoricCurrencyAndAmount: unsigned, at most 18 digits, at most 5 decimals.
_AMOUNT = re.compile(r"[0-9]{1,18}(\.[0-9]{0,5})?|\.[0-9]{1,5}")
_DAY = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_SIGNS = {"CRDT": 1, "DBIT": -1}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# Literal placeholders banks write where a reference is empty (BANKFILES §1).
_NO_REFERENCE = {"NOTPROVIDED", "NONREF"}


@lru_cache(maxsize=256)
def _path(spec: str) -> str:
    return "/".join(f"{{*}}{step}" for step in spec.split("/"))


def line_of(element: Element) -> int:
    return int(element.sourceline or 0)


def fail(element: Element, reason: str, field_name: str) -> BadStatement:
    return BadStatement(line_of(element), reason, field_name=field_name)


def child(element: Element, spec: str) -> Element | None:
    """The first element at the child path ``spec`` ("A/B/C"), by local names."""
    return element.find(_path(spec))


def children(element: Element, spec: str) -> list[Element]:
    return list(element.iterfind(_path(spec)))


def required(element: Element, spec: str, field_name: str) -> Element:
    found = child(element, spec)
    if found is None:
        raise fail(element, f"<{spec}> is missing", field_name)
    return found


def clean(raw: str | None) -> str | None:
    """Text with its whitespace runs folded to one space; None when nothing is left."""
    if raw is None:
        return None
    folded = " ".join(raw.split())
    return folded or None


def text(element: Element, spec: str) -> str | None:
    found = child(element, spec)
    return None if found is None else clean(found.text)


def reference(element: Element, spec: str) -> str | None:
    """A reference, with the bank's ``NOTPROVIDED``/``NONREF`` placeholders read as absent."""
    value = text(element, spec)
    return None if value is None or value.upper() in _NO_REFERENCE else value


def currency(element: Element, code: str | None, field_name: str) -> str:
    try:
        return normalize_currency(code or "")
    except ValidationError:
        raise fail(element, f"currency {code!r} is not an ISO 4217 code", field_name) from None


def amount(element: Element, field_name: str) -> tuple[Decimal, str]:
    """An ``<Amt Ccy="EUR">1234.5</Amt>``: the unsigned amount, exact at the currency's
    exponent (``474.4`` CHF reads as 474.40; ``1.234`` EUR is refused), and its currency."""
    code = currency(element, element.get("Ccy"), field_name)
    raw = (element.text or "").strip()
    if not _AMOUNT.fullmatch(raw):
        raise fail(element, f"amount {raw!r} is not an unsigned decimal", field_name)
    try:
        exact = from_minor(to_minor(parse_decimal(raw, field=field_name), code), code)
    except ValidationError:
        reason = f"amount {raw} has more decimals than {code} allows"
        raise fail(element, reason, field_name) from None
    return exact, code


def sign(element: Element, field_name: str) -> int:
    """+1 for CRDT, -1 for DBIT, read from the ``CdtDbtInd`` child of ``element``."""
    indicator = required(element, "CdtDbtInd", field_name)
    code = (indicator.text or "").strip()
    if code not in _SIGNS:
        raise fail(indicator, f"CdtDbtInd {code!r} is neither CRDT nor DBIT", field_name)
    return _SIGNS[code]


def flag(element: Element, spec: str, field_name: str) -> bool:
    found = child(element, spec)
    if found is None:
        return False
    value = (found.text or "").strip().lower()
    if value not in _BOOLEANS:
        raise fail(found, f"{value!r} is not a boolean (true/false)", field_name)
    return _BOOLEANS[value]


def calendar_day(element: Element, field_name: str) -> date:
    """An ISODate, which may carry an offset (``2017-04-01+02:00``): the date as written."""
    raw = (element.text or "").strip()
    match = _DAY.fullmatch(raw)
    try:
        return date.fromisoformat(match.group(1) if match else raw)
    except ValueError:
        raise fail(element, f"{raw!r} is not a YYYY-MM-DD date", field_name) from None


def moment(element: Element, field_name: str) -> datetime:
    raw = (element.text or "").strip()
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise fail(element, f"{raw!r} is not an ISO date-time", field_name) from None


class Days:
    """Turns a ``DtTm`` into the booking day in the account's zone, never by slicing ``[:10]``.

    The zone is the one given, else the zones of the IBAN's country (babel's CLDR table): the
    day is taken when all of that country's zones agree on it (NL, DE, CH; and most US
    instants). Otherwise, and for a time with no offset, the day is the one written.
    """

    def __init__(self, zone: str | None, account: str) -> None:
        names: list[str] = [zone] if zone else _country_zones(account[:2])
        self._zones: list[ZoneInfo] = []
        for name in names:
            try:
                self._zones.append(ZoneInfo(name))
            except (ZoneInfoNotFoundError, ValueError):
                continue

    def of(self, instant: datetime) -> date:
        if instant.tzinfo is None or not self._zones:
            return instant.date()
        days = {instant.astimezone(z).date() for z in self._zones}
        return days.pop() if len(days) == 1 else instant.date()

    def read(self, holder: Element, field_name: str) -> date | None:
        """The day of a ``BookgDt``/``ValDt``/``Bal/Dt`` holder: its ``Dt`` or its ``DtTm``."""
        found = child(holder, "Dt")
        if found is not None:
            return calendar_day(found, field_name)
        found = child(holder, "DtTm")
        if found is not None:
            return self.of(moment(found, field_name))
        return None


def _country_zones(country: str) -> list[str]:
    if not re.fullmatch(r"[A-Z]{2}", country):
        return []
    zones = get_global("territory_zones").get(country) or []
    return [str(zone) for zone in zones]
