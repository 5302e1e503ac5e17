"""Issue 6's proof, on SQLite and PostgreSQL: a day of sales in five currencies (JPY with no
decimals, BHD with three), taken by a Stripe account that settles in USD on a EUR ledger, with
a refund at another day's rate and a payout in USD. The real ECB history shipped offline
gives the rates (BHD, which the ECB does not publish, has a manual rate). Afterwards the
clearing account is zero in every currency and in base, every FX difference is on
fx_gain_loss, and every line names its rate, rate date and rate source."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import journal, rates, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store import journal as store_journal
from ledgerbridge.store.database import Database

SALE = datetime(2024, 1, 2, 11, 0, tzinfo=UTC)  # a Tuesday: ECB USD 1.0956, JPY 155.68
REFUND = datetime(2024, 1, 3, 16, 0, tzinfo=UTC)
PAYOUT = datetime(2024, 1, 6, 9, 0, tzinfo=UTC)  # a Saturday: Friday's rate applies
# (currency, charge in Stripe minor units, what Stripe credited in USD cents)
CHARGES = [
    ("jpy", 15_000, 10_450),
    ("bhd", 12_340, 3_239),
    ("gbp", 4_999, 6_270),
    ("chf", 8_850, 10_320),
    ("eur", 12_000, 13_050),
]


def _send(db: Database, event: dict[str, Any]) -> str:
    body = stripe.encode(event)
    return ingest(db, "stripe", body, stripe.sign(body, "whsec_day", int(time.time()))).status


def test_five_currencies_settled_in_usd_leave_clearing_at_zero(
    db: Database, standin: StandIn
) -> None:
    setup.init(db, "EUR")
    loaded = rates.load_offline(db)
    assert loaded.rows > 200_000
    rates.put_manual(db, "EUR", "BHD", date(2024, 1, 2), "0.4130")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_day",
        settings={"recognize_revenue": True, "api_base_url": standin.url},
    )
    txns = []
    gbp_charge: dict[str, Any] = {}
    for currency, amount, usd in CHARGES:
        ts = int(SALE.timestamp())
        charge, txn = stripe.captured_charge(
            amount=amount,
            currency=currency,
            created=ts,
            fee=usd * 3 // 100,
            settlement_currency="usd",
            settlement_amount=usd,
        )
        standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
        txns.append(txn)
        assert _send(db, stripe.charge_succeeded(charge, created=ts)) == "posted"
        if currency == "gbp":
            gbp_charge = charge

    rts = int(REFUND.timestamp())  # 20.00 GBP back, converted at the 3rd's Stripe rate
    rtxn = stripe.balance_transaction(
        amount=-2_545, currency="usd", source="re_gbp", fee=0, type="refund", created=rts
    )
    standin.put(f"/v1/balance_transactions/{rtxn['id']}", rtxn)
    refund = stripe.refund(
        charge_id=gbp_charge["id"],
        amount=2_000,
        currency="gbp",
        balance_transaction=rtxn["id"],
        created=rts,
    )
    assert _send(db, stripe.charge_refunded(gbp_charge, [refund], created=rts)) == "posted"
    txns.append(rtxn)

    net = sum(t["net"] for t in txns)
    pts = int(PAYOUT.timestamp())
    payout = stripe.payout(amount=net, currency="usd", arrival_date=pts, created=pts)
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page(txns),
        query={"payout": payout["id"]},
    )
    assert _send(db, stripe.payout_paid(payout, created=pts)) == "posted"

    with db.read() as conn:
        clearing = store_journal.account_balances(conn, "default", "1100-stripe")
    assert set(clearing) == {"JPY", "BHD", "GBP", "CHF", "EUR", "USD"}
    assert set(clearing.values()) == {0}
    tb = journal.trial_balance(db, "default", None)
    assert tb["balanced"]
    rows = {r["account"]: r for r in tb["rows"]}
    assert rows["1100-stripe"]["balance"] == "0.00"
    fx_result = Decimal(rows["7900"]["balance"])  # the realised FX of the day: spreads, moves
    assert fx_result != 0
    assert fx_result.copy_abs() < Decimal("10.00")
    assert "7990" not in rows or Decimal(rows["7990"]["balance"]).copy_abs() < Decimal("0.05")

    entries, _ = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source="stripe",
        account=None,
        limit=100,
        cursor=None,
    )
    for entry in entries:
        for line in entry["lines"]:
            assert line["rate"]
            assert line["rate_source"]
            if line["currency"] != "EUR":
                assert line["rate_date"] is not None
                assert line["rate_source"] in ("ecb", "manual", "carrying")
    jpy_sale = next(
        x for e in entries for x in e["lines"] if x["currency"] == "JPY" and x["account"] == "4000"
    )
    # 15,000 JPY at the ECB's 155.68 JPY per EUR on 2024-01-02
    assert (jpy_sale["amount"], jpy_sale["base_amount"]) == ("-15000", "-96.35")
    assert (jpy_sale["rate_date"], jpy_sale["rate_source"]) == ("2024-01-02", "ecb")
    usd_payout = next(
        x for e in entries for x in e["lines"] if x["account"] == "1000" and x["currency"] == "USD"
    )
    assert usd_payout["rate_date"] == "2024-01-05"  # Saturday's payout at Friday's rate
