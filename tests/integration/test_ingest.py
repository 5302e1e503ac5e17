"""The service path of a webhook, on SQLite and PostgreSQL: verify, inbox, look-ups, post.

Every case asserts the exact ledger effect (entries, lines, balances), not just a status.
Look-ups go over real HTTP to the loopback stand-in.
"""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from ledgerbridge.demo.day import Secrets, build_day
from ledgerbridge.demo.run import configure
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import ConflictError, SignatureError
from ledgerbridge.service import journal as views
from ledgerbridge.service import replay, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.service.post import reverse_entry
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.sources.woocommerce import simulate as woo
from ledgerbridge.store import catalog
from ledgerbridge.store import journal as store_journal
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries, events, lines

STRIPE_SECRET = "whsec_integration_0123456789abcdef0123456789"
SHOPIFY_SECRET = "shpss_integration_fedcba9876543210fedcba98"
WOO_SECRET = "woo_integration_secret_5a5a5a5a5a5a5a5a5a"
SHOP = "test-shop.myshopify.com"
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

CLEARING = "1100-stripe"
BANK, SALES, SHIPPING, TAX, DISCOUNTS, RETURNS, FEES = (
    "1000",
    "4000",
    "4100",
    "2100",
    "4500",
    "4600",
    "6100",
)


# -- set-up -------------------------------------------------------------------------------


@dataclass
class Ledger:
    db: Database
    standin: StandIn


def _stripe_source(db: Database, standin: StandIn, **settings: Any) -> None:
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret=STRIPE_SECRET,
        api_credentials={"secret_key": "sk_test_integration"},
        settings={"api_base_url": standin.url, **settings},
    )


def _store_sources(db: Database, standin: StandIn) -> None:
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret=SHOPIFY_SECRET,
        api_credentials={"access_token": "shpat_integration"},
        settings={"shop_domain": SHOP, "api_base_url": standin.url, "gateway": "stripe"},
    )
    setup.add_source(
        db,
        source_id="woo",
        platform="woocommerce",
        ledger="default",
        webhook_secret=WOO_SECRET,
        api_credentials={"consumer_key": "ck_integration", "consumer_secret": "cs_integration"},
        settings={"api_base_url": standin.url, "gateway": "stripe"},
    )


@pytest.fixture
def ledger(db: Database, standin: StandIn) -> Ledger:
    """Ledger ``default`` in EUR; Stripe as the gateway; Shopify and WooCommerce in front."""
    setup.init(db, "EUR")
    _stripe_source(db, standin)
    _store_sources(db, standin)
    return Ledger(db, standin)


# -- deliveries ---------------------------------------------------------------------------


def shopify_paid(
    order_id: int = 7001,
    *,
    currency: str = "EUR",
    secret: str = SHOPIFY_SECRET,
    webhook_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """orders/paid of 2 x 45.00 + 20.00, 10.00 off, 5.00 shipping, 19 % tax on top:
    total 124.95 = 110.00 - 10.00 + 5.00 + 19.95."""
    doc = shopify.order(
        order_id,
        lines=[shopify.Line("Linen shirt", "45.00", 2), shopify.Line("Canvas tote", "20.00")],
        currency=currency,
        shipping="5.00",
        tax_rate="0.19",
        discount="10.00",
        payment_gateway_names=("stripe",),
        created_at=DAY,
    )
    raw = shopify.body(doc)
    hook = webhook_id or f"wh-paid-{order_id}"
    return raw, shopify.headers("orders/paid", raw, secret, hook, SHOP, DAY)


def stripe_charge(
    standin: StandIn | None, amount: int, order_id: str, *, publish: bool = True
) -> tuple[bytes, dict[str, str], dict[str, Any]]:
    """charge.succeeded signed now; its balance transaction is served by the stand-in."""
    at = int(DAY.timestamp())
    charge, txn = stripe.captured_charge(
        amount=amount, currency="eur", created=at, order_id=order_id
    )
    if publish and standin is not None:
        standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    raw = stripe.encode(stripe.charge_succeeded(charge, created=at))
    return raw, stripe.sign(raw, STRIPE_SECRET, int(time.time())), txn


def woo_line() -> dict[str, Any]:
    return woo.line_item(
        50011, name="Mug", quantity=2, unit_price="12.50", tax_rate="20", currency="EUR"
    )


def woo_order(
    topic: str, status: str, modified: datetime, refunds: list[dict[str, Any]] | None = None
) -> tuple[bytes, dict[str, str]]:
    """Order 5001: 2 x 12.50 + 4.90 shipping, 20 % tax on both: total 35.88."""
    doc = woo.order(
        5001,
        status=status,
        currency="EUR",
        line_items=[woo_line()],
        shipping_lines=[woo.shipping_line(50019, total="4.90", tax_rate="20", currency="EUR")],
        refunds=refunds or (),
        date_created_gmt=DAY,
        date_modified_gmt=modified,
        date_paid_gmt=DAY,
    )
    raw = woo.body(doc)
    return raw, woo.headers(topic, raw, WOO_SECRET)


# -- reading the ledger -------------------------------------------------------------------


def entry_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(entries)).scalar() or 0)


