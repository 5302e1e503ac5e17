"""MT940/MT942: every field of our fixtures, the wrapped-tag and charset traps, each kind of
broken file refused with its line and field, and the real samples in shared/."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.mt940 import Mt940Parser, parser
from ledgerbridge.statements.mt940.convert import entry_year
from ledgerbridge.statements.registry import detect

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bank" / "mt940"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "bank" / "mt940"
DE = (FIXTURES / "de_two_statements.sta").read_bytes()
ING = (FIXTURES / "ing_envelope_wrapped.940").read_bytes()
MT942 = (FIXTURES / "interim.942").read_bytes()


def _broken(data: bytes, old: str, new: str, encoding: str = "cp1252") -> bytes:
    text = data.decode(encoding)
    assert old in text
    return text.replace(old, new, 1).encode(encoding)


def _refused(data: bytes) -> BadStatement:
    with pytest.raises(BadStatement) as caught:
        parser.parse(data)
    return caught.value


def test_german_statement_every_field() -> None:
    first, second = parser.parse(DE)
    assert (first.format, first.account, first.currency) == ("mt940", "37040044/0532013000", "EUR")
    assert first.statement_id == "STARTUMS/00001/001"
    assert first.opening is not None
    assert first.closing is not None
    assert (first.opening.amount, first.opening.day) == (Decimal("1000.00"), date(2025, 12, 30))
    assert (first.closing.amount, first.closing.day) == (Decimal("3240.85"), date(2025, 12, 31))
    assert (first.period_from, first.period_to) == (date(2025, 12, 30), date(2025, 12, 31))
    payout, rent, storno = first.lines
    assert payout.amount == Decimal("2450.75")
    assert payout.currency == "EUR"
    assert payout.booking_date == payout.value_date == date(2025, 12, 31)
    assert payout.bank_ref == "PO-8841-7730"
    assert payout.customer_ref == "po_1QxZ8a2eZvKYlo2C"  # EREF+ (E2E) before NONREF
    assert payout.remittance == (
        "166?00GUTSCHRIFT?109249?20EREF+po_1QxZ8a2eZvKYlo2C?21SVWZ+STRIPE PAYOUT "
        "po_1QxZ8a2eZvKYlo2C?30BOFIIE2DXXX?31IE29BOFI90000112345678?32Stripe Technology "
        "Europe Lt?33d"
    )
    assert payout.counterparty == "Stripe Technology Europe Ltd"  # ?32 + ?33 joined
    assert payout.counterparty_account == "IE29BOFI90000112345678"
    assert payout.tx_code == "NTRF+166"
    assert (payout.status, payout.reversal, payout.source_line) == ("BOOK", False, 5)
    assert rent.amount == Decimal("-89.90")
    assert rent.value_date == date(2025, 12, 31)
    assert rent.booking_date == date(2026, 1, 2)  # entry date 0102 is in the next year
    assert (rent.bank_ref, rent.customer_ref) == ("B5L0102A7781", "RE-2025-0815")
    assert rent.counterparty == "Hausverwaltung Müller GmbH"
    assert rent.counterparty_account == "DE89370400440532013000"
    assert "SVWZ+Miete Januar, Grüße" in rent.remittance
    assert (rent.tx_code, rent.source_line) == ("NMSC+835", 9)
    assert storno.amount == Decimal("-120.00")  # RC: reversal of a credit is a debit
    assert storno.reversal is True
    assert (storno.bank_ref, storno.customer_ref) == ("STORNO-4471", "MSG-1182")
    assert storno.remittance == "079?00SAMMLER/STORNO?109800?20Rückbuchung Sammler 4471"
    assert storno.counterparty is None
    assert second.statement_id == "STARTUMS/00002/001"
    assert second.opening is not None
    assert second.closing is not None
    assert (second.opening.amount, second.closing.amount) == (
        Decimal("3240.85"),
        Decimal("3225.85"),
    )
    (fee,) = second.lines
    assert (fee.amount, fee.booking_date, fee.source_line) == (
        Decimal("-15.00"),
        date(2026, 1, 2),
        21,
    )
    assert fee.remittance == "805?00ENTGELT?20Kontoführung Dezember"


def test_reversal_of_a_debit_is_a_credit() -> None:
    data = _broken(DE, ":61:2512311231RCR120,00", ":61:2512311231RDR120,00")
    data = _broken(data, ":62F:C251231EUR3240,85", ":62F:C251231EUR3480,85")
    data = _broken(data, ":60M:C251231EUR3240,85", ":60M:C251231EUR3480,85")
    data = _broken(data, ":62M:C260102EUR3225,85", ":62M:C260102EUR3465,85")
    storno = parser.parse(data)[0].lines[2]
    assert (storno.amount, storno.reversal) == (Decimal("120.00"), True)


def test_ing_envelope_wrapped_tags_and_slash_codes() -> None:
    (statement,) = parser.parse(ING)
    assert statement.account == "NL20INGB0001234567EUR"
    assert statement.statement_id == "P251104000000001/00001"  # :28C:0000 + wrapped 1
    payout, rent = statement.lines
    assert payout.amount == Decimal("1249.50")
    assert payout.bank_ref == "00000000003301"  # the :61: bank reference wrapped mid-token
    assert payout.customer_ref == "SHOP-PAYOUT-20251104"
    assert payout.counterparty == "Shopify International Ltd"
    assert payout.counterparty_account == "NL91ABNA0417164300"
    assert payout.remittance == (
        "/EREF/SHOP-PAYOUT-20251104//CNTP/NL91ABNA0417164300/ABNANL2A/Shopify International "
        "Ltd///REMI/USTD//Shopify payout 91823/"
    )
    assert (payout.tx_code, payout.source_line) == ("NTRF", 7)
    assert rent.amount == Decimal("-350.00")
    assert rent.bank_ref == "00000000003302"
    assert "/MARF/MND-4471//" in rent.remittance  # a lone "-" inside :86: is text
    assert rent.counterparty == "Kantoorhuur B.V."
    assert rent.counterparty_account == "NL39RABO0300065264"
    assert "/SUM/" not in rent.remittance  # the statement-level :86: is not the line's


def test_mt942_interim_report_has_no_balances() -> None:
    (report,) = parser.parse(MT942)
    assert (report.format, report.currency, report.opening, report.closing) == (
        "mt942",
        "PLN",
        None,
        None,
    )
    assert report.statement_id == "INTRA-20251105/14/1"
    credit, debit = report.lines
    assert (credit.amount, credit.bank_ref, credit.remittance) == (
        Decimal("1520.00"),
        "MB2511051001",
        "PAYU SA; PRZELEW SRODKOW; WYPLATA 77120",
    )
    assert (debit.amount, debit.booking_date) == (Decimal("-80.00"), date(2025, 11, 5))


def test_charset_utf8_and_cp1252_both_read() -> None:
    as_utf8 = DE.decode("cp1252").encode("utf-8")
    assert parser.parse(as_utf8)[0].lines[1].counterparty == "Hausverwaltung Müller GmbH"
    assert parser.parse(DE)[0].lines[1].counterparty == "Hausverwaltung Müller GmbH"
    forced = Mt940Parser(encoding="cp852").parse(DE)[0].lines[1].counterparty
    assert forced != "Hausverwaltung Müller GmbH"  # a forced code page is obeyed


@pytest.mark.parametrize(
    ("value", "entry", "expected"),
    [
        (date(2026, 1, 1), date(2026, 12, 30), date(2025, 12, 30)),  # :61:2601011230
        (date(2014, 12, 31), date(2014, 1, 5), date(2015, 1, 5)),  # :61:1412310105
        (date(2025, 6, 3), date(2025, 6, 4), date(2025, 6, 4)),
        (date(2025, 3, 1), None, None),
    ],
)
def test_entry_date_takes_the_year_nearest_the_value_date(
    value: date, entry: date | None, expected: date | None
) -> None:
    assert entry_year(value, entry) == expected


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        (":61:2512311231CR2450,75", ":61:2512311231CR24x0,75", 5, ":61:"),
        (":60F:C251230EUR1000,00", ":60F:C251330EUR1000,00", 4, ":60F:"),
        (":60F:C251230EUR1000,00", ":60F:C251230EUR1000,001", 4, ":60F:"),
        (":60F:C251230EUR1000,00", ":60F:C251230EUX1000,00", 4, ":60F:"),
        (":62F:C251231EUR3240,85\r\n", "", 15, ":62F:"),
        (":62F:C251231EUR3240,85", ":62F:C251231USD3240,85", 15, ":62F:"),
        (":25:37040044/0532013000\r\n:28C:00001", ":28C:00001", 1, ":25:"),
    ],
    ids=["61-amount", "60F-date", "decimals", "currency", "no-62F", "62F-currency", "no-25"],
)
def test_a_broken_file_is_refused_with_its_line(old: str, new: str, line: int, field: str) -> None:
    error = _refused(_broken(DE, old, new))
    assert (error.details["line"], error.details.get("field")) == (line, field)


def test_a_tag_before_the_first_20_is_refused() -> None:
    error = _refused(b"\r\n:25:NL20INGB0001234567\r\n:20:X\r\n")
    assert (error.details["line"], error.details["field"]) == (2, ":25:")


def test_no_statement_at_all_is_refused() -> None:
    assert _refused(b"hello\n").details["line"] == 1


def test_a_balance_mismatch_is_refused_at_the_closing_balance() -> None:
    error = _refused(_broken(DE, ":62F:C251231EUR3240,85", ":62F:C251231EUR3240,95"))
    assert (error.details["line"], error.details["field"]) == (15, "closing balance")
    assert "3240.85" in error.message


def test_identify_is_true_for_mt940_and_false_for_other_formats() -> None:
    for head in (DE, ING, MT942):
        assert parser.identify(head[:4096])
    assert detect(ING) is parser
    others = [
        b"01,026009593,LEDGERBRIDGE,251105,0615,LB1105,80,1,2/\n02,X,Y,1,251103,,USD,2/\n",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n",
        b"Date,Description,Amount\n2025-11-04,Stripe payout,1249.50\n",
    ]
    for head in others:
        assert not parser.identify(head)


def test_every_real_sample_parses_or_is_refused_where_the_file_is_broken() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("shared/samples/bank/mt940 is not here (CI without shared/)")
    refused = {
        # BANKFILES.md §8: anonymised, its balances do not add up
        "wolph_jejik_abnamro.sta": (27, "closing balance"),
        # a snippet: no :62F: after its lines (we refuse a statement without a closing)
        "wolph_selfprovided_gv_codes.sta": (9, ":62F:"),
    }
    for path in sorted(SAMPLES.iterdir()):
        data = path.read_bytes()
        assert parser.identify(data[:4096]), path.name
        if path.name == "wolph_selfprovided_raiffeisen-cmi.sta":
            # HUF amounts carry 2 decimals (ISO 4217) and read; the snippet's own balances do
            # not add up (opening 25170637.10, lines -1012213.50, closing 25281687.60)
            with pytest.raises(BadStatement, match=r"closing balance says 25281687\.60"):
                Mt940Parser(encoding="cp852").parse(data)
            continue
        if path.name in refused:
            with pytest.raises(BadStatement) as caught:
                parser.parse(data)
            where = caught.value.details["line"], caught.value.details.get("field")
            assert where == refused[path.name], path.name
            continue
        statements = parser.parse(data)
        assert statements, path.name
        assert all(s.lines or s.opening for s in statements), path.name


def test_mangled_files_raise_only_bad_statement() -> None:
    """No mt-940, decoding or date error escapes parse(): everything is a BadStatement."""
    rnd = random.Random(940)
    lines: list[int] = []
    for data in (DE, ING, MT942):
        for _ in range(300):
            mangled = bytearray(data)
            for _ in range(rnd.randint(1, 3)):
                mangled[rnd.randrange(len(mangled))] = rnd.choice(b"0123456789,:/-?CDRNX\n \xfc")
            try:
                parser.parse(bytes(mangled))
            except BadStatement as error:
                lines.append(int(str(error.details["line"])))
    assert all(line >= 1 for line in lines)
