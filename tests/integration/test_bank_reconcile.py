"""Bank statements into reconciliation, on SQLite and PostgreSQL: an OFX statement imports
once, a broken one is refused whole with its line, a Stripe payout finds its deposit by its
own id in the remittance, a deposit naming Stripe with no payout opens a discrepancy, the
queue is worked with a reason and who, and a re-run reopens nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import reconcile, setup, statements
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.statements.base import BadStatement
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import audit_log, bank_lines

PAYOUT_DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ofx(rows: list[tuple[str, str, str, str]], balance: str = "5000.00") -> bytes:
    """An OFX 1.02 statement: rows of (date YYYYMMDD, amount, FITID, memo)."""
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if not a.startswith('-') else 'DEBIT'}"
        f"<DTPOSTED>{d}<TRNAMT>{a}<FITID>{f}<NAME>{m.split()[0]}<MEMO>{m}</STMTTRN>\n"
        for d, a, f, m in rows
    )
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>\n"
        "<CURDEF>EUR<BANKACCTFROM><BANKID>100<ACCTID>DE0012345<ACCTTYPE>CHECKING"
        "</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20260301<DTEND>20260310\n"
        + body
        + f"</BANKTRANLIST><LEDGERBAL><BALAMT>{balance}<DTASOF>20260310</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()


def _bank_line_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(bank_lines)).scalar() or 0)


def _payout(db: Database, standin: StandIn, amount: int) -> str:
    po = stripe.payout(
        amount=amount,
        currency="eur",
        arrival_date=int(PAYOUT_DAY.timestamp()),
        created=int(PAYOUT_DAY.timestamp()),
    )
    standin.put(
        "/v1/balance_transactions", stripe.balance_transaction_page([]), query={"payout": po["id"]}
    )
    body = stripe.encode(stripe.payout_paid(po, created=int(PAYOUT_DAY.timestamp())))
    assert (
        ingest(db, "stripe", body, stripe.sign(body, "whsec_r", int(time.time()))).status
        == "posted"
    )
    return str(po["id"])


def test_statement_import_reconcile_and_the_discrepancy_queue(
    db: Database, standin: StandIn
) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_r",
        settings={"api_base_url": standin.url},
    )
    payout_id = _payout(db, standin, 123456)
    statement = ofx(
        [
            ("20260304", "1234.56", "B-1", f"STRIPE TRANSFER {payout_id}"),
            ("20260304", "-1800.00", "B-2", "RENT MARCH 2026"),
            ("20260305", "99.00", "B-3", "STRIPE PAYMENTS EUROPE"),
        ]
    )

    first = statements.import_statement(db, statement, account="1000")
    assert (first.format, first.lines_imported, first.lines_skipped_duplicate) == ("ofx", 3, 0)
    again = statements.import_statement(db, statement, account="1000")
    assert (again.lines_imported, again.lines_skipped_duplicate) == (0, 3)

    broken = ofx([("20260306", "12,3,4", "B-9", "STRIPE")])
    with pytest.raises(BadStatement) as refused:
        statements.import_statement(db, broken, account="1000")
    assert refused.value.details["line"] > 0
    assert _bank_line_count(db) == 3  # nothing of the broken file

    # the first import reconciled at once: the payout found its deposit
    [match] = reconcile.matches(db, "default", "payout_deposit")
    assert (match["rule"], match["left"], match["confidence"]) == ("reference", [payout_id], "1.00")
    lines, _ = statements.list_bank_lines(
        db, ledger="default", status="unmatched", account=None, limit=10, cursor=None
    )
    assert sorted(x["amount"] for x in lines) == ["-1800.00", "99.00"]  # rent stays unmatched

    [open_one] = reconcile.discrepancies(db, "default", "open", None)
    assert (open_one["kind"], open_one["amount"]) == ("deposit_without_payout", "99.00")
    done = reconcile.decide(db, open_one["id"], "resolved", "Stripe reserve release", "finance")
    assert (done["status"], done["changed_by"]) == ("resolved", "finance")
    with db.read() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions == ["discrepancy.resolved"]

    rerun = reconcile.run(db, "default", trigger="test", today=datetime(2026, 3, 21).date())
    # on demand too, and nothing is matched or reopened twice
    assert (rerun["matched"], rerun["discrepancies_opened"]) == (0, 0)
    assert reconcile.discrepancies(db, "default", "open", None) == []
