"""BigCommerce adapter: the secret header, identify, look-ups of V2 orders and V3 refunds on a
real loopback server (V3 numbers read exactly), and orders / refunds normalised to events."""

from __future__ import annotations

import copy
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
from ledgerbridge.domain.events import Noted, Refund, Sale
from ledgerbridge.sources.base import Delivery, Envelope, SourceConfig
from ledgerbridge.sources.bigcommerce import client, simulate
from ledgerbridge.sources.bigcommerce.adapter import BigCommerceAdapter

FIXTURES = Path(__file__).parents[2] / "fixtures" / "bigcommerce"
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
SECRET = "bc-hook-secret-9Qm2xT7vL4pR8sW1yZ6nK3jH5dF0aG2e"
OLD_SECRET = "bc-hook-secret-old-3Lk9Vb2Nc7Xz1Mq8Wp4Rt6Ys0Ud5Ie"
STORE = "k7xq2m9r4t"
adapter = BigCommerceAdapter()


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def config(*secrets: str, **settings: Any) -> SourceConfig:
    return SourceConfig(
        id="bc1",
        platform="bigcommerce",
        ledger="main",
        secrets=secrets or (SECRET,),
        credentials={"store_hash": STORE, "access_token": "bc-token-e2x7"},
        settings=settings,
    )


def delivery(payload: Any, secret: str = SECRET, *, bearer: bool = False) -> Delivery:
    raw = payload if isinstance(payload, bytes) else simulate.body(payload)
    headers = simulate.headers(secret, bearer=bearer)
    return Delivery(body=raw, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW)


def envelope(name: str) -> Envelope:
    return adapter.identify(delivery(fixture(name)))


def lookups_4102() -> dict[str, Any]:
    """What client.py keeps for order 4102: V3 numbers as exact decimal strings."""
    refunds = client.parse_exact((FIXTURES / "refunds_v3_4102.json").read_bytes())
    return {"order": fixture("order_v2_4102_awaiting_fulfillment.json"), "refunds": refunds["data"]}


# --- verify -----------------------------------------------------------------------------


def test_the_secret_header_is_accepted() -> None:
    adapter.verify(delivery(fixture("webhook_order_status_updated.json")), config(), NOW)


def test_a_bearer_token_is_accepted() -> None:
    adapter.verify(delivery(fixture("webhook_order_created.json"), bearer=True), config(), NOW)


def test_a_wrong_secret_is_rejected_without_naming_it() -> None:
    with pytest.raises(SignatureError, match="does not match") as caught:
        adapter.verify(delivery(b"{}", secret="x" * 40), config(), NOW)
    assert SECRET not in caught.value.message
    assert "x" * 40 not in caught.value.message


def test_a_missing_secret_header_is_rejected() -> None:
    signed = delivery(fixture("webhook_order_created.json"))
    headers = {k: v for k, v in signed.headers.items() if k != "x-ledgerbridge-secret"}
    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(Delivery(signed.body, headers, NOW), config(), NOW)


def test_an_empty_secret_header_is_rejected() -> None:
    headers = {"content-type": "application/json", "x-ledgerbridge-secret": " "}
    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(Delivery(b"{}", headers, NOW), config(), NOW)


def test_basic_credentials_are_not_accepted() -> None:
    headers = {"authorization": "Basic YmM6c2VjcmV0"}
    with pytest.raises(SignatureError, match="not a Bearer"):
        adapter.verify(Delivery(b"{}", headers, NOW), config(), NOW)


def test_the_secret_header_decides_over_a_bearer_token() -> None:
    headers = {"x-ledgerbridge-secret": "y" * 40, "authorization": f"Bearer {SECRET}"}
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(Delivery(b"{}", headers, NOW), config(), NOW)


def test_a_secret_differing_only_in_its_last_character_is_rejected() -> None:
    with pytest.raises(SignatureError):
        adapter.verify(delivery(b"{}", secret=SECRET[:-1] + "f"), config(), NOW)


@pytest.mark.parametrize("sent", [SECRET, OLD_SECRET])
def test_either_secret_is_valid_while_rotating(sent: str) -> None:
    adapter.verify(delivery(b"{}", secret=sent), config(SECRET, OLD_SECRET), NOW)


def test_a_configured_secret_under_32_characters_is_never_used() -> None:
    with pytest.raises(SignatureError, match="32 characters"):
        adapter.verify(delivery(b"{}", secret="short-secret"), config("short-secret"), NOW)


