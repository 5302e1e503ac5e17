"""Back-fill and catch-up on SQLite and PostgreSQL, against a real loopback server serving
recorded pages in each platform's format, with a 429 and a dropped connection mid-run."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import backfill, journal, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.sources.woocommerce import simulate as woo
from ledgerbridge.store.database import Database

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 3, tzinfo=UTC)
WOO = "/wp-json/wc/v3/orders"
slept: list[float] = []


def no_wait(seconds: float) -> None:
    slept.append(seconds)


def _configure(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    creds = {"consumer_key": "ck_x", "consumer_secret": "cs_x"}
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_bf",
        api_credentials={"secret_key": "sk_test_x"},
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="woo",
        platform="woocommerce",
        ledger="default",
        webhook_secret="woo_bf",
        api_credentials=creds,
        settings={"api_base_url": standin.url, "gateway": "stripe"},
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_bf",
        api_credentials={"access_token": "shpat_x"},
        settings={"api_base_url": standin.url, "gateway": "stripe"},
    )


def _woo_orders(count: int) -> list[dict[str, Any]]:
    return [
        woo.order(
            8000 + n,
            currency="EUR",
            date_created_gmt=f"2026-03-02T10:{n:02d}:00",
            line_items=[
                woo.line_item(80000 + n, unit_price="20.00", tax_rate="19", currency="EUR")
            ],
        )
        for n in range(count)
    ]


def _serve_woo(standin: StandIn, orders: list[dict[str, Any]], per_page: int) -> None:
    pages = [orders[i : i + per_page] for i in range(0, len(orders), per_page)]
    for number, page in enumerate(pages, start=1):
        standin.put(
            WOO,
            page,
            query={"page": str(number)},
            headers={"X-WP-Total": str(len(orders)), "X-WP-TotalPages": str(len(pages))},
        )


def _sales(db: Database) -> int:
    """How many entries touch the sales account."""
    entries, _ = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=None,
        account="4000",
        limit=500,
        cursor=None,
    )
    return len(entries)


def test_woocommerce_backfill_survives_429_and_a_dropped_connection(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    orders = _woo_orders(7)
    _serve_woo(standin, orders, per_page=3)
    body = woo.body(orders[0])  # one order already came by webhook
    assert ingest(db, "woo", body, woo.headers("order.updated", body, "woo_bf")).status == "posted"
    standin.fail_next(WOO, "429", "drop")
    slept.clear()

    tally = backfill.run(db, "woo", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (3, 7)
    assert tally.statuses == {"posted": 6, "duplicate": 1}
    assert slept[0] == 1  # the 429's Retry-After
    assert _sales(db) == 7
    assert journal.trial_balance(db, "default", None)["balanced"]
    again = backfill.run(db, "woo", SINCE, UNTIL, sleep=no_wait)  # a finished range: again
    assert again.statuses == {"duplicate": 7}


def test_an_interrupted_backfill_continues_where_it_stopped(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    _serve_woo(standin, _woo_orders(9), per_page=3)
    seen: list[int] = []

    def stop_after_first_page(n: int) -> None:
        seen.append(n)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill.run(db, "woo", SINCE, UNTIL, progress=stop_after_first_page, sleep=no_wait)
    assert seen == [3]
    resumed = backfill.run(db, "woo", SINCE, UNTIL, sleep=no_wait)
    assert resumed.resumed_from == "2"
    assert (resumed.pages, resumed.statuses) == (2, {"posted": 6})
    assert _sales(db) == 9


def test_stripe_backfill_reads_events_and_a_webhook_of_the_same_event_is_one(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    events = []
    for n in range(5):
        charge, txn = stripe.captured_charge(
            amount=1000 + n, currency="eur", fee=30, created=1_772_445_600 + n
        )
        charge["balance_transaction"] = txn  # expanded: no further look-up
        events.append(stripe.charge_succeeded(charge, created=1_772_445_600 + n))
    events.reverse()  # Stripe lists newest first
    standin.put(
        "/v1/events", stripe.balance_transaction_page(events[:3], has_more=True, url="/v1/events")
    )
    standin.put(
        "/v1/events",
        stripe.balance_transaction_page(events[3:], url="/v1/events"),
        query={"starting_after": events[2]["id"]},
    )
    body = stripe.encode(events[4])
    first = ingest(db, "stripe", body, stripe.sign(body, "whsec_bf", int(time.time())))
    assert first.status == "posted"
    standin.fail_next("/v1/events", "503")

    tally = backfill.run(db, "stripe", SINCE, UNTIL, sleep=no_wait)

    assert tally.statuses == {"posted": 4, "duplicate": 1}
    fees = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source="stripe",
        account="6100",
        limit=50,
        cursor=None,
    )[0]
    assert len(fees) == 5


def test_shopify_backfill_follows_link_pages_and_posts_refunds(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    path = f"/admin/api/{shopify.API_VERSION}/orders.json"
    paid = [
        shopify.order(9100 + n, currency="EUR", payment_gateway_names=("stripe",)) for n in range(3)
    ]
    refund = shopify.refund(paid[0], 9900, gateway="stripe")
    paid[0]["refunds"] = [refund]
    unpaid = shopify.order(9199, currency="EUR", financial_status="pending")
    link = f'<{standin.url}{path}?limit=250&page_info=abc123>; rel="next"'
    standin.put(path, {"orders": paid[:2]}, query={"status": "any"}, headers={"Link": link})
    standin.put(path, {"orders": [paid[2], unpaid]}, query={"page_info": "abc123"})

    tally = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (2, 4)  # three sales and one refund
    assert tally.statuses == {"posted": 4}
    assert _sales(db) == 3


def test_catch_up_reports_what_webhooks_missed(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    orders = _woo_orders(4)
    _serve_woo(standin, orders, per_page=10)
    body = woo.body(orders[1])
    ingest(db, "woo", body, woo.headers("order.updated", body, "woo_bf"))

    tally = backfill.catch_up(db, "woo", now=UNTIL, sleep=no_wait)

    assert tally.new == 3
    status = setup.source_status(db, "woo")["sync"]["catch_up"]
    assert status["missed_by_webhooks"] == 3
    assert status["up_to"] is not None
    assert backfill.catch_up(db, "woo", now=UNTIL, sleep=no_wait).new == 0
