"""Settlement details report CSVs in Adyen's format, for tests, the demo and bench/.

A row is a mapping from header name to cell text; ``settlement_report_csv`` writes rows in
either column order Adyen has shipped (``COLUMNS``: Modification Merchant Reference after
Reserved10, plus Booking Date; ``COLUMNS_OLD``: the earlier order). Amounts are decimal text;
a converted row's net amount is the gross at ``rate``, rounded half-even to the net currency,
less (or, for a refund, plus) its fees:
    rows = [settled_row("K7…", "Q2…", "24.95", "EUR", batch=12, created=t,
                        fees={"markup": "0.12", "interchange": "0.05"})]
    rows.append(payout_row(net_total(rows), "EUR", batch=12, created=t))
    text = settlement_report_csv(rows)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from ledgerbridge.domain.money import round_half_even
from ledgerbridge.sources.adyen.report import time_zone

Row = dict[str, str]
MERCHANT_ACCOUNT = "LedgerbridgeShopEU"
COMPANY_ACCOUNT = "LedgerbridgeCompany"
_RESERVED = tuple(f"Reserved{n}" for n in range(4, 11))
_LEADING = (
    "Company Account",
    "Merchant Account",
    "Psp Reference",
    "Merchant Reference",
    "Payment Method",
    "Creation Date",
    "TimeZone",
    "Type",
    "Modification Reference",
    "Gross Currency",
    "Gross Debit (GC)",
    "Gross Credit (GC)",
    "Exchange Rate",
    "Net Currency",
    "Net Debit (NC)",
    "Net Credit (NC)",
    "Commission (NC)",
    "Markup (NC)",
    "Scheme Fees (NC)",
    "Interchange (NC)",
    "Payment Method Variant",
)
COLUMNS = (
    *_LEADING,
    "Batch Number",
    *_RESERVED,
    "Modification Merchant Reference",
    "Booking Date",
    "Booking Date TimeZone",
)
COLUMNS_OLD = (*_LEADING, "Modification Merchant Reference", "Batch Number", *_RESERVED)
FEE_HEADERS = {
    "commission": "Commission (NC)",
    "markup": "Markup (NC)",
    "scheme_fees": "Scheme Fees (NC)",
    "interchange": "Interchange (NC)",
}


def _stamp(created: datetime, zone: str) -> str:
    return created.astimezone(time_zone(zone)).strftime("%Y-%m-%d %H:%M:%S")


def _common(
    kind: str, currency: str, batch: int, created: datetime, zone: str, **cells: str
) -> Row:
    row: Row = {
        "Company Account": COMPANY_ACCOUNT,
        "Merchant Account": MERCHANT_ACCOUNT,
        "Creation Date": _stamp(created, zone),
        "TimeZone": zone,
        "Type": kind,
        "Net Currency": currency.upper(),
        "Batch Number": str(batch),
    }
    return row | {k: v for k, v in cells.items() if v}


def _payment_row(
    kind: str,
    psp_reference: str,
    modification_reference: str,
    gross: str | Decimal,
    currency: str,
    *,
    batch: int,
    created: datetime,
    fees: Mapping[str, str | Decimal],
    net_currency: str | None,
    rate: str | Decimal,
    merchant_reference: str,
    payment_method: str,
    zone: str,
) -> Row:
    gc, nc = currency.upper(), (net_currency or currency).upper()
    converted = round_half_even(Decimal(gross) * Decimal(rate), nc)
    fee_total = sum((Decimal(v) for v in fees.values()), Decimal(0))
    credit = kind == "Settled"
    net = converted - fee_total if credit else converted + fee_total
    row = _common(
        kind,
        nc,
        batch,
        created,
        zone,
        **{
            "Psp Reference": psp_reference,
            "Merchant Reference": merchant_reference,
            "Payment Method": payment_method,
            "Modification Reference": modification_reference,
            "Gross Currency": gc,
            "Gross Credit (GC)" if credit else "Gross Debit (GC)": str(gross),
            "Exchange Rate": str(rate),
            "Net Credit (NC)" if credit else "Net Debit (NC)": str(net),
            "Payment Method Variant": payment_method,
            "Modification Merchant Reference": "<auto>",
        },
    )
    return row | {FEE_HEADERS[name]: str(value) for name, value in fees.items()}


def settled_row(
    psp_reference: str,
    capture_reference: str,
    gross: str | Decimal,
    currency: str,
    *,
    batch: int,
    created: datetime,
    fees: Mapping[str, str | Decimal] | None = None,
    net_currency: str | None = None,
    rate: str | Decimal = "1",
    merchant_reference: str = "",
    payment_method: str = "visa",
    zone: str = "CET",
) -> Row:
    """A Settled row: the payment's gross credit, its fees and the net credit."""
    return _payment_row(
        "Settled", psp_reference, capture_reference, gross, currency, batch=batch,
        created=created, fees=fees or {}, net_currency=net_currency, rate=rate,
        merchant_reference=merchant_reference, payment_method=payment_method, zone=zone,
    )  # fmt: skip