def event_count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar() or 0)


def lines_on(db: Database, account: str) -> int:
    with db.read() as conn:
        query = select(func.count()).select_from(lines).where(lines.c.account_code == account)
        return int(conn.execute(query).scalar() or 0)


def balance(db: Database, account: str, currency: str = "EUR") -> Decimal:
    """An account's balance in ``currency`` (debit positive), from the store."""
    with db.read() as conn:
        minor = store_journal.account_balances(conn, "default", account).get(currency, 0)
    return Decimal(minor).scaleb(-2)


def line_map(doc: dict[str, Any]) -> dict[str, str]:
    """An entry document's lines as account -> amount (each account once in these cases)."""
    found = {x["account"]: x["amount"] for x in doc["lines"]}
    assert len(found) == len(doc["lines"]), doc["lines"]
    return found


def only_entry(db: Database, event_id: str | None) -> dict[str, Any]:
    assert event_id is not None
    ids = views.get_event(db, event_id)["entry_ids"]
    assert len(ids) == 1, ids
    return views.get_entry(db, ids[0])


def assert_trial_balance_balances(db: Database) -> dict[str, Any]:
    tb = views.trial_balance(db, "default", None)
    assert tb["balanced"] is True
    assert tb["total_debit"] == tb["total_credit"]
    return tb


# -- store sales, gateway charges: the sale is recognised once -----------------------------


def test_shopify_paid_posts_one_sale_to_the_gateway_clearing_and_the_charge_only_its_fee(
    ledger: Ledger,
) -> None:
    db = ledger.db
    raw, headers = shopify_paid()
    sale = ingest(db, "shopify", raw, headers, now=DAY)
    assert sale.status == "posted"
    assert len(sale.entry_ids) == 1
    doc = only_entry(db, sale.event_id)
    assert doc["source"] == "shopify"
    assert doc["effective_date"] == "2026-03-02"
    assert line_map(doc) == {
        CLEARING: "124.95",
        DISCOUNTS: "10.00",
        SALES: "-110.00",
        SHIPPING: "-5.00",
        TAX: "-19.95",
    }
    assert all(x["currency"] == "EUR" and x["base_amount"] == x["amount"] for x in doc["lines"])
    # The store's own clearing account is not used: the order went through Stripe.
    assert balance(db, "1100-shopify") == 0

    raw, headers, txn = stripe_charge(ledger.standin, 12495, "7001")
    charge = ingest(db, "stripe", raw, headers)
    assert charge.status == "posted"
    fee = only_entry(db, charge.event_id)
    assert line_map(fee) == {FEES: "2.12", CLEARING: "-2.12"}
    assert txn["fee"] == 212
    assert ("GET", f"/v1/balance_transactions/{txn['id']}", {}) in ledger.standin.requests

    assert entry_count(db) == 2
    assert lines_on(db, SALES) == 1  # credited once, by the order
    assert balance(db, SALES) == Decimal("-110.00")
    assert balance(db, CLEARING) == Decimal("122.83")
    assert_trial_balance_balances(db)


