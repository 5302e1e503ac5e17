"""One CSV row -> one ``BankLine``, every cell the profile names validated.

Amounts: an optional sign in front or behind (``50,00-``), or accounting brackets
(``(1,234.56)`` is negative); the thousands separator only where the profile allows it; the
profile's decimal separator and no other; exact at the currency's ISO 4217 exponent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ledgerbridge.domain.errors import CurrencyError
from ledgerbridge.domain.money import exponent, normalize_currency, round_half_even
from ledgerbridge.statements.base import BadStatement, BankLine
from ledgerbridge.statements.csv.profile import CsvProfile
from ledgerbridge.statements.csv.table import Row, Table

_DIGITS = re.compile(r"\d+(\.\d+)?|\.\d+")
_SPACES = (" ", "\xa0", "\u202f")


@dataclass(frozen=True, slots=True)
class Parsed:
    account: str
    line: BankLine
    balance: Decimal | None


class _Cells:
    def __init__(self, row: Row, table: Table) -> None:
        self.row, self.table = row, table

    def name(self, field: str) -> str:
        return self.table.names[field]

    def get(self, field: str) -> str:
        i = self.table.index.get(field)
        if i is None or i >= len(self.row.cells):
            return ""
        return " ".join(part.strip() for part in self.row.cells[i].splitlines() if part.strip())

    def fail(self, field: str, reason: str) -> BadStatement:
        return BadStatement(self.row.line, reason, field_name=self.name(field))

    def required(self, field: str) -> str:
        value = self.get(field)
        if not value:
            raise self.fail(field, f"{self.name(field)} is empty")
        return value


def read_amount(text: str, profile: CsvProfile, currency: str) -> Decimal:
    """The signed Decimal in ``text``; ValueError with the reason when it is not one."""
    s = text.strip()
    negative = s.startswith("(") and s.endswith(")")
    s = s[1:-1].strip() if negative else s
    if s[-1:] in ("-", "+"):
        s = s[-1] + s[:-1].strip()
    sign = ""
    if s[:1] in ("-", "+"):
        sign, s = s[0], s[1:].strip()
    if profile.thousands_separator:
        seps = _SPACES if profile.thousands_separator == " " else (profile.thousands_separator,)
        whole = s.split(profile.decimal_separator)[0]
        groups = re.split("|".join(re.escape(sep) for sep in seps), whole)
        if len(groups) > 1 and not (
            1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        ):
            raise ValueError("the thousands separator is not between groups of three digits")
        for sep in seps:
            s = s.replace(sep, "")
    other = "," if profile.decimal_separator == "." else "."
    if other in s:
        raise ValueError(f"{other!r} is not this profile's decimal or thousands separator")
    s = s.replace(profile.decimal_separator, ".")
    if not _DIGITS.fullmatch(s):
        raise ValueError("not an amount")
    value = Decimal(sign + s)
    value = -value if negative else value
    if round_half_even(value, currency) != value:
        raise ValueError(f"more decimals than {currency} allows ({exponent(currency)})")
    return round_half_even(value, currency)


def _amount(cells: _Cells, field: str, profile: CsvProfile, currency: str) -> Decimal | None:
    text = cells.get(field)
    if not text:
        return None
    try:
        return read_amount(text, profile, currency)
    except ValueError as exc:
        raise cells.fail(field, f"{text!r} in {cells.name(field)}: {exc}") from None


def _day(cells: _Cells, field: str, profile: CsvProfile, *, required: bool) -> date | None:
    text = cells.required(field) if required else cells.get(field)
    if not text:
        return None
    try:
        return datetime.strptime(text, profile.date_format).date()
    except ValueError:
        raise cells.fail(
            field,
            f"{text!r} in {cells.name(field)} is not a date in the format {profile.date_format}",
        ) from None


def _signed(cells: _Cells, profile: CsvProfile, currency: str) -> Decimal:
    if profile.amount is None:
        debit = _amount(cells, "debit", profile, currency) if profile.debit is not None else None
        credit = _amount(cells, "credit", profile, currency) if profile.credit is not None else None
        if debit is None and credit is None:
            field = "debit" if profile.debit is not None else "credit"
            raise cells.fail(field, "no amount in the debit or credit column")
        value = abs(credit or Decimal(0)) - abs(debit or Decimal(0))
    else:
        found = _amount(cells, "amount", profile, currency)
        if found is None:
            raise cells.fail("amount", f"{cells.name('amount')} is empty")
        value = found
        if profile.sign_column is not None:
            flag = cells.required("sign_column").upper()
            if flag in (v.upper() for v in profile.debit_values):
                value = -abs(value)
            elif flag in (v.upper() for v in profile.credit_values):
                value = abs(value)
            else:
                raise cells.fail(
                    "sign_column",
                    f"{flag!r} is neither a debit "
                    f"{profile.debit_values} nor a credit {profile.credit_values}",
                )
    return -value if profile.invert_sign else value


def _currency(cells: _Cells, profile: CsvProfile) -> str:
    if profile.currency is not None:
        return profile.currency
    code = cells.required("currency_column")
    try:
        return normalize_currency(code)
    except CurrencyError:
        raise cells.fail("currency_column", f"{code!r} is not an ISO 4217 currency") from None


def parse_row(row: Row, table: Table, profile: CsvProfile) -> Parsed:
    cells = _Cells(row, table)
    currency = _currency(cells, profile)
    booked = _day(cells, "date", profile, required=True)
    if booked is None:  # pragma: no cover (required)
        raise cells.fail("date", "no date")
    texts = (cells.get(f"remittance[{i}]") for i in range(len(profile.remittance)))
    account = cells.required("account_column") if profile.account_column is not None else ""
    balance = None
    if profile.balance is not None:
        balance = _amount(cells, "balance", profile, currency)
    line = BankLine(
        amount=_signed(cells, profile, currency),
        currency=currency,
        booking_date=booked,
        value_date=_day(cells, "value_date", profile, required=False),
        bank_ref=cells.get("reference") or None,
        customer_ref=cells.get("customer_reference") or None,
        remittance=profile.remittance_separator.join(t for t in texts if t),
        counterparty=cells.get("counterparty") or None,
        counterparty_account=cells.get("counterparty_account") or None,
        tx_code=cells.get("tx_code") or None,
        source_line=row.line,
    )
    return Parsed(account or profile.account, line, balance)
