"""Magento / Adobe Commerce adapter: the Adobe RSA signature over base64(body) and the Open
Source module's HMACs, identify, invoices / credit memos / orders normalised to exact events,
and ids-only deliveries read back from a real loopback server."""

from __future__ import annotations

import base64
import copy
import json
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
from ledgerbridge.sources.magento import simulate
from ledgerbridge.sources.magento.adapter import MagentoAdapter
from ledgerbridge.sources.magento.verify import ADOBE_HEADER

FIXTURES = Path(__file__).parents[2] / "fixtures" / "magento"
NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
SECRET = "mage-oss-secret-4f1c9e"
PRIVATE, PUBLIC = simulate.generate_key_pair()
OLD_PRIVATE, OLD_PUBLIC = simulate.generate_key_pair()
adapter = MagentoAdapter()


def fixture(name: str) -> Any:
    """A fixture with its JSON numbers as Decimal, as Magento's wire format must be read."""
    return json.loads((FIXTURES / name).read_bytes(), parse_float=Decimal)


def config(*secrets: str, **settings: Any) -> SourceConfig:
    return SourceConfig(
        id="mage",
        platform="magento",
        ledger="main",
        secrets=secrets or (PUBLIC,),
        credentials={"access_token": "int-token-e7c1"},
        settings={"role": "store", **settings},
    )


def delivery(raw: bytes, headers: dict[str, str]) -> Delivery:
    return Delivery(raw, {k.lower(): v for k, v in headers.items()}, NOW)


def adobe(payload: Any, private: str = PRIVATE) -> Delivery:
    raw = simulate.body(payload)
    return delivery(raw, simulate.adobe_headers(raw, private))


def events_for(payload: Any, lookups: dict[str, Any] | None = None, **settings: Any) -> list[Any]:
    envelope = adapter.identify(adobe(payload))
    return adapter.normalize(envelope, lookups or {}, config(**settings))


def invoice_pay(doc: Any = None, **extra: Any) -> Any:
    return simulate.event(
        "sales_order_invoice_pay", "invoice", doc or fixture("invoice_3312.json"), **extra
    )


# --- verify: Adobe Commerce Webhooks (RSA over base64(body)) --------------------------------


def test_adobe_signature_over_base64_of_the_body_is_accepted() -> None:
    adapter.verify(adobe(invoice_pay()), config(), NOW)


def test_adobe_public_key_may_be_configured_base64_encoded_as_app_builder_keeps_it() -> None:
    encoded = base64.b64encode(PUBLIC.encode()).decode()
    adapter.verify(adobe(invoice_pay()), config(encoded), NOW)


def test_a_signature_over_the_raw_body_itself_is_rejected() -> None:
    # Commerce signs base64(body), not the body: a signer that got this wrong must not pass.
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    raw = simulate.body(invoice_pay())
    key: Any = serialization.load_pem_private_key(PRIVATE.encode(), password=None)
    wrong = base64.b64encode(key.sign(raw, padding.PKCS1v15(), hashes.SHA256())).decode()
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(delivery(raw, {ADOBE_HEADER: wrong}), config(), NOW)


def test_adobe_signature_by_another_key_is_rejected() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(adobe(invoice_pay(), OLD_PRIVATE), config(), NOW)


def test_tampered_body_is_rejected() -> None:
    signed = adobe(invoice_pay())
    tampered = signed.body.replace(b"119.92", b"19.92")
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(Delivery(tampered, signed.headers, NOW), config(), NOW)


def test_signature_header_that_is_not_base64_is_rejected() -> None:
    raw = simulate.body(invoice_pay())
    with pytest.raises(SignatureError, match="not base64"):
        adapter.verify(delivery(raw, {ADOBE_HEADER: "%%%"}), config(), NOW)


def test_missing_signature_is_rejected() -> None:
    raw = simulate.body(invoice_pay())
    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(delivery(raw, {"content-type": "application/json"}), config(), NOW)


