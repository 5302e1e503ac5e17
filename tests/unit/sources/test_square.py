"""Square adapter: x-square-hmacsha256-signature over notification URL + body (Square's own
test vector, rotation, the registered URL), identify, look-ups on a real loopback server, and
every accounting event type normalised to canonical events."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError, SignatureError
from ledgerbridge.domain.events import (
    Charge,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Noted,
    Payout,
    PayoutFailed,
)
from ledgerbridge.sources.base import Delivery, SourceConfig
from ledgerbridge.sources.square import simulate
from ledgerbridge.sources.square.adapter import SquareAdapter

FIXTURES = Path(__file__).parents[2] / "fixtures" / "square"
NOW = datetime(2024, 11, 27, 11, 2, 9, tzinfo=UTC)
KEY = "Zq8uN3xV6bR1tY4wP7sK0m"
OLD_KEY = "Ab3Cd5Ef7Gh9Ij1Kl3Mn5O"
URL = "https://books.example.com/webhooks/square"
PAYMENT = "Qx7mT2wLk9PzR4vN8cB3hJ6yF1dGs"
REFUND = PAYMENT + "_Hn4Tq8Wz2Lm6Rv1Xc5Bk9Pj3Yd7Fs0Ga2Ue6Ni4Ko8M"
DISPUTE = "Vb2Kq8NmW4xTz6LpR9cY"
PAYOUT = "po_5f2c8a7e-3b1d-4e9a-9c6f-1a2b3c4d5e6f"
adapter = SquareAdapter()


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def config(*keys: str, url: str | None = URL) -> SourceConfig:
    settings = {"notification_url": url} if url is not None else {}
    return SourceConfig(
        id="sq1",
        platform="square",
        ledger="main",
        secrets=keys or (KEY,),
        credentials={"access_token": "EAAAl_test_token"},
        settings=settings,
    )


def delivery(body: bytes, headers: dict[str, str]) -> Delivery:
    return Delivery(body=body, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW)


def signed(payload: Any, key: str = KEY, url: str = URL) -> Delivery:
    body = simulate.encode(payload)
    return delivery(body, simulate.sign(body, key, url))


def events_for(payload: Any, lookups: dict[str, Any] | None = None) -> list[Any]:
    envelope = adapter.identify(signed(payload))
    return adapter.normalize(envelope, lookups or {}, config())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def payment_of(payload: Any) -> Any:
    return payload["data"]["object"]["payment"]


# --- verify -----------------------------------------------------------------------------------

# PLATFORMS.md §7: square/square-python-sdk legacy/tests/utilities/test_webhooks_helper.py
VECTOR_BODY = (
    b'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
    b'"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f",'
    b'"created_at":"2022-07-13T20:30:59.037339943Z",'
    b'"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
)
VECTOR_KEY = "Ibxx_5AKakO-3qeNVR61Dw"
VECTOR_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"
VECTOR_SIGNATURE = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="


def test_square_sdk_test_vector_verifies() -> None:
    headers = {"x-square-hmacsha256-signature": VECTOR_SIGNATURE}
    adapter.verify(delivery(VECTOR_BODY, headers), config(VECTOR_KEY, url=VECTOR_URL), NOW)
    assert (
        simulate.sign(VECTOR_BODY, VECTOR_KEY, VECTOR_URL)["x-square-hmacsha256-signature"]
        == VECTOR_SIGNATURE
    )
    # the same signature under another URL (one character off) or another key fails
    other_url = config(VECTOR_KEY, url=VECTOR_URL.replace("679a", "79a"))
    with pytest.raises(SignatureError):
        adapter.verify(delivery(VECTOR_BODY, headers), other_url, NOW)
    with pytest.raises(SignatureError):
        adapter.verify(
            delivery(VECTOR_BODY, headers), config("MCmhFRxGX82xMwg5FsaoQA", url=VECTOR_URL), NOW
        )


def test_test_notification_is_identified_and_posts_nothing() -> None:
    envelope = adapter.identify(delivery(VECTOR_BODY, {}))
    assert envelope.event_id == "ac3ac95b-f97d-458c-a6e6-18981597e05f"
    assert envelope.occurred_at == datetime(2022, 7, 13, 20, 30, 59, 37339, tzinfo=UTC)
    assert adapter.normalize(envelope, {}, config()) == []


def test_valid_signature_is_accepted() -> None:
    adapter.verify(signed(fixture("event_payment_updated.json")), config(), NOW)


@pytest.mark.parametrize("key", [KEY, OLD_KEY])
def test_rotation_accepts_either_configured_key(key: str) -> None:
    adapter.verify(signed(fixture("event_payout_paid.json"), key), config(KEY, OLD_KEY), NOW)


def test_wrong_key_is_rejected_without_naming_it() -> None:
    with pytest.raises(SignatureError, match="does not match") as info:
        adapter.verify(signed(fixture("event_payout_paid.json"), "other-key"), config(), NOW)
    assert KEY not in str(info.value)
    assert "other-key" not in str(info.value)


def test_tampered_body_is_rejected() -> None:
    good = signed(fixture("event_payment_updated.json"))
    tampered = Delivery(
        body=good.body.replace(b"4750", b"4751"), headers=good.headers, received_at=NOW
    )
    with pytest.raises(SignatureError):
        adapter.verify(tampered, config(), NOW)


@pytest.mark.parametrize(
    "signed_for", [URL + "/", URL.replace("https", "http"), "https://10.0.0.7:8080/webhooks/square"]
)
def test_only_the_registered_url_verifies(signed_for: str) -> None:
    """A proxy's internal URL or a trailing slash is another message: the registered URL
    is signed byte for byte."""
    with pytest.raises(SignatureError):
        adapter.verify(signed(fixture("event_payment_updated.json"), url=signed_for), config(), NOW)


def test_missing_notification_url_is_a_clear_signature_error() -> None:
    message = signed(fixture("event_payment_updated.json"))
    for settings_url in (None, ""):
        with pytest.raises(SignatureError, match=r"settings\.notification_url is not set"):
            adapter.verify(message, config(url=settings_url), NOW)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Content-Type": "application/json"}, "missing"),
        ({"x-square-hmacsha256-signature": ""}, "missing"),
        ({"x-square-hmacsha256-signature": "not base64!"}, "not base64"),
        ({"x-square-hmacsha256-signature": "AAAA"}, "does not match"),
        ({"x-square-signature": "GF4YkrJgGBDZ9NIYbNXBnMzqb2E="}, "missing"),  # legacy SHA-1 only
    ],
)
def test_missing_or_garbled_header_is_rejected(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(SignatureError, match=reason):
        adapter.verify(delivery(b"{}", headers), config(), NOW)


def test_no_configured_key_is_rejected() -> None:
    message = signed(fixture("event_payment_updated.json"))
    no_keys = SourceConfig(
        id="sq1", platform="square", ledger="main", secrets=(), settings={"notification_url": URL}
    )
    with pytest.raises(SignatureError, match="no webhook signature key"):
        adapter.verify(message, no_keys, NOW)


# --- identify, headers ------------------------------------------------------------------------


def test_identify_reads_event_id_type_and_time() -> None:
    envelope = adapter.identify(signed(fixture("event_payment_updated.json")))
    assert envelope.event_id == "8d0e6a2c-4f1b-4c7e-9a3d-5b2f1e8c7a90"
    assert envelope.event_type == "payment.updated"
    assert envelope.occurred_at == at("2024-11-20T16:12:36.114")
    assert not envelope.ping


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"type": "payment.updated", "created_at": "2024-11-20T16:12:36Z"}', "event.event_id"),
        (b'{"event_id": "e1", "created_at": "2024-11-20T16:12:36Z"}', "event.type"),
        (
            b'{"event_id": "e1", "type": "payment.updated", "created_at": "yesterday"}',
            "event.created_at: not an RFC 3339 time",
        ),
    ],
)
def test_unreadable_event_is_malformed(body: bytes, message: str) -> None:
    with pytest.raises(MalformedPayloadError, match=message):
        adapter.identify(delivery(body, {}))


def test_auth_headers_and_defaults() -> None:
    assert adapter.auth_headers(config()) == {
        "Authorization": "Bearer EAAAl_test_token",
        "Square-Version": "2024-11-20",
    }
    no_token = SourceConfig(id="sq1", platform="square", ledger="main", secrets=(KEY,))
    assert adapter.auth_headers(no_token) == {}
    assert (adapter.platform, adapter.default_role) == ("square", "gateway")
    assert adapter.default_api_base_url == "https://connect.squareup.com"
    assert "x-square-hmacsha256-signature" in adapter.keep_headers
    assert all(h == h.lower() for h in adapter.keep_headers)


# --- normalize: payments ----------------------------------------------------------------------

CHARGE = Charge(
    key=f"sq1:charge:{PAYMENT}",
    reference=PAYMENT,
    occurred_at=at("2024-11-20T16:12:32.258"),
    currency="USD",
    amount=Decimal("47.50"),
    order_reference="Kp3Lr7Tx1Wq5Zn9Bv2Cm6Hd4Fj8",
)
INITIAL_FEE = Fee(
    key=f"sq1:fee:{PAYMENT}:20241120T161235.000000Z",
    reference=PAYMENT,
    occurred_at=at("2024-11-20T16:12:35"),
    currency="USD",
    amount=Decimal("1.39"),
    charge_reference=PAYMENT,
)


def test_completed_payment_is_a_charge_of_the_total_with_tip_and_its_fee() -> None:
    assert events_for(fixture("event_payment_updated.json")) == [CHARGE, INITIAL_FEE]


def test_a_later_update_repeats_the_keys_and_adds_the_fee_adjustment() -> None:
    payload = fixture("event_payment_updated.json")
    payment_of(payload)["processing_fee"].append(
        simulate.processing_fee(10, "USD", datetime(2024, 11, 23, tzinfo=UTC), "ADJUSTMENT")
    )
    charge, initial, adjustment = events_for(payload)
    assert (charge, initial) == (CHARGE, INITIAL_FEE)
    assert adjustment == Fee(
        key=f"sq1:fee:{PAYMENT}:20241123T000000.000000Z",
        reference=PAYMENT,
        occurred_at=datetime(2024, 11, 23, tzinfo=UTC),
        currency="USD",
        amount=Decimal("0.10"),
        charge_reference=PAYMENT,
    )


def test_fee_entries_at_the_same_time_or_without_one_get_distinct_keys() -> None:
    payload = fixture("event_payment_updated.json")
    fees = payment_of(payload)["processing_fee"]
    fees.append(copy.deepcopy(fees[0]) | {"type": "ADJUSTMENT"})
    fees.append({"amount_money": {"amount": 5, "currency": "USD"}, "type": "ADJUSTMENT"})
    fees.append({"amount_money": {"amount": 0, "currency": "USD"}, "type": "ADJUSTMENT"})
    keys = [e.key for e in events_for(payload)[1:]]
    assert keys == [INITIAL_FEE.key, INITIAL_FEE.key + "~2", f"sq1:fee:{PAYMENT}:#2"]


def test_total_is_amount_plus_tip_when_total_money_is_absent() -> None:
    payload = fixture("event_payment_updated.json")
    del payment_of(payload)["total_money"]
    assert events_for(payload)[0].amount == Decimal("47.50")
    del payment_of(payload)["tip_money"]
    assert events_for(payload)[0].amount == Decimal("42.50")


def test_app_fee_is_a_fee_the_seller_never_receives() -> None:
    pay = simulate.payment(amount=2000, currency="USD", app_fee=150, fees=[])
    charge, app_fee = events_for(simulate.payment_updated(pay))
    assert (app_fee.key, app_fee.amount) == (f"sq1:fee:{pay['id']}:app_fee", Decimal("1.50"))
    assert app_fee.charge_reference == charge.reference


@pytest.mark.parametrize("status", ["APPROVED", "PENDING", "CANCELED", "FAILED"])
def test_a_payment_not_completed_posts_nothing(status: str) -> None:
    payload = fixture("event_payment_created_approved.json")
    payment_of(payload)["status"] = status
    assert events_for(payload) == []


def test_cash_payment_created_completed_is_dated_at_creation() -> None:
    pay = simulate.payment(
        amount=1200, currency="JPY", fees=[], at=datetime(2024, 11, 21, 3, 0, tzinfo=UTC)
    )
    del pay["card_details"]
    [charge] = events_for(simulate.payment_created(pay | {"source_type": "CASH"}))
    assert (charge.amount, charge.currency) == (Decimal("1200"), "JPY")
    assert charge.occurred_at == datetime(2024, 11, 21, 3, 0, tzinfo=UTC)
    assert charge.order_reference is None


# --- normalize: refunds -----------------------------------------------------------------------


def test_completed_refund_is_a_gateway_refund_and_the_fee_given_back() -> None:
    assert events_for(fixture("event_refund_updated.json")) == [
        GatewayRefund(
            key=f"sq1:refund:{REFUND}",
            reference=REFUND,
            occurred_at=at("2024-11-22T10:40:11.902"),
            currency="USD",
            amount=Decimal("15.00"),
            charge_reference=PAYMENT,
        ),
        Fee(
            key=f"sq1:fee:{REFUND}:20241122T124011.902000Z",
            reference=REFUND,
            occurred_at=at("2024-11-22T12:40:11.902"),
            currency="USD",
            amount=Decimal("-0.39"),
            charge_reference=PAYMENT,
        ),
    ]


def test_refund_created_completed_shares_the_keys_of_refund_updated() -> None:
    payload = fixture("event_refund_updated.json") | {"type": "refund.created"}
    assert events_for(payload) == events_for(fixture("event_refund_updated.json"))


@pytest.mark.parametrize("status", ["PENDING", "REJECTED", "FAILED"])
def test_a_refund_not_completed_posts_nothing(status: str) -> None:
    payload = fixture("event_refund_updated.json")
    payload["data"]["object"]["refund"]["status"] = status
    assert events_for(payload) == []


def test_app_fee_on_a_refund_is_given_back() -> None:
    rf = simulate.refund(payment_id=PAYMENT, amount=1000, currency="USD")
    rf["app_fee_money"] = simulate.money(75, "USD")
    _, app_fee = events_for(simulate.refund_updated(rf))
    assert (app_fee.key, app_fee.amount) == (f"sq1:fee:{rf['id']}:app_fee", Decimal("-0.75"))


# --- normalize: disputes ----------------------------------------------------------------------

WITHDRAWN = DisputeFunds(
    key=f"sq1:dispute:{DISPUTE}:withdrawn",
    reference=DISPUTE,
    occurred_at=at("2024-12-02T14:03:45.671"),
    currency="USD",
    withdrawn=Decimal("47.50"),
    charge_reference=PAYMENT,
)


def test_dispute_created_withdraws_the_disputed_amount() -> None:
    assert events_for(fixture("event_dispute_created.json")) == [WITHDRAWN]


def test_dispute_won_reinstates_and_repeats_the_withdrawal_key() -> None:
    assert events_for(fixture("event_dispute_state_updated_won.json")) == [
        WITHDRAWN,
        DisputeFunds(
            key=f"sq1:dispute:{DISPUTE}:reinstated",
            reference=DISPUTE,
            occurred_at=at("2025-01-14T18:20:09.455"),
            currency="USD",
            withdrawn=Decimal("-47.50"),
            charge_reference=PAYMENT,
        ),
    ]
    legacy = fixture("event_dispute_state_updated_won.json") | {"type": "dispute.state.changed"}
    assert len(events_for(legacy)) == 2


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("LOST", "funds stay withdrawn"),
        ("ACCEPTED", "funds stay withdrawn"),
        ("PROCESSING", "funds held"),
    ],
)
def test_other_dispute_states_are_noted(state: str, says: str) -> None:
    payload = fixture("event_dispute_state_updated_won.json")
    payload["data"]["object"]["dispute"]["state"] = state
    withdrawn, noted = events_for(payload)
    assert withdrawn == WITHDRAWN
    assert isinstance(noted, Noted)
    assert noted.key == f"sq1:dispute:{DISPUTE}:{state.lower()}"
    assert says in noted.note


def test_an_inquiry_moves_no_money_until_it_escalates() -> None:
    payload = fixture("event_dispute_created.json")
    payload["data"]["object"]["dispute"]["state"] = "INQUIRY_EVIDENCE_REQUIRED"
    [noted] = events_for(payload)
    assert isinstance(noted, Noted)
    assert noted.key == f"sq1:dispute:{DISPUTE}:inquiry"
    escalated = fixture("event_dispute_state_updated_won.json")
    escalated["data"]["object"]["dispute"]["state"] = "INQUIRY_CLOSED"
    assert [type(e) for e in events_for(escalated)] == [Noted]
    escalated["data"]["object"]["dispute"]["state"] = "EVIDENCE_REQUIRED"
    assert events_for(escalated)[0] == WITHDRAWN


# --- normalize: payouts -----------------------------------------------------------------------


def payout_entries() -> list[Any]:
    pages = ("payout_entries_page1.json", "payout_entries_page2.json")
    return [entry for page in pages for entry in fixture(page)["payout_entries"]]


def test_payout_paid_books_fees_apart_from_payments_and_the_payout() -> None:
    events = events_for(fixture("event_payout_paid.json"), {"payout_entries": payout_entries()})
    assert events == [
        Fee(
            key="sq1:fee:poe_Tm4Kq8Wz2Lx6Rv1Nc9Bp3Hd7K",
            reference="poe_Tm4Kq8Wz2Lx6Rv1Nc9Bp3Hd7K",
            occurred_at=at("2024-11-25T03:00:00"),
            currency="USD",
            amount=Decimal("2.50"),
        ),
        Fee(
            key="sq1:fee:poe_Wp9Cb3Hd7Fj5Yg0Sa2Ue4Ni6L",
            reference="poe_Wp9Cb3Hd7Fj5Yg0Sa2Ue4Ni6L",
            occurred_at=at("2024-11-25T03:00:00"),
            currency="USD",
            amount=Decimal("0.50"),
        ),
        Payout(
            key=f"sq1:payout:{PAYOUT}",
            reference=PAYOUT,
            occurred_at=at("2024-11-26T04:12:31"),
            currency="USD",
            amount=Decimal("28.40"),
            arrival=datetime(2024, 11, 27, tzinfo=UTC),
        ),
    ]  # the charge, the refund and the fee adjustment of the payment are booked by their events


def test_a_reversed_deposit_fee_is_a_fee_given_back() -> None:
    entry = simulate.payout_entry(
        payout_id=PAYOUT, type="DEPOSIT_FEE_REVERSED", gross=125, fee=0, currency="USD"
    )
    [fee, _] = events_for(fixture("event_payout_paid.json"), {"payout_entries": [entry]})
    assert fee.amount == Decimal("-1.25")


def test_payout_without_entries_is_the_payout_alone() -> None:
    [payout] = events_for(fixture("event_payout_paid.json"))
    assert payout.amount == Decimal("28.40")


def test_a_withdrawal_payout_is_negative() -> None:
    po = simulate.payout(amount=-103, currency="USD", arrival_date=date(2024, 12, 3))
    [payout] = events_for(simulate.payout_paid(po))
    assert payout.amount == Decimal("-1.03")


def test_an_entry_of_another_payout_is_refused() -> None:
    entry = payout_entries()[3] | {"payout_id": "po_other"}
    with pytest.raises(MalformedPayloadError, match=r"payout_entries\[0\]\.payout_id"):
        events_for(fixture("event_payout_paid.json"), {"payout_entries": [entry]})


def test_payout_failed_points_at_the_payout_entry() -> None:
    assert events_for(fixture("event_payout_failed.json")) == [
        PayoutFailed(
            key=f"sq1:payout:{PAYOUT}:failed",
            reference=PAYOUT,
            occurred_at=at("2024-11-29T08:15:40.221"),
            currency="USD",
            payout_key=f"sq1:payout:{PAYOUT}",
        ),
    ]


@pytest.mark.parametrize(
    "event_type",
    ["payout.sent", "order.updated", "order.created", "dispute.evidence.added", "customer.created"],
)
def test_other_event_types_are_ignored(event_type: str) -> None:
    assert events_for(fixture("event_payout_paid.json") | {"type": event_type}) == []


# --- malformed payloads -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p["total_money"].update(amount=47.5),
            r"total_money\.amount: floats are not money",
        ),
        (lambda p: p["total_money"].update(amount="47.50"), "expected integer minor units"),
        (lambda p: p["total_money"].update(amount=True), "expected integer minor units"),
        (lambda p: p["total_money"].pop("currency"), r"payment\.total_money\.currency"),
        (lambda p: p["total_money"].update(currency="XYZ"), "unknown currency"),
        (lambda p: p.pop("id"), r"payment\.id"),
        (lambda p: p.update(id="../v2/merchants"), "not a Square id"),
        (lambda p: p.pop("status"), r"payment\.status"),
        (
            lambda p: p["processing_fee"][0].update(effective_at="soon"),
            r"processing_fee\[0\]\.effective_at",
        ),
        (lambda p: p.update(processing_fee={"amount": 1}), r"payment\.processing_fee"),
    ],
)
def test_bad_payment_is_malformed(change: Any, message: str) -> None:
    payload = fixture("event_payment_updated.json")
    change(payment_of(payload))
    with pytest.raises(MalformedPayloadError, match=message):
        events_for(payload)


def test_missing_data_object_is_malformed() -> None:
    payload = fixture("event_refund_updated.json")
    payload["data"]["object"] = {"payment": payload["data"]["object"]["refund"]}
    with pytest.raises(MalformedPayloadError, match=r"event\.data\.object\.refund"):
        events_for(payload)
    del payload["data"]["object"]
    with pytest.raises(MalformedPayloadError, match=r"event\.data\.object"):
        events_for(payload)


def test_bad_arrival_date_and_entries_are_malformed() -> None:
    payload = fixture("event_payout_paid.json")
    payload["data"]["object"]["payout"]["arrival_date"] = "27/11/2024"
    with pytest.raises(MalformedPayloadError, match=r"payout\.arrival_date"):
        events_for(payload)
    with pytest.raises(MalformedPayloadError, match=r"lookups\.payout_entries"):
        events_for(fixture("event_payout_paid.json"), {"payout_entries": {"id": "x"}})
    entry = payout_entries()[3]
    entry["net_amount_money"]["amount"] = -2.5
    with pytest.raises(MalformedPayloadError, match=r"payout_entries\[0\]\.net_amount_money"):
        events_for(fixture("event_payout_paid.json"), {"payout_entries": [entry]})


# --- look-ups on a real loopback server -------------------------------------------------------


def lookups_for(server: StandIn, payload: Any) -> dict[str, Any]:
    envelope = adapter.identify(signed(payload))
    with httpx.Client(base_url=server.url, headers=adapter.auth_headers(config())) as http:
        return adapter.lookups(envelope, config(), http)


ENTRIES_PATH = f"/v2/payouts/{PAYOUT}/payout-entries"


def test_payout_lookup_follows_the_cursor_through_every_page(standin: StandIn) -> None:
    page1, page2 = fixture("payout_entries_page1.json"), fixture("payout_entries_page2.json")
    standin.put(ENTRIES_PATH, page1, query={"limit": "100"})
    standin.put(ENTRIES_PATH, page2, query={"limit": "100", "cursor": page1["cursor"]})
    assert lookups_for(standin, fixture("event_payout_paid.json")) == {
        "payout_entries": payout_entries()
    }
    assert standin.requests == [
        ("GET", ENTRIES_PATH, {"limit": "100"}),
        ("GET", ENTRIES_PATH, {"limit": "100", "cursor": page1["cursor"]}),
    ]


def test_an_empty_entry_list_is_omitted_by_square(standin: StandIn) -> None:
    standin.put(ENTRIES_PATH, simulate.payout_entries_page([]))
    assert lookups_for(standin, fixture("event_payout_paid.json")) == {"payout_entries": []}


def test_no_lookup_for_events_that_carry_their_amounts(standin: StandIn) -> None:
    for name in (
        "event_payment_updated.json",
        "event_refund_updated.json",
        "event_dispute_created.json",
        "event_payout_failed.json",
    ):
        assert lookups_for(standin, fixture(name)) == {}
    assert standin.requests == []


def test_failed_lookup_raises(standin: StandIn) -> None:
    with pytest.raises(LookupFailedError, match="payout-entries"):
        lookups_for(standin, fixture("event_payout_paid.json"))
    standin.put(ENTRIES_PATH, {"errors": [{"category": "AUTHENTICATION_ERROR"}]}, status=401)
    with pytest.raises(LookupFailedError):
        lookups_for(standin, fixture("event_payout_paid.json"))


def test_pagination_that_does_not_advance_fails(standin: StandIn) -> None:
    standin.put(ENTRIES_PATH, fixture("payout_entries_page1.json"))
    with pytest.raises(LookupFailedError, match="does not advance"):
        lookups_for(standin, fixture("event_payout_paid.json"))


def test_a_page_that_is_not_a_list_fails(standin: StandIn) -> None:
    standin.put(ENTRIES_PATH, {"payout_entries": {"id": "poe_1"}})
    with pytest.raises(LookupFailedError, match="not a list"):
        lookups_for(standin, fixture("event_payout_paid.json"))


# --- simulate round trip, and the books ------------------------------------------------------


def test_a_day_of_simulated_traffic_clears_the_gateway_account() -> None:
    from tests.unit.domain.factories import CLEARING, balances, post, retail_context

    day = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)
    pay = simulate.payment(amount=4250, tip=500, currency="EUR", order_id="1042", at=day)
    assert simulate.fee_for(4750) == 139  # 2.6 % of 47.50 = 1.235 -> 1.24, + 0.15
    rf = simulate.refund(payment_id=pay["id"], amount=1500, currency="EUR", fee_returned=39, at=day)
    du = simulate.dispute(payment_id=pay["id"], amount=4750, currency="EUR", at=day)
    po = simulate.payout(
        amount=4750 - 139 - 1500 + 39 - 250, currency="EUR", arrival_date=date(2024, 11, 22), at=day
    )
    monthly = simulate.payout_entry(
        payout_id=po["id"], type="FEE", gross=-250, fee=0, currency="EUR", at=day
    )
    deliveries = [
        (simulate.payment_created(pay | {"status": "APPROVED"}), {}),
        (simulate.payment_updated(pay), {}),
        (simulate.payment_updated(pay), {}),  # Square reports the same payment again
        (simulate.refund_created(rf | {"status": "PENDING"}), {}),
        (simulate.refund_updated(rf), {}),
        (simulate.dispute_created(du), {}),
        (simulate.dispute_state_updated(du, "WON"), {}),
        (simulate.payout_paid(po), {"payout_entries": [monthly]}),
    ]
    posted: dict[str, Any] = {}
    for payload, lookups in deliveries:
        message = signed(payload)
        adapter.verify(message, config(), NOW)
        for event in adapter.normalize(adapter.identify(message), lookups, config()):
            posted.setdefault(event.key, event)  # at most once per key, as the service posts
    assert len(posted) == 8  # charge, fee, refund, fee back, withdrawn, reinstated, fee, payout
    ctx = retail_context(source="square", recognize_revenue=True)
    entries = [e for e in (post(event, ctx) for event in posted.values()) if e]
    assert balances(entries)[CLEARING] == 0
