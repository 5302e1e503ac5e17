"""Stripe adapter: Stripe-Signature (rotation, tolerance), identify, look-ups on a real
loopback server, and every accounting event type normalised to canonical events."""

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
from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError, SignatureError
from ledgerbridge.domain.events import (
    Charge,
    Conversion,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Noted,
    Payout,
    PayoutFailed,
)
from ledgerbridge.sources.base import Delivery, SourceConfig
from ledgerbridge.sources.stripe import simulate
from ledgerbridge.sources.stripe.adapter import StripeAdapter
from ledgerbridge.sources.stripe.verify import signature_for

FIXTURES = Path(__file__).parents[2] / "fixtures" / "stripe"
NOW = datetime(2024, 11, 26, 8, 0, 30, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "whsec_Zq8uN3xV6bR1tY4wP7sK0mL2jH5gF9dA"
OLD_SECRET = "whsec_Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv"
CHARGE = "ch_3QPk7pHd2mXa9LcE1Kf8ZrWd"
TXN = "txn_3QPk7pHd2mXa9LcE1gYt6UoP"
adapter = StripeAdapter()


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def config(*secrets: str) -> SourceConfig:
    return SourceConfig(
        id="st1",
        platform="stripe",
        ledger="main",
        secrets=secrets or (SECRET,),
        credentials={"secret_key": "sk_test_123"},
    )


def delivery(body: bytes, headers: dict[str, str]) -> Delivery:
    return Delivery(body=body, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW)


def signed(payload: Any, secret: str = SECRET, timestamp: int = T) -> Delivery:
    body = simulate.encode(payload)
    return delivery(body, simulate.sign(body, secret, timestamp))


def events_for(payload: Any, lookups: dict[str, Any] | None = None) -> list[Any]:
    envelope = adapter.identify(signed(payload))
    return adapter.normalize(envelope, lookups or {}, config())


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


# --- verify -----------------------------------------------------------------------------------


def test_valid_signature_is_accepted() -> None:
    adapter.verify(signed(fixture("event_charge_succeeded.json")), config(), NOW)


def test_signature_is_lowercase_hex_hmac_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    body = b'{"id": "evt_1"}'
    expected = hmac.new(SECRET.encode(), b"1732608000." + body, hashlib.sha256).hexdigest()
    assert signature_for(body, SECRET, 1732608000) == expected
    header = simulate.sign(body, SECRET, 1732608000)["Stripe-Signature"]
    assert header == f"t=1732608000,v1={expected}"


@pytest.mark.parametrize("secret", [SECRET, OLD_SECRET])
def test_rotation_accepts_either_configured_secret(secret: str) -> None:
    adapter.verify(
        signed(fixture("event_payout_paid.json"), secret), config(SECRET, OLD_SECRET), NOW
    )


def test_any_of_several_v1_signatures_may_match() -> None:
    body = simulate.encode(fixture("event_payout_paid.json"))
    headers = simulate.sign(body, "whsec_unknown", T, also=[OLD_SECRET])
    assert headers["Stripe-Signature"].count("v1=") == 2
    adapter.verify(delivery(body, headers), config(SECRET, OLD_SECRET), NOW)
    headers["Stripe-Signature"] += ",v0=deadbeef"
    adapter.verify(delivery(body, headers), config(OLD_SECRET), NOW)


def test_wrong_secret_is_rejected() -> None:
    with pytest.raises(SignatureError, match="no v1 signature") as info:
        adapter.verify(signed(fixture("event_payout_paid.json"), "whsec_other"), config(), NOW)
    assert SECRET not in str(info.value)


def test_tampered_body_is_rejected() -> None:
    good = signed(fixture("event_charge_succeeded.json"))
    tampered = Delivery(
        body=good.body.replace(b"4990", b"4999"), headers=good.headers, received_at=NOW
    )
    with pytest.raises(SignatureError):
        adapter.verify(tampered, config(), NOW)


def test_missing_header_is_rejected() -> None:
    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(delivery(b"{}", {"Content-Type": "application/json"}), config(), NOW)


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "v1=abc",
        "t=,v1=abc",
        "t=12x4,v1=abc",
        "t=1732608030",
        "t=1732608030,v0=abc",
        "t=1,t=2,v1=abc",
    ],
)
def test_garbled_header_is_rejected(header: str) -> None:
    with pytest.raises(SignatureError):
        adapter.verify(delivery(b"{}", {"Stripe-Signature": header}), config(), NOW)


