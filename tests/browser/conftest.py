"""The dashboard in the system Chromium (Debian's ``chromium``, never a downloaded browser),
driven by Playwright against the real server on a loopback port, over an SQLite ledger that
has lived through last month: Shopify orders paid through Stripe (one of them failed on a
mapping), a Stripe payout this month, and a bank statement with a deposit no payout explains."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.money import to_minor
from ledgerbridge.domain.periods import period_of
from ledgerbridge.service import access, mapping, setup, statements
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database

CHROMIUM = os.environ.get("LEDGERBRIDGE_CHROMIUM", "/usr/bin/chromium")
STRIPE_SECRET = "whsec_browser_3c9d1e7f5a2b4c6d8e0f1a2b"
SHOPIFY_SECRET = "shpss_browser_8a7b6c5d4e3f2a1b0c9d8e7f"
SHOP = "browser-shop.myshopify.com"
ADMIN, PASSWORD = "controller", "quiet-ledger-2026!"
VIEWER, VIEWER_PASSWORD = "auditor", "read-only-ledger-7"
STRICT_MAPPING: dict[str, Any] = {
    "fields": {"merchant_code": "note_attributes[?name=='merchant_code'].value | [0]"},
    "dimensions": {"merchant": "merchant_code"},
    "required_fields": ["merchant_code"],
}


@dataclass
class World:
    url: str
    db: Database
    period: str
    next_period: str
    last_month: date
    failed_order: int


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the system Chromium is required at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield found
        found.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    found = context.new_page()
    found.set_default_timeout(15_000)
    yield found
    context.close()


def order(n: int, day: datetime, *, merchant: str | None) -> dict[str, Any]:
    doc = shopify.order(
        n,
        lines=[shopify.Line("Linen shirt", "40.00")],
        currency="EUR",
        shipping="5.00",
        payment_gateway_names=("stripe",),
        created_at=day,
    )
    doc["note_attributes"] = [{"name": "merchant_code", "value": merchant}] if merchant else []
    return doc


def send_order(http: httpx.Client, doc: dict[str, Any], day: datetime) -> dict[str, Any]:
    raw = shopify.body(doc)
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, f"wh-{doc['id']}", SHOP, day)
    response = http.post("/webhooks/shopify", content=raw, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def send_stripe(http: httpx.Client, event: dict[str, Any]) -> None:
    raw = stripe.encode(event)
    response = http.post(
        "/webhooks/stripe", content=raw, headers=stripe.sign(raw, STRIPE_SECRET, int(time.time()))
    )
    assert response.json()["status"] == "posted", response.text


def ofx(rows: list[tuple[date, str, str, str]]) -> bytes:
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'DEBIT' if a.startswith('-') else 'CREDIT'}<DTPOSTED>{d:%Y%m%d}"
        f"<TRNAMT>{a}<FITID>{f}<NAME>STRIPE<MEMO>{m}</STMTTRN>\n"
        for d, a, f, m in rows
    )
    total = sum((Decimal(a) for _, a, _, _ in rows), Decimal("1000.00"))
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>\n"
        "<CURDEF>EUR<BANKACCTFROM><BANKID>100<ACCTID>DE0099887766<ACCTTYPE>CHECKING"
        f"</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}\n"
        + body
        + f"</BANKTRANLIST><LEDGERBAL><BALAMT>{total}<DTASOF>{last:%Y%m%d}</LEDGERBAL>\n"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()


def _configure(db: Database, standin_url: str) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret=STRIPE_SECRET,
        api_credentials={"secret_key": "sk_test_browser_51Hx"},
        settings={"api_base_url": standin_url},
    )
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret=SHOPIFY_SECRET,
        api_credentials={"access_token": "shpat_browser_9f8e7d"},
        settings={"shop_domain": SHOP, "api_base_url": standin_url, "gateway": "stripe"},
    )
    mapping.put_mapping(db, "shopify", STRICT_MAPPING)
    access.create_user(db, ADMIN, PASSWORD, "admin")
    access.create_user(db, VIEWER, VIEWER_PASSWORD, "viewer")


def _last_month(db: Database, http: httpx.Client, standin: StandIn) -> tuple[date, int]:
    """Three orders last month (the third fails: no merchant code), Stripe paying all three
    out on the first of this month, the deposit and an unexplained transfer at the bank."""
    today = datetime.now(UTC).date()
    first = today.replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=10)
    when = datetime(last_month.year, last_month.month, last_month.day, 10, tzinfo=UTC)
    docs = [
        order(7001 + i, when + timedelta(hours=i), merchant=m)
        for i, m in enumerate(("WEB", "POS", None))
    ]
    results = [send_order(http, d, when) for d in docs]
    assert [r["status"] for r in results] == ["posted", "posted", "failed"]
    txns = []
    for d in docs:
        charge, txn = stripe.captured_charge(
            amount=to_minor(Decimal(d["total_price"]), "EUR"),
            currency="eur",
            created=int(when.timestamp()),
            order_id=str(d["id"]),
        )
        standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
        txns.append(txn)
        send_stripe(http, stripe.charge_succeeded(charge, created=int(when.timestamp())))
    total = sum(int(t["net"]) for t in txns)
    paid_at = datetime(first.year, first.month, first.day, 9, tzinfo=UTC)
    po = stripe.payout(
        amount=total,
        currency="eur",
        arrival_date=int(paid_at.timestamp()),
        created=int(paid_at.timestamp()),
    )
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page(txns),
        query={"payout": po["id"]},
    )
    send_stripe(http, stripe.payout_paid(po, created=int(paid_at.timestamp())))
    amount = str(Decimal(total) / 100)
    statement = ofx(
        [
            (first, amount, "BR-1", f"STRIPE PAYOUT {po['id']}"),
            (today - timedelta(days=12), "77.70", "BR-2", "STRIPE TRANSFER"),
        ]
    )
    statements.import_statement(db, statement, account="1000")
    return last_month, 7003


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    db = Database(f"sqlite:///{tmp_path / 'browser.db'}")
    with StandIn() as standin:
        _configure(db, standin.url)
        with (
            Server(db, free_port()) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            last_month, failed = _last_month(db, http, standin)
            today = datetime.now(UTC).date()
            yield World(server.url, db, period_of(last_month), period_of(today), last_month, failed)
    db.dispose()


def log_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(url + "/ui/")
    assert "/ui/login" in page.url
    page.fill("#login-password input[name=username]", user)
    page.fill("#login-password input[name=password]", password)
    page.click("#login-password button")
    page.wait_for_url(url + "/ui/")


def shot(page: Page, name: str) -> None:
    """Screenshots for the README when LEDGERBRIDGE_SCREENSHOTS names a folder."""
    folder = os.environ.get("LEDGERBRIDGE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)