def test_a_gateway_that_recognises_revenue_posts_the_sale_from_its_charge(
    db: Database, standin: StandIn
) -> None:
    setup.init(db, "EUR")
    _stripe_source(db, standin, recognize_revenue=True)
    raw, headers, _ = stripe_charge(standin, 5000, "9001")
    accepted = ingest(db, "stripe", raw, headers)
    assert accepted.status == "posted"
    assert len(accepted.entry_ids) == 2
    docs = [views.get_entry(db, i) for i in accepted.entry_ids]
    by_kind = {("sale" if SALES in line_map(d) else "fee"): line_map(d) for d in docs}
    assert by_kind == {
        "sale": {CLEARING: "50.00", SALES: "-50.00"},
        "fee": {FEES: "1.00", CLEARING: "-1.00"},  # 1.5 % of 5000 + 25 = 100 cents
    }
    assert balance(db, CLEARING) == Decimal("49.00")

    # A store posting its sales to that gateway would count every sale twice: refused.
    with pytest.raises(ConflictError):
        setup.add_source(
            db,
            source_id="shopify",
            platform="shopify",
            ledger="default",
            webhook_secret=SHOPIFY_SECRET,
            settings={"shop_domain": SHOP, "gateway": "stripe"},
        )
    with pytest.raises(ConflictError):
        setup.add_source(
            db,
            source_id="woo",
            platform="woocommerce",
            ledger="default",
            webhook_secret=WOO_SECRET,
            settings={"gateway": {"stripe": "stripe"}},
        )
    assert setup.source_ids(db) == ["stripe"]
    with db.read() as conn:
        assert catalog.clearing_code(conn, "default", "shopify") is None


def test_woocommerce_order_created_then_updated_posts_once_and_its_refund_is_fetched(
    ledger: Ledger,
) -> None:
    db = ledger.db
    created = ingest(db, "woo", *woo_order("order.created", "processing", DAY), now=DAY)
    assert created.status == "posted"
    sale = only_entry(db, created.event_id)
    assert line_map(sale) == {
        CLEARING: "35.88",
        SALES: "-25.00",
        SHIPPING: "-4.90",
        TAX: "-5.98",
    }

    later = DAY + timedelta(minutes=30)
    updated = ingest(db, "woo", *woo_order("order.updated", "completed", later), now=later)
    assert updated.event_id not in (None, created.event_id)  # a new delivery, kept
    assert updated.status == "ignored"  # ... that posts no second sale
    assert updated.entry_ids == ()
    assert entry_count(db) == 1
    assert lines_on(db, SALES) == 1
    assert not any("/refunds" in path for _, path, _ in ledger.standin.requests)

    refund_doc = woo.refund(
        50017,
        order_id=5001,
        line_items=[woo.refund_line(woo_line(), quantity=1, currency="EUR")],
        currency="EUR",
        date_created_gmt=DAY + timedelta(hours=1),
    )
    assert refund_doc["amount"] == "15.00"
    ledger.standin.put("/wp-json/wc/v3/orders/5001/refunds", [refund_doc])
    refunded_at = DAY + timedelta(hours=1)
    refunded = ingest(
        db,
        "woo",
        *woo_order("order.updated", "completed", refunded_at, refunds=[refund_doc]),
        now=refunded_at,
    )
    assert refunded.status == "posted"
    assert ("GET", "/wp-json/wc/v3/orders/5001/refunds", {"per_page": "100"}) in (
        ledger.standin.requests
    )
    refund = only_entry(db, refunded.event_id)
    assert refund["source"] == "woo"
    assert line_map(refund) == {RETURNS: "12.50", TAX: "2.50", CLEARING: "-15.00"}
    assert entry_count(db) == 2
    assert lines_on(db, SALES) == 1
    assert balance(db, CLEARING) == Decimal("20.88")
    assert balance(db, TAX) == Decimal("-3.48")
    assert_trial_balance_balances(db)


