"""Level 2 for Adyen, Square and Shopify Payments on SQLite and PostgreSQL, against the
loopback stand-in: an Adyen batch's settlement report rows itemise its payout (one batch adds
up, one does not), and a Square payment or a Shopify Payments order that no itemised payout
names is an unsettled sale after the settlement delay."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import backfill, reconcile, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.adyen import simulate as adyen
from ledgerbridge.sources.shopify import backfill as shopify_backfill
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.shopify.client import DEFAULT_API_VERSION
from ledgerbridge.sources.square import simulate as square
from ledgerbridge.store.database import Database

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = (DAY + timedelta(days=12)).date()
ADYEN_KEY = "5E2A7C9B1D3F40628495A6B7C8D9E0F1A2B3C4D5E6F708192A3B4C5D6E7F8091"
SQ_KEY = "sq_key_gateways"
SQ_URL = "https://books.example.com/webhooks/square"


def _settled(db: Database) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(m["left"]): m for m in reconcile.matches(db, "default", "settlement")}


def _open(db: Database, kind: str) -> list[dict[str, Any]]:
    return reconcile.discrepancies(db, "default", "open", kind)


def _adyen(db: Database, items: list[dict[str, Any]]) -> str:
    body, headers = adyen.delivery(items, ADYEN_KEY)
    return ingest(db, "adyen", body, headers).status


def _adyen_report(db: Database, standin: StandIn, batch: int, rows: list[dict[str, str]]) -> None:
    url = adyen.report_url(standin.url, batch)
    standin.put(httpx.URL(url).path, adyen.settlement_report_csv(rows).encode())
    assert _adyen(db, [adyen.report_available(url, event_date=DAY)]) == "posted"


def test_adyen_settlement_report_itemises_its_payouts(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="adyen",
        platform="adyen",
        ledger="default",
        webhook_secret=ADYEN_KEY,
        api_credentials={"api_key": "AQE_gateways"},
        settings={
            "api_base_url": standin.url,
            "merchant_account": adyen.MERCHANT_ACCOUNT,
            "recognize_revenue": True,
        },
    )
    pay, pay2, pay3, pay4 = (adyen.new_psp_reference() for _ in range(4))
    capture = adyen.capture(pay, 6000, "EUR", merchant_reference="1042", event_date=DAY)
    capture2 = adyen.capture(pay2, 2000, "EUR", merchant_reference="1043", event_date=DAY)
    capture3 = adyen.capture(pay3, 3000, "EUR", merchant_reference="1044", event_date=DAY)
    capture4 = adyen.capture(pay4, 4500, "EUR", merchant_reference="1045", event_date=DAY)
    refund = adyen.refund(pay, 1000, "EUR", event_date=DAY)
    for item in (capture, capture2, capture3, capture4, refund):
        assert _adyen(db, [item]) == "posted"

    rows = [
        adyen.settled_row(
            pay, capture["pspReference"], "60.00", "EUR", batch=9, created=DAY,
            fees={"markup": "0.30", "interchange": "0.12"},
        ),
        adyen.settled_row(
            pay2, capture2["pspReference"], "20.00", "EUR", batch=9, created=DAY,
            fees={"commission": "0.25"},
        ),
        adyen.refunded_row(pay, refund["pspReference"], "10.00", "EUR", batch=9, created=DAY),
        adyen.fee_row("0.40", "EUR", batch=9, created=DAY),
    ]  # fmt: skip
    rows.append(adyen.payout_row(adyen.net_total(rows), "EUR", batch=9, created=DAY))
    _adyen_report(db, standin, 9, rows)
    later = DAY + timedelta(days=1)
    short = [adyen.settled_row(pay3, capture3["pspReference"], "30.00", "EUR", batch=10,
                               created=later, fees={"commission": "0.25"})]  # fmt: skip
    paid = adyen.net_total(short) - Decimal("0.50")  # 0.50 missing from the payout
    short.append(adyen.payout_row(paid, "EUR", batch=10, created=later))
    _adyen_report(db, standin, 10, short)

    result = reconcile.run(db, "default", trigger="test", today=LATER)
    assert result["levels"]["settlement"]["matched"] == 2
    settled = _settled(db)
    good = settled[("batch 9",)]
    assert (good["rule"], good["confidence"], good["difference"]) == ("itemised", "1.00", "0.00")
    assert len(good["right"]) == 4  # two settled rows, the refund and the Fee row
    bad = settled[("batch 10",)]
    assert (bad["rule"], bad["difference"]) == ("itemised", "-0.50")
    [mismatch] = _open(db, "settlement_mismatch")
    assert (mismatch["refs"], mismatch["amount"]) == (["batch 10"], "-0.50")
    # the fourth capture is in no settlement report after Adyen's delay: not paid out
    [unpaid] = _open(db, "unsettled_sale")
    assert (unpaid["refs"][0], unpaid["amount"]) == (pay4, "45.00")
    assert reconcile.run(db, "default", trigger="test", today=LATER)["discrepancies_opened"] == 0


def _square(db: Database, doc: dict[str, Any]) -> str:
    body = square.encode(doc)
    return ingest(db, "square", body, square.sign(body, SQ_KEY, SQ_URL)).status


def test_a_square_payment_no_payout_names_is_unsettled(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="square",
        platform="square",
        ledger="default",
        webhook_secret=SQ_KEY,
        api_credentials={"access_token": "EAAA_token_x"},
        settings={"api_base_url": standin.url, "notification_url": SQ_URL},
    )
    paid, stray = (square.payment(amount=a, currency="EUR", at=DAY) for a in (4000, 2500))
    for payment in (paid, stray):
        assert _square(db, square.payment_updated(payment, at=DAY)) == "posted"
    fee = paid["processing_fee"][0]["amount_money"]["amount"]
    at = DAY + timedelta(days=1)
    po = square.payout(amount=4000 - fee, currency="EUR", arrival_date=date(2026, 3, 4), at=at)
    entry = square.payout_entry(
        payout_id=po["id"], type="CHARGE", gross=4000, fee=fee, currency="EUR",
        payment_id=paid["id"], at=DAY,
    )  # fmt: skip
    standin.put(f"/v2/payouts/{po['id']}/payout-entries", square.payout_entries_page([entry]))
    assert _square(db, square.payout_paid(po, at=at)) == "posted"

    early = reconcile.run(db, "default", trigger="test", today=DAY.date() + timedelta(days=1))
    assert early["levels"]["settlement"]["matched"] == 1
    assert _open(db, "unsettled_sale") == []  # within Square's settlement delay
    reconcile.run(db, "default", trigger="test", today=LATER)
    [match] = _settled(db).values()
    assert (match["rule"], match["difference"], match["right"]) == (
        "itemised",
        "0.00",
        [entry["id"]],
    )
    [late] = _open(db, "unsettled_sale")
    assert (late["refs"], late["amount"]) == ([stray["id"]], "25.00")
    assert _open(db, "settlement_mismatch") == []


ORDERS = f"/admin/api/{shopify.API_VERSION}/orders.json"
PAYOUTS = f"/admin/api/{shopify_backfill.API_VERSION}/shopify_payments/payouts.json"
BALANCE = f"/admin/api/{DEFAULT_API_VERSION}/shopify_payments/balance/transactions.json"


def test_a_shopify_payments_order_no_payout_names_is_unsettled(
    db: Database, standin: StandIn
) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_gateways",
        api_credentials={"access_token": "shpat_x"},
        settings={"api_base_url": standin.url},
    )
    orders = [shopify.order(9100 + n, currency="EUR", created_at=DAY) for n in (0, 1)]
    standin.put(ORDERS, {"orders": orders}, query={"status": "any"})
    total = orders[0]["total_price"]
    net = str(Decimal(total) - Decimal("3.64"))
    txn = {
        "id": 7001, "type": "charge", "test": False, "payout_id": 5601, "payout_status": "paid",
        "currency": "EUR", "amount": total, "fee": "3.64", "net": net, "source_id": 7001,
        "source_type": "charge", "source_order_id": 9100, "source_order_transaction_id": 91009,
        "processed_at": "2026-03-02T11:00:00+01:00",
    }  # fmt: skip
    payout = {"id": 5601, "status": "paid", "date": "2026-03-02", "currency": "EUR", "amount": net}
    standin.put(PAYOUTS, {"payouts": [payout]}, query={})
    standin.put(BALANCE, {"transactions": [txn]}, query={"payout_id": "5601"})
    tally = backfill.run(
        db, "shop", DAY - timedelta(days=1), DAY + timedelta(days=1), sleep=lambda _: None
    )
    assert tally.statuses == {"posted": 3}

    result = reconcile.run(db, "default", trigger="test", today=LATER)
    assert result["levels"]["settlement"]["matched"] == 1
    [match] = _settled(db).values()
    assert (match["rule"], match["difference"], match["right"]) == ("itemised", "0.00", ["7001"])
    [late] = _open(db, "unsettled_sale")
    assert (late["refs"], late["amount"]) == ([orders[1]["name"]], orders[1]["total_price"])
    assert late["detail"].startswith(f"order {orders[1]['name']}")
