"""Shopify adapter: signatures, identification, normalisation of every topic, look-ups."""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError, SignatureError
from ledgerbridge.domain.events import Noted, Refund, Sale
from ledgerbridge.sources.base import Delivery, Envelope, SourceConfig, hmac_sha256
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.sources.shopify import simulate
from ledgerbridge.sources.shopify.adapter import ShopifyAdapter

FIXTURES = Path(__file__).parents[2] / "fixtures" / "shopify"
NOW = datetime(2025, 3, 14, 9, 27, tzinfo=UTC)
TRIGGERED = datetime(2025, 3, 14, 9, 26, 55, 123456, tzinfo=UTC)
SECRET, OLD_SECRET = "shpss_new_4b1c", "shpss_old_93aa"
ADAPTER = ShopifyAdapter()
CONFIG = SourceConfig(
    id="shop-eu",
    platform="shopify",
    ledger="default",
    secrets=(SECRET,),
    credentials={"access_token": "shpat_test"},
    settings={"shop_domain": "acme.myshopify.com"},
)
D = Decimal


def load(name: str) -> dict[str, Any]:
    return orjson.loads((FIXTURES / name).read_bytes())


def delivery(
    topic: str,
    payload: dict[str, Any] | bytes,
    secret: str = SECRET,
    webhook_id: str = "9f4c1d2e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
) -> Delivery:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    sent = simulate.headers(topic, body, secret, webhook_id, "acme.myshopify.com", TRIGGERED)
    return Delivery(body=body, headers={k.lower(): v for k, v in sent.items()}, received_at=NOW)


def events(topic: str, payload: dict[str, Any], lookups: dict[str, Any] | None = None) -> list:
    envelope = ADAPTER.identify(delivery(topic, payload))
    return ADAPTER.normalize(envelope, lookups or {}, CONFIG)


# --- verify ---------------------------------------------------------------------------------


def test_valid_signature_is_accepted() -> None:
    ADAPTER.verify(delivery("orders/paid", load("order_paid.json")), CONFIG, NOW)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        ADAPTER.verify(delivery("orders/paid", load("order_paid.json"), "other"), CONFIG, NOW)


def test_missing_signature_header_is_rejected() -> None:
    d = delivery("orders/paid", load("order_paid.json"))
    headers = {k: v for k, v in d.headers.items() if k != "x-shopify-hmac-sha256"}
    with pytest.raises(SignatureError, match="missing"):
        ADAPTER.verify(Delivery(d.body, headers, NOW), CONFIG, NOW)


def test_tampered_body_is_rejected() -> None:
    d = delivery("orders/paid", load("order_paid.json"))
    tampered = d.body.replace(b'"117.88"', b'"1.88"', 1)
    assert tampered != d.body
    with pytest.raises(SignatureError):
        ADAPTER.verify(Delivery(tampered, d.headers, NOW), CONFIG, NOW)


def test_signature_that_is_not_base64_is_rejected() -> None:
    d = delivery("orders/paid", load("order_paid.json"))
    headers = {**d.headers, "x-shopify-hmac-sha256": "not base64!!"}
    with pytest.raises(SignatureError, match="base64"):
        ADAPTER.verify(Delivery(d.body, headers, NOW), CONFIG, NOW)


@pytest.mark.parametrize("signed_with", [SECRET, OLD_SECRET])
def test_rotation_accepts_either_secret(signed_with: str) -> None:
    rotating = SourceConfig(
        id="s", platform="shopify", ledger="default", secrets=(SECRET, OLD_SECRET)
    )
    ADAPTER.verify(delivery("orders/paid", load("order_paid.json"), signed_with), rotating, NOW)


def test_old_delivery_is_not_rejected_as_stale() -> None:
    """Retries carry the original payload for hours; dedupe, not a window, stops replays."""
    d = delivery("orders/paid", load("order_paid.json"))
    ADAPTER.verify(d, CONFIG, datetime(2025, 3, 14, 17, 0, tzinfo=UTC))


def test_signature_header_is_base64_hmac_of_the_raw_body() -> None:
    body = b'{"id":1}'
    sent = simulate.headers("orders/paid", body, SECRET, "w-1", "acme.myshopify.com", TRIGGERED)
    assert (
        sent["X-Shopify-Hmac-Sha256"]
        == base64.b64encode(hmac_sha256(SECRET.encode(), body)).decode()
    )
    assert sent["X-Shopify-Triggered-At"] == "2025-03-14T09:26:55.123456000Z"
    assert set(sent) == {
        "Content-Type",
        "X-Shopify-Topic",
        "X-Shopify-Hmac-Sha256",
        "X-Shopify-Shop-Domain",
        "X-Shopify-API-Version",
        "X-Shopify-Webhook-Id",
        "X-Shopify-Triggered-At",
        "X-Shopify-Event-Id",
    }


# --- identify -------------------------------------------------------------------------------