# -- idempotency --------------------------------------------------------------------------


def test_the_same_delivery_twice_is_a_duplicate_with_one_entry(ledger: Ledger) -> None:
    db = ledger.db
    raw, headers = shopify_paid()
    first = ingest(db, "shopify", raw, headers, now=DAY)
    again = ingest(db, "shopify", raw, headers, now=DAY + timedelta(seconds=5))
    assert first.status == "posted"
    assert again.status == "duplicate"
    assert again.event_id == first.event_id
    assert again.entry_ids == ()
    assert event_count(db) == 1
    assert entry_count(db) == 1
    assert balance(db, CLEARING) == Decimal("124.95")


def test_the_same_stripe_event_ten_times_concurrently_is_stored_and_posted_once(
    ledger: Ledger,
) -> None:
    db = ledger.db
    raw, headers, _ = stripe_charge(ledger.standin, 12495, "7001")
    start = threading.Barrier(10)

    def deliver(_: int) -> tuple[str | None, str]:
        start.wait(timeout=10)
        accepted = ingest(db, "stripe", raw, headers)
        return accepted.event_id, accepted.status

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(deliver, range(10)))

    statuses = sorted(status for _, status in results)
    assert statuses == ["duplicate"] * 9 + ["posted"]
    assert len({event_id for event_id, _ in results}) == 1
    assert event_count(db) == 1
    assert entry_count(db) == 1
    assert balance(db, CLEARING) == Decimal("-2.12")


def test_the_same_shopify_order_ten_times_concurrently_posts_one_sale(ledger: Ledger) -> None:
    db = ledger.db
    raw, headers = shopify_paid()
    start = threading.Barrier(10)

    def deliver(_: int) -> str:
        start.wait(timeout=10)
        return ingest(db, "shopify", raw, headers, now=DAY).status

    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(pool.map(deliver, range(10)))
    assert statuses == ["duplicate"] * 9 + ["posted"]
    assert event_count(db) == 1
    assert entry_count(db) == 1
    assert lines_on(db, SALES) == 1


# -- signatures ---------------------------------------------------------------------------


def _forged_shopify() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, headers = shopify_paid(secret="not-the-secret")
    return "shopify", raw, headers, DAY


def _unsigned_shopify() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, headers = shopify_paid()
    del headers["X-Shopify-Hmac-Sha256"]
    return "shopify", raw, headers, DAY


def _tampered_woo() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, headers = woo_order("order.created", "processing", DAY)
    return "woo", raw.replace(b"35.88", b"3.88"), headers, DAY


def _unsigned_stripe() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, headers, _ = stripe_charge(None, 1000, "1")
    del headers["Stripe-Signature"]
    return "stripe", raw, headers, None


def _stale_stripe() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, _, _ = stripe_charge(None, 1000, "1")
    signed_at = int(DAY.timestamp())
    return "stripe", raw, stripe.sign(raw, STRIPE_SECRET, signed_at), DAY + timedelta(seconds=301)


def _future_stripe() -> tuple[str, bytes, dict[str, str], datetime | None]:
    raw, _, _ = stripe_charge(None, 1000, "1")
    signed_at = int(DAY.timestamp())
    return "stripe", raw, stripe.sign(raw, STRIPE_SECRET, signed_at), DAY - timedelta(seconds=301)


