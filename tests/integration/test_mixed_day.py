"""Issue 4's mixed day on SQLite and PostgreSQL: one Shopify store taking money through two
gateways (Stripe and Square, chosen per order by Shopify's payment_gateway_names), one
marketplace-style Stripe payout that settles several orders in one transfer, and a Square
balance not yet paid out. The books balance and each clearing account holds exactly what the
gateway has not yet paid out."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.money import from_minor
from ledgerbridge.service import journal, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.square import simulate as square
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SQUARE_URL = "https://books.example.com/webhooks/square"


def _configure(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_mixed",
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="square",
        platform="square",
        ledger="default",
        webhook_secret="sq_key_mixed",
        settings={"notification_url": SQUARE_URL},
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_mixed",
        settings={"gateway": {"stripe": "stripe", "square": "square"}},
    )


def _post(db: Database, source: str, body: bytes, headers: dict[str, str]) -> str:
    return ingest(db, source, body, headers).status


def _order(db: Database, n: int, gateway: str, price: str) -> Decimal:
    doc = shopify.order(
        6000 + n,
        currency="EUR",
        lines=[shopify.Line("Item", price)],
        tax_rate="0.19",
        shipping="4.90",
        payment_gateway_names=(gateway,),
        created_at=DAY,
    )
    body = shopify.body(doc)
    headers = shopify.headers("orders/paid", body, "shp_mixed", f"wh-{n}", "m.myshopify.com")
    assert _post(db, "shop", body, headers) == "posted"
    return Decimal(doc["total_price"])


def _clearing(db: Database, account: str) -> str:
    rows = journal.trial_balance(db, "default", None)["rows"]
    return next(r["balance"] for r in rows if r["account"] == account)


def test_one_store_two_gateways_and_a_partial_marketplace_payout(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    stripe_txns: list[dict[str, Any]] = []
    for n, price in enumerate(("40.00", "25.50", "99.90")):
        total = _order(db, n, "stripe", price)
        ts = int(DAY.timestamp()) + n
        charge, txn = stripe.captured_charge(amount=int(total * 100), currency="eur", created=ts)
        standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
        stripe_txns.append(txn)
        body = stripe.encode(stripe.charge_succeeded(charge, created=ts))
        assert (
            _post(db, "stripe", body, stripe.sign(body, "whsec_mixed", int(time.time())))
            == "posted"
        )
    square_net = 0
    for n, price in enumerate(("12.00", "60.00"), start=10):
        total = _order(db, n, "square", price)
        pay = square.payment(amount=int(total * 100), currency="EUR", at=DAY)
        fee = sum(f["amount_money"]["amount"] for f in pay["processing_fee"])
        square_net += int(total * 100) - fee
        body = square.encode(square.payment_updated(pay, at=DAY))
        assert _post(db, "square", body, square.sign(body, "sq_key_mixed", SQUARE_URL)) == "posted"

    # One Stripe transfer settles the first two orders (net of their fees) together.
    settled = stripe_txns[:2]
    paid_out = sum(t["net"] for t in settled)
    payout = stripe.payout(amount=paid_out, currency="eur", arrival_date=int(DAY.timestamp()))
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page(settled),
        query={"payout": payout["id"]},
    )
    body = stripe.encode(stripe.payout_paid(payout, created=int(DAY.timestamp())))
    assert _post(db, "stripe", body, stripe.sign(body, "whsec_mixed", int(time.time()))) == "posted"

    assert journal.trial_balance(db, "default", None)["balanced"]
    not_paid_out = stripe_txns[2]["net"]
    assert _clearing(db, "1100-stripe") == str(from_minor(not_paid_out, "EUR"))
    assert _clearing(db, "1100-square") == str(from_minor(square_net, "EUR"))
    assert _clearing(db, "1000") == str(from_minor(paid_out, "EUR"))
    rows = {r["account"]: r for r in journal.trial_balance(db, "default", None)["rows"]}
    assert "1100-shop" not in rows  # the store's sales went to the gateways' clearing