def test_either_public_key_verifies_while_the_key_pair_is_regenerated() -> None:
    both = config(PUBLIC, OLD_PUBLIC)
    adapter.verify(adobe(invoice_pay(), PRIVATE), both, NOW)
    adapter.verify(adobe(invoice_pay(), OLD_PRIVATE), both, NOW)


def test_adobe_signature_without_a_configured_public_key_is_rejected() -> None:
    with pytest.raises(SignatureError, match="no public key"):
        adapter.verify(adobe(invoice_pay()), config(SECRET), NOW)


def test_adobe_io_events_deliveries_are_refused_with_a_reason() -> None:
    raw = simulate.body(invoice_pay())
    headers = {"x-adobe-digital-signature-1": "abc=", "x-adobe-public-key1-path": "/k.pem"}
    with pytest.raises(SignatureError, match="I/O Events"):
        adapter.verify(delivery(raw, headers), config(), NOW)


# --- verify: the Open Source module's HMACs -------------------------------------------------


def test_oss_module_hmac_is_accepted_and_a_wrong_secret_rejected() -> None:
    raw = simulate.body(invoice_pay())
    adapter.verify(delivery(raw, simulate.oss_headers(raw, SECRET)), config(SECRET), NOW)
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(delivery(raw, simulate.oss_headers(raw, "other")), config(SECRET), NOW)


def test_either_hmac_secret_verifies_while_rotating() -> None:
    raw = simulate.body(invoice_pay())
    for secret in ("new-secret", SECRET):
        headers = simulate.oss_headers(raw, secret)
        adapter.verify(delivery(raw, headers), config("new-secret", SECRET), NOW)


def test_a_public_key_is_never_an_hmac_key() -> None:
    # Anyone may know the public key: an HMAC keyed with it proves nothing.
    raw = simulate.body(invoice_pay())
    with pytest.raises(SignatureError, match="no HMAC secret"):
        adapter.verify(delivery(raw, simulate.oss_headers(raw, PUBLIC)), config(PUBLIC), NOW)


def test_timed_hmac_is_accepted_within_300_seconds_and_stale_rejected() -> None:
    raw = simulate.body(invoice_pay())
    at = int(NOW.timestamp())
    adapter.verify(
        delivery(raw, simulate.timed_headers(raw, SECRET, at - 299)), config(SECRET), NOW
    )
    stale = simulate.timed_headers(raw, SECRET, at - 301)
    with pytest.raises(SignatureError, match="300 s"):
        adapter.verify(delivery(raw, stale), config(SECRET), NOW)
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(
            delivery(raw + b" ", simulate.timed_headers(raw, SECRET, at)), config(SECRET), NOW
        )


# --- identify --------------------------------------------------------------------------------


def test_event_id_is_the_document_kind_entity_id_and_updated_at() -> None:
    envelope = adapter.identify(adobe(invoice_pay()))
    assert envelope.event_id == "invoice:3312:2026-03-02 10:14:08"
    assert envelope.event_type == "sales_order_invoice_pay"
    assert envelope.occurred_at == datetime(2026, 3, 2, 10, 14, 8, tzinfo=UTC)


def test_adobe_event_id_wins_when_the_body_has_one() -> None:
    envelope = adapter.identify(adobe(invoice_pay(event_id="5a1f-77c2")))
    assert envelope.event_id == "5a1f-77c2"


def test_the_body_is_parsed_without_float() -> None:
    envelope = adapter.identify(adobe(invoice_pay()))
    assert envelope.payload["data"]["invoice"]["grand_total"] == Decimal("119.92")


def test_ids_only_deliveries_are_told_apart_by_their_body() -> None:
    first = adapter.identify(adobe(invoice_pay({"entity_id": 3312})))
    again = adapter.identify(adobe(invoice_pay({"entity_id": 3312})))
    assert first.event_id == again.event_id
    assert first.event_id.startswith("invoice:3312:sha256:")


def test_identify_rejects_a_body_that_is_not_json() -> None:
    raw = b'{"eventName": "observer.sales_order_invoice_pay", "data": '
    with pytest.raises(MalformedPayloadError, match="not valid JSON"):
        adapter.identify(delivery(raw, {}))