def test_identify_reads_webhook_id_topic_and_triggered_at() -> None:
    envelope = ADAPTER.identify(delivery("orders/paid", load("order_paid.json"), webhook_id="w-7"))
    assert (envelope.event_id, envelope.event_type) == ("w-7", "orders/paid")
    assert envelope.occurred_at == TRIGGERED
    assert envelope.payload["id"] == 6120334401


def test_identify_falls_back_to_event_id_and_payload_time() -> None:
    d = delivery("orders/paid", load("order_paid.json"))
    headers = {
        k: v
        for k, v in d.headers.items()
        if k not in ("x-shopify-webhook-id", "x-shopify-triggered-at")
    }
    envelope = ADAPTER.identify(Delivery(d.body, headers, NOW))
    assert envelope.event_id == d.headers["x-shopify-event-id"]
    assert envelope.occurred_at == datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        (("x-shopify-webhook-id", "x-shopify-event-id"), "X-Shopify-Webhook-Id"),
        (("x-shopify-topic",), "X-Shopify-Topic"),
    ],
)
def test_identify_needs_id_and_topic_headers(drop: tuple[str, ...], named: str) -> None:
    d = delivery("orders/paid", load("order_paid.json"))
    headers = {k: v for k, v in d.headers.items() if k not in drop}
    with pytest.raises(MalformedPayloadError, match=named):
        ADAPTER.identify(Delivery(d.body, headers, NOW))


def test_body_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedPayloadError, match="not valid JSON"):
        ADAPTER.identify(delivery("orders/paid", b"<html>oops</html>"))


# --- orders ---------------------------------------------------------------------------------


def test_paid_order_books_shop_money_and_keeps_presentment() -> None:
    [sale] = events("orders/paid", load("order_paid.json"))
    assert sale == Sale(
        key="shop-eu:sale:6120334401",
        reference="#1042",
        occurred_at=TRIGGERED,
        currency="USD",
        goods=D("88.50"),
        discounts=D("8.50"),
        shipping=D("6.00"),
        tax=D("6.88"),
        gift_cards_sold=D("25.00"),
        total=D("117.88"),
        gateway="shopify_payments",
        presentment_currency="EUR",
        presentment_total=D("108.45"),
    )


def test_taxes_included_order_takes_tax_out_of_goods_and_shipping() -> None:
    [sale] = events("orders/paid", load("order_paid_taxes_included.json"))
    assert (sale.currency, sale.goods, sale.discounts) == ("EUR", D("93.07"), D("5.00"))
    assert (sale.shipping, sale.tax, sale.total) == (D("4.12"), D("17.51"), D("109.70"))
    assert sale.goods - sale.discounts + sale.shipping + sale.tax == sale.total


@pytest.mark.parametrize("included", [False, True])
def test_simulated_orders_add_up_in_both_tax_modes(included: bool) -> None:
    order = simulate.order(
        77,
        lines=[simulate.Line("A", "9.99", 3), simulate.Line("B", "0.35")],
        shipping="3.95",
        tax_rate="0.0725",
        taxes_included=included,
        discount="2.00",
    )
    [sale] = events("orders/paid", order)
    assert sale.goods - sale.discounts + sale.shipping + sale.tax == sale.total
    assert sale.total == D(order["total_price"])


def test_order_created_paid_posts_the_same_sale_and_unpaid_posts_nothing() -> None:
    order = load("order_paid.json")
    assert events("orders/create", order) == events("orders/paid", order)
    assert events("orders/create", {**order, "financial_status": "pending"}) == []


def test_gift_card_only_tender_is_all_gift_card() -> None:
    order = simulate.order(88, payment_gateway_names=["gift_card"])
    [sale] = events("orders/paid", order)
    assert (sale.gift_card_tender, sale.gateway) == (sale.total, "gift_card")


def test_cancelled_order_is_noted() -> None:
    [noted] = events("orders/cancelled", load("order_cancelled.json"))
    assert isinstance(noted, Noted)
    assert (noted.key, noted.reference, noted.currency) == (
        "shop-eu:sale:6120334410:cancelled",
        "#1050",
        "CAD",
    )
    assert "customer" in noted.note


@pytest.mark.parametrize("topic", ["orders/updated", "orders/fulfilled", "app/uninstalled"])
def test_other_topics_post_nothing(topic: str) -> None:
    assert events(topic, load("order_paid.json")) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda o: o.pop("id"), "id: missing"),
        (lambda o: o.update(total_price_set=None, total_price=117.88), "total_price: floats"),
        (lambda o: o["line_items"][0].update(price_set=None, price=38.0), r"line_items\[0\].price"),
        (lambda o: o["line_items"][1].update(quantity="1"), r"line_items\[1\].quantity"),
        (lambda o: o["total_tax_set"]["shop_money"].update(currency_code="GBP"), "total_tax_set"),
    ],
)
def test_bad_order_payload_is_malformed_and_names_the_field(change: Any, named: str) -> None:
    order = copy.deepcopy(load("order_paid.json"))
    change(order)
    with pytest.raises(MalformedPayloadError, match=named):
        events("orders/paid", order)