@pytest.mark.parametrize(("offset", "ok"), [(-300, True), (300, True), (-301, False), (301, False)])
def test_timestamp_tolerance_is_300_seconds_both_ways(offset: int, ok: bool) -> None:
    message = signed(fixture("event_payout_paid.json"), timestamp=T + offset)
    if ok:
        adapter.verify(message, config(), NOW)
    else:
        with pytest.raises(SignatureError, match="tolerance 300 s"):
            adapter.verify(message, config(), NOW)


# --- identify, headers ------------------------------------------------------------------------


def test_identify_reads_event_id_type_and_time() -> None:
    envelope = adapter.identify(signed(fixture("event_charge_succeeded.json")))
    assert envelope.event_id == "evt_3QPk7rHd2mXa9LcE0v4Tq1Bn"
    assert envelope.event_type == "charge.succeeded"
    assert envelope.occurred_at == at(1732608003)
    assert not envelope.ping


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"type": "charge.succeeded", "created": 1}', "event.id"),
        (b'{"id": "evt_1", "created": 1}', "event.type"),
        (b'{"id": "evt_1", "type": "charge.succeeded", "created": 1.5}', "event.created"),
    ],
)
def test_unreadable_event_is_malformed(body: bytes, message: str) -> None:
    with pytest.raises(MalformedPayloadError, match=message):
        adapter.identify(delivery(body, {}))


def test_auth_headers_and_defaults() -> None:
    assert adapter.auth_headers(config()) == {
        "Authorization": "Bearer sk_test_123",
        "Stripe-Version": "2024-06-20",
    }
    no_key = SourceConfig(id="st1", platform="stripe", ledger="main", secrets=(SECRET,))
    assert adapter.auth_headers(no_key) == {}
    assert adapter.default_role == "gateway"
    assert adapter.default_api_base_url == "https://api.stripe.com"
    assert all(h == h.lower() for h in adapter.keep_headers)


# --- normalize: charges and refunds -----------------------------------------------------------


def test_charge_succeeded_is_a_charge_and_a_fee_in_settlement_currency() -> None:
    events = events_for(
        fixture("event_charge_succeeded.json"),
        {"balance_transaction": fixture("balance_transaction_charge.json")},
    )
    assert events == [
        Charge(
            key=f"st1:charge:{CHARGE}",
            reference=CHARGE,
            occurred_at=at(1732608003),
            currency="EUR",
            amount=Decimal("49.90"),
            order_reference="WC-2201",
            settled_currency="USD",
            settled_amount=Decimal("54.21"),
        ),
        Fee(
            key=f"st1:fee:{TXN}",
            reference=CHARGE,
            occurred_at=at(1732608001),
            currency="USD",
            amount=Decimal("1.06"),
            charge_reference=CHARGE,
        ),
        Conversion(
            key=f"st1:fx:{TXN}",
            reference=TXN,
            occurred_at=at(1732608001),
            currency="EUR",
            amount=Decimal("49.90"),
            to_currency="USD",
            to_amount=Decimal("54.21"),
            charge_reference=CHARGE,
        ),
    ]


def test_expanded_balance_transaction_needs_no_lookup() -> None:
    payload = fixture("event_charge_succeeded.json")
    payload["type"] = "charge.captured"
    payload["data"]["object"]["balance_transaction"] = fixture("balance_transaction_charge.json")
    events = events_for(payload)
    assert [type(e) for e in events] == [Charge, Fee, Conversion]
    assert events[1].key == f"st1:fee:{TXN}"


def test_partial_capture_uses_amount_captured_and_order_number() -> None:
    payload = fixture("event_charge_succeeded.json")
    charge = payload["data"]["object"]
    charge["amount_captured"] = 3000
    charge["metadata"] = {"order_number": 1042}
    [event] = events_for(payload)  # no look-up: no fee yet
    assert event.amount == Decimal("30.00")
    assert event.order_reference == "1042"


def test_uncaptured_charge_posts_nothing_yet() -> None:
    ch = simulate.charge(amount=1000, currency="usd", captured=False)
    assert events_for(simulate.charge_succeeded(ch)) == []


