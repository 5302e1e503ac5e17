"""WooCommerce adapter: signatures and the activation ping, identify, refund look-ups on a
real loopback server, and order payloads normalised to Sale / Refund events."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import (
    LookupFailedError,
    MalformedPayloadError,
    SignatureError,
    UnmappableEventError,
)
from ledgerbridge.domain.events import Refund, Sale
from ledgerbridge.sources.base import Delivery, Envelope, SourceConfig
from ledgerbridge.sources.woocommerce import simulate
from ledgerbridge.sources.woocommerce.adapter import WooCommerceAdapter

FIXTURES = Path(__file__).parents[2] / "fixtures" / "woocommerce"
NOW = datetime(2026, 2, 14, 16, 5, tzinfo=UTC)
SECRET = "wc-secret-1 &amp; more"
adapter = WooCommerceAdapter()


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def config(*secrets: str) -> SourceConfig:
    return SourceConfig(
        id="woo1",
        platform="woocommerce",
        ledger="main",
        secrets=secrets or (SECRET,),
        credentials={"consumer_key": "ck_test", "consumer_secret": "cs_test"},
    )


def delivery(topic: str, payload: Any, secret: str = SECRET) -> Delivery:
    raw = simulate.body(payload)
    headers = simulate.headers(topic, raw, secret, webhook_id=12)
    return Delivery(body=raw, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW)


def events_for(topic: str, payload: Any, lookups: dict[str, Any] | None = None) -> list[Any]:
    envelope = adapter.identify(delivery(topic, payload))
    return adapter.normalize(envelope, lookups or {}, config())


# --- verify -----------------------------------------------------------------------------------


def test_valid_signature_is_accepted() -> None:
    adapter.verify(delivery("order.created", fixture("order_processing.json")), config(), NOW)


def test_signature_over_the_entity_decoded_secret_is_accepted() -> None:
    # WooCommerce keys the HMAC with wp_specialchars_decode($secret): "&amp;" -> "&".
    signed = delivery("order.created", {"id": 1}, secret="wc-secret-1 & more")
    adapter.verify(signed, config(), NOW)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(delivery("order.created", {"id": 1}, secret="other"), config(), NOW)


def test_missing_signature_header_is_rejected() -> None:
    signed = delivery("order.created", {"id": 1})
    headers = {k: v for k, v in signed.headers.items() if k != "x-wc-webhook-signature"}
    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(Delivery(signed.body, headers, NOW), config(), NOW)


def test_tampered_body_is_rejected() -> None:
    signed = delivery("order.created", fixture("order_processing.json"))
    tampered = signed.body.replace(b'"total":"75.65"', b'"total":"7.65"')
    with pytest.raises(SignatureError):
        adapter.verify(Delivery(tampered, signed.headers, NOW), config(), NOW)


@pytest.mark.parametrize("signer", ["old-secret", "new-secret"])
def test_either_secret_is_valid_while_rotating(signer: str) -> None:
    adapter.verify(
        delivery("order.updated", {"id": 1}, secret=signer), config("new-secret", "old-secret"), NOW
    )


def ping(raw: bytes, content_type: str | None) -> Delivery:
    headers = {"user-agent": simulate.USER_AGENT}
    if content_type:
        headers["content-type"] = content_type
    return Delivery(body=raw, headers=headers, received_at=NOW)


def test_activation_ping_passes_unsigned_and_is_identified_as_ping() -> None:
    headers = {k.lower(): v for k, v in simulate.ping_headers().items()}
    ping_delivery = Delivery(body=simulate.ping_body(42), headers=headers, received_at=NOW)
    adapter.verify(ping_delivery, config(), NOW)
    envelope = adapter.identify(ping_delivery)
    assert envelope.ping
    assert envelope.event_id == "ping:42"
    assert adapter.lookups(envelope, config(), httpx.Client()) == {}
    assert adapter.normalize(envelope, {}, config()) == []


def test_ping_with_a_charset_in_the_form_content_type_passes() -> None:
    adapter.verify(
        ping(b"webhook_id=7", "application/x-www-form-urlencoded; charset=UTF-8"), config(), NOW
    )


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"webhook_id=42", "application/json"),
        (b"webhook_id=42", None),
        (b"webhook_id=42\n", "application/x-www-form-urlencoded"),
        (b"webhook_id=42&total=1", "application/x-www-form-urlencoded"),
        (b"webhook_id=", "application/x-www-form-urlencoded"),
        (b'{"id":1}', "application/x-www-form-urlencoded"),
    ],
)
def test_anything_else_unsigned_is_rejected(raw: bytes, content_type: str | None) -> None:
    with pytest.raises(SignatureError):
        adapter.verify(ping(raw, content_type), config(), NOW)


# --- identify ---------------------------------------------------------------------------------


def test_identify_uses_topic_header_and_order_id_with_date_modified() -> None:
    envelope = adapter.identify(delivery("order.updated", fixture("order_processing.json")))
    assert envelope.event_type == "order.updated"
    assert envelope.event_id == "5150:2026-02-14T16:03:05"
    assert envelope.occurred_at == datetime(2026, 2, 14, 16, 3, 5, tzinfo=UTC)
    assert not envelope.ping


def test_redelivery_has_a_new_delivery_id_but_the_same_event_id() -> None:
    first = delivery("order.updated", fixture("order_processing.json"))
    second = delivery("order.updated", fixture("order_processing.json"))
    assert first.header("x-wc-webhook-delivery-id") != second.header("x-wc-webhook-delivery-id")
    assert adapter.identify(first).event_id == adapter.identify(second).event_id


def test_identify_without_topic_header_is_malformed() -> None:
    signed = delivery("order.updated", {"id": 1})
    headers = {k: v for k, v in signed.headers.items() if k != "x-wc-webhook-topic"}
    with pytest.raises(MalformedPayloadError, match="X-WC-Webhook-Topic"):
        adapter.identify(Delivery(signed.body, headers, NOW))


def test_identify_rejects_a_body_that_is_not_json() -> None:
    signed = delivery("order.updated", {"id": 1})
    with pytest.raises(MalformedPayloadError, match="not valid JSON"):
        adapter.identify(Delivery(b"<html>oops</html>", signed.headers, NOW))


def test_identify_order_without_date_modified_names_the_field() -> None:
    payload = fixture("order_processing.json")
    del payload["date_modified_gmt"]
    with pytest.raises(MalformedPayloadError, match="date_modified_gmt"):
        adapter.identify(delivery("order.updated", payload))


def test_deleted_order_is_identified_and_posts_nothing() -> None:
    envelope = adapter.identify(delivery("order.deleted", fixture("order_deleted.json")))
    assert envelope.event_id == "5150:deleted"
    assert adapter.normalize(envelope, {}, config()) == []


# --- normalize --------------------------------------------------------------------------------

SALE_5150 = Sale(
    key="woo1:sale:5150",
    reference="5150",
    currency="USD",
    occurred_at=datetime(2026, 2, 14, 16, 3, 5, tzinfo=UTC),
    goods=Decimal("66.98"),
    discounts=Decimal("5.00"),
    shipping=Decimal("7.50"),
    tax=Decimal("6.17"),
    total=Decimal("75.65"),
    gateway="stripe",
)
REFUND_5163 = Refund(
    key="woo1:refund:5163",
    reference="5163",
    order_reference="5150",
    currency="USD",
    occurred_at=datetime(2026, 2, 18, 18, 12, 55, tzinfo=UTC),
    goods=Decimal("15.00"),
    shipping=Decimal("7.50"),
    tax=Decimal("2.00"),
    total=Decimal("24.50"),
    gateway="stripe",
)
REFUND_5177 = Refund(
    key="woo1:refund:5177",
    reference="5177",
    order_reference="5150",
    currency="USD",
    occurred_at=datetime(2026, 2, 21, 14, 40, 12, tzinfo=UTC),
    goods=Decimal("5.00"),
    total=Decimal("5.00"),
    gateway=None,
)


@pytest.mark.parametrize("topic", ["order.created", "order.updated", "order.restored"])
def test_paid_order_is_one_sale_with_fees_as_goods(topic: str) -> None:
    assert events_for(topic, fixture("order_processing.json")) == [SALE_5150]


def with_refunds(status: str = "completed") -> dict[str, Any]:
    payload: dict[str, Any] = fixture("order_processing.json")
    payload.update(
        status=status,
        date_modified_gmt="2026-02-21T14:40:13",
        refunds=[
            {"id": 5177, "reason": "Goodwill: late delivery", "total": "-5.00"},
            {"id": 5163, "reason": "Towel arrived torn", "total": "-24.50"},
        ],
    )
    return payload


def test_refunded_order_posts_the_sale_and_each_fetched_refund() -> None:
    events = events_for("order.updated", with_refunds(), {"refunds": fixture("refunds_5150.json")})
    assert events == [SALE_5150, REFUND_5177, REFUND_5163]
    for refund in (REFUND_5163, REFUND_5177):  # the parts always make up the total
        assert refund.goods + refund.shipping + refund.tax == refund.total


@pytest.mark.parametrize("status", ["on-hold", "refunded"])
def test_on_hold_or_refunded_with_payment_date_is_a_sale(status: str) -> None:
    events = events_for(
        "order.updated", with_refunds(status), {"refunds": fixture("refunds_5150.json")}
    )
    assert events[0] == SALE_5150


def test_cancelled_after_payment_posts_only_its_refunds() -> None:
    events = events_for(
        "order.updated", with_refunds("cancelled"), {"refunds": fixture("refunds_5150.json")}
    )
    assert events == [REFUND_5177, REFUND_5163]


@pytest.mark.parametrize("status", ["pending", "failed", "cancelled", "on-hold"])
def test_unpaid_order_posts_nothing(status: str) -> None:
    payload = fixture("order_pending.json")
    payload["status"] = status
    assert events_for("order.updated", payload) == []


def test_sale_without_payment_date_falls_back_to_date_modified() -> None:
    payload = fixture("order_processing.json")
    payload["date_paid_gmt"] = None
    (sale,) = events_for("order.updated", payload)
    assert sale.occurred_at == datetime(2026, 2, 14, 16, 3, 5, tzinfo=UTC)


def test_listed_refunds_without_a_look_up_cannot_be_posted() -> None:
    with pytest.raises(UnmappableEventError, match="/wp-json/wc/v3/orders/5150/refunds"):
        events_for("order.updated", with_refunds(), {})


def test_other_topics_post_nothing() -> None:
    product = {"id": 5150, "date_modified_gmt": "2026-01-01T00:00:00"}
    assert adapter.identify(delivery("product.updated", product)).event_id.startswith("product:")
    assert events_for("product.updated", product) == []
    assert events_for("action.woocommerce_foo", {"action": "woocommerce_foo", "arg": 3}) == []


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.pop("currency"), "currency"),
        (lambda p: p.update(total=75.65), "total"),
        (lambda p: p["line_items"][1].update(subtotal=15.5), r"line_items\[1\].subtotal"),
        (lambda p: p["line_items"][0].pop("subtotal"), r"line_items\[0\].subtotal"),
        (lambda p: p.update(currency="ZZZ"), "currency"),
        (lambda p: p.update(date_paid_gmt="yesterday"), "date_paid_gmt"),
        (lambda p: p.update(line_items=None), "line_items"),
    ],
)
def test_bad_order_payload_names_the_field(mutate: Any, field: str) -> None:
    payload = fixture("order_processing.json")
    mutate(payload)
    with pytest.raises(MalformedPayloadError, match=field):
        events_for("order.updated", payload)


def test_float_amount_in_a_fetched_refund_is_malformed() -> None:
    refunds = copy.deepcopy(fixture("refunds_5150.json"))
    refunds[0]["amount"] = 5.0
    with pytest.raises(MalformedPayloadError, match=r"refund 5177\.amount"):
        events_for("order.updated", with_refunds(), {"refunds": refunds})


# --- look-ups on a real loopback server -------------------------------------------------------


@pytest.fixture
def standin() -> Any:
    with StandIn() as server:
        yield server


def http_for(server: StandIn) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=adapter.auth_headers(config()))


def envelope_with_refunds() -> Envelope:
    return adapter.identify(delivery("order.updated", with_refunds()))


def test_look_up_fetches_the_order_refunds(standin: StandIn) -> None:
    standin.put(
        "/wp-json/wc/v3/orders/5150/refunds",
        fixture("refunds_5150.json"),
        query={"per_page": "100"},
    )
    with http_for(standin) as http:
        lookups = adapter.lookups(envelope_with_refunds(), config(), http)
    assert lookups == {"refunds": fixture("refunds_5150.json")}
    assert standin.requests == [("GET", "/wp-json/wc/v3/orders/5150/refunds", {"per_page": "100"})]
    events = adapter.normalize(envelope_with_refunds(), lookups, config())
    assert events == [SALE_5150, REFUND_5177, REFUND_5163]


def test_look_up_reads_every_page(standin: StandIn) -> None:
    many = [simulate.refund(9000 + i, order_id=5150, amount="1.00") for i in range(101)]
    standin.put("/wp-json/wc/v3/orders/5150/refunds", many[:100], query={"per_page": "100"})
    standin.put("/wp-json/wc/v3/orders/5150/refunds", many[100:], query={"page": "2"})
    with http_for(standin) as http:
        lookups = adapter.lookups(envelope_with_refunds(), config(), http)
    assert [r["id"] for r in lookups["refunds"]] == [r["id"] for r in many]


def test_no_look_up_when_the_order_lists_no_refunds(standin: StandIn) -> None:
    envelope = adapter.identify(delivery("order.updated", fixture("order_processing.json")))
    with http_for(standin) as http:
        assert adapter.lookups(envelope, config(), http) == {}
    assert standin.requests == []


def test_failed_look_up_raises(standin: StandIn) -> None:
    with http_for(standin) as http, pytest.raises(LookupFailedError, match="refunds"):
        adapter.lookups(envelope_with_refunds(), config(), http)


def test_auth_headers_are_http_basic_with_the_key_pair() -> None:
    assert adapter.auth_headers(config()) == {"Authorization": "Basic Y2tfdGVzdDpjc190ZXN0"}
    assert adapter.auth_headers(SourceConfig("w", "woocommerce", "main", ("s",))) == {}


# --- simulate: WooCommerce's wire format ------------------------------------------------------


def test_body_is_compact_like_wp_json_encode() -> None:
    raw = simulate.body({"href": "https://shop.example/x", "name": "Caf\u00e9 \U0001f600", "n": 1})
    assert raw == (
        b'{"href":"https:\\/\\/shop.example\\/x","name":"Caf\\u00e9 \\ud83d\\ude00","n":1}'
    )
    assert orjson.loads(raw)["href"] == "https://shop.example/x"


def test_headers_are_those_woocommerce_sends() -> None:
    raw = simulate.body({"id": 1})
    headers = simulate.headers(
        "order.updated", raw, "s3cret", webhook_id=7, source_url="https://store.example"
    )
    assert set(headers) == {
        "User-Agent",
        "Content-Type",
        "X-WC-Webhook-Source",
        "X-WC-Webhook-Topic",
        "X-WC-Webhook-Resource",
        "X-WC-Webhook-Event",
        "X-WC-Webhook-Signature",
        "X-WC-Webhook-ID",
        "X-WC-Webhook-Delivery-ID",
    }
    assert headers["X-WC-Webhook-Source"] == "https://store.example/"
    assert (headers["X-WC-Webhook-Resource"], headers["X-WC-Webhook-Event"]) == ("order", "updated")
    assert (headers["X-WC-Webhook-ID"], headers["Content-Type"]) == ("7", "application/json")
    assert re.fullmatch(r"WooCommerce/[\d.]+ Hookshot \(WordPress/[\d.]+\)", headers["User-Agent"])
    assert len(headers["X-WC-Webhook-Delivery-ID"]) == 32
    assert set(adapter.keep_headers) <= {k.lower() for k in headers}


def test_built_order_and_partial_refund_in_yen_post_exactly() -> None:
    items = [
        simulate.line_item(
            11, quantity=3, unit_price="1280", discount="384", tax_rate="10", currency="JPY"
        ),
        simulate.line_item(12, unit_price="550", tax_rate="8", tax_rate_id=2, currency="JPY"),
    ]
    shipping = [simulate.shipping_line(13, total="800", tax_rate="10", currency="JPY")]
    back = simulate.refund(
        31,
        order_id=77,
        currency="JPY",
        date_created_gmt="2026-04-02T01:00:00",
        line_items=[simulate.refund_line(items[0], quantity=1, currency="JPY")],
    )
    payload = simulate.order(
        77,
        currency="JPY",
        line_items=items,
        shipping_lines=shipping,
        coupons=["SAKURA"],
        refunds=[back],
        status="completed",
        date_created_gmt=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        date_modified_gmt="2026-04-02T01:00:01",
    )
    assert payload["refunds"] == [{"id": 31, "reason": "", "total": "-1267"}]
    assert payload["coupon_lines"][0]["discount"] == "384"
    sale, refund = events_for("order.updated", payload, {"refunds": [back]})
    assert sale == Sale(
        key="woo1:sale:77",
        reference="77",
        currency="JPY",
        gateway="stripe",
        occurred_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        goods=Decimal(4390),
        discounts=Decimal(384),
        shipping=Decimal(800),
        tax=Decimal(470),
        total=Decimal(5276),
    )
    assert sale.goods - sale.discounts + sale.shipping + sale.tax == sale.total
    assert refund == Refund(
        key="woo1:refund:31",
        reference="31",
        order_reference="77",
        currency="JPY",
        occurred_at=datetime(2026, 4, 2, 1, 0, tzinfo=UTC),
        goods=Decimal(1152),
        tax=Decimal(115),
        total=Decimal(1267),
        gateway="stripe",
    )


def test_built_taxes_keep_unrounded_decimals_and_price_is_a_number() -> None:
    item = simulate.line_item(5, unit_price="16.80", tax_rate="8.8")
    assert (item["taxes"][0]["total"], item["total_tax"]) == ("1.4784", "1.48")
    assert orjson.dumps(item["price"]) == b"16.8"  # a JSON number, written exactly
    raw = simulate.body(simulate.order(1, line_items=[item]))
    assert b'"price":16.8' in raw
    (sale,) = events_for("order.created", orjson.loads(raw))
    assert (sale.goods, sale.tax, sale.total) == (
        Decimal("16.80"),
        Decimal("1.48"),
        Decimal("18.28"),
    )


def test_built_unpaid_order_has_no_payment_date_and_posts_nothing() -> None:
    payload = simulate.order(2, status="pending", payment_method="bacs")
    assert (payload["date_paid_gmt"], payload["needs_payment"]) == (None, True)
    assert events_for("order.created", payload) == []
