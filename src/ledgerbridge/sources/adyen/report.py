"""Adyen's settlement details report (``settlement_detail_report_batch_<n>.csv``), parsed.

Columns are found by header name: Adyen has shipped more than one order (newer reports move
``Modification Merchant Reference`` behind ``Reserved10`` and append ``Booking Date``), and
columns this parser does not need may come and go. Amounts are decimal text, gross ones in the
gross currency (GC), net ones and the fee columns in the net currency (NC); an empty cell is
zero. Each amount must be exact at its currency's ISO exponent. ``Creation Date`` is local time
in the row's ``TimeZone`` (CET, PST …) and is returned in UTC. A row that breaks any of this
raises MalformedPayloadError naming its line and column; nothing is rounded or guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledgerbridge.domain.errors import CurrencyError, MalformedPayloadError
from ledgerbridge.domain.money import exponent, normalize_currency

FEE_COLUMNS = (
    ("commission", "Commission (NC)"),
    ("markup", "Markup (NC)"),
    ("scheme_fees", "Scheme Fees (NC)"),
    ("interchange", "Interchange (NC)"),
)
REQUIRED = (
    "Merchant Account",
    "Psp Reference",
    "Creation Date",
    "TimeZone",
    "Type",
    "Modification Reference",
    "Gross Currency",
    "Gross Debit (GC)",
    "Gross Credit (GC)",
    "Net Currency",
    "Net Debit (NC)",
    "Net Credit (NC)",
    *(column for _, column in FEE_COLUMNS),
    "Batch Number",
)
OPTIONAL = ("Merchant Reference",)
# Abbreviations Adyen prints that the tz database does not know by that name.
_ZONE_ALIASES = {
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "CEST": "CET",
    "BST": "Europe/London",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "SGT": "Asia/Singapore",
    "HKT": "Asia/Hong_Kong",
}
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of the report; amounts are signed views of its debit and credit columns."""

    line: int
    merchant_account: str
    psp_reference: str | None
    merchant_reference: str | None
    created: datetime
    type: str
    modification_reference: str | None
    batch_number: str
    net_currency: str
    net: Decimal
    """Net credit - net debit (NC): what the row added to the Adyen balance."""
    gross_currency: str | None = None
    gross: Decimal = Decimal(0)
    """Gross credit - gross debit (GC)."""
    fees: tuple[tuple[str, Decimal], ...] = ()
    """The non-zero fee columns (NC) by name: commission, markup, scheme_fees, interchange."""


def time_zone(name: str) -> ZoneInfo:
    """The zone of a ``TimeZone`` cell: a tz database name or an abbreviation Adyen prints."""
    return ZoneInfo(_ZONE_ALIASES.get(name.upper(), name))


def parse(text: str) -> list[ReportRow]:
    """Every data row of a settlement details report, in file order."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise MalformedPayloadError("settlement report: the file is empty") from None
    except csv.Error as exc:
        raise MalformedPayloadError(f"settlement report line 1: {exc}") from None
    columns = _columns(header)
    rows: list[ReportRow] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            raise MalformedPayloadError(
                f"settlement report line {reader.line_num}: {exc}"
            ) from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise MalformedPayloadError(
                f"settlement report line {reader.line_num}: {len(cells)} fields, "
                f"the header has {len(header)}"
            )
        rows.append(_Row(reader.line_num, {n: cells[i].strip() for n, i in columns.items()}).read())


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip() for h in header]
    index = {name: i for i, name in enumerate(names)}
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise MalformedPayloadError(
            f"settlement report: header lacks column(s) {', '.join(repr(m) for m in missing)}",
            field=missing[0],
        )
    wanted = (*REQUIRED, *(name for name in OPTIONAL if name in index))
    doubled = [name for name in wanted if names.count(name) > 1]
    if doubled:
        raise MalformedPayloadError(
            f"settlement report: column {doubled[0]!r} appears twice", field=doubled[0]
        )
    return {name: index[name] for name in wanted}


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cells: dict[str, str]

    def where(self, column: str) -> str:
        return f"settlement report line {self.line}, column {column!r}"

    def text(self, column: str) -> str | None:
        return self.cells.get(column) or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise MalformedPayloadError(f"{self.where(column)}: required value missing")
        return value

    def currency(self, column: str) -> str:
        value = self.required(column)
        try:
            return normalize_currency(value)
        except CurrencyError:
            raise MalformedPayloadError(
                f"{self.where(column)}: unknown currency {value!r}"
            ) from None

    def amount(self, column: str, code: str) -> Decimal:
        value = self.text(column)
        if value is None:
            return Decimal(0).quantize(Decimal(1).scaleb(-exponent(code)))
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise MalformedPayloadError(
                f"{self.where(column)}: not a decimal ({value!r})"
            ) from None
        exact = number.quantize(Decimal(1).scaleb(-exponent(code))) if number.is_finite() else None
        if exact is None or exact != number:
            raise MalformedPayloadError(
                f"{self.where(column)}: {value!r} is not an exact {code} amount"
            )
        return exact

    def created(self) -> datetime:
        value = self.required("Creation Date")
        zone_name = self.required("TimeZone")
        try:
            zone = time_zone(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise MalformedPayloadError(
                f"{self.where('TimeZone')}: unknown time zone {zone_name!r}"
            ) from None
        try:
            local = datetime.strptime(value, _TIME_FORMAT)
        except ValueError:
            raise MalformedPayloadError(
                f"{self.where('Creation Date')}: expected YYYY-MM-DD HH:MM:SS, got {value!r}"
            ) from None
        return local.replace(tzinfo=zone).astimezone(UTC)

    def read(self) -> ReportRow:
        net_code = self.currency("Net Currency")
        gross_code = self.currency("Gross Currency") if self.text("Gross Currency") else None
        gross = Decimal(0)
        if gross_code is not None:
            gross = self.amount("Gross Credit (GC)", gross_code) - self.amount(
                "Gross Debit (GC)", gross_code
            )
        fees = tuple(
            (name, value)
            for name, column in FEE_COLUMNS
            if (value := self.amount(column, net_code)) != 0
        )
        return ReportRow(
            line=self.line,
            merchant_account=self.required("Merchant Account"),
            psp_reference=self.text("Psp Reference"),
            merchant_reference=self.text("Merchant Reference"),
            created=self.created(),
            type=self.required("Type"),
            modification_reference=" ".join((self.text("Modification Reference") or "").split())
            or None,
            batch_number=self.required("Batch Number"),
            net_currency=net_code,
            net=self.amount("Net Credit (NC)", net_code) - self.amount("Net Debit (NC)", net_code),
            gross_currency=gross_code,
            gross=gross,
            fees=fees,
        )