def test_zero_decimal_and_stripe_two_decimal_currencies() -> None:
    jpy = simulate.charge(amount=4500, currency="jpy")
    assert events_for(simulate.charge_succeeded(jpy))[0].amount == Decimal("4500")
    isk = simulate.charge(amount=450000, currency="isk")  # Stripe: 100 = 1 króna
    assert events_for(simulate.charge_succeeded(isk))[0].amount == Decimal("4500")
    fractional = simulate.charge(amount=450050, currency="isk")
    with pytest.raises(MalformedPayloadError, match="not whole"):
        events_for(simulate.charge_succeeded(fractional))


def test_lookup_for_another_balance_transaction_is_refused() -> None:
    other = fixture("balance_transaction_charge.json") | {"id": "txn_other"}
    with pytest.raises(MalformedPayloadError, match=r"lookups\.balance_transaction"):
        events_for(fixture("event_charge_succeeded.json"), {"balance_transaction": other})


def test_charge_refunded_is_one_gateway_refund_per_live_refund() -> None:
    events = events_for(fixture("event_charge_refunded.json"))
    assert events == [
        GatewayRefund(
            key="st1:refund:re_3QQ0aKHd2mXa9LcE1xP4nT8c",
            reference="re_3QQ0aKHd2mXa9LcE1xP4nT8c",
            occurred_at=at(1732694408),
            currency="EUR",
            amount=Decimal("15.00"),
            charge_reference=CHARGE,
        ),
        GatewayRefund(
            key="st1:refund:re_3QPzK0Hd2mXa9LcE0mWq9Ds1",
            reference="re_3QPzK0Hd2mXa9LcE0mWq9Ds1",
            occurred_at=at(1732690021),
            currency="EUR",
            amount=Decimal("5.00"),
            charge_reference=CHARGE,
        ),
    ]  # the failed refund posts nothing


def test_refund_created_has_the_same_key_as_charge_refunded() -> None:
    [event] = events_for(fixture("event_refund_created.json"))
    assert event == events_for(fixture("event_charge_refunded.json"))[0]


def test_refunds_from_lookup_when_not_embedded() -> None:
    payload = fixture("event_charge_refunded.json")
    refunds = payload["data"]["object"].pop("refunds")["data"]
    assert events_for(payload) == []
    assert len(events_for(payload, {"refunds": refunds})) == 2


# --- normalize: disputes ----------------------------------------------------------------------


def test_dispute_created_withdraws_the_balance_transaction_amount_and_fee() -> None:
    assert events_for(fixture("event_charge_dispute_created.json")) == [
        DisputeFunds(
            key="st1:dispute:du_1QRb4cHd2mXa9LcE4pUv8Hs2:withdrawn",
            reference="du_1QRb4cHd2mXa9LcE4pUv8Hs2",
            occurred_at=at(1732867199),
            currency="USD",
            withdrawn=Decimal("53.98"),
            fee=Decimal("15.00"),
            charge_reference=CHARGE,
        ),
    ]


def test_funds_withdrawn_shares_the_key_of_dispute_created() -> None:
    payload = fixture("event_charge_dispute_created.json")
    payload["type"] = "charge.dispute.funds_withdrawn"
    assert events_for(payload) == events_for(fixture("event_charge_dispute_created.json"))


def test_dispute_without_balance_transactions_withdraws_its_amount() -> None:
    payload = fixture("event_charge_dispute_created.json")
    payload["data"]["object"]["balance_transactions"] = []
    [event] = events_for(payload)
    assert (event.currency, event.withdrawn, event.fee) == ("EUR", Decimal("49.90"), 0)


def test_inquiry_is_only_noted() -> None:
    payload = fixture("event_charge_dispute_created.json")
    payload["data"]["object"] |= {"balance_transactions": [], "status": "warning_needs_response"}
    [event] = events_for(payload)
    assert isinstance(event, Noted)
    assert event.key == "st1:dispute:du_1QRb4cHd2mXa9LcE4pUv8Hs2:inquiry"


def test_dispute_closed_won_reinstates_amount_and_fee_legacy_dp_id() -> None:
    dp = "dp_1QRb4cHd2mXa9LcE7tNw2Qa6"
    expected = DisputeFunds(
        key=f"st1:dispute:{dp}:reinstated",
        reference=dp,
        occurred_at=at(1733990399),
        currency="GBP",
        withdrawn=Decimal("-25.00"),
        fee=Decimal("-20.00"),
        charge_reference="ch_3QPm1sHd2mXa9LcE0Rk5Te2y",
    )
    assert events_for(fixture("event_charge_dispute_closed_won.json")) == [expected]
    payload = fixture("event_charge_dispute_closed_won.json")
    payload["type"] = "charge.dispute.funds_reinstated"
    assert events_for(payload) == [expected]


