"""The demo's bank statement, as the bank would send it (OFX 1.02 SGML): the Stripe payout's
deposit, the month's rent, a bank fee, and a transfer naming Stripe that no payout explains
(it opens a discrepancy for the queue)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from ledgerbridge.demo.day import Day
from ledgerbridge.domain.money import from_minor


def _row(day: datetime, amount: Decimal, fitid: str, name: str, memo: str) -> str:
    kind = "DEBIT" if amount < 0 else "CREDIT"
    return (
        f"<STMTTRN><TRNTYPE>{kind}<DTPOSTED>{day:%Y%m%d}<TRNAMT>{amount}"
        f"<FITID>{fitid}<NAME>{name}<MEMO>{memo}</STMTTRN>\n"
    )


def statement(day: Day, currency: str, start: datetime) -> bytes:
    arrival = day.payout_arrival or start
    payout = from_minor(day.payout_minor, currency)
    rows = [
        (start - timedelta(days=12), Decimal("412.30"), "DEMO-0001", "STRIPE", "STRIPE TRANSFER"),
        (
            start - timedelta(days=1),
            Decimal("-1850.00"),
            "DEMO-0002",
            "ACME PROPERTIES",
            "RENT NOVEMBER",
        ),
        (start, Decimal("-9.90"), "DEMO-0003", "BANK", "ACCOUNT FEE"),
        (arrival, payout, "DEMO-0004", "STRIPE", f"STRIPE PAYOUT {day.payout_id}"),
    ]
    opening = Decimal("10000.00")
    closing = opening + sum((r[1] for r in rows), Decimal(0))
    first, last = rows[0][0], arrival
    body = "".join(_row(*r) for r in rows)
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>\n"
        f"<CURDEF>{currency}<BANKACCTFROM><BANKID>10020030<ACCTID>DE89370400440532013000"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        f"<BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}\n"
        + body
        + f"</BANKTRANLIST><LEDGERBAL><BALAMT>{closing}<DTASOF>{last:%Y%m%d}</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()