def test_the_body_is_not_signed_so_a_forged_body_can_only_name_ids() -> None:
    # A delivery with the right secret is accepted whatever its body says; amounts never come
    # from the body (it has none), only from the store's API with our token.
    forged = fixture("webhook_order_status_updated.json") | {"total_inc_tax": "0.01"}
    adapter.verify(delivery(forged), config(), NOW)
    honest = envelope("webhook_order_status_updated.json")
    from_forged = adapter.normalize(adapter.identify(delivery(forged)), lookups_4102(), config())
    assert from_forged == adapter.normalize(honest, lookups_4102(), config())


# --- identify ---------------------------------------------------------------------------


def test_identify_reads_scope_hash_and_time() -> None:
    found = envelope("webhook_order_status_updated.json")
    assert found.event_type == "store/order/statusUpdated"
    assert found.event_id == (
        "store/order/statusUpdated:1772447400:5b0e6c1f9a7d2e48c3b1a09f6e7d5c4b3a291807"
    )
    assert found.occurred_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    assert not found.ping


def test_a_redelivery_has_the_same_event_id_and_another_scope_does_not() -> None:
    first = simulate.order_created(4103, digest="ab" * 20)
    assert (
        adapter.identify(delivery(first)).event_id
        == adapter.identify(delivery(copy.deepcopy(first))).event_id
    )
    updated = simulate.order_updated(4103, digest="ab" * 20)
    assert (
        adapter.identify(delivery(updated)).event_id != adapter.identify(delivery(first)).event_id
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hash", None),
        ("scope", ""),
        ("created_at", "1772447400"),
        ("data", [4102]),
    ],
)
def test_identify_names_the_field_it_cannot_read(field: str, value: Any) -> None:
    payload = fixture("webhook_order_status_updated.json")
    payload[field] = value
    with pytest.raises(MalformedPayloadError) as caught:
        adapter.identify(delivery(payload))
    assert caught.value.details["field"] == field


def test_a_body_that_is_not_json_is_malformed() -> None:
    with pytest.raises(MalformedPayloadError, match="not valid JSON"):
        adapter.identify(delivery(b'{"scope": "store/order/created", '))


# --- normalize: orders ------------------------------------------------------------------


def test_a_paid_order_posts_its_sale() -> None:
    events = adapter.normalize(
        envelope("webhook_order_status_updated.json"), lookups_4102(), config()
    )
    assert events == [
        Sale(
            key="bc1:sale:4102",
            reference="4102",
            occurred_at=datetime(2026, 3, 2, 9, 48, 12, tzinfo=UTC),
            currency="USD",
            goods=Decimal("84.99"),
            discounts=Decimal("8.50"),
            shipping=Decimal("8.45"),  # 6.95 shipping + 1.50 handling
            tax=Decimal("6.80"),  # 6.7952 rounded half up
            gift_card_tender=Decimal("20.00"),
            total=Decimal("91.74"),  # 91.7352
            gateway="Credit Card",
        )
    ]
    sale = events[0]
    assert isinstance(sale, Sale)
    assert sale.goods - sale.discounts + sale.shipping + sale.tax == sale.total


def test_an_order_awaiting_payment_posts_nothing() -> None:
    found = adapter.normalize(
        envelope("webhook_order_created.json"),
        {"order": fixture("order_v2_4103_awaiting_payment.json")},
        config(),
    )
    assert found == []


@pytest.mark.parametrize(
    ("status_id", "payment_status", "posts"),
    [
        (11, "captured", True),
        (9, "captured", True),
        (8, "captured", True),
        (3, "captured", True),
        (2, "captured", True),
        (10, "captured", True),
        (4, "refunded", True),
        (14, "partially refunded", True),
        (1, "paid", True),
        (7, "captured", True),
        (0, "", False),
        (1, "pending", False),
        (5, "void", False),
        (6, "declined", False),
        (7, "authorized", False),
        (12, "pending", False),
    ],
)
def test_which_statuses_post_a_sale(status_id: int, payment_status: str, posts: bool) -> None:
    doc = simulate.order(4200, status_id=status_id, payment_status=payment_status)
    events = adapter.normalize(
        adapter.identify(delivery(simulate.order_updated(4200))), {"order": doc}, config()
    )
    assert [type(e) for e in events] == ([Sale] if posts else [])