# --- refunds --------------------------------------------------------------------------------


def test_partial_refund_with_shipping_converts_presentment_transaction_to_shop_money() -> None:
    [refund] = events("refunds/create", load("refund_partial.json"))
    assert refund == Refund(
        key="shop-eu:refund:918273645",
        reference="918273645",
        occurred_at=datetime(2025, 3, 17, 9, 26, 53, tzinfo=UTC),
        currency="USD",
        order_reference="6120334401",
        goods=D("34.35"),
        shipping=D("6.00"),
        tax=D("3.23"),
        total=D("43.58"),
        gateway="shopify_payments",
    )


def test_refund_without_subtotal_uses_line_item_share_and_successful_transactions() -> None:
    [refund] = events("refunds/create", load("refund_legacy.json"))
    assert isinstance(refund, Refund)
    assert (refund.currency, refund.order_reference, refund.gateway) == ("USD", "4401", "stripe")
    assert (refund.goods, refund.tax, refund.shipping) == (D("150.00"), D("9.00"), D("0"))
    assert refund.total == D("158.80")  # the refund_discrepancy is left in the total


def test_restock_only_refund_is_noted() -> None:
    [noted] = events("refunds/create", load("refund_restock_only.json"))
    assert isinstance(noted, Noted)
    assert (noted.key, noted.currency) == ("shop-eu:refund:918273700", "USD")


def test_refund_with_transaction_in_shop_money_set() -> None:
    refund = copy.deepcopy(load("refund_partial.json"))
    refund["transactions"][0]["amount_set"] = {
        "shop_money": {"amount": "43.58", "currency_code": "USD"},
        "presentment_money": {"amount": "40.09", "currency_code": "EUR"},
    }
    [event] = events("refunds/create", refund)
    assert (event.currency, event.total) == ("USD", D("43.58"))


def test_simulated_single_currency_refund_adds_up() -> None:
    order = simulate.order(99, tax_rate="0.1", discount="3.00")
    payload = simulate.refund(order, 501, shipping="5.00")
    [refund] = events("refunds/create", payload)
    assert refund.goods + refund.shipping + refund.tax == refund.total == D(order["total_price"])


def test_float_refund_amount_is_malformed() -> None:
    refund = copy.deepcopy(load("refund_legacy.json"))
    refund["transactions"][1]["amount"] = 158.8
    with pytest.raises(MalformedPayloadError, match=r"transactions\[1\].amount: floats"):
        events("refunds/create", refund)


# --- adapter attributes and look-ups --------------------------------------------------------


def test_registered_and_configured() -> None:
    assert adapter_for("shopify").platform == "shopify"
    assert ADAPTER.default_role == "store"
    assert ADAPTER.auth_headers(CONFIG) == {"X-Shopify-Access-Token": "shpat_test"}
    assert ADAPTER.api_base_url(CONFIG) == "https://acme.myshopify.com"
    assert ADAPTER.default_api_base_url == "https://example.myshopify.com"
    assert not any("hmac" in h for h in ADAPTER.keep_headers)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with StandIn() as server:
        yield server


def test_paid_order_and_refund_need_no_lookups(standin: StandIn) -> None:
    with httpx.Client(base_url=standin.url) as http:
        for topic, name in [
            ("orders/paid", "order_paid.json"),
            ("refunds/create", "refund_partial.json"),
        ]:
            envelope = ADAPTER.identify(delivery(topic, load(name)))
            assert ADAPTER.lookups(envelope, CONFIG, http) == {}
    assert standin.requests == []


def test_mixed_gift_card_tender_is_looked_up(standin: StandIn) -> None:
    path = "/admin/api/2025-01/orders/6120334403/transactions.json"
    standin.put(path, load("transactions_mixed_gift_card.json"))
    envelope = ADAPTER.identify(delivery("orders/paid", load("order_paid_mixed_gift_card.json")))
    with httpx.Client(base_url=standin.url, headers=ADAPTER.auth_headers(CONFIG)) as http:
        lookups = ADAPTER.lookups(envelope, CONFIG, http)
    assert standin.requests == [("GET", path, {})]
    [sale] = ADAPTER.normalize(envelope, lookups, CONFIG)
    assert (sale.total, sale.gift_card_tender, sale.gateway) == (
        D("31.50"),
        D("20.00"),
        "shopify_payments",
    )


def test_failed_lookup_raises_lookup_failed(standin: StandIn) -> None:
    envelope = ADAPTER.identify(delivery("orders/paid", load("order_paid_mixed_gift_card.json")))
    with httpx.Client(base_url=standin.url) as http, pytest.raises(LookupFailedError):
        ADAPTER.lookups(envelope, CONFIG, http)


def test_envelope_from_backfill_without_headers_uses_order_time() -> None:
    envelope = Envelope(
        event_id="backfill", event_type="orders/paid", payload={"order": load("order_paid.json")}
    )
    [sale] = ADAPTER.normalize(envelope, {}, CONFIG)
    assert sale.occurred_at == datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
