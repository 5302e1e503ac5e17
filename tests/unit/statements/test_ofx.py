"""OFX/QFX: SGML 1.02 and XML 2.11 files read whole, every field exact, a broken file refused
with its line (and tag), the charset lie of Chase QFX files read right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerbridge.statements.base import BadStatement, BankLine, keyed
from ledgerbridge.statements.ofx import parser
from ledgerbridge.statements.registry import detect, parser_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bank" / "ofx"
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "bank" / "ofx"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _bad(data: bytes) -> BadStatement:
    with pytest.raises(BadStatement) as caught:
        parser.parse(data)
    return caught.value


def test_registered_and_detected() -> None:
    assert parser_for("ofx") is parser
    assert detect(_read("checking_v102.ofx")) is parser
    assert detect(_read("two_accounts_v211.ofx")) is parser


def test_sgml_checking_statement_every_field() -> None:
    (stmt,) = parser.parse(_read("checking_v102.ofx"))
    assert (stmt.format, stmt.account, stmt.currency) == ("ofx", "4400781236", "USD")
    assert (stmt.period_from, stmt.period_to) == (date(2026, 3, 1), date(2026, 3, 4))
    assert stmt.opening is None  # OFX carries no opening balance; none is invented
    assert stmt.closing is not None
    assert (stmt.closing.amount, stmt.closing.day) == (Decimal("10458.77"), date(2026, 3, 4))
    assert stmt.lines == (
        BankLine(
            amount=Decimal("1842.17"),
            currency="USD",
            booking_date=date(2026, 3, 2),
            value_date=date(2026, 3, 3),
            bank_ref="NB20260302-000183",
            remittance="ORIG CO NAME:STRIPE ORIG ID:1800948598 CO ENTRY DESCR:TRANSFER PO 7Q2XK",
            counterparty="STRIPE TRANSFER",
            tx_code="DIRECTDEP",
            source_line=24,
        ),
        BankLine(
            # 21:30 at -5 is still March 2 for the bank: the day is not moved to UTC.
            amount=Decimal("-2250.00"),
            currency="USD",
            booking_date=date(2026, 3, 2),
            bank_ref="NB20260302-000190",
            remittance="RENT MARCH 2026",
            counterparty="Harbor Lofts Property Mgmt",
            counterparty_account="99120044",
            tx_code="DEBIT",
            source_line=33,
        ),
        BankLine(
            amount=Decimal("-118.40"),
            currency="USD",
            booking_date=date(2026, 3, 3),
            bank_ref="NB20260303-000011",
            customer_ref="1047",
            remittance="Café Lumère Catering",
            counterparty="Café Lumère Catering",
            tx_code="CHECK",
            source_line=42,
        ),
        BankLine(
            amount=Decimal("-15.00"),
            currency="USD",
            booking_date=date(2026, 3, 4),
            bank_ref="NB20260304-000002",
            customer_ref="SC-0304",
            remittance="Account maintenance & wire fee",
            counterparty="MONTHLY SERVICE FEE",
            tx_code="SRVCHG",
            source_line=50,
        ),
    )
    assert stmt.warnings == ()
    assert next(k for k, _ in keyed(stmt)) == "ref:NB20260302-000183"


def test_xml_file_with_a_bank_and_a_card_statement() -> None:
    bank, card = parser.parse(_read("two_accounts_v211.ofx"))
    assert (bank.account, bank.currency) == ("FR7630004008210001234567890", "EUR")
    assert [x.amount for x in bank.lines] == [Decimal("3104.58"), Decimal("-7.50")]  # comma radix
    assert bank.closing is not None
    assert bank.closing.amount == Decimal("12480.33")
    first = bank.lines[0]
    assert (first.booking_date, first.bank_ref, first.source_line) == (
        date(2026, 3, 16),
        "2026031600042",
        26,
    )
    assert (first.counterparty, first.remittance) == (
        "PAYPAL EUROPE S.A.R.L.",
        "VIR SEPA PAYPAL RETRAIT 5PX12345ABCDE",
    )
    assert bank.lines[1].remittance == "FRAIS TENUE DE COMPTE"  # no MEMO: the NAME
    assert (card.account, card.currency, len(card.lines)) == ("4970101122334455", "EUR", 1)
    assert card.lines[0].amount == Decimal("-89.90")
    assert card.closing is not None
    assert card.closing.amount == Decimal("-89.90")


def test_qfx_header_says_1252_but_the_bytes_are_utf8() -> None:
    (stmt,) = parser.parse(_read("chase_utf8_under_1252.qfx"))
    assert stmt.lines[0].counterparty == "SQ *BÄCKEREI MÜLLER ¦ BERLIN"
    assert stmt.lines[1].amount == Decimal("23.75")
    assert any("UTF-8" in w for w in stmt.warnings)


def test_a_real_1252_byte_is_read_as_cp1252() -> None:
    (stmt,) = parser.parse(_read("checking_v102.ofx"))
    assert stmt.lines[2].counterparty == "Café Lumère Catering"


def test_unclosed_banktranlist_is_closed_where_ledgerbal_starts() -> None:
    data = _read("checking_v102.ofx").replace(b"</BANKTRANLIST>\r\n", b"")
    (stmt,) = parser.parse(data)
    assert len(stmt.lines) == 4
    assert stmt.closing is not None
    assert stmt.closing.amount == Decimal("10458.77")
    assert any("BANKTRANLIST" in w for w in stmt.warnings)


def test_repeated_fitid_is_made_unique_not_merged() -> None:
    data = _read("checking_v102.ofx").replace(b"NB20260303-000011", b"NB20260302-000190")
    (stmt,) = parser.parse(data)
    refs = [x.bank_ref for x in stmt.lines]
    assert refs[1] == "NB20260302-000190:2026-03-02:-2250.00"
    assert refs[2] == "NB20260302-000190:2026-03-03:-118.40"
    assert len({k for k, _ in keyed(stmt)}) == 4
    assert any("repeats" in w for w in stmt.warnings)


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (b"<TRNAMT>-118.40", b"<TRNAMT>-118.4O", 45, "TRNAMT"),
        (b"<TRNAMT>-118.40", b"<TRNAMT>-118.405", 45, "TRNAMT"),
        (b"<TRNAMT>-118.40\r\n", b"", 42, "TRNAMT"),
        (b"<DTPOSTED>20260303\r\n", b"<DTPOSTED>20260231\r\n", 44, "DTPOSTED"),
        (b"<DTPOSTED>20260303\r\n", b"<DTPOSTED>03/03/2026\r\n", 44, "DTPOSTED"),
        (b"<CURDEF>USD", b"<CURDEF>XYZ", 19, "CURDEF"),
        (b"<ACCTID>4400781236", b"<ACCTID>", 20, "ACCTID"),
        (
            b"</STMTTRN>\r\n<STMTTRN>\r\n<TRNTYPE>SRVCHG",
            b"</STMTRN>\r\n<STMTTRN>\r\n<TRNTYPE>SRVCHG",
            49,
            "STMTRN",
        ),
        (b"<BALAMT>10458.77", b"<BALAMT>n/a", 60, "BALAMT"),
    ],
)
def test_broken_sgml_is_refused_with_its_line(
    old: bytes, new: bytes, line: int, field: str
) -> None:
    data = _read("checking_v102.ofx")
    assert old in data
    error = _bad(data.replace(old, new, 1))
    assert (error.details["line"], error.details.get("field")) == (line, field)


def test_a_file_cut_short_is_refused() -> None:
    data = _read("checking_v102.ofx")
    error = _bad(data[: data.index(b"</BANKTRANLIST>")])
    assert error.details["line"] == 58
    assert "cut short" in str(error)


def test_broken_xml_is_refused_with_its_line() -> None:
    data = _read("two_accounts_v211.ofx").replace(b"<TRNAMT>-7,50</TRNAMT>", b"<TRNAMT>-7,50")
    # lxml notices the missing </TRNAMT> where </STMTTRN> comes instead: line 41
    assert _bad(data).details["line"] == 41


def test_bad_amount_in_xml_names_line_and_tag() -> None:
    data = _read("two_accounts_v211.ofx").replace(b"-89.90</TRNAMT>", b"-89.9.0</TRNAMT>")
    error = _bad(data)
    assert (error.details["line"], error.details["field"]) == (63, "TRNAMT")


def test_doctype_and_entities_are_refused() -> None:
    data = _read("two_accounts_v211.ofx").replace(
        b"<OFX>", b'<!DOCTYPE OFX [<!ENTITY x "boom">]>\n<OFX>', 1
    )
    error = _bad(data)
    assert (error.details["line"], error.details["field"]) == (3, "DOCTYPE")


def test_bank_error_status_is_refused() -> None:
    data = _read("checking_v102.ofx").replace(
        b"<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n<STMTRS>",
        b"<STATUS><CODE>2000<SEVERITY>ERROR<MESSAGE>General error</STATUS>\r\n<STMTRS>",
    )
    error = _bad(data)
    assert error.details["line"] == 17
    assert "General error" in str(error)


def test_zero_decimal_currency_refuses_cents() -> None:
    data = _read("chase_utf8_under_1252.qfx").replace(b"<CURDEF>USD", b"<CURDEF>JPY")
    error = _bad(data)
    assert (error.details["line"], error.details["field"]) == (46, "TRNAMT")
    ok = data.replace(b"-23.75", b"-2375").replace(b">23.75", b">2375").replace(b"0.00\n", b"0\n")
    (stmt,) = parser.parse(ok)
    assert [x.amount for x in stmt.lines] == [Decimal(-2375), Decimal(2375)]


def test_no_statement_at_all_is_refused() -> None:
    data = (
        b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>"
    )
    assert _bad(data).details["field"] == "STMTRS"


def test_not_ofx_is_refused() -> None:
    assert _bad(b"hello").details["line"] == 1


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:'
        b'xsd:camt.053.001.02"><BkToCstmrStmt>',
        b"{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:\r\n:20:P140220000000001\r\n",
        b":20:STARTUMSE\r\n:25:10020030/1234567\r\n:28C:00001/001\r\n",
        b"01,SENDR1,RECVR1,260305,0200,1,80,1,2/\n02,RECVR1,SENDR1,1,260304,,USD,2/\n",
        b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n",
    ],
)
def test_identify_refuses_other_formats(head: bytes) -> None:
    assert not parser.identify(head)


def test_identify_accepts_ofx_heads() -> None:
    for name in ("checking_v102.ofx", "two_accounts_v211.ofx", "chase_utf8_under_1252.qfx"):
        assert parser.identify(_read(name)[:4096]), name
    assert parser.identify(b"\xef\xbb\xbf<OFX>\n<SIGNONMSGSRSV1>")


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples/bank/ofx not present")
def test_real_samples_parse() -> None:
    for path in sorted(SAMPLES.iterdir()):
        statements = parser.parse(path.read_bytes())
        assert statements, path.name
        assert all(s.opening is None and s.format == "ofx" for s in statements), path.name