@pytest.mark.parametrize(
    ("printed", "rounded"),
    [
        ("10.0050", "10.01"),
        ("10.0049", "10.00"),
        ("10.0150", "10.02"),
        ("0.0050", "0.01"),
    ],
)
def test_four_decimal_amounts_round_half_up(printed: str, rounded: str) -> None:
    doc = simulate.order(4201, subtotal="1.00", overrides={"subtotal_ex_tax": printed})
    (sale,) = adapter.normalize(
        adapter.identify(delivery(simulate.order_updated(4201))), {"order": doc}, config()
    )
    assert isinstance(sale, Sale)
    assert sale.goods == Decimal(rounded)


def test_a_zero_decimal_currency_rounds_to_whole_yen() -> None:
    doc = simulate.order(
        4202,
        subtotal="4980",
        shipping="500",
        tax_rate="0.10",
        currency="jpy",
        payment_method="Stripe",
    )
    (sale,) = adapter.normalize(
        adapter.identify(delivery(simulate.order_updated(4202))), {"order": doc}, config()
    )
    assert isinstance(sale, Sale)
    assert (sale.currency, sale.goods, sale.shipping, sale.tax, sale.total) == (
        "JPY",
        Decimal("4980"),
        Decimal("500"),
        Decimal("548"),
        Decimal("6028"),
    )
    assert sale.gateway == "Stripe"


def test_store_credit_and_gift_certificates_are_both_tender() -> None:
    doc = simulate.order(
        4203, subtotal="40.00", shipping="0", gift_certificate="15.00", store_credit="5.00"
    )
    (sale,) = adapter.normalize(
        adapter.identify(delivery(simulate.order_updated(4203))), {"order": doc}, config()
    )
    assert isinstance(sale, Sale)
    assert (sale.total, sale.gift_card_tender) == (Decimal("40.00"), Decimal("20.00"))


def test_transaction_and_archive_scopes_post_nothing_and_fetch_nothing() -> None:
    for payload in (fixture("webhook_transaction_created.json"), simulate.order_archived(4102)):
        found = adapter.identify(delivery(payload))
        assert adapter.lookups(found, config(), httpx.Client()) == {}
        assert adapter.normalize(found, {}, config()) == []


def test_a_real_shaped_bad_payload_names_the_field() -> None:
    bad = envelope("webhook_bad_order_id.json")  # data.id sent as 4102.0
    with pytest.raises(MalformedPayloadError) as caught:
        adapter.lookups(bad, config(), httpx.Client())
    assert caught.value.details["field"] == "data.id"


def test_an_order_missing_its_total_names_the_field() -> None:
    lookups = lookups_4102()
    del lookups["order"]["total_inc_tax"]
    with pytest.raises(MalformedPayloadError) as caught:
        adapter.normalize(envelope("webhook_order_status_updated.json"), lookups, config())
    assert caught.value.details["field"] == "order.total_inc_tax"


def test_an_order_amount_as_a_float_is_refused() -> None:
    lookups = lookups_4102()
    lookups["order"]["total_tax"] = 6.7952
    with pytest.raises(MalformedPayloadError, match="floats are not money"):
        adapter.normalize(envelope("webhook_order_status_updated.json"), lookups, config())


def test_a_look_up_of_another_order_is_refused() -> None:
    lookups = {"order": fixture("order_v2_4103_awaiting_payment.json")}
    with pytest.raises(MalformedPayloadError, match="names 4102"):
        adapter.normalize(envelope("webhook_order_status_updated.json"), lookups, config())


def test_an_order_scope_without_its_look_up_is_unmappable() -> None:
    with pytest.raises(UnmappableEventError):
        adapter.normalize(envelope("webhook_order_status_updated.json"), {}, config())


# --- normalize: refunds -----------------------------------------------------------------


def test_a_refund_webhook_posts_every_refund_of_the_order() -> None:
    events = adapter.normalize(envelope("webhook_refund_created.json"), lookups_4102(), config())
    assert events == [
        Refund(
            key="bc1:refund:88",
            reference="88",
            order_reference="4102",
            occurred_at=datetime(2026, 3, 3, 16, 20, 5, tzinfo=UTC),
            currency="USD",
            goods=Decimal("23.04"),
            shipping=Decimal("6.95"),
            tax=Decimal("2.40"),
            total=Decimal("32.39"),
            gateway="Credit Card",
        ),
        Refund(  # returned to store credit: not through the gateway
            key="bc1:refund:89",
            reference="89",
            order_reference="4102",
            occurred_at=datetime(2026, 3, 4, 10, 30, tzinfo=UTC),
            currency="USD",
            goods=Decimal("10.00"),
            total=Decimal("10.00"),
            gateway=None,
        ),
    ]