def test_reinstatement_without_balance_transactions_negates_the_dispute_amount() -> None:
    du = simulate.dispute(charge_id=CHARGE, amount=4990, currency="eur")
    [event] = events_for(simulate.dispute_funds_reinstated(du))
    assert (event.withdrawn, event.fee, event.currency) == (Decimal("-49.90"), 0, "EUR")


def test_dispute_closed_lost_is_noted() -> None:
    payload = fixture("event_charge_dispute_closed_won.json")
    payload["data"]["object"]["status"] = "lost"
    [event] = events_for(payload)
    assert isinstance(event, Noted)
    assert event.key == "st1:dispute:dp_1QRb4cHd2mXa9LcE7tNw2Qa6:closed"
    assert "lost" in event.note


# --- normalize: payouts -----------------------------------------------------------------------


def test_payout_paid_books_fees_of_its_charges_and_the_payout() -> None:
    txns = (
        fixture("payout_balance_transactions_page1.json")["data"]
        + fixture("payout_balance_transactions_page2.json")["data"]
    )
    events = events_for(fixture("event_payout_paid.json"), {"payout_balance_transactions": txns})
    po = "po_1QSGq2Hd2mXa9LcEx8Vc3Jk0"
    assert events == [
        Fee(
            key=f"st1:fee:{TXN}",
            reference=CHARGE,
            occurred_at=at(1732608001),
            currency="USD",
            amount=Decimal("1.06"),
            charge_reference=CHARGE,
        ),
        Fee(
            key="st1:fee:txn_3QQ3cFHd2mXa9LcE0pL7Gh2s",
            reference="py_3QQ3cFHd2mXa9LcE0s1Vw9Zq",
            occurred_at=at(1732710005),
            currency="USD",
            amount=Decimal("0.48"),
            charge_reference="py_3QQ3cFHd2mXa9LcE0s1Vw9Zq",
        ),
        Payout(
            key=f"st1:payout:{po}",
            reference=po,
            occurred_at=at(1733097610),
            currency="USD",
            amount=Decimal("187.44"),
            arrival=at(1733097600),
        ),
    ]
    # the fee posted at charge time and at payout time has one key: it posts once
    charge_fee = events_for(
        fixture("event_charge_succeeded.json"),
        {"balance_transaction": fixture("balance_transaction_charge.json")},
    )[1]
    assert charge_fee == events[0]


def test_payout_failed_points_at_the_payout_entry() -> None:
    po = "po_1QSGq2Hd2mXa9LcEx8Vc3Jk0"
    assert events_for(fixture("event_payout_failed.json")) == [
        PayoutFailed(
            key=f"st1:payout:{po}:failed",
            reference=po,
            occurred_at=at(1733184000),
            currency="USD",
            payout_key=f"st1:payout:{po}",
        ),
    ]


def test_other_event_types_are_ignored() -> None:
    payload = fixture("event_payout_paid.json") | {"type": "payout.created"}
    assert events_for(payload) == []
    assert events_for({"id": "evt_1", "type": "customer.created", "created": T}) == []


# --- malformed payloads -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(amount=49.9, amount_captured=49.9), "floats are not money"),
        (lambda c: c.update(amount="49.90", amount_captured=None), "expected integer minor units"),
        (lambda c: c.pop("currency"), "charge.currency"),
        (lambda c: c.update(currency="zzz"), "unknown currency"),
        (lambda c: c.pop("id"), "charge.id"),
    ],
)
def test_bad_charge_is_malformed(change: Any, message: str) -> None:
    payload = fixture("event_charge_succeeded.json")
    change(payload["data"]["object"])
    with pytest.raises(MalformedPayloadError, match=message):
        events_for(payload)


def test_missing_data_object_is_malformed() -> None:
    payload = fixture("event_payout_paid.json")
    del payload["data"]["object"]
    with pytest.raises(MalformedPayloadError, match=r"event\.data\.object"):
        events_for(payload)


def test_float_fee_in_balance_transaction_is_malformed() -> None:
    txn = fixture("balance_transaction_charge.json") | {"fee": 1.06}
    with pytest.raises(MalformedPayloadError, match=r"balance_transaction\.fee"):
        events_for(fixture("event_charge_succeeded.json"), {"balance_transaction": txn})