def test_identify_names_the_missing_document() -> None:
    with pytest.raises(MalformedPayloadError, match=r"data\.invoice"):
        adapter.identify(adobe({"eventName": "observer.sales_order_invoice_pay", "data": {}}))
    with pytest.raises(MalformedPayloadError, match="eventName"):
        adapter.identify(adobe({"something": 1}))


# --- normalize: invoices -> Sale ------------------------------------------------------------


def test_paid_invoice_is_one_sale_in_the_order_currency() -> None:
    (sale,) = events_for(invoice_pay())
    assert sale == Sale(
        key="mage:sale:4107:invoice:3312",
        reference="000003312",
        occurred_at=datetime(2026, 3, 2, 10, 14, 7, tzinfo=UTC),
        currency="EUR",
        goods=Decimal("104.30"),
        discounts=Decimal("10.43"),
        shipping=Decimal("6.90"),
        tax=Decimal("19.15"),
        total=Decimal("119.92"),
    )
    assert sale.goods - sale.discounts + sale.shipping + sale.tax == sale.total


def test_invoice_save_and_bare_invoice_bodies_post_the_same_sale() -> None:
    doc = fixture("invoice_3312.json")
    (paid,) = events_for(invoice_pay(doc))
    (saved,) = events_for(simulate.event("sales_order_invoice_save_after", "invoice", doc))
    (bare,) = events_for({"invoice": doc})
    assert paid == saved == bare


def test_observer_model_data_with_decimal_strings_in_yen() -> None:
    payload = fixture("webhook_invoice_pay_model_data.json")
    (sale,) = events_for(payload)
    assert (sale.key, sale.currency, sale.total) == ("mage:sale:4108:invoice:3313", "JPY", 13552)
    assert (sale.goods, sale.discounts, sale.shipping, sale.tax) == (12800, 1280, 800, 1232)
    assert sale.total.as_tuple().exponent == 0


def test_gift_cards_are_tendered_outside_the_gateway() -> None:
    doc = simulate.invoice(
        51, order_id=50, lines=[("Gift box", "80.00", 1)], shipping="5.00", gift_cards="25.00"
    )
    (sale,) = events_for(invoice_pay(doc))
    assert (sale.total, sale.gift_card_tender) == (Decimal("85.00"), Decimal("25.00"))
    assert doc["grand_total"] == Decimal("60.00")


@pytest.mark.parametrize(("state", "what"), [(1, "open"), (3, "cancelled")])
def test_open_or_cancelled_invoice_is_noted(state: int, what: str) -> None:
    doc = simulate.invoice(61, order_id=60, state=state)
    (noted,) = events_for(simulate.event("sales_order_invoice_save_after", "invoice", doc))
    assert isinstance(noted, Noted)
    assert noted.key == f"mage:sale:60:invoice:61:state:{state}"
    assert what in noted.note


def test_payment_method_of_an_order_sent_beside_the_invoice_names_the_gateway() -> None:
    order = simulate.order(4107, payment_method="stripe_payments")
    (sale,) = events_for(invoice_pay(order=order))
    assert sale.gateway == "stripe_payments"


def test_two_invoices_of_one_order_are_two_sales() -> None:
    first = simulate.invoice(71, order_id=70, lines=[("Boots", "120.00", 1)])
    second = simulate.invoice(72, order_id=70, lines=[("Laces", "4.00", 1)])
    keys = {events_for(invoice_pay(d))[0].key for d in (first, second)}
    assert keys == {"mage:sale:70:invoice:71", "mage:sale:70:invoice:72"}


# --- normalize: credit memos -> Refund, orders -> Noted / nothing ---------------------------


