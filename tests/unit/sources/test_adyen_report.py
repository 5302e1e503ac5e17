"""The settlement details report parser: both column orders, decimal text, local times,
and a broken file refused with its line and column."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.sources.adyen import simulate
from ledgerbridge.sources.adyen.report import ReportRow, parse

FIXTURES = Path(__file__).parents[2] / "fixtures" / "adyen"
NEW = (FIXTURES / "settlement_detail_report_batch_41.csv").read_text()
OLD = (FIXTURES / "settlement_detail_report_batch_40.csv").read_text()
T = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_newer_layout_rows_by_header_name() -> None:
    rows = parse(NEW)
    assert [r.type for r in rows] == [
        "Settled",
        "Settled",
        "Settled",
        "Refunded",
        "Fee",
        "DepositCorrection",
        "MerchantPayout",
    ]
    assert rows[0] == ReportRow(
        line=2,
        merchant_account="LedgerbridgeShopEU",
        psp_reference="K8T2QZ4N6M1P3R5V",
        merchant_reference="LB-20431",
        created=datetime(2026, 3, 4, 9, 15, 7, tzinfo=UTC),
        type="Settled",
        modification_reference="C3W7XH9J2L4N6P8Q",
        batch_number="41",
        net_currency="EUR",
        net=Decimal("128.46"),
        gross_currency="EUR",
        gross=Decimal("129.50"),
        fees=(
            ("markup", Decimal("0.65")),
            ("scheme_fees", Decimal("0.13")),
            ("interchange", Decimal("0.26")),
        ),
    )
    converted, refunded = rows[2], rows[3]
    assert (converted.gross_currency, converted.gross, converted.net_currency, converted.net) == (
        "GBP",
        Decimal("80.00"),
        "EUR",
        Decimal("93.04"),
    )
    assert (refunded.gross, refunded.net, refunded.fees) == (
        Decimal("-25.00"),
        Decimal("-25.00"),
        (),
    )
    payout = rows[-1]
    assert (payout.psp_reference, payout.gross_currency, payout.net) == (
        None,
        None,
        Decimal("-230.01"),
    )
    assert payout.modification_reference == "TX000000041XT batch 41, LedgerbridgeShopEU"
    assert rows[4].modification_reference == "Transaction Fees March 05 2026"  # spaces folded


def test_older_layout_reads_the_same() -> None:
    rows = parse(OLD)
    assert [(r.type, r.net, r.batch_number) for r in rows] == [
        ("Balancetransfer", Decimal("310.25"), "40"),
        ("Settled", Decimal("59.30"), "40"),
        ("Fee", Decimal("-0.35"), "40"),
        ("Balancetransfer", Decimal("-369.20"), "40"),
    ]
    assert rows[1].fees == (("commission", Decimal("0.60")),)


def test_the_same_rows_in_either_layout_parse_equal() -> None:
    rows = [
        simulate.settled_row(
            "A1", "B1", "10.00", "EUR", batch=3, created=T, fees={"markup": "0.10"}
        ),
        simulate.payout_row("9.90", "EUR", batch=3, created=T),
    ]
    assert parse(simulate.settlement_report_csv(rows)) == parse(
        simulate.settlement_report_csv(rows, simulate.COLUMNS_OLD)
    )


def test_creation_date_is_local_to_the_row_time_zone() -> None:
    summer = [
        simulate.fee_row("1.00", "USD", batch=1, created=T, zone="CET"),
        simulate.fee_row("1.00", "USD", batch=1, created=T, zone="PST"),
        simulate.fee_row("1.00", "USD", batch=1, created=T, zone="UTC"),
    ]
    text = simulate.settlement_report_csv(
        [r | {"TimeZone": z} for r, z in zip(summer, ["CET", "PST", "UTC"], strict=True)]
    )
    lines = text.splitlines()
    assert ",2026-07-01 14:00:00,CET," in lines[1]  # CEST in summer
    assert ",2026-07-01 05:00:00,PST," in lines[2]  # Adyen's PST label, Pacific time
    assert [r.created for r in parse(text)] == [T, T, T]


def test_empty_cells_are_zero_and_blank_lines_and_a_bom_are_skipped() -> None:
    rows = [simulate.fee_row("0.09", "USD", batch=1, created=T)]
    text = "\ufeff" + simulate.settlement_report_csv(rows) + "\n,,,\n"
    [row] = parse(text.replace("\n,,,\n", "\n" + "," * 31 + "\n"))
    assert (row.net, row.gross, row.fees, row.psp_reference) == (
        Decimal("-0.09"),
        Decimal(0),
        (),
        None,
    )


def test_zero_decimal_and_three_decimal_currencies() -> None:
    rows = [
        simulate.settled_row(
            "A1", "B1", "1200", "JPY", batch=1, created=T, fees={"commission": "36"}
        ),
        simulate.settled_row("A2", "B2", "12.500", "BHD", batch=1, created=T),
    ]
    jpy, bhd = parse(simulate.settlement_report_csv(rows))
    assert (jpy.gross, jpy.net, jpy.fees) == (
        Decimal(1200),
        Decimal(1164),
        (("commission", Decimal(36)),),
    )
    assert str(bhd.net) == "12.500"


def _broken(old: str, new: str) -> str:
    assert old in NEW
    return NEW.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (
            NEW.replace("Net Debit (NC)", "Net Debit"),
            r"header lacks column\(s\) 'Net Debit \(NC\)'",
        ),
        (NEW.replace("Reserved9", "Type"), "column 'Type' appears twice"),
        (_broken("128.46", "128,46"), r"line 2: 33 fields, the header has 32"),
        (_broken("128.46", "12 8.46"), r"line 2, column 'Net Credit \(NC\)': not a decimal"),
        (
            _broken("128.46", "128.465"),
            r"line 2, column 'Net Credit \(NC\)': '128.465' is not an exact",
        ),
        (_broken("128.46", "NaN"), r"line 2, column 'Net Credit \(NC\)'"),
        (_broken(",GBP,", ",GBX,"), r"line 4, column 'Gross Currency': unknown currency 'GBX'"),
        (
            _broken("2026-03-04 10:15:07,CET", "2026-03-04 10:15:07,Mars/Olympus"),
            r"line 2, column 'TimeZone': unknown time zone",
        ),
        (_broken("2026-03-04 10:15:07", "04/03/2026 10:15"), r"line 2, column 'Creation Date'"),
        (_broken(",Settled,", ",,"), r"line 2, column 'Type': required value missing"),
        ('a,"b\n', "line 1"),
    ],
)
def test_a_broken_report_names_its_line_and_column(text: str, message: str) -> None:
    with pytest.raises(MalformedPayloadError, match=message):
        parse(text)
