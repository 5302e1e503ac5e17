"""The public HTTP contract (API.md), over loopback against the real uvicorn server."""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.service import setup
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.sources.woocommerce import simulate as woo
from ledgerbridge.store.database import Database
from tests.e2e.conftest import (
    ALL_SECRETS,
    SHOP,
    SHOPIFY_SECRET,
    STRIPE_SECRET,
    WOO_SECRET,
    Live,
)

pytestmark = pytest.mark.e2e

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


# -- deliveries ---------------------------------------------------------------------------


def shopify_paid(
    order_id: int = 7001, secret: str = SHOPIFY_SECRET
) -> tuple[bytes, dict[str, str]]:
    """Total 124.95 = 110.00 goods - 10.00 discount + 5.00 shipping + 19.95 tax."""
    doc = shopify.order(
        order_id,
        lines=[shopify.Line("Linen shirt", "45.00", 2), shopify.Line("Canvas tote", "20.00")],
        currency="EUR",
        shipping="5.00",
        tax_rate="0.19",
        discount="10.00",
        payment_gateway_names=("stripe",),
        created_at=DAY,
    )
    raw = shopify.body(doc)
    return raw, shopify.headers("orders/paid", raw, secret, f"wh-{order_id}", SHOP, DAY)


def stripe_charge(
    live: Live, amount: int = 12495, *, publish: bool = True
) -> tuple[bytes, dict[str, str], dict[str, Any]]:
    at = int(DAY.timestamp())
    charge, txn = stripe.captured_charge(amount=amount, currency="eur", created=at, order_id="1")
    if publish:
        live.standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    raw = stripe.encode(stripe.charge_succeeded(charge, created=at))
    return raw, stripe.sign(raw, STRIPE_SECRET, int(time.time())), txn


def woo_created(order_id: int = 5001) -> tuple[bytes, dict[str, str]]:
    """2 x 12.50 + 4.90 shipping, 20 % tax: 35.88."""
    doc = woo.order(
        order_id,
        status="processing",
        currency="EUR",
        line_items=[
            woo.line_item(
                order_id * 10 + 1, quantity=2, unit_price="12.50", tax_rate="20", currency="EUR"
            )
        ],
        shipping_lines=[
            woo.shipping_line(order_id * 10 + 9, total="4.90", tax_rate="20", currency="EUR")
        ],
        date_created_gmt=DAY,
    )
    raw = woo.body(doc)
    return raw, woo.headers("order.created", raw, WOO_SECRET)