def test_credit_memo_is_a_refund_with_adjustments_in_the_remainder() -> None:
    payload = simulate.event(
        "sales_order_creditmemo_save_after", "creditmemo", fixture("creditmemo_815.json")
    )
    (refund,) = events_for(payload)
    assert refund == Refund(
        key="mage:refund:815",
        reference="000000815",
        order_reference="4107",
        occurred_at=datetime(2026, 3, 6, 16, 40, 12, tzinfo=UTC),
        currency="EUR",
        goods=Decimal("39.90"),
        shipping=Decimal("0.00"),
        tax=Decimal("6.82"),
        total=Decimal("45.23"),
    )
    # -3.99 discount + 5.00 adjustment_positive - 2.50 adjustment_negative
    assert refund.total - (refund.goods + refund.shipping + refund.tax) == Decimal("-1.49")


def test_pending_credit_memo_is_noted() -> None:
    doc = simulate.creditmemo(90, order_id=70, state=1)
    (noted,) = events_for(simulate.event("sales_order_creditmemo_save_after", "creditmemo", doc))
    assert isinstance(noted, Noted)
    assert noted.key == "mage:refund:90:state:1"


@pytest.mark.parametrize("state", ["canceled", "closed"])
def test_cancelled_or_closed_order_is_noted(state: str) -> None:
    doc = simulate.order(4110, state=state, updated_at="2026-03-03 08:00:00")
    (noted,) = events_for(simulate.event("sales_order_save_after", "order", doc))
    assert isinstance(noted, Noted)
    assert (noted.key, noted.currency) == (f"mage:sale:4110:{state}", "USD")


def test_other_order_states_and_other_events_post_nothing() -> None:
    doc = simulate.order(4111, state="processing")
    assert events_for(simulate.event("sales_order_save_after", "order", doc)) == []
    other = {"eventName": "observer.catalog_product_save_after", "data": {"product": {"id": 1}}}
    assert adapter.identify(adobe(other)).event_type == "catalog_product_save_after"
    assert events_for(other) == []


# --- normalize: bad payloads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "mutate"),
    [
        ("invoice.grand_total", lambda d: d.pop("grand_total")),
        ("invoice.order_id", lambda d: d.pop("order_id")),
        ("invoice.order_currency_code", lambda d: d.update(order_currency_code="EURO")),
        ("invoice.subtotal", lambda d: d.update(subtotal="12,50")),
        ("invoice.created_at", lambda d: d.update(created_at="yesterday")),
    ],
)
def test_bad_invoice_names_the_field(field: str, mutate: Any) -> None:
    doc = copy.deepcopy(fixture("invoice_3312.json"))
    mutate(doc)
    lookups = {"invoice": doc} if "grand_total" not in doc else None
    with pytest.raises(MalformedPayloadError) as caught:
        events_for(invoice_pay(doc), lookups)
    assert caught.value.details["field"] == field


def test_a_float_amount_is_refused() -> None:
    # What a preview hands over after a JSON library parsed the body: floats are never money.
    doc = orjson.loads(simulate.body(fixture("invoice_3312.json")))
    envelope = Envelope("preview", "sales_order_invoice_pay", {"invoice": doc})
    with pytest.raises(MalformedPayloadError, match="floats are not money"):
        adapter.normalize(envelope, {}, config())


def test_ids_only_invoice_without_a_look_up_cannot_be_posted() -> None:
    with pytest.raises(UnmappableEventError, match="only its id"):
        events_for(invoice_pay({"entity_id": 3312}))


# --- look-ups on a real loopback server -----------------------------------------------------


@pytest.fixture
def standin() -> Any:
    with StandIn() as server:
        yield server


def lookups_for(server: StandIn, payload: Any, **settings: Any) -> dict[str, Any]:
    source = config(**settings)
    with httpx.Client(base_url=server.url, headers=adapter.auth_headers(source)) as http:
        return adapter.lookups(adapter.identify(adobe(payload)), source, http)


def test_ids_only_invoice_is_read_back_exactly_and_stored_without_float(standin: StandIn) -> None:
    standin.put("/rest/V1/invoices/3312", simulate.rest_document(fixture("invoice_3312.json")))
    payload = invoice_pay({"entity_id": 3312})
    found = lookups_for(standin, payload)
    assert standin.requests == [("GET", "/rest/V1/invoices/3312", {})]
    assert found["invoice"]["grand_total"] == "119.92"
    # The inbox keeps look-ups as JSON and replays from them: the round trip is exact.
    stored = orjson.loads(orjson.dumps(found))
    (sale,) = adapter.normalize(adapter.identify(adobe(payload)), stored, config())
    assert isinstance(sale, Sale)
    assert (sale.total, sale.tax) == (Decimal("119.92"), Decimal("19.15"))