@pytest.mark.parametrize(
    "delivery",
    [
        _forged_shopify,
        _unsigned_shopify,
        _tampered_woo,
        _unsigned_stripe,
        _stale_stripe,
        _future_stripe,
    ],
    ids=["wrong", "missing", "tampered-body", "stripe-missing", "stripe-stale", "stripe-future"],
)
def test_a_refused_signature_stores_nothing_and_logs_no_secret(
    ledger: Ledger,
    delivery: Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, raw, headers, now = delivery()
    with caplog.at_level("DEBUG"), pytest.raises(SignatureError):
        ingest(ledger.db, source, raw, headers, now=now)
    assert event_count(ledger.db) == 0
    assert entry_count(ledger.db) == 0
    assert views.list_events(
        ledger.db, status=None, source=None, since=None, until=None, limit=10, cursor=None
    ) == ([], None)
    out, err = capsys.readouterr()
    logged = caplog.text + out + err
    assert "webhook signature refused" in logged  # the attempt is logged ...
    for secret in (STRIPE_SECRET, SHOPIFY_SECRET, WOO_SECRET):
        assert secret not in logged
    assert raw.decode() not in logged  # ... without the body or any secret


def test_a_stripe_signature_just_inside_the_window_is_accepted(ledger: Ledger) -> None:
    raw, _, _ = stripe_charge(ledger.standin, 1000, "1")
    headers = stripe.sign(raw, STRIPE_SECRET, int(DAY.timestamp()))
    accepted = ingest(ledger.db, "stripe", raw, headers, now=DAY + timedelta(seconds=299))
    assert accepted.status == "posted"


def test_events_since_and_until_compare_instants_whatever_the_offset(ledger: Ledger) -> None:
    """GET /events?since= takes an RFC 3339 time; 11:59+02:00 is 09:59 UTC, before the event."""
    db = ledger.db
    accepted = ingest(db, "shopify", *shopify_paid(), now=DAY)  # received 10:00 UTC
    plus_two = timezone(timedelta(hours=2))

    def ids(since: datetime | None, until: datetime | None) -> list[str]:
        items, _ = views.list_events(
            db, status=None, source=None, since=since, until=until, limit=10, cursor=None
        )
        return [e["id"] for e in items]

    assert ids(DAY - timedelta(minutes=1), None) == [accepted.event_id]
    assert ids(DAY + timedelta(minutes=1), None) == []
    assert ids((DAY - timedelta(minutes=1)).astimezone(plus_two), None) == [accepted.event_id]
    assert ids((DAY + timedelta(minutes=1)).astimezone(plus_two), None) == []
    assert ids(None, (DAY + timedelta(minutes=1)).astimezone(plus_two)) == [accepted.event_id]
    assert ids(None, (DAY - timedelta(minutes=1)).astimezone(plus_two)) == []


# -- failures kept for review -------------------------------------------------------------


def test_a_signed_but_malformed_body_is_kept_verbatim_as_failed(ledger: Ledger) -> None:
    db = ledger.db
    raw = b'{"id": 7001, "total_price": "12.00", \xff not json'
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, "wh-broken", SHOP, DAY)
    accepted = ingest(db, "shopify", raw, headers, now=DAY)
    assert accepted.status == "failed"
    assert accepted.event_id is not None
    doc = views.get_event(db, accepted.event_id)
    assert doc["status"] == "failed"
    assert base64.b64decode(doc["raw_body"]) == raw
    assert doc["raw_body"] == base64.b64encode(raw).decode()
    assert doc["error"].startswith("malformed_payload:")
    assert "JSON" in doc["error"]
    assert doc["entry_ids"] == []
    assert "x-shopify-hmac-sha256" not in doc["headers"]  # never keep a signature
    failed, _ = views.list_events(
        db, status="failed", source=None, since=None, until=None, limit=10, cursor=None
    )
    assert [e["id"] for e in failed] == [accepted.event_id]
    assert failed[0]["error"] == doc["error"]
    assert entry_count(db) == 0


def test_a_failed_lookup_is_kept_and_replay_posts_it_exactly_once(ledger: Ledger) -> None:
    db = ledger.db
    raw, headers, txn = stripe_charge(ledger.standin, 12495, "7001", publish=False)
    accepted = ingest(db, "stripe", raw, headers)
    assert accepted.status == "failed"
    assert accepted.event_id is not None
    kept = views.get_event(db, accepted.event_id)
    assert kept["error"].startswith("lookup_failed:")
    assert f"/v1/balance_transactions/{txn['id']}" in kept["error"]
    assert kept["lookups"] is None
    assert entry_count(db) == 0

    ledger.standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    result = replay.replay(db, accepted.event_id)
    assert result.status == "posted"
    assert len(result.entry_ids) == 1
    assert line_map(views.get_entry(db, result.entry_ids[0])) == {FEES: "2.12", CLEARING: "-2.12"}
    after = views.get_event(db, accepted.event_id)
    assert after["status"] == "posted"
    assert after["error"] is None
    assert after["lookups"]["balance_transaction"]["id"] == txn["id"]
    assert base64.b64decode(after["raw_body"]) == raw

    again = replay.replay(db, accepted.event_id)
    assert again.entry_ids == ()
    assert entry_count(db) == 1
    assert balance(db, CLEARING) == Decimal("-2.12")