def refund_lookups(*refunds: dict[str, Any], currency: str = "USD") -> dict[str, Any]:
    order = simulate.order(4300, subtotal="100.00", tax_rate="0.10", currency=currency)
    page = client.parse_exact(simulate.body(simulate.refunds_page(list(refunds))))
    return {"order": order, "refunds": page["data"]}


def refund_envelope(refund_id: int) -> Envelope:
    return adapter.identify(delivery(simulate.refund_created(4300, refund_id)))


def test_a_refund_whose_payments_were_all_declined_is_noted() -> None:
    declined = simulate.refund(
        5,
        order_id=4300,
        total_amount="20.00",
        total_tax="1.82",
        payments=[simulate.payment(51, "20.00", is_declined=True)],
    )
    (event,) = adapter.normalize(refund_envelope(5), refund_lookups(declined), config())
    assert isinstance(event, Noted)
    assert event.key == "bc1:refund:5"
    assert "declined" in event.note


def test_a_partly_declined_refund_posts_what_was_returned_with_its_share_of_tax() -> None:
    split = simulate.refund(
        6,
        order_id=4300,
        total_amount="22.00",
        total_tax="2.00",
        payments=[
            simulate.payment(61, "11.00"),
            simulate.payment(62, "11.00", provider_id="paypal", is_declined=True),
        ],
    )
    (event,) = adapter.normalize(refund_envelope(6), refund_lookups(split), config())
    assert isinstance(event, Refund)
    assert (event.total, event.tax, event.goods) == (
        Decimal("11.00"),
        Decimal("1.00"),
        Decimal("10.00"),
    )


def test_an_offline_refund_names_no_gateway_and_a_null_tax_is_zero() -> None:
    offline = simulate.refund(
        7,
        order_id=4300,
        total_amount="5.50",
        total_tax=None,
        payments=[simulate.payment(71, "5.50", provider_id="custom", offline=True)],
    )
    (event,) = adapter.normalize(refund_envelope(7), refund_lookups(offline), config())
    assert isinstance(event, Refund)
    assert (event.total, event.tax, event.goods, event.gateway) == (
        Decimal("5.50"),
        Decimal("0.00"),
        Decimal("5.50"),
        None,
    )


def test_a_shipping_amount_larger_than_the_refund_is_not_trusted() -> None:
    odd = simulate.refund(
        8,
        order_id=4300,
        total_amount="3.00",
        total_tax="0",
        items=[simulate.refund_item("SHIPPING", 4300, requested_amount="9.00")],
    )
    (event,) = adapter.normalize(refund_envelope(8), refund_lookups(odd), config())
    assert isinstance(event, Refund)
    assert (event.shipping, event.goods, event.total) == (
        Decimal("0.00"),
        Decimal("3.00"),
        Decimal("3.00"),
    )


def test_a_refund_in_a_three_decimal_currency_keeps_its_fils() -> None:
    bhd = simulate.refund(9, order_id=4300, total_amount="12.345", total_tax="1.1225")
    (event,) = adapter.normalize(refund_envelope(9), refund_lookups(bhd, currency="BHD"), config())
    assert isinstance(event, Refund)
    assert (event.currency, event.total, event.tax) == ("BHD", Decimal("12.345"), Decimal("1.123"))


def test_a_refund_the_api_does_not_list_yet_fails_to_be_replayed() -> None:
    lookups = lookups_4102()
    lookups["refunds"] = lookups["refunds"][:1]  # the webhook names refund 89
    with pytest.raises(UnmappableEventError, match="not listed"):
        adapter.normalize(envelope("webhook_refund_created.json"), lookups, config())


def test_a_refund_amount_that_reached_us_as_a_float_is_refused() -> None:
    lookups = lookups_4102()
    lookups["refunds"][0]["total_amount"] = 32.39
    with pytest.raises(MalformedPayloadError) as caught:
        adapter.normalize(envelope("webhook_refund_created.json"), lookups, config())
    assert caught.value.details["field"] == "refunds[0].total_amount"


# --- look-ups on a real loopback server --------------------------------------------------


@pytest.fixture
def standin() -> Any:
    with StandIn() as server:
        yield server


def http_for(standin: StandIn, prefix: str = f"/stores/{STORE}") -> httpx.Client:
    cfg = config(api_base_url=standin.url + prefix)
    return httpx.Client(base_url=adapter.api_base_url(cfg), headers=adapter.auth_headers(cfg))


