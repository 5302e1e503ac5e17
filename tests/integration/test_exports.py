"""Exports through the tools themselves, on SQLite and PostgreSQL: bean-check and hledger load
the files and show our trial balance per account in base currency (a USD sale on a EUR ledger,
Stripe's conversion, a refund at another rate, a payout, a month-end revaluation, a EUR sale)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.accounts import Account, AccountType, Role
from ledgerbridge.domain.journal import JournalEntry, Line
from ledgerbridge.exports import beancount, ledger
from ledgerbridge.exports.names import account_names
from ledgerbridge.exports.period import Journal, Posted
from ledgerbridge.service import journal, reports, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.service.revalue import revalue
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store import catalog
from ledgerbridge.store.database import Database

SALE_DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
REFUND_DAY = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
PAYOUT_DAY = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
CENT = Decimal("0.01")


def _stripe(db: Database, event: dict[str, Any]) -> str:
    body = stripe.encode(event)
    return ingest(db, "stripe", body, stripe.sign(body, "whsec_x", int(time.time()))).status


def _order(
    db: Database, n: int, doc: dict[str, Any], at: datetime, topic: str = "orders/paid"
) -> Any:
    body = shopify.body(doc)
    return ingest(
        db, "shop", body, shopify.headers(topic, body, "shpss_x", f"wh-{n}", "x.myshopify.com", at)
    )


def build(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    for source, platform, secret, settings in (
        ("stripe", "stripe", "whsec_x", {"api_base_url": standin.url}),
        ("shop", "shopify", "shpss_x", {"gateway": "stripe"}),
    ):
        setup.add_source(db, source_id=source, platform=platform, ledger="default",
                         webhook_secret=secret, settings=settings)  # fmt: skip
    with db.write() as conn:
        for day, rate in ((2, "1.08"), (20, "1.10"), (31, "1.20")):
            catalog.put_rate(conn, "EUR", "USD", date(2026, 3, day), Decimal(rate), "manual")
    usd = dict(currency="USD", shipping="0", tax_rate="0", payment_gateway_names=("stripe",))
    sale = shopify.order(4001, lines=[shopify.Line("Jacket", "108.00")], created_at=SALE_DAY, **usd)
    assert _order(db, 1, sale, SALE_DAY).status == "posted"
    ts = int(SALE_DAY.timestamp())
    settle = {"settlement_currency": "eur", "settlement_amount": 9900}
    charge, txn = stripe.captured_charge(
        amount=10800, currency="usd", fee=300, created=ts, **settle
    )
    standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    assert _stripe(db, stripe.charge_succeeded(charge, created=ts)) == "posted"
    refund = shopify.refund(
        sale, 9001, quantities={}, amount="54.00", gateway="stripe", created_at=REFUND_DAY
    )
    assert _order(db, 2, refund, REFUND_DAY, "refunds/create").status == "posted"
    rts = int(REFUND_DAY.timestamp())
    rtxn = stripe.balance_transaction(
        amount=-5000, currency="eur", source="re_x", fee=0, type="refund", created=rts
    )
    standin.put(f"/v1/balance_transactions/{rtxn['id']}", rtxn)
    back = stripe.refund(charge_id=charge["id"], amount=5400, currency="usd",
                         balance_transaction=rtxn["id"], created=rts)  # fmt: skip
    assert _stripe(db, stripe.charge_refunded(charge, [back], created=rts)) == "posted"
    pts = int(PAYOUT_DAY.timestamp())
    payout = stripe.payout(amount=4600, currency="eur", arrival_date=pts, created=pts)
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page([txn, rtxn]),
        query={"payout": payout["id"]},
    )
    assert _stripe(db, stripe.payout_paid(payout, created=pts)) == "posted"
    scarf = shopify.order(4002, lines=[shopify.Line("Scarf", "54.00")], created_at=SALE_DAY, **usd)
    assert _order(db, 3, scarf, SALE_DAY).status == "posted"
    eur = shopify.order(4003, lines=[shopify.Line("Shirt", "45.00", 2)], currency="EUR",
                        shipping="4.90", tax_rate="0.19", discount="5.00",
                        payment_gateway_names=("stripe",), created_at=PAYOUT_DAY)  # fmt: skip
    assert _order(db, 4, eur, PAYOUT_DAY).status == "posted"
    assert revalue(db, "default", "2026-03")[0].entry_id is not None


# -- the tools ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def hledger() -> str:
    """hledger from Debian (scripts/test installs it); installed here when root with apt."""
    found = shutil.which("hledger")
    if found is None and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "hledger"]):
            subprocess.run(step, capture_output=True, timeout=600, check=False)
        found = shutil.which("hledger")
    if found is None:
        pytest.skip("hledger is absent and not installable here (needs root and apt-get)")
    return found


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)


def bean_check(path: Path) -> None:
    tool = Path(sys.executable).parent / "bean-check"
    done = run(str(tool), str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def beancount_balances(path: Path) -> dict[str, Decimal]:
    """Per account, the sum of the postings' weights (units, or their ``@@`` cost) in EUR."""
    from beancount import loader
    from beancount.core import convert, data

    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    assert options["operating_currency"] == ["EUR"]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                weight = convert.get_weight(posting)
                assert weight.currency == "EUR"
                sums[posting.account] += weight.number
    return {a: v.quantize(CENT) for a, v in sums.items() if v.quantize(CENT)}


