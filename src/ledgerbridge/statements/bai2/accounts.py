"""One BAI2 account: the 03 summary (type code, amount, item count, funds type, repeated,
possibly split over 88s, even mid-group) and its 16 detail records into ``BankLine``s.
Each also returns its amounts in minor units as written, for the 49 control total (the
algebraic sum of every 03 and 16 amount; funds-type and item-count amounts excluded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledgerbridge.statements.bai2.codes import (
    NEITHER,
    amount,
    day,
    direction,
    funds_width,
    is_status,
    minor_units,
    type_code,
)
from ledgerbridge.statements.bai2.records import Logical, join_text
from ledgerbridge.statements.base import BadStatement, BankLine


@dataclass(frozen=True, slots=True)
class Summary:
    code: int
    units: int
    line: int


def summaries(record: Logical) -> tuple[str, str, list[Summary]]:
    """The account number, its currency field (may be blank) and its summary groups."""
    fields = record.fields()
    account = fields[0][0].strip()
    if not account:
        raise BadStatement(
            record.line, "03 account record without an account number", field_name="account"
        )
    currency = fields[1][0].strip() if len(fields) > 1 else ""
    values = [value for value, _ in fields]
    found: list[Summary] = []
    i = 2
    while i < len(fields):
        value, line = fields[i]
        if not value.strip():  # a blank group, or the empty field a ",/" ending leaves
            i += 1
            continue
        code = type_code(value, line)
        funds = values[i + 3] if i + 3 < len(values) else ""
        width = funds_width(funds, values, i + 3, line)
        if width and i + 3 + width >= len(values):
            raise BadStatement(
                line,
                f"summary {code:03d}: funds type {funds!r} needs {width} more fields",
                field_name="funds type",
            )
        raw = values[i + 1] if i + 1 < len(values) else ""
        units = minor_units(raw, line, f"{code:03d} amount", signed=is_status(code))
        count = values[i + 2].strip() if i + 2 < len(values) else ""
        if count and not count.isdigit():
            raise BadStatement(
                line, f"item count {count!r} of {code:03d} is not a number", field_name="item count"
            )
        found.append(Summary(code, units, line))
        i += 4 + width
    return account, currency, found


def _needed(tokens: list[str], line: int) -> int:
    """Fields before the text: type, amount, funds type, its extra fields, bank and customer
    refs (fewer when the record is still too short to tell)."""
    if len(tokens) < 3:
        return 3
    if tokens[2].strip().upper() == "D" and len(tokens) < 4:
        return 4
    return 3 + funds_width(tokens[2], tokens, 2, line) + 2


def detail(record: Logical, currency: str, as_of: date) -> tuple[BankLine, int]:
    """A 16 record (and its 88s) as a ``BankLine``, with its amount's minor units."""
    line = record.line
    tokens = record.parts[0][0].split(",")
    more = [body for body, _ in record.parts[1:]]
    # A record cut before its text continues its fields in the next 88 (spec p.18-21).
    while more and len(tokens) < _needed(tokens, line):
        tokens += more.pop(0).split(",")
    needed = _needed(tokens, line)
    if len(tokens) < needed - 2:
        raise BadStatement(
            line, f"16 record too short: {record.parts[0][0]!r}", field_name="funds type"
        )
    tokens += [""] * (needed - len(tokens))
    code = type_code(tokens[0], line)
    units = minor_units(tokens[1], line, "amount", signed=False)
    value_date = None
    if tokens[2].strip().upper() == "V":
        value_date = day(tokens[3], line, "value date")
    elif tokens[2].strip().upper() in ("S", "D"):
        for extra in tokens[3 : needed - 2]:
            minor_units(extra, line, "funds type amount", signed=False)
    sign = direction(code)
    bank_ref = tokens[needed - 2].strip()
    customer_ref = tokens[needed - 1].strip()
    text = join_text(",".join(tokens[needed:]), more)
    return BankLine(
        amount=amount(units if sign == NEITHER else sign * units, currency),
        currency=currency,
        booking_date=as_of,
        value_date=value_date,
        bank_ref=bank_ref or None,
        customer_ref=customer_ref or None,
        remittance=text,
        tx_code=f"{code:03d}",
        status="INFO" if sign == NEITHER else "BOOK",
        source_line=line,
    ), units