def test_an_order_scope_fetches_the_v2_order_under_the_store_base(standin: StandIn) -> None:
    standin.put(
        f"/stores/{STORE}/v2/orders/4102", fixture("order_v2_4102_awaiting_fulfillment.json")
    )
    with http_for(standin) as http:
        found = adapter.lookups(envelope("webhook_order_status_updated.json"), config(), http)
    assert found == {"order": fixture("order_v2_4102_awaiting_fulfillment.json")}
    assert [r[1] for r in standin.requests] == [f"/stores/{STORE}/v2/orders/4102"]


def test_a_refund_scope_reads_v3_numbers_exactly(standin: StandIn) -> None:
    standin.put(
        f"/stores/{STORE}/v2/orders/4102", fixture("order_v2_4102_awaiting_fulfillment.json")
    )
    standin.put(
        f"/stores/{STORE}/v3/orders/4102/payment_actions/refunds", fixture("refunds_v3_4102.json")
    )
    with http_for(standin) as http:
        found = adapter.lookups(envelope("webhook_refund_created.json"), config(), http)
    assert found == lookups_4102()
    assert found["refunds"][0]["total_amount"] == "32.39"
    assert found["refunds"][1]["total_amount"] == 10
    orjson.dumps(found)  # plain JSON: stored with the event as it is
    events = adapter.normalize(envelope("webhook_refund_created.json"), found, config())
    assert [e.key for e in events] == ["bc1:refund:88", "bc1:refund:89"]


def test_refund_pages_are_all_read(standin: StandIn) -> None:
    path = f"/stores/{STORE}/v3/orders/4300/payment_actions/refunds"
    first = simulate.refund(1, order_id=4300, total_amount="1.00")
    second = simulate.refund(2, order_id=4300, total_amount="2.00")
    standin.put(path, simulate.refunds_page([first], page=1, total_pages=2), query={"page": "1"})
    standin.put(path, simulate.refunds_page([second], page=2, total_pages=2), query={"page": "2"})
    with http_for(standin) as http:
        found = client.order_refunds(http, 4300)
    assert [r["id"] for r in found] == [1, 2]
    assert [r[2]["page"] for r in standin.requests] == ["1", "2"]
    assert {r[2]["limit"] for r in standin.requests} == {"250"}


def test_a_missing_order_is_a_failed_look_up(standin: StandIn) -> None:
    with http_for(standin) as http, pytest.raises(LookupFailedError, match="/v2/orders/4102"):
        adapter.lookups(envelope("webhook_order_status_updated.json"), config(), http)


def test_json_numbers_never_pass_through_a_float() -> None:
    text = b'{"data":[{"id":1,"total_amount":0.1000000000000000055511151231257827,"n":3}]}'
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=text))
    with httpx.Client(transport=transport, base_url="https://bc.test") as http:
        (found,) = client.order_refunds(http, 1)
    assert found == {"id": 1, "total_amount": "0.1000000000000000055511151231257827", "n": 3}


@pytest.mark.parametrize("text", [b'{"data": [{"total_amount": NaN}]}', b"<html>oops</html>"])
def test_a_response_that_is_not_plain_json_is_a_failed_look_up(text: bytes) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=text))
    with (
        httpx.Client(transport=transport, base_url="https://bc.test") as http,
        pytest.raises(LookupFailedError),
    ):
        client.order_refunds(http, 1)


def test_the_api_base_url_is_the_store_base_unless_settings_name_one() -> None:
    assert adapter.api_base_url(config()) == f"https://api.bigcommerce.com/stores/{STORE}"
    assert adapter.api_base_url(config(api_base_url="http://127.0.0.1:9/x/")) == (
        "http://127.0.0.1:9/x"
    )
    assert adapter.auth_headers(config()) == {
        "Accept": "application/json",
        "X-Auth-Token": "bc-token-e2x7",
    }


def test_a_source_without_a_store_hash_cannot_look_up() -> None:
    bare = SourceConfig(id="bc2", platform="bigcommerce", ledger="main", secrets=(SECRET,))
    with pytest.raises(LookupFailedError, match="store_hash"):
        adapter.lookups(envelope("webhook_order_status_updated.json"), bare, httpx.Client())


def test_a_webhook_from_another_store_is_refused_before_any_look_up() -> None:
    other = simulate.order_status_updated(4102, store_hash="zz9other1")
    with pytest.raises(MalformedPayloadError) as caught:
        adapter.lookups(adapter.identify(delivery(other)), config(), httpx.Client())
    assert caught.value.details["field"] == "producer"
