"""BAI2 values: type codes and their direction, funds types and how many fields they add,
implied-decimal amounts, dates.

Direction of a type code (BAI2 spec p.5-6, BANKFILES.md §4), stated once here:
001-099 status (balances, 03 only), 100/400 total credits/debits (03 only), 101-399 credit,
401-699 debit, 700-799 loan and 800-899 (890 = non-monetary) neither, 900-919 bank-custom
status, 920-959 bank-custom credit, 960-999 bank-custom debit. A detail (16) with a code that
is neither credit nor debit is kept as an ``INFO`` line, outside the balance check.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledgerbridge.domain.money import from_minor
from ledgerbridge.statements.base import BadStatement

CREDIT, DEBIT, NEITHER = 1, -1, 0
OPENING_LEDGER, CLOSING_LEDGER = 10, 15


def type_code(value: str, line: int) -> int:
    text = value.strip()
    if len(text) != 3 or not text.isdigit() or text == "000":
        raise BadStatement(
            line, f"type code {value!r} is not three digits 001-999", field_name="type code"
        )
    return int(text)


def is_status(code: int) -> bool:
    """Balances and other positions: signed amounts, no item count in the control sense."""
    return code < 100 or 900 <= code <= 919


def direction(code: int) -> int:
    """CREDIT, DEBIT or NEITHER for a detail (16) type code."""
    if 101 <= code <= 399 or 920 <= code <= 959:
        return CREDIT
    if 401 <= code <= 699 or 960 <= code <= 999:
        return DEBIT
    return NEITHER


def funds_width(funds: str, fields: list[str], at: int, line: int) -> int:
    """How many fields follow the funds type at ``fields[at]`` (``at`` = its index):
    S adds 3 amounts, V a date and a time, D a count n and n (days, amount) pairs;
    blank, Z, 0, 1 and 2 add none."""
    kind = funds.strip().upper()
    if kind in ("", "Z", "0", "1", "2"):
        return 0
    if kind == "S":
        return 3
    if kind == "V":
        return 2
    if kind == "D":
        count = fields[at + 1].strip() if at + 1 < len(fields) else ""
        if not count.isdigit():
            raise BadStatement(
                line,
                f"funds type D needs a distribution count, got {count!r}",
                field_name="funds type",
            )
        return 1 + 2 * int(count)
    raise BadStatement(line, f"unknown funds type {funds!r}", field_name="funds type")


def minor_units(value: str, line: int, field_name: str, *, signed: bool) -> int:
    """An implied-decimal amount as integer minor units (blank = 0). Only status amounts
    (001-099, 900-919) may carry ``+``/``-``."""
    text = value.strip()
    if not text:
        return 0
    digits = text[1:] if signed and text[0] in "+-" else text
    if not digits.isdigit():
        raise BadStatement(
            line, f"amount {value!r} is not a whole number of minor units", field_name=field_name
        )
    return -int(digits) if text[0] == "-" else int(digits)


def amount(units: int, currency: str) -> Decimal:
    """Minor units -> the Decimal at the currency's exponent (``490196`` USD = 4901.96)."""
    return from_minor(units, currency)


def day(value: str, line: int, field_name: str) -> date:
    text = value.strip()
    try:
        if len(text) != 6 or not text.isdigit():
            raise ValueError(text)
        year = int(text[:2])
        return date(2000 + year if year < 70 else 1900 + year, int(text[2:4]), int(text[4:]))
    except ValueError:
        raise BadStatement(
            line, f"date {value!r} is not a YYMMDD date", field_name=field_name
        ) from None