# --- look-ups on a real loopback server -------------------------------------------------------


def lookups_for(server: StandIn, payload: Any) -> dict[str, Any]:
    envelope = adapter.identify(signed(payload))
    with httpx.Client(base_url=server.url, headers=adapter.auth_headers(config())) as http:
        return adapter.lookups(envelope, config(), http)


def test_charge_lookup_fetches_its_balance_transaction(standin: StandIn) -> None:
    standin.put(f"/v1/balance_transactions/{TXN}", fixture("balance_transaction_charge.json"))
    found = lookups_for(standin, fixture("event_charge_succeeded.json"))
    assert found == {"balance_transaction": fixture("balance_transaction_charge.json")}
    assert standin.requests == [("GET", f"/v1/balance_transactions/{TXN}", {})]


def test_no_lookup_when_expanded_or_irrelevant(standin: StandIn) -> None:
    payload = fixture("event_charge_succeeded.json")
    payload["data"]["object"]["balance_transaction"] = fixture("balance_transaction_charge.json")
    assert lookups_for(standin, payload) == {}
    assert lookups_for(standin, fixture("event_charge_dispute_created.json")) == {}
    assert standin.requests == []


def test_payout_lookup_pages_through_all_balance_transactions(standin: StandIn) -> None:
    po = "po_1QSGq2Hd2mXa9LcEx8Vc3Jk0"
    page1 = fixture("payout_balance_transactions_page1.json")
    page2 = fixture("payout_balance_transactions_page2.json")
    standin.put("/v1/balance_transactions", page1, query={"payout": po, "limit": "100"})
    standin.put(
        "/v1/balance_transactions",
        page2,
        query={"payout": po, "limit": "100", "starting_after": page1["data"][-1]["id"]},
    )
    found = lookups_for(standin, fixture("event_payout_paid.json"))
    assert found == {"payout_balance_transactions": page1["data"] + page2["data"]}
    assert [r[2].get("starting_after") for r in standin.requests] == [
        None,
        "txn_3QQ0aKHd2mXa9LcE1b2HcV6m",
    ]


def test_manual_payout_is_not_itemised(standin: StandIn) -> None:
    payload = fixture("event_payout_paid.json")
    payload["data"]["object"]["automatic"] = False
    assert lookups_for(standin, payload) == {"payout_balance_transactions": []}
    assert standin.requests == []


def test_refunds_lookup_when_charge_does_not_embed_them(standin: StandIn) -> None:
    payload = fixture("event_charge_refunded.json")
    refunds = payload["data"]["object"].pop("refunds")
    standin.put("/v1/refunds", refunds, query={"charge": CHARGE})
    txns = _refund_transactions(standin, refunds["data"])
    assert lookups_for(standin, payload) == {
        "refunds": refunds["data"],
        "refund_balance_transactions": txns,
    }


