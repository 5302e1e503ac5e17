"""Bank CSV through saved column profiles: each amount style (signed, D/C flag, debit/credit),
every field exact, the running balance checked row by row, a broken row refused with its line
and column, nothing parsed without a profile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from ledgerbridge.statements.base import BadStatement, BankLine
from ledgerbridge.statements.csv import EXAMPLE_PROFILES, CsvProfile, parser, profiles_for
from ledgerbridge.statements.registry import parser_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bank" / "csv"
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "bank" / "csv"
US, DC, FR = (
    EXAMPLE_PROFILES[k] for k in ("us-signed-amount", "amount-dc-flag", "fr-debit-credit")
)
DE = CsvProfile(
    name="Sparkasse CSV-CAMT",
    delimiter=";",
    encoding="iso-8859-1",
    decimal_separator=",",
    thousands_separator=".",
    date_format="%d.%m.%Y",
    date="Buchungstag",
    value_date="Valutadatum",
    amount="Betrag",
    currency_column="Waehrung",
    account_column="Auftragskonto",
    customer_reference="Kundenreferenz (End-to-End)",
    remittance=("Buchungstext", "Verwendungszweck"),
    remittance_separator=" / ",
    counterparty="Beguenstigter/Zahlungspflichtiger",
    counterparty_account="Kontonummer/IBAN",
)


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _bad(profile: CsvProfile, data: bytes) -> BadStatement:
    with pytest.raises(BadStatement) as caught:
        parser.with_profile(profile).parse(data)
    return caught.value


def test_registered_parser_needs_a_profile() -> None:
    assert parser_for("csv") is parser
    with pytest.raises(BadStatement, match="needs the bank's column profile"):
        parser.parse(_read("dc_flag.csv"))
    assert not parser.identify(_read("dc_flag.csv"))


def test_signed_amount_newest_first_with_running_balance() -> None:
    (stmt,) = parser.with_profile(US.model_copy(update={"account": "chk-4471"})).parse(
        _read("us_bank_newest_first.csv")
    )
    assert (stmt.format, stmt.account, stmt.currency) == ("csv", "chk-4471", "USD")
    assert (stmt.period_from, stmt.period_to) == (date(2026, 3, 16), date(2026, 3, 20))
    assert stmt.opening is not None
    assert stmt.closing is not None
    assert (stmt.opening.amount, stmt.opening.day) == (Decimal("5159.17"), date(2026, 3, 16))
    assert (stmt.closing.amount, stmt.closing.day) == (Decimal("9876.12"), date(2026, 3, 20))
    assert [x.source_line for x in stmt.lines] == [7, 6, 5, 4, 2]  # oldest first
    assert stmt.lines[-1] == BankLine(
        amount=Decimal("4210.55"),
        currency="USD",
        booking_date=date(2026, 3, 20),
        remittance="ORIG CO NAME:STRIPE ORIG ID:1800948598 DESC DATE:260320 CO ENTRY "
        "DESCR:TRANSFER SEC:CCD TRACE#:021000021234567",  # the quoted line break joined
        tx_code="ACH_CREDIT",
        source_line=2,
    )
    check = stmt.lines[3]
    assert (check.amount, check.customer_ref, check.tx_code) == (
        Decimal("-640.00"),
        "2031",
        "CHECK_PAID",
    )


def test_amount_signed_by_a_dc_flag() -> None:
    (stmt,) = parser.with_profile(DC).parse(_read("dc_flag.csv"))
    assert stmt.lines[0] == BankLine(
        amount=Decimal("12408.16"),
        currency="USD",
        booking_date=date(2026, 3, 2),
        remittance="Adyen payout TX635094301XT batch 412",
        counterparty="Adyen N.V.",
        counterparty_account="NL19ADYB0123456789",
        source_line=2,
    )
    assert [x.amount for x in stmt.lines] == [
        Decimal("12408.16"),
        Decimal("-880.00"),
        Decimal("-12.50"),
    ]
    assert stmt.lines[2].counterparty is None
    assert stmt.lines[2].counterparty_account is None
    assert stmt.opening is not None
    assert stmt.opening.amount == Decimal("3214.32")
    assert stmt.closing is not None
    assert stmt.closing.amount == Decimal("14729.98")


def test_debit_credit_columns_with_preamble_and_footer_balances() -> None:
    (stmt,) = parser.with_profile(FR).parse(_read("fr_debit_credit.csv"))
    assert stmt.currency == "EUR"
    assert [(x.amount, x.booking_date, x.bank_ref, x.source_line) for x in stmt.lines] == [
        (Decimal("1204.50"), date(2026, 3, 2), "OP260302-001", 6),
        (Decimal("-612.00"), date(2026, 3, 5), "OP260305-014", 7),
        (Decimal("-89.99"), date(2026, 3, 5), "OP260305-015", 8),
    ]
    assert stmt.lines[2].remittance == "CB AMAZON BUSINESS FOURNITURES BUREAU"
    assert stmt.opening is not None
    assert stmt.opening.amount == Decimal("7908.76")
    assert stmt.closing is not None
    assert stmt.closing.amount == Decimal("8411.27")


def test_latin1_file_with_two_accounts_gives_two_statements() -> None:
    first, second = parser.with_profile(DE).parse(_read("de_two_accounts_latin1.csv"))
    assert (first.account, len(first.lines)) == ("DE44500105175407324931", 2)
    assert (second.account, len(second.lines)) == ("DE89370400440532013000", 1)
    assert first.lines[0] == BankLine(
        amount=Decimal("2487.30"),
        currency="EUR",
        booking_date=date(2026, 3, 2),
        value_date=date(2026, 3, 2),
        customer_ref="STRIPE-PO-1QX7",
        remittance="GUTSCHR. UEBERWEISUNG / STRIPE PAYOUT PO_1QX7 Auszahlung März",
        counterparty="Stripe Technology Europe Ltd",
        counterparty_account="IE19CITI99005122580318",
        source_line=2,
    )
    assert first.lines[1].amount == Decimal("-1450.00")
    assert first.lines[1].counterparty == "Hausverwaltung Köhler GmbH"
    assert second.lines[0].value_date == date(2026, 3, 4)
    assert first.opening is None
    assert first.closing is None


def test_running_balance_mismatch_is_refused_at_its_row() -> None:
    data = _read("dc_flag.csv").replace(b'"14,742.48"', b'"14,742.84"')
    error = _bad(DC, data)
    assert (error.details["line"], error.details["field"]) == (3, "Balance")


def test_balance_cells_that_disagree_are_refused() -> None:
    data = _read("fr_debit_credit.csv").replace(b'"+8411,27"', b'"+8411,72"')
    error = _bad(FR, data)
    assert (error.details["line"], error.details["field"]) == (4, "closing balance")


@pytest.mark.parametrize(
    ("profile", "name", "old", "new", "line", "field"),
    [
        (DC, "dc_flag.csv", b'"03/03/2026"', b'"2026-03-03"', 3, "Date"),
        (DC, "dc_flag.csv", b'"03/03/2026"', b'"02/30/2026"', 3, "Date"),
        (DC, "dc_flag.csv", b'"880.00"', b'"880,00"', 3, "Amount"),
        (DC, "dc_flag.csv", b'"880.00"', b'"88O.00"', 3, "Amount"),
        (DC, "dc_flag.csv", b'"880.00"', b'"880.001"', 3, "Amount"),
        (DC, "dc_flag.csv", b'"880.00"', b'""', 3, "Amount"),
        (DC, "dc_flag.csv", b'"880.00","D"', b'"880.00","X"', 3, "D/C"),
        (FR, "fr_debit_credit.csv", b',"-612,00",,', b",,,", 7, "Debit"),
        (FR, "fr_debit_credit.csv", b"05/03/26,OP260305-014", b"35/03/26,OP260305-014", 7, "Date"),
        (US, "us_bank_newest_first.csv", b"-79.00", b"-79.0O", 5, "Amount"),
        (US, "us_bank_newest_first.csv", b'"CHECK 2031"', b'"CHECK 2031', 4, None),
        (
            DE,
            "de_two_accounts_latin1.csv",
            b'"EUR";"Umsatz gebucht"\r\n"DE89',
            b'"EUX";"Umsatz gebucht"\r\n"DE89',
            3,
            "Waehrung",
        ),
    ],
)
def test_a_broken_row_is_refused_with_line_and_column(
    profile: CsvProfile, name: str, old: bytes, new: bytes, line: int, field: str | None
) -> None:
    data = _read(name)
    assert old in data
    error = _bad(profile, data.replace(old, new, 1))
    assert (error.details["line"], error.details.get("field")) == (line, field)


def test_a_row_with_an_extra_field_is_refused() -> None:
    data = _read("dc_flag.csv").replace(b'"14,729.98","",""', b'"14,729.98","","","x"')
    error = _bad(DC, data)
    assert (error.details["line"], error.details["field"]) == (4, "row")


def test_wrong_encoding_is_refused_with_the_line() -> None:
    error = _bad(DE.model_copy(update={"encoding": "utf-8"}), _read("de_two_accounts_latin1.csv"))
    assert (error.details["line"], error.details["field"]) == (2, "encoding")


def test_a_missing_column_is_named() -> None:
    profile = DC.model_copy(update={"counterparty": "Partner"})
    error = _bad(profile, _read("dc_flag.csv"))
    assert (error.details["line"], error.details["field"]) == (1, "Partner")


def test_profiles_are_checked_when_saved() -> None:
    with pytest.raises(ValidationError, match="either amount"):
        CsvProfile(date="Date", currency="USD")
    with pytest.raises(ValidationError, match="either amount"):
        CsvProfile(date="Date", currency="USD", amount="Amount", debit="Debit")
    with pytest.raises(ValidationError, match="exactly one of currency"):
        CsvProfile(date="Date", amount="Amount")
    with pytest.raises(ValidationError, match="ISO 4217"):
        CsvProfile(date="Date", amount="Amount", currency="EURO")
    with pytest.raises(ValidationError, match="0-based indexes"):
        CsvProfile(date="Date", amount=3, currency="EUR", has_header=False)
    with pytest.raises(ValidationError, match="unknown encoding"):
        CsvProfile(date=0, amount=3, currency="EUR", encoding="klingon")


def test_headerless_file_by_column_index() -> None:
    profile = CsvProfile(
        has_header=False,
        date=0,
        amount=2,
        remittance=(1,),
        currency="GBP",
        date_format="%Y-%m-%d",
        account="uk-01",
    )
    data = b"2026-03-02,FASTER PAYMENT SHOPIFY,1250.00\n2026-03-03,DD BT GROUP,(54.20)\n"
    (stmt,) = parser.with_profile(profile).parse(data)
    assert [x.amount for x in stmt.lines] == [Decimal("1250.00"), Decimal("-54.20")]
    assert stmt.lines[1].remittance == "DD BT GROUP"


def test_identify_by_header_signature() -> None:
    head = _read("dc_flag.csv")[:4096]
    assert parser.with_profile(DC).identify(head)
    assert not parser.with_profile(US).identify(head)
    assert profiles_for(_read("fr_debit_credit.csv")[:4096], EXAMPLE_PROFILES) == [
        "fr-debit-credit"
    ]
    assert profiles_for(_read("us_bank_newest_first.csv")[:4096], EXAMPLE_PROFILES) == [
        "us-signed-amount"
    ]
    for other in (
        b"OFXHEADER:100\nDATA:OFXSGML\n",
        b":20:STARTUMSE\r\n:25:1002/12\r\n",
        b"01,SENDR1,RECVR1,260305,0200,1,80,1,2/\n",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022">',
    ):
        assert profiles_for(other, EXAMPLE_PROFILES) == []


def test_an_empty_export_gives_no_statement() -> None:
    assert parser.with_profile(DC).parse(_read("dc_flag.csv").split(b"\n")[0] + b"\n") == []


_SAMPLE_PROFILES: dict[str, CsvProfile] = {
    "beangulp_csvbank_statement.csv": US,
    "oca_debit_credit.csv": DC.model_copy(update={"date_format": "%m/%d/%Y"}),
    "oca_sample_statement_en.csv": CsvProfile(
        date="Date",
        date_format="%m/%d/%Y",
        amount="Amount",
        thousands_separator=",",
        currency="USD",
        remittance=("Label",),
        counterparty="Partner Name",
    ),
    "oca14_paypal_statement_en.csv": CsvProfile(
        date="Date",
        date_format="%m/%d/%Y",
        amount="Net",
        thousands_separator=",",
        balance="Balance",
        currency_column="Currency",
        reference="Transaction ID",
        remittance=("Description", "Name"),
    ),
    "oca13_adyen_settlement_detail_report_batch_380.csv": CsvProfile(
        date="Creation Date",
        date_format="%Y-%m-%d %H:%M:%S",
        debit="Net Debit (NC)",
        credit="Net Credit (NC)",
        currency_column="Net Currency",
        reference="Psp Reference",
        remittance=("Type", "Modification Reference"),
    ),
}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples/bank/csv not present")
def test_real_samples_parse() -> None:
    for name, profile in _SAMPLE_PROFILES.items():
        assert parser.with_profile(profile).parse((SAMPLES / name).read_bytes()), name
    # This sample's own balances disagree: 30000.77 + 1069.32 = 31070.09, not 31070.11.
    meta = (SAMPLES / "oca_meta_data_separated_credit_debit.csv").read_bytes()
    error = _bad(FR, meta)
    assert (error.details["line"], error.details["field"]) == (4, "closing balance")
    assert (
        len(
            parser.with_profile(FR.model_copy(update={"opening_balance": None}))
            .parse(meta)[0]
            .lines
        )
        == 4
    )