def test_ids_only_credit_memo_and_order_are_read_back(standin: StandIn) -> None:
    standin.put("/rest/V1/creditmemo/815", simulate.rest_document(fixture("creditmemo_815.json")))
    memo = simulate.event("sales_order_creditmemo_refund", "creditmemo", {"entity_id": 815})
    assert lookups_for(standin, memo)["creditmemo"]["adjustment_negative"] == "2.5"
    order = simulate.order(4110, state="canceled")
    standin.put("/rest/V1/orders/4110", simulate.rest_document(order))
    ids_only = simulate.event("order_cancel_after", "order", {"entity_id": 4110})
    assert lookups_for(standin, ids_only)["order"]["state"] == "canceled"


def test_gateway_map_reads_the_order_for_its_payment_method(standin: StandIn) -> None:
    standin.put("/rest/V1/orders/4107", simulate.rest_document(simulate.order(4107)))
    gateways = {"stripe_payments": "stripe", "*": "bank"}
    found = lookups_for(standin, invoice_pay(), gateway=gateways)
    (sale,) = events_for(invoice_pay(), found, gateway=gateways)
    assert sale.gateway == "stripe_payments"
    assert standin.requests == [("GET", "/rest/V1/orders/4107", {})]


def test_no_look_up_for_a_full_document_or_an_order_sent_beside_it(standin: StandIn) -> None:
    assert lookups_for(standin, invoice_pay(), gateway="stripe") == {}
    beside = invoice_pay(order=simulate.order(4107))
    assert lookups_for(standin, beside, gateway={"*": "stripe"}) == {}
    assert standin.requests == []


def test_store_code_goes_into_the_path(standin: StandIn) -> None:
    standin.put("/rest/eu/V1/invoices/3312", simulate.rest_document(fixture("invoice_3312.json")))
    assert lookups_for(standin, invoice_pay({"entity_id": 3312}), store_code="eu")["invoice"]


def test_failed_look_up_raises_naming_the_path(standin: StandIn) -> None:
    with pytest.raises(LookupFailedError, match="/rest/V1/invoices/9"):
        lookups_for(standin, invoice_pay({"entity_id": 9}))


def test_auth_headers_are_the_integration_bearer_token() -> None:
    assert adapter.auth_headers(config()) == {"Authorization": "Bearer int-token-e7c1"}
    assert adapter.auth_headers(SourceConfig("m", "magento", "main", ("s",))) == {}


# --- simulate -------------------------------------------------------------------------------


def test_body_writes_decimals_as_exact_json_numbers() -> None:
    raw = simulate.body({"a": Decimal("119.920"), "b": Decimal("-10.43"), "c": Decimal("100")})
    assert raw == b'{"a":119.92,"b":-10.43,"c":100}'


def test_model_data_keeps_four_decimals_as_magento_stores_them() -> None:
    doc = simulate.model_data(simulate.invoice(1, order_id=2, discount="5"))
    assert (doc["grand_total"], doc["discount_amount"]) == ("105.0000", "-5.0000")


def test_built_invoice_in_another_currency_carries_base_twins() -> None:
    doc = simulate.invoice(
        5,
        order_id=4,
        currency="gbp",
        base_currency="eur",
        base_to_order_rate="0.8",
        lines=[("Scarf", "40.00", 1)],
    )
    assert (doc["order_currency_code"], doc["base_currency_code"]) == ("GBP", "EUR")
    assert doc["base_grand_total"] == Decimal("50.0000")
    (sale,) = events_for(invoice_pay(doc))
    assert (sale.currency, sale.total) == ("GBP", Decimal("40.00"))


def test_acknowledgement_is_the_operation_commerce_expects() -> None:
    assert json.loads(adapter.acknowledgement) == [{"op": "success"}]
