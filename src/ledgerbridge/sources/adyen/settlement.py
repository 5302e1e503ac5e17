"""A parsed settlement details report to canonical events (pure).

Payments, refunds and chargebacks reach the ledger by notification; the report adds what only
it knows: fees, currency conversion and the payout of the batch.
    a payment row's Commission / Markup / Scheme Fees / Interchange (NC)
                         Fee per column   …:fee:{psp}:{modification}:{column}
    a payment row with Gross Currency != Net Currency
                         Conversion       …:fx:{modification}   gross (GC) -> net + fees (NC)
    Fee, InvoiceDeduction
                         Fee = -net       …:fee:batch:{batch}:{type}:{modification}
    MerchantPayout       Payout = -net    …:payout:{batch}
    Balancetransfer      nothing: it carries a balance to the next batch within Adyen
    any other type that moved money: one Noted per batch listing the rows, for review
A Conversion takes the gross the notification put in clearing (GC) and gives back its value in
NC before fees (net + fees), so fees, conversions and the payout leave the clearing account at
zero once a batch is paid out.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from ledgerbridge.domain.events import CommerceEvent, Conversion, Fee, Noted, Payout
from ledgerbridge.sources.adyen.report import ReportRow

PAYMENT_TYPES = frozenset(
    {
        "Settled",
        "SettledBulk",
        "Refunded",
        "RefundedBulk",
        "RefundedReversed",
        "Chargeback",
        "ChargebackReversed",
        "SecondChargeback",
    }
)
FEE_TYPES = frozenset({"Fee", "InvoiceDeduction"})
PAYOUT_TYPE = "MerchantPayout"
INTERNAL_TYPES = frozenset({"Balancetransfer"})


def report_events(source: str, rows: list[ReportRow]) -> list[CommerceEvent]:
    events: list[CommerceEvent] = []
    unbooked: dict[str, list[ReportRow]] = {}
    payouts: Counter[str] = Counter()
    for row in rows:
        if row.type in PAYMENT_TYPES or (row.psp_reference and row.type not in FEE_TYPES):
            events.extend(_row_fees(source, row))
            events.extend(_conversion(source, row))
            if row.type in PAYMENT_TYPES:
                continue
        if row.type in FEE_TYPES:
            events.append(_fee_row(source, row))
        elif row.type == PAYOUT_TYPE:
            payouts[row.batch_number] += 1
            events.append(_payout(source, row, payouts[row.batch_number]))
        elif row.type not in INTERNAL_TYPES and row.net != 0:
            unbooked.setdefault(row.batch_number, []).append(row)
    events.extend(_unbooked(source, batch, found) for batch, found in unbooked.items())
    return events


def _modification(row: ReportRow) -> str:
    return row.modification_reference or row.type.lower()


def _row_fees(source: str, row: ReportRow) -> list[CommerceEvent]:
    psp = row.psp_reference or f"batch-{row.batch_number}-line-{row.line}"
    return [
        Fee(
            key=f"{source}:fee:{psp}:{_modification(row)}:{name}",
            reference=psp,
            occurred_at=row.created,
            currency=row.net_currency,
            amount=value,
            charge_reference=row.psp_reference,
        )
        for name, value in row.fees
    ]


def _conversion(source: str, row: ReportRow) -> list[CommerceEvent]:
    if row.gross_currency is None or row.gross_currency == row.net_currency or row.gross == 0:
        return []
    before_fees = row.net + sum((value for _, value in row.fees), Decimal(0))
    reference = _modification(row)
    return [
        Conversion(
            key=f"{source}:fx:{reference}",
            reference=reference,
            occurred_at=row.created,
            currency=row.gross_currency,
            amount=row.gross,
            to_currency=row.net_currency,
            to_amount=before_fees,
            charge_reference=row.psp_reference,
        )
    ]


def _fee_row(source: str, row: ReportRow) -> Fee:
    what = row.modification_reference or f"line {row.line}"
    return Fee(
        key=f"{source}:fee:batch:{row.batch_number}:{row.type.lower()}:{what}",
        reference=f"{what} (batch {row.batch_number})",
        occurred_at=row.created,
        currency=row.net_currency,
        amount=-row.net,
    )


def _payout(source: str, row: ReportRow, nth: int) -> Payout:
    suffix = "" if nth == 1 else f":{nth}"
    return Payout(
        key=f"{source}:payout:{row.batch_number}{suffix}",
        reference=f"batch {row.batch_number}",
        occurred_at=row.created,
        currency=row.net_currency,
        amount=-row.net,
    )


def _unbooked(source: str, batch: str, rows: list[ReportRow]) -> Noted:
    listed = "; ".join(f"line {r.line} {r.type} {r.net} {r.net_currency}" for r in rows)
    return Noted(
        key=f"{source}:report:{batch}:unbooked",
        reference=f"batch {batch}",
        occurred_at=rows[0].created,
        currency=rows[0].net_currency,
        note=f"Settlement batch {batch}: rows not booked, review them: {listed}",
    )