def send(live: Live, source: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    return live.http.post(f"/webhooks/{source}", content=raw, headers=headers)


def posted(live: Live, source: str, raw: bytes, headers: dict[str, str]) -> str:
    response = send(live, source, raw, headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "posted", body
    assert isinstance(body["event_id"], str)
    assert body["event_id"]
    return str(body["event_id"])


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body


def event_items(live: Live, **params: str) -> list[dict[str, Any]]:
    response = live.get("/api/v1/events", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        found = re.fullmatch(r"([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)", line)
        if not found or found.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', found.group(2) or ""))
        if got == labels:
            return float(found.group(3))
    return 0.0


# -- webhooks -----------------------------------------------------------------------------


def test_signed_webhooks_from_each_platform_are_posted(live: Live) -> None:
    raw, headers, _ = stripe_charge(live)
    charge_event = posted(live, "stripe", raw, headers)
    shopify_event = posted(live, "shopify", *shopify_paid())
    woo_event = posted(live, "woo", *woo_created())

    events = {e["id"]: e for e in event_items(live)}
    assert set(events) == {charge_event, shopify_event, woo_event}
    assert {e["source"] for e in events.values()} == {"stripe", "shopify", "woo"}
    assert all(e["status"] == "posted" and len(e["entry_ids"]) == 1 for e in events.values())
    assert event_items(live, source="woo")[0]["id"] == woo_event

    # The same delivery again: 200 duplicate, the same event, nothing new.
    again = send(live, "shopify", *shopify_paid())
    assert again.status_code == 200
    assert again.json() == {"event_id": shopify_event, "status": "duplicate"}
    assert len(event_items(live)) == 3


@pytest.mark.parametrize("case", ["wrong", "missing"])
def test_a_bad_signature_is_401_and_stores_nothing(live: Live, case: str) -> None:
    raw, headers = shopify_paid(secret="not-the-secret")
    if case == "missing":
        raw, headers = shopify_paid()
        del headers["X-Shopify-Hmac-Sha256"]
    before = metric(
        live.http.get("/metrics").text, "ledgerbridge_signature_failures_total", source="shopify"
    )
    response = send(live, "shopify", raw, headers)
    body = assert_error(response, 401, "bad_signature")
    assert SHOPIFY_SECRET not in response.text
    assert "event_id" not in body
    assert event_items(live) == []
    assert live.get("/api/v1/entries").json()["items"] == []
    after = metric(
        live.http.get("/metrics").text, "ledgerbridge_signature_failures_total", source="shopify"
    )
    assert after == before + 1


def test_a_stale_stripe_signature_is_401(live: Live) -> None:
    raw, _, _ = stripe_charge(live)
    headers = stripe.sign(raw, STRIPE_SECRET, int(time.time()) - 301)
    assert_error(send(live, "stripe", raw, headers), 401, "bad_signature")
    assert event_items(live) == []


def test_an_unknown_source_is_404(live: Live) -> None:
    raw, headers = shopify_paid()
    assert_error(send(live, "nosuchsource", raw, headers), 404, "not_found")
    assert event_items(live) == []


def test_a_woocommerce_ping_is_answered_200_and_not_stored(live: Live) -> None:
    response = send(live, "woo", woo.ping_body(1), woo.ping_headers())
    assert response.status_code == 200
    assert response.json() == {"event_id": None, "status": "ignored"}
    assert event_items(live) == []


def test_a_signed_malformed_body_is_200_failed_and_kept_verbatim(live: Live) -> None:
    raw = b'{"id": 1, "total": "12.00"  oops'
    response = send(live, "woo", raw, woo.headers("order.created", raw, WOO_SECRET))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed"
    shown = live.get(f"/api/v1/events/{body['event_id']}").json()
    assert base64.b64decode(shown["raw_body"]) == raw
    assert shown["error"].startswith("malformed_payload:")
    assert [e["id"] for e in event_items(live, status="failed")] == [body["event_id"]]
    assert event_items(live, status="posted") == []


# -- authentication, sources --------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/events", "/api/v1/entries", "/api/v1/sources", "/api/v1/trial-balance"]
)
def test_the_api_needs_a_key(live: Live, path: str) -> None:
    assert_error(live.http.get(path), 401, "unauthenticated")
    assert_error(
        live.http.get(path, headers={"Authorization": "Bearer lb_not-a-key"}),
        401,
        "unauthenticated",
    )
    assert_error(
        live.http.get(path, headers={"Authorization": f"Basic {live.api_key}"}),
        401,
        "unauthenticated",
    )
    key = setup.create_api_key(live.db, "another")
    ok = live.http.get(path, headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200, ok.text
    assert live.get(path).status_code == 200


def test_a_source_never_shows_its_secret_or_credentials(live: Live) -> None:
    for source in ("stripe", "shopify", "woo"):
        response = live.get(f"/api/v1/sources/{source}")
        assert response.status_code == 200
        doc = response.json()
        assert doc["id"] == source
        assert doc["webhook_secret_set"] is True
        for secret in ALL_SECRETS:
            assert secret not in response.text
    listing = live.get("/api/v1/sources")
    assert [s["id"] for s in listing.json()["items"]] == ["shopify", "stripe", "woo"]
    for secret in ALL_SECRETS:
        assert secret not in listing.text
    assert live.get("/api/v1/sources/woo").json()["api_credentials_set"] == [
        "consumer_key",
        "consumer_secret",
    ]

    created = live.post(
        "/api/v1/sources",
        {
            "id": "shop2",
            "platform": "shopify",
            "ledger": "default",
            "webhook_secret": "shpss_brand_new_secret_value_42",
            "api_credentials": {"access_token": "shpat_brand_new_token_value_42"},
            "settings": {"shop_domain": "two.myshopify.com", "gateway": "stripe"},
        },
    )
    assert created.status_code == 201, created.text
    assert "brand_new" not in created.text
    shown = live.get("/api/v1/sources/shop2")
    assert shown.status_code == 200
    assert "brand_new" not in shown.text
    assert_error(live.get("/api/v1/sources/nope"), 404, "not_found")


# -- events, replay -----------------------------------------------------------------------


def test_an_event_shows_the_exact_bytes_sent(live: Live) -> None:
    raw, headers = shopify_paid()
    event_id = posted(live, "shopify", raw, headers)
    response = live.get(f"/api/v1/events/{event_id}")
    assert response.status_code == 200
    doc = response.json()
    assert doc["raw_body"] == base64.b64encode(raw).decode()
    assert base64.b64decode(doc["raw_body"]) == raw
    assert doc["status"] == "posted"
    assert doc["source"] == "shopify"
    assert doc["headers"]["x-shopify-topic"] == "orders/paid"
    assert not any("hmac" in name.lower() for name in doc["headers"])
    assert len(doc["entry_ids"]) == 1
    assert_error(live.get("/api/v1/events/ev_nope"), 404, "not_found")


def test_replay_posts_a_failed_event_once(live: Live) -> None:
    raw, headers, txn = stripe_charge(live, publish=False)
    response = send(live, "stripe", raw, headers)
    assert response.status_code == 200
    assert response.json()["status"] == "failed"
    event_id = response.json()["event_id"]
    assert event_items(live, status="failed")[0]["error"].startswith("lookup_failed:")

    live.standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    replayed = live.post(f"/api/v1/events/{event_id}/replay")
    assert replayed.status_code == 200, replayed.text
    body = replayed.json()
    assert body["event_id"] == event_id
    assert body["status"] == "posted"
    assert body["error"] is None
    assert len(body["entry_ids"]) == 1
    fee = live.get(f"/api/v1/entries/{body['entry_ids'][0]}").json()
    assert {x["account"]: x["amount"] for x in fee["lines"]} == {
        "6100": "2.12",
        "1100-stripe": "-2.12",
    }

    again = live.post(f"/api/v1/events/{event_id}/replay").json()
    assert again["entry_ids"] == []
    assert len(live.get("/api/v1/entries").json()["items"]) == 1
    assert_error(live.post("/api/v1/events/ev_nope/replay"), 404, "not_found")


# -- journal ------------------------------------------------------------------------------


def test_entries_are_documents_with_string_amounts_debits_positive(live: Live) -> None:
    event_id = posted(live, "shopify", *shopify_paid())
    listing = live.get("/api/v1/entries")
    assert listing.status_code == 200
    page = listing.json()
    assert page["next_cursor"] is None
    (item,) = page["items"]
    entry = live.get(f"/api/v1/entries/{item['id']}").json()
    assert entry == item
    for name in (
        "id",
        "ledger",
        "effective_date",
        "posted_at",
        "description",
        "source",
        "event_ids",
        "mapping_version",
        "lines",
    ):
        assert name in entry
    assert entry["ledger"] == "default"
    assert entry["source"] == "shopify"
    assert entry["event_ids"] == [event_id]
    assert entry["effective_date"] == "2026-03-02"
    assert entry["posted_at"].endswith("Z")
    for x in entry["lines"]:
        assert isinstance(x["amount"], str)
        assert isinstance(x["base_amount"], str)
        assert x["currency"] == x["base_currency"] == "EUR"
        for name in ("rate", "rate_date", "rate_source", "dimensions"):
            assert name in x
    assert {x["account"]: x["amount"] for x in entry["lines"]} == {
        "1100-stripe": "124.95",  # the clearing account is debited: positive
        "4500": "10.00",
        "4000": "-110.00",  # sales credited: negative
        "4100": "-5.00",
        "2100": "-19.95",
    }
    assert sum(Decimal(x["amount"]) for x in entry["lines"]) == 0
    assert live.get("/api/v1/entries", params={"account": "4000"}).json()["items"] == [entry]
    assert live.get("/api/v1/entries", params={"source": "stripe"}).json()["items"] == []
    assert_error(live.get("/api/v1/entries/je_nope"), 404, "not_found")


def test_reverse_an_entry_once(live: Live) -> None:
    posted(live, "woo", *woo_created())
    (entry,) = live.get("/api/v1/entries").json()["items"]
    response = live.post(f"/api/v1/entries/{entry['id']}/reverse", {"reason": "test order"})
    assert response.status_code == 201, response.text
    undo = response.json()
    assert undo["reverses"] == entry["id"]
    assert {x["account"]: x["amount"] for x in undo["lines"]} == {
        "1100-stripe": "-35.88",
        "4000": "25.00",
        "4100": "4.90",
        "2100": "5.98",
    }
    assert live.get(f"/api/v1/entries/{entry['id']}").json()["reversed_by"] == undo["id"]
    assert_error(
        live.post(f"/api/v1/entries/{entry['id']}/reverse", {"reason": "again"}), 409, "conflict"
    )
    assert_error(live.post(f"/api/v1/entries/{entry['id']}/reverse", {}), 422, "invalid")
    tb = live.get("/api/v1/trial-balance").json()
    assert all(Decimal(r["balance"]) == 0 for r in tb["rows"])


def test_the_trial_balance_balances(live: Live) -> None:
    raw, headers, _ = stripe_charge(live)
    posted(live, "stripe", raw, headers)
    posted(live, "shopify", *shopify_paid())
    posted(live, "woo", *woo_created())
    response = live.get("/api/v1/trial-balance")
    assert response.status_code == 200
    tb = response.json()
    assert tb["base_currency"] == "EUR"
    # Debits: 124.95 + 10.00 discount (Shopify), 35.88 (Woo), 2.12 fee (Stripe).
    assert tb["total_debit"] == tb["total_credit"] == "172.95"
    rows = {r["account"]: r for r in tb["rows"]}
    assert rows["1100-stripe"] == {
        "account": "1100-stripe",
        "role": "gateway_clearing",
        "debit": "160.83",
        "credit": "2.12",
        "balance": "158.71",
    }
    assert rows["4000"]["balance"] == "-135.00"
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    assert all(isinstance(r[k], str) for r in tb["rows"] for k in ("debit", "credit", "balance"))


# -- operations ---------------------------------------------------------------------------


def test_healthz_needs_no_key(live: Live) -> None:
    response = live.http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_metrics_name_what_api_md_promises(live: Live) -> None:
    posted(live, "shopify", *shopify_paid())
    send(live, "shopify", *shopify_paid(order_id=7002, secret="wrong"))
    raw = b"not json"
    send(live, "woo", raw, woo.headers("order.created", raw, WOO_SECRET))
    response = live.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        "ledgerbridge_posting_seconds",
        "ledgerbridge_webhooks_total",
        "ledgerbridge_signature_failures_total",
        "ledgerbridge_events_failed",
    ):
        assert name in text
    assert "# TYPE ledgerbridge_posting_seconds histogram" in text
    assert metric(text, "ledgerbridge_posting_seconds_count") >= 1
    assert metric(text, "ledgerbridge_webhooks_total", source="shopify", status="posted") >= 1
    assert metric(text, "ledgerbridge_signature_failures_total", source="shopify") >= 1
    assert metric(text, "ledgerbridge_events_failed") == 1  # this database's one failed event


def test_openapi_describes_the_contract(live: Live) -> None:
    response = live.http.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in (
        ("/webhooks/{source_id}", "post"),
        ("/api/v1/events", "get"),
        ("/api/v1/events/{event_id}", "get"),
        ("/api/v1/events/{event_id}/replay", "post"),
        ("/api/v1/entries", "get"),
        ("/api/v1/entries/{entry_id}", "get"),
        ("/api/v1/entries/{entry_id}/reverse", "post"),
        ("/api/v1/trial-balance", "get"),
        ("/api/v1/sources", "post"),
        ("/api/v1/sources/{source_id}", "get"),
        ("/healthz", "get"),
        ("/metrics", "get"),
    ):
        assert method in paths.get(path, {}), path


def test_a_database_that_cannot_be_reached_is_503(tmp_path: Any) -> None:
    down = Database("postgresql+psycopg://postgres@127.0.0.1:1/x")
    raw, headers = shopify_paid()
    try:
        with (
            Server(down, free_port()) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            response = http.post("/webhooks/anything", content=raw, headers=headers)
            assert_error(response, 503, "storage_unavailable")
            assert_error(http.get("/healthz"), 503, "storage_unavailable")
    finally:
        down.dispose()