def test_a_missing_rate_fails_and_replay_after_a_manual_rate_posts_converted(
    ledger: Ledger,
) -> None:
    db = ledger.db
    doc = shopify.order(
        7002, currency="USD", shipping="5.00", payment_gateway_names=("stripe",), created_at=DAY
    )
    raw = shopify.body(doc)
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, "wh-usd", SHOP, DAY)
    accepted = ingest(db, "shopify", raw, headers, now=DAY)
    assert accepted.status == "failed"
    assert accepted.event_id is not None
    error = views.get_event(db, accepted.event_id)["error"]
    assert "no rate for USD/EUR on 2026-03-02" in error
    assert entry_count(db) == 0

    with db.write() as conn:
        catalog.put_rate(conn, "EUR", "USD", date(2026, 3, 2), Decimal("1.0812"), "manual")
    result = replay.replay(db, accepted.event_id)
    assert result.status == "posted"
    entry = only_entry(db, accepted.event_id)
    by_account = {x["account"]: x for x in entry["lines"]}
    # 115.00 USD = 110.00 goods + 5.00 shipping, at 1 EUR = 1.0812 USD.
    assert {a: (x["amount"], x["base_amount"]) for a, x in by_account.items()} == {
        CLEARING: ("115.00", "106.36"),
        SALES: ("-110.00", "-101.74"),
        SHIPPING: ("-5.00", "-4.62"),
    }
    for x in entry["lines"]:
        assert (x["currency"], x["base_currency"]) == ("USD", "EUR")
        assert x["rate_source"] == "manual"
        assert x["rate_date"] == "2026-03-02"
        # an inverted rate is kept to 10 significant digits (domain/fx.py)
        assert abs(Decimal(x["rate"]) * Decimal("1.0812") - 1) < Decimal("1e-9")
    assert sum(Decimal(x["base_amount"]) for x in entry["lines"]) == 0
    assert sum(Decimal(x["amount"]) for x in entry["lines"]) == 0
    tb = assert_trial_balance_balances(db)
    assert tb["total_debit"] == "106.36"
    assert replay.replay(db, accepted.event_id).entry_ids == ()
    assert entry_count(db) == 1


# -- reversals ----------------------------------------------------------------------------


def test_payout_failed_after_payout_paid_reverses_the_payout_entry(ledger: Ledger) -> None:
    db = ledger.db
    at = int(DAY.timestamp())
    po = stripe.payout(amount=20000, currency="eur", created=at, arrival_date=at + 2 * 86400)
    ledger.standin.put(
        "/v1/balance_transactions", stripe.balance_transaction_page([]), {"payout": po["id"]}
    )
    raw = stripe.encode(stripe.payout_paid(po, created=at))
    paid = ingest(db, "stripe", raw, stripe.sign(raw, STRIPE_SECRET, int(time.time())))
    assert paid.status == "posted"
    payout = only_entry(db, paid.event_id)
    assert line_map(payout) == {BANK: "200.00", CLEARING: "-200.00"}
    assert payout["effective_date"] == "2026-03-04"
    assert balance(db, BANK) == Decimal("200.00")

    raw = stripe.encode(stripe.payout_failed(po, created=at + 3 * 86400))
    failed = ingest(db, "stripe", raw, stripe.sign(raw, STRIPE_SECRET, int(time.time())))
    assert failed.status == "posted"
    undo = only_entry(db, failed.event_id)
    assert undo["reverses"] == payout["id"]
    assert line_map(undo) == {BANK: "-200.00", CLEARING: "200.00"}
    assert balance(db, BANK) == 0
    assert balance(db, CLEARING) == 0

    unchanged = views.get_entry(db, payout["id"])
    assert unchanged["reversed_by"] == undo["id"]
    assert unchanged["lines"] == payout["lines"]
    assert unchanged["effective_date"] == payout["effective_date"]
    assert entry_count(db) == 2

    # The failure delivered again (a new event id) does not reverse twice.
    raw = stripe.encode(stripe.payout_failed(po, created=at + 3 * 86400))
    again = ingest(db, "stripe", raw, stripe.sign(raw, STRIPE_SECRET, int(time.time())))
    assert again.entry_ids == ()
    assert entry_count(db) == 2
    assert balance(db, BANK) == 0


