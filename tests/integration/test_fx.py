"""Worked example on SQLite and PostgreSQL: a USD shop on a EUR ledger, paid through Stripe
settling in EUR. The sale is booked at the day's rate, Stripe's conversion realises the
difference in fx_gain_loss, a refund converts back at another day's rate, and after the payout
the clearing account is zero in every currency and in base."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import journal, replay, setup
from ledgerbridge.service.ingest import Accepted, ingest
from ledgerbridge.service.revalue import revalue
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store import catalog
from ledgerbridge.store import journal as store_journal
from ledgerbridge.store.database import Database

SALE_DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
REFUND_DAY = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
PAYOUT_DAY = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)


def _configure(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_fx",
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shpss_fx",
        settings={"gateway": "stripe"},
    )
    with db.write() as conn:  # 1 EUR = 1.08 USD on the sale's day
        catalog.put_rate(conn, "EUR", "USD", date(2026, 3, 2), Decimal("1.08"), "manual")


def _stripe(db: Database, event: dict[str, Any]) -> Accepted:
    body = stripe.encode(event)
    return ingest(db, "stripe", body, stripe.sign(body, "whsec_fx", int(time.time())))


def _shopify(db: Database, topic: str, doc: dict[str, Any], hook: str, at: datetime) -> Accepted:
    body = shopify.body(doc)
    headers = shopify.headers(topic, body, "shpss_fx", hook, "fx.myshopify.com", at)
    return ingest(db, "shop", body, headers)


def _balances(db: Database, account: str) -> dict[str, str]:
    with db.read() as conn:
        units = store_journal.account_balances(conn, "default", account)
    return {c: str(v) for c, v in units.items()}


def _row(db: Database, account: str) -> dict[str, str]:
    rows = journal.trial_balance(db, "default", None)["rows"]
    return next(r for r in rows if r["account"] == account)


def test_refund_at_a_different_rate_realises_fx_and_clearing_returns_to_zero(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    order = shopify.order(
        4001,
        lines=[shopify.Line("Jacket", "108.00")],
        currency="USD",
        shipping="0",
        tax_rate="0",
        payment_gateway_names=("stripe",),
        created_at=SALE_DAY,
    )
    assert _shopify(db, "orders/paid", order, "wh-1", SALE_DAY).status == "posted"

    ts = int(SALE_DAY.timestamp())
    charge, txn = stripe.captured_charge(
        amount=10800,
        currency="usd",
        fee=300,
        created=ts,
        settlement_currency="eur",
        settlement_amount=9900,
    )
    standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    assert _stripe(db, stripe.charge_succeeded(charge, created=ts)).status == "posted"

    refund_doc = shopify.refund(
        order, 9001, quantities={}, amount="54.00", gateway="stripe", created_at=REFUND_DAY
    )
    waiting = _shopify(db, "refunds/create", refund_doc, "wh-2", REFUND_DAY)
    assert (
        waiting.status == "failed"
    )  # no rate within a week of 2026-03-20: it waits, nothing guessed
    with db.write() as conn:
        catalog.put_rate(conn, "EUR", "USD", date(2026, 3, 20), Decimal("1.10"), "manual")
    assert waiting.event_id is not None
    assert replay.replay(db, waiting.event_id).status == "posted"

    rts = int(REFUND_DAY.timestamp())
    rtxn = stripe.balance_transaction(
        amount=-5000, currency="eur", source="re_fx", fee=0, type="refund", created=rts
    )
    standin.put(f"/v1/balance_transactions/{rtxn['id']}", rtxn)
    refund = stripe.refund(
        charge_id=charge["id"],
        amount=5400,
        currency="usd",
        balance_transaction=rtxn["id"],
        created=rts,
    )
    assert _stripe(db, stripe.charge_refunded(charge, [refund], created=rts)).status == "posted"

    pts = int(PAYOUT_DAY.timestamp())
    payout = stripe.payout(amount=4600, currency="eur", arrival_date=pts, created=pts)
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page([txn, rtxn]),
        query={"payout": payout["id"]},
    )
    assert _stripe(db, stripe.payout_paid(payout, created=pts)).status == "posted"

    assert _balances(db, "1100-stripe") == {"EUR": "0", "USD": "0"}
    assert _row(db, "1100-stripe")["balance"] == "0.00"
    # Sale 108 USD at 1.08 = 100.00 EUR, converted to 99.00: loss 1.00. Refund 54 USD at 1.10
    # = 49.09 EUR, converted back for 50.00: loss 0.91.
    assert _row(db, "7900")["balance"] == "1.91"
    assert _row(db, "4000")["balance"] == "-100.00"
    assert _row(db, "1000")["balance"] == "46.00"
    assert journal.trial_balance(db, "default", None)["balanced"]

    sale = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source="shop",
        account="4000",
        limit=5,
        cursor=None,
    )[0][0]
    usd = next(x for x in sale["lines"] if x["account"] == "4000")
    assert (usd["amount"], usd["currency"], usd["base_amount"]) == ("-108.00", "USD", "-100.00")
    assert (usd["rate_source"], usd["rate_date"]) == ("manual", "2026-03-02")


def test_period_end_revaluation_posts_and_reverses_next_day(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    order = shopify.order(
        4002,
        lines=[shopify.Line("Scarf", "54.00")],
        currency="USD",
        shipping="0",
        tax_rate="0",
        payment_gateway_names=("stripe",),
        created_at=SALE_DAY,
    )
    assert _shopify(db, "orders/paid", order, "wh-9", SALE_DAY).status == "posted"
    with db.write() as conn:  # the closing rate of March: the dollar weakened
        catalog.put_rate(conn, "EUR", "USD", date(2026, 3, 31), Decimal("1.20"), "manual")

    [result] = revalue(db, "default", "2026-03")
    assert (result.account, result.currency, result.balance) == ("1100-stripe", "USD", "54.00")
    assert (result.carried, result.revalued, result.difference) == ("50.00", "45.00", "-5.00")
    assert revalue(db, "default", "2026-03")[0].entry_id is None  # twice: nothing new

    march = journal.trial_balance(db, "default", date(2026, 3, 31))["rows"]
    assert next(r for r in march if r["account"] == "7900")["balance"] == "5.00"
    april = journal.trial_balance(db, "default", date(2026, 4, 1))["rows"]
    assert next(r for r in april if r["account"] == "7900")["balance"] == "0.00"
    assert _balances(db, "1100-stripe") == {"USD": "5400"}