def hledger_balances(tool: str, path: Path) -> dict[str, Decimal]:
    """``hledger balance --flat --cost``: every posting at its cost, so all in EUR."""
    done = run(tool, "-f", str(path), "balance", "--flat", "--cost", "--no-total", "-O", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert all(r["balance"].endswith(" EUR") for r in rows), rows
    found = {r["account"]: Decimal(r["balance"].removesuffix(" EUR")) for r in rows}
    return {a: v for a, v in found.items() if v}


def expected(db: Database, as_of: date | None) -> dict[str, Decimal]:
    """Our trial balance, non-zero rows, by exported account name."""
    with db.read() as conn:
        names = account_names(catalog.list_accounts(conn, "default"))
    rows = journal.trial_balance(db, "default", as_of)["rows"]
    return {names[r["account"]]: Decimal(r["balance"]) for r in rows if Decimal(r["balance"])}


PERIODS = [(None, None), (date(2026, 3, 21), date(2026, 3, 31))]


def test_rounding_lines_odd_signs_and_odd_codes_still_balance_in_both_tools(
    tmp_path: Path, hledger: str
) -> None:
    eur, day, d = Decimal("0.00"), date(2026, 3, 2), Decimal
    chart = [
        Account("ar.eu_1", "Receivable", AccountType.ASSET),
        Account("ar:eu-1", "Receivable (clash)", AccountType.ASSET),
        Account("3000", "Owner", AccountType.EQUITY),
        Account("4000", "Sales", AccountType.INCOME, Role.SALES),
        Account("7990", "Rounding", AccountType.EXPENSE, Role.ROUNDING),
    ]
    one = JournalEntry.balanced(key="k1", ledger="default", effective_date=day, source=None,
        description='He said "hi"; ok\nnext', lines=[  # a rounding line: no amount, a base
        Line("ar.eu_1", d(333), "JPY", d("2.05"), "EUR", d("0.00615"), day, "manual"),
        Line("4000", d(-333), "JPY", d("-2.04"), "EUR", d("0.00613"), day, "manual"),
        Line("7990", eur, "EUR", d("-0.01"), "EUR", rate_source="rounding")])  # fmt: skip
    two = JournalEntry.balanced(key="k2", ledger="default", effective_date=day, source=None,
        description="odd signs", lines=[  # zero base, and a base of the other sign
        Line("ar:eu-1", d(1), "JPY", eur, "EUR"), Line("3000", d(-1), "JPY", eur, "EUR"),
        Line("ar:eu-1", d("5.00"), "USD", d("-0.01"), "EUR"),
        Line("3000", d("-5.00"), "USD", d("0.01"), "EUR")])  # fmt: skip
    posted = (Posted("je_1", one), Posted("je_2", two))
    data = Journal("default", "EUR", None, None, {a.code: a for a in chart}, posted)
    names = account_names(chart)
    assert names["ar.eu_1"] == "Assets:Ar-eu-1"
    assert names["ar:eu-1"].startswith("Assets:Ar-eu-1-H")
    assert names["7990"] == "Expenses:Rounding:7990"
    want = {names["ar.eu_1"]: d("2.05"), names["4000"]: d("-2.04"), names["7990"]: d("-0.01"),
            names["ar:eu-1"]: d("-0.01"), names["3000"]: d("0.01")}  # fmt: skip
    (tmp_path / "odd.beancount").write_text(beancount.write(data))
    bean_check(tmp_path / "odd.beancount")
    assert beancount_balances(tmp_path / "odd.beancount") == want
    (tmp_path / "odd.journal").write_text(ledger.write(data))
    assert hledger_balances(hledger, tmp_path / "odd.journal") == want


# -- tests --------------------------------------------------------------------------------


def test_beancount_export_passes_bean_check_with_our_trial_balance(
    db: Database, standin: StandIn, tmp_path: Path
) -> None:
    build(db, standin)
    for since, until in PERIODS:
        path = tmp_path / f"{since}.beancount"
        path.write_text(reports.export(db, "beancount", "default", since, until))
        bean_check(path)
        assert beancount_balances(path) == expected(db, until)
    text = path.read_text()
    assert 'option "operating_currency" "EUR"' in text
    assert "Assets:Clearing:1100-stripe  -5.00 EUR" in text  # the revaluation, in base
    assert '2026-03-20 * "Balances brought forward (base currency)"' in text


def test_hledger_loads_the_ledger_export_with_our_trial_balance(
    db: Database, standin: StandIn, tmp_path: Path, hledger: str
) -> None:
    build(db, standin)
    for since, until in PERIODS:
        path = tmp_path / f"{since}.journal"
        path.write_text(reports.export(db, "ledger", "default", since, until))
        assert hledger_balances(hledger, path) == expected(db, until)
    usd = tmp_path / "usd.journal"
    usd.write_text(reports.export(db, "ledger", "default", None, None))
    # without --cost the foreign units stay in their own currency
    done = run(hledger, "-f", str(usd), "balance", "--flat", "--no-total", "Sales:4000")
    assert "-162.00 USD" in done.stdout


def test_csv_export_has_a_row_per_line_and_balances(db: Database, standin: StandIn) -> None:
    build(db, standin)
    rows = list(csv.DictReader(io.StringIO(reports.export(db, "csv", "default", None, None))))
    loaded = reports.load_journal(db, "default", None, None)
    assert len(rows) == sum(len(p.entry.lines) for p in loaded.entries)
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    per_account: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        per_currency[r["currency"]] += Decimal(r["amount"])
        per_account[r["account"]] += Decimal(r["base_amount"])
    assert set(per_currency.values()) == {Decimal(0)}
    assert sum(per_account.values()) == 0
    tb = journal.trial_balance(db, "default", None)["rows"]
    assert {r["account"]: Decimal(r["balance"]) for r in tb} == dict(per_account)
    sale = next(r for r in rows if r["currency"] == "USD" and r["account"] == "4000")
    assert (sale["amount"], sale["base_amount"], sale["rate_source"]) == (
        "-108.00",
        "-100.00",
        "manual",
    )
    assert sale["dimensions"] == '{"source":"shop"}'
    assert sale["event_ids"].startswith("ev_")
    reval = [r for r in rows if r["description"].startswith("Revaluation")]
    assert [(r["amount"], r["currency"], r["base_amount"]) for r in reval] == [
        ("0.00", "USD", "-5.00"),
        ("0.00", "EUR", "5.00"),
    ]
    march = reports.export(db, "csv", "default", date(2026, 3, 21), date(2026, 3, 31))
    assert {r["date"] for r in csv.DictReader(io.StringIO(march))} == {"2026-03-23", "2026-03-31"}


def test_profit_and_loss_and_balance_sheet(db: Database, standin: StandIn) -> None:
    build(db, standin)
    pnl = reports.profit_and_loss(db, "default", date(2026, 3, 1), date(2026, 3, 31))
    income = {r["account"]: r["amount"] for r in pnl["income"]["rows"]}
    assert income == {"4000": "240.00", "4100": "4.90", "4500": "-5.00", "4600": "-49.09"}
    expenses = {r["account"]: r["amount"] for r in pnl["expenses"]["rows"]}
    assert expenses == {"6100": "3.00", "7900": "6.91"}  # with the month-end revaluation
    assert (pnl["income"]["total"], pnl["expenses"]["total"]) == ("190.81", "9.91")
    assert pnl["net_income"] == "180.90"
    april = reports.profit_and_loss(db, "default", date(2026, 4, 1), None)
    assert april["expenses"]["rows"] == [
        {"account": "7900", "name": "Realised FX gain/loss", "amount": "-5.00"}
    ]
    gateway = reports.profit_and_loss(db, "default", None, None, dimensions={"source": "stripe"})
    assert gateway["income"]["rows"] == []
    assert gateway["net_income"] == "-4.91"

    sheet = reports.balance_sheet(db, "default", date(2026, 3, 31))
    assert sheet["balanced"]
    assets = {r["account"]: r["amount"] for r in sheet["assets"]["rows"]}
    assert assets == {"1000": "46.00", "1100-stripe": "151.98"}
    assert sheet["liabilities"]["total"] == "17.08"
    assert sheet["equity"]["earnings"] == "180.90" == sheet["equity"]["total"]
    assert sheet["total_liabilities_and_equity"] == sheet["assets"]["total"] == "197.98"
    lines = reports.report_csv(sheet).splitlines()
    assert lines[0] == "section,account,name,amount"
    assert "equity,,earnings,180.90" in lines
    assert "total,,total_liabilities_and_equity,197.98" in lines