def test_an_entry_is_reversed_at_most_once(ledger: Ledger) -> None:
    db = ledger.db
    raw, headers = shopify_paid()
    sale = ingest(db, "shopify", raw, headers, now=DAY)
    (entry_id,) = sale.entry_ids
    with db.write() as conn:
        undo_id = reverse_entry(conn, entry_id, "entered in error", date(2026, 3, 3))
    undo = views.get_entry(db, undo_id)
    assert undo["reverses"] == entry_id
    assert undo["effective_date"] == "2026-03-03"
    assert undo["event_ids"] == [sale.event_id]
    assert line_map(undo) == {
        CLEARING: "-124.95",
        DISCOUNTS: "-10.00",
        SALES: "110.00",
        SHIPPING: "5.00",
        TAX: "19.95",
    }
    for account in (CLEARING, DISCOUNTS, SALES, SHIPPING, TAX):
        assert balance(db, account) == 0

    with pytest.raises(ConflictError), db.write() as conn:
        reverse_entry(conn, entry_id, "again", date(2026, 3, 4))
    with pytest.raises(ConflictError), db.write() as conn:
        reverse_entry(conn, undo_id, "reverse the reversal", date(2026, 3, 4))
    assert entry_count(db) == 2
    assert views.get_entry(db, entry_id)["reversed_by"] == undo_id


# -- a small trading day ------------------------------------------------------------------


@pytest.fixture
def small_day(db: Database, standin: StandIn) -> tuple[Database, Any]:
    keys = configure(db, standin.url, "EUR")
    day = build_day(
        Secrets(keys.stripe, keys.shopify, keys.woo),
        orders=12,
        currency="EUR",
        seed=3,
    )
    for route, document, query in day.documents:
        standin.put(route, document, query)
    return db, day


def test_the_clearing_account_returns_to_zero_after_a_small_day(
    small_day: tuple[Database, Any],
) -> None:
    db, day = small_day
    assert day.webhooks[-1].kind == "payout.paid"
    statuses: dict[str, int] = {}
    for hook in day.webhooks:  # the payout is last
        accepted = ingest(db, hook.source, hook.body, hook.headers)
        statuses[accepted.status] = statuses.get(accepted.status, 0) + 1
    assert statuses.get("failed", 0) == 0, views.list_events(
        db, status="failed", source=None, since=None, until=None, limit=50, cursor=None
    )
    assert statuses.get("duplicate", 0) == 0
    assert event_count(db) == len(day.webhooks)

    clearing = views.clearing_balances(db, "default")
    assert Decimal(clearing[CLEARING].get("EUR", "0")) == 0
    assert all(Decimal(v) == 0 for c in clearing.values() for v in c.values()), clearing
    tb = assert_trial_balance_balances(db)
    rows = {r["account"]: r for r in tb["rows"]}
    assert Decimal(rows[CLEARING]["balance"]) == 0
    # Every order's sale is credited exactly once, by its store.
    assert lines_on(db, SALES) == day.orders
    assert Decimal(rows[BANK]["balance"]) > 0
    assert Decimal(rows[FEES]["balance"]) > 0
    assert Decimal(rows["6200"]["balance"]) > 0  # the dispute