def refunded_row(
    psp_reference: str,
    refund_reference: str,
    gross: str | Decimal,
    currency: str,
    *,
    batch: int,
    created: datetime,
    fees: Mapping[str, str | Decimal] | None = None,
    net_currency: str | None = None,
    rate: str | Decimal = "1",
    merchant_reference: str = "",
    payment_method: str = "visa",
    zone: str = "CET",
) -> Row:
    """A Refunded row: the refund's gross debit and the net debit (fees added)."""
    return _payment_row(
        "Refunded", psp_reference, refund_reference, gross, currency, batch=batch,
        created=created, fees=fees or {}, net_currency=net_currency, rate=rate,
        merchant_reference=merchant_reference, payment_method=payment_method, zone=zone,
    )  # fmt: skip


def fee_row(
    amount: str | Decimal, currency: str, *, batch: int, created: datetime, zone: str = "CET"
) -> Row:
    """A Fee row: the day's transaction fees, a net debit without a PSP reference."""
    day = created.astimezone(time_zone(zone))
    description = f"Transaction Fees {day:%B}".ljust(26) + f" {day:%d %Y}"
    return _common(
        "Fee", currency, batch, created, zone,
        **{"Modification Reference": description, "Net Debit (NC)": str(amount)},
    )  # fmt: skip


def payout_row(
    amount: str | Decimal,
    currency: str,
    *,
    batch: int,
    created: datetime,
    merchant_account: str = MERCHANT_ACCOUNT,
    zone: str = "CET",
) -> Row:
    """The MerchantPayout row: the bank transfer of the batch, a net debit."""
    reference = f"TX{batch:09d}XT batch {batch}, {merchant_account}"
    return _common(
        "MerchantPayout", currency, batch, created, zone,
        **{"Modification Reference": reference, "Net Debit (NC)": str(amount)},
    )  # fmt: skip


def balance_transfer_row(
    amount: str | Decimal, currency: str, *, batch: int, created: datetime, zone: str = "CET"
) -> Row:
    """A Balancetransfer row carrying ``amount`` (> 0: into this batch) between batches."""
    value = Decimal(amount)
    column = "Net Credit (NC)" if value > 0 else "Net Debit (NC)"
    return _common(
        "Balancetransfer", currency, batch, created, zone,
        **{"Modification Reference": "Balancetransfer", column: str(abs(value))},
    )  # fmt: skip


def net_total(rows: Sequence[Row]) -> Decimal:
    """What the rows add to the balance (credits - debits, NC): a payout of the batch."""
    total = Decimal(0)
    for row in rows:
        total += Decimal(row.get("Net Credit (NC)") or 0) - Decimal(row.get("Net Debit (NC)") or 0)
    return total


def settlement_report_csv(rows: Sequence[Row], columns: Sequence[str] = COLUMNS) -> str:
    """The report text: a header line, then one line per row (absent cells empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"no such column(s) in this layout: {sorted(unknown)}")
        writer.writerow([row.get(name, "") for name in columns])
    return out.getvalue()