def _refund_transactions(standin: StandIn, refunds: list[dict[str, Any]]) -> dict[str, Any]:
    """Serve a USD balance transaction for every refund that moved money (EUR refunds of a
    charge settled in USD convert back at the refund's own rate)."""
    txns = {}
    for refund in refunds:
        if refund["status"] in ("failed", "canceled"):
            continue
        txn = simulate.balance_transaction(
            amount=-(refund["amount"] * 109 // 100),
            currency="usd",
            source=refund["id"],
            fee=0,
            type="refund",
            txn_id=refund["balance_transaction"],
        )
        standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
        txns[txn["id"]] = txn
    return txns


def test_a_refund_settled_in_another_currency_converts_back(standin: StandIn) -> None:
    payload = fixture("event_charge_refunded.json")
    txns = _refund_transactions(standin, payload["data"]["object"]["refunds"]["data"])
    lookups = lookups_for(standin, payload)
    assert lookups == {"refund_balance_transactions": txns}
    events = events_for(payload, lookups)
    conversions = [e for e in events if isinstance(e, Conversion)]
    assert [(c.amount, c.currency, c.to_amount, c.to_currency) for c in conversions] == [
        (Decimal("-15.00"), "EUR", Decimal("-16.35"), "USD"),
        (Decimal("-5.00"), "EUR", Decimal("-5.45"), "USD"),
    ]
    assert [type(e) for e in events].count(GatewayRefund) == 2


def test_failed_lookup_raises(standin: StandIn) -> None:
    with pytest.raises(LookupFailedError):
        lookups_for(standin, fixture("event_charge_succeeded.json"))


def test_pagination_that_does_not_advance_fails(standin: StandIn) -> None:
    page = copy.deepcopy(fixture("payout_balance_transactions_page1.json"))
    standin.put("/v1/balance_transactions", page)
    with pytest.raises(LookupFailedError, match="does not advance"):
        lookups_for(standin, fixture("event_payout_paid.json"))


# --- simulate round trip ----------------------------------------------------------------------


def test_simulated_traffic_verifies_and_normalises() -> None:
    assert simulate.fee_for(10000) == 175
    assert simulate.fee_for(4990) == 100  # 74.85 rounds to 75, + 25
    ch, txn = simulate.captured_charge(amount=4990, currency="eur", order_id="1042", created=T)
    assert ch["id"].startswith("ch_")
    assert txn["id"].startswith("txn_")
    assert (txn["fee"], txn["net"], txn["source"]) == (100, 4890, ch["id"])
    message = signed(simulate.charge_succeeded(ch, created=T))
    adapter.verify(message, config(), NOW)
    envelope = adapter.identify(message)
    charge, fee = adapter.normalize(envelope, {"balance_transaction": txn}, config())
    assert (charge.amount, charge.currency, charge.order_reference) == (
        Decimal("49.90"),
        "EUR",
        "1042",
    )
    assert (fee.amount, fee.key) == (Decimal("1.00"), f"st1:fee:{txn['id']}")

    rf = simulate.refund(charge_id=ch["id"], amount=1000, currency="eur")
    [refund] = events_for(simulate.charge_refunded(ch, [rf]))
    assert refund == events_for(simulate.refund_created(rf))[0]

    du = simulate.dispute(charge_id=ch["id"], amount=4990, currency="eur")
    du["balance_transactions"] = [
        simulate.dispute_transaction(dispute_id=du["id"], amount=-4990, currency="eur", fee=1500)
    ]
    [withdrawn] = events_for(simulate.dispute_created(du))
    assert (withdrawn.withdrawn, withdrawn.fee) == (Decimal("49.90"), Decimal("15.00"))
    du["balance_transactions"].append(
        simulate.dispute_transaction(dispute_id=du["id"], amount=4990, currency="eur", fee=-1500)
    )
    [back] = events_for(simulate.dispute_closed(du, "won"))
    assert (back.withdrawn, back.fee) == (Decimal("-49.90"), Decimal("-15.00"))

    po = simulate.payout(amount=txn["net"], currency="eur", created=T)
    page = simulate.balance_transaction_page([txn])
    fee_again, payout = events_for(
        simulate.payout_paid(po), {"payout_balance_transactions": page["data"]}
    )
    assert fee_again == fee
    assert payout.amount == Decimal("48.90")
    [failed] = events_for(simulate.payout_failed(po))
    assert failed.payout_key == payout.key


def test_charge_fee_won_dispute_and_payout_clear_the_gateway_account() -> None:
    from tests.unit.domain.factories import CLEARING, balances, post, retail_context

    ch, txn = simulate.captured_charge(amount=4990, currency="eur", created=T)
    du = simulate.dispute(
        charge_id=ch["id"],
        amount=4990,
        currency="eur",
        balance_transactions=[
            simulate.dispute_transaction(dispute_id="du_x", amount=-4990, currency="eur", fee=1500),
            simulate.dispute_transaction(dispute_id="du_x", amount=4990, currency="eur", fee=-1500),
        ],
    )
    po = simulate.payout(amount=txn["net"], currency="eur", created=T)
    deliveries = [
        (simulate.charge_succeeded(ch), {"balance_transaction": txn}),
        (simulate.dispute_created(du), {}),
        (simulate.dispute_funds_withdrawn(du), {}),
        (simulate.dispute_closed(du, "won"), {}),
        (simulate.payout_paid(po), {"payout_balance_transactions": [txn]}),
    ]
    posted: dict[str, Any] = {}
    for payload, lookups in deliveries:
        for event in events_for(payload, lookups):
            posted.setdefault(event.key, event)  # at most once per key, as the service posts
    assert len(posted) == 5  # charge, fee, dispute withdrawn, reinstated, payout
    ctx = retail_context(source="stripe", recognize_revenue=True)
    entries = [e for e in (post(event, ctx) for event in posted.values()) if e]
    assert balances(entries)[CLEARING] == 0
