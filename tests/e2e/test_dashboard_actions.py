"""What the dashboard's forms do, over real HTTP: a manual match of a payout to a deposit the
engine could not pair, a reopen that needs an admin and a reason (audited), the checklist in
the API with amounts as strings, and the balance sheet by dimension."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from ledgerbridge.service import access, periods, statements
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.tables import audit_log
from tests.e2e.conftest import STRIPE_SECRET, Live

pytestmark = pytest.mark.e2e
PASSWORD = "a-long-enough-password"
PAID = datetime(2026, 3, 2, 9, tzinfo=UTC)


def session(live: Live, user: str, role: str) -> tuple[httpx.Client, str]:
    access.create_user(live.db, user, PASSWORD, role)
    http = httpx.Client(base_url=live.url, timeout=15, follow_redirects=False)
    page = http.get("/ui/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    done = http.post(
        "/ui/login", data={"csrf": csrf.group(1), "username": user, "password": PASSWORD}
    )
    assert done.status_code == 303
    token = re.search(r'name="csrf" value="([^"]+)"', http.get("/ui/").text)
    assert token
    return http, token.group(1)


def payout(live: Live, amount: int) -> str:
    po = stripe.payout(
        amount=amount,
        currency="eur",
        arrival_date=int(PAID.timestamp()),
        created=int(PAID.timestamp()),
    )
    live.standin.put(
        "/v1/balance_transactions", stripe.balance_transaction_page([]), query={"payout": po["id"]}
    )
    raw = stripe.encode(stripe.payout_paid(po, created=int(PAID.timestamp())))
    sent = live.http.post(
        "/webhooks/stripe", content=raw, headers=stripe.sign(raw, STRIPE_SECRET, int(time.time()))
    )
    assert sent.json()["status"] == "posted", sent.text
    [entry_id] = live.get(f"/api/v1/events/{sent.json()['event_id']}").json()["entry_ids"]
    return str(entry_id)


def deposit(live: Live, amount: str, memo: str) -> str:
    ofx = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>\n"
        "<CURDEF>EUR<BANKACCTFROM><BANKID>1<ACCTID>DE01<ACCTTYPE>CHECKING</BANKACCTFROM>\n"
        "<BANKTRANLIST><DTSTART>20260301<DTEND>20260310\n"
        f"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260309<TRNAMT>{amount}<FITID>F1"
        f"<NAME>TRANSFER<MEMO>{memo}</STMTTRN>\n"
        "</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20260310</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()
    statements.import_statement(live.db, ofx, account="1000")
    [line] = live.get("/api/v1/bank-lines", params={"status": "unmatched"}).json()["items"]
    return str(line["id"])


def test_an_accountant_matches_a_payout_to_a_deposit_by_hand(live: Live) -> None:
    entry_id = payout(live, 12000)
    line_id = deposit(live, "119.50", "CONSOLIDATED CARD SETTLEMENT 0309")
    http, token = session(live, "acct", "accountant")
    page = http.get("/ui/reconcile").text
    assert line_id in page
    assert entry_id in page
    done = http.post("/ui/matches", data={"csrf": token, "payout": entry_id, "bank_line": line_id})
    assert done.status_code == 303
    assert "matched+by+hand" in done.headers["location"]
    [match] = live.get("/api/v1/matches", params={"kind": "payout_deposit"}).json()["items"]
    assert (match["rule"], match["status"], match["difference"]) == ("manual", "confirmed", "-0.50")
    again = http.post("/ui/matches", data={"csrf": token, "payout": entry_id, "bank_line": line_id})
    assert "already+matched" in again.headers["location"]
    http.close()


def test_reopening_needs_an_admin_and_a_reason_and_is_audited(live: Live) -> None:
    periods.change(live.db, "default", "2026-02", "closed", "controller")
    http, token = session(live, "acct", "accountant")
    refused = http.post(
        "/ui/reopen", data={"csrf": token, "period": "2026-02", "reason": "late invoice"}
    )
    assert refused.status_code == 403
    http.close()
    http, token = session(live, "boss", "admin")
    no_reason = http.post("/ui/reopen", data={"csrf": token, "period": "2026-02", "reason": ""})
    assert "needs+a+reason" in no_reason.headers["location"]
    done = http.post(
        "/ui/reopen", data={"csrf": token, "period": "2026-02", "reason": "late invoice"}
    )
    assert "reopened" in done.headers["location"]
    with live.db.read() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.detail).where(
                audit_log.c.action == "period.reopen"
            )
        ).all()
    assert [(actor, detail["reason"]) for actor, detail in rows] == [("boss", "late invoice")]
    page = http.get("/ui/close", params={"period": "2026-02"}).text
    assert 'id="period-status">open<' in page
    http.close()


def test_the_checklist_in_the_api_gives_amounts_as_strings(live: Live) -> None:
    payout(live, 5000)
    doc = live.get("/api/v1/periods/2026-03/checklist", params={"threshold": "0.50"}).json()
    assert doc["threshold"] == "0.50"
    assert doc["status"] == "open"
    clearing = next(c for c in doc["checks"] if c["name"] == "clearing explained")
    assert [(r["account"], r["balance"]) for r in clearing["rows"]] == [("1100-stripe", "-50.00")]
    assert live.get("/api/v1/periods/2026-13/checklist").status_code == 422


def test_the_balance_sheet_by_dimension(live: Live) -> None:
    payout(live, 5000)
    everything = live.get("/api/v1/reports/balance-sheet").json()
    assert everything["balanced"] is True
    nothing = live.get(
        "/api/v1/reports/balance-sheet", params={"dimension.channel": "nowhere"}
    ).json()
    assert nothing["dimensions"] == {"channel": "nowhere"}
    assert nothing["assets"]["rows"] == []


def test_a_wrong_mapping_is_shown_with_every_error_and_not_saved(live: Live) -> None:
    http, token = session(live, "boss", "admin")
    bad = "accounts:\n  - {role: sales, account: '4031'}\nfields: {a: {from: b}, b: {from: a}}\n"
    page = http.post("/ui/mapping", data={"csrf": token, "source": "shopify", "document": bad})
    assert page.status_code == 422
    assert "account 4031 is not in the chart" in page.text
    assert "cycle: a -&gt; b -&gt; a" in page.text
    assert "role: sales" in page.text  # the draft stays in the editor
    assert live.get("/api/v1/sources/shopify/mapping").status_code == 404
    http.close()
