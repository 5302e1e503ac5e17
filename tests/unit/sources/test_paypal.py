"""PayPal adapter: offline RSA verification (webhook ids, certificate hosts, validity, cache,
transmission-time window, a real loopback certificate server), identify, and every
accounting event type normalised to canonical events."""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ledgerbridge.domain.errors import MalformedPayloadError, SignatureError
from ledgerbridge.domain.events import (
    Charge,
    Conversion,
    DisputeFunds,
    Fee,
    GatewayRefund,
    Noted,
)
from ledgerbridge.sources.base import Delivery, SourceConfig
from ledgerbridge.sources.paypal import simulate, simulate_legacy
from ledgerbridge.sources.paypal.adapter import PayPalAdapter
from ledgerbridge.sources.paypal.verify import cert_url_allowed, signed_message

FIXTURES = Path(__file__).parents[2] / "fixtures" / "paypal"
NOW = datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)
WEBHOOK_ID = "4JH86294D6297924G"
OLD_WEBHOOK_ID = "1JE4291016473214C"
KEY = simulate.signing_key()
PEM = simulate.certificate_pem(KEY, not_before=NOW - timedelta(days=30))
CERT_URL = simulate.cert_url("https://api.paypal.com")
CAP = "7KD40236XH8851942"
CAP2 = "3FV62890MN4471235"


class Certs:
    """An injected Fetch that serves PEMs by URL and counts what it was asked."""

    def __init__(self, pems: dict[str, bytes] | None = None) -> None:
        self.pems = pems if pems is not None else {CERT_URL: PEM}
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.pems:
            raise ConnectionError("connection refused")
        return self.pems[url]


@pytest.fixture
def certs() -> Certs:
    return Certs()


@pytest.fixture
def adapter(certs: Certs) -> PayPalAdapter:
    return PayPalAdapter(fetch=certs)


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def config(webhook_id: Any = WEBHOOK_ID, **settings: Any) -> SourceConfig:
    return SourceConfig(
        id="pp1",
        platform="paypal",
        ledger="main",
        secrets=("unused-by-rsa",),
        settings={"role": "gateway", "webhook_id": webhook_id, **settings},
    )


def delivery(body: bytes, headers: dict[str, str]) -> Delivery:
    return Delivery(body=body, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW)


def signed(
    payload: Any,
    *,
    key: Any = KEY,
    webhook_id: str = WEBHOOK_ID,
    url: str = CERT_URL,
    sent_at: datetime = NOW,
) -> Delivery:
    body = simulate.encode(payload)
    return delivery(
        body, simulate.sign(body, key, webhook_id=webhook_id, cert_url=url, sent_at=sent_at)
    )


def events_for(payload: Any) -> list[Any]:
    adapter = PayPalAdapter(fetch=Certs())
    envelope = adapter.identify(delivery(simulate.encode(payload), {}))
    return adapter.normalize(envelope, {}, config())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- verify -----------------------------------------------------------------------------------


def test_valid_signature_is_accepted(adapter: PayPalAdapter) -> None:
    adapter.verify(signed(fixture("event_capture_completed.json")), config(), NOW)


def test_signed_message_is_id_time_webhook_id_and_unsigned_decimal_crc32() -> None:
    # crc32(b"hello") = 0x3610a686 = 907060870: decimal, not hex.
    assert zlib.crc32(b"hello") & 0xFFFFFFFF == 907060870
    assert signed_message("4cce5920", "2024-08-02T19:34:57Z", "WEBHOOK_ID", b"hello") == (
        b"4cce5920|2024-08-02T19:34:57Z|WEBHOOK_ID|907060870"
    )
    # A CRC with the top bit set stays positive (zlib.crc32 & 0xffffffff).
    body = b'{"id":"WH-1"}' + b" " * 3
    crc = signed_message("i", "t", "w", body).split(b"|")[-1]
    assert int(crc) == zlib.crc32(body) & 0xFFFFFFFF
    assert not crc.startswith(b"-")


@pytest.mark.parametrize("webhook_id", [WEBHOOK_ID, OLD_WEBHOOK_ID])
def test_rotation_any_configured_webhook_id_verifies(
    adapter: PayPalAdapter, webhook_id: str
) -> None:
    message = signed(fixture("event_capture_refunded.json"), webhook_id=webhook_id)
    adapter.verify(message, config([WEBHOOK_ID, OLD_WEBHOOK_ID]), NOW)


def test_rotation_a_new_certificate_url_is_fetched_and_both_keys_verify() -> None:
    new_key = simulate.signing_key()
    new_url = simulate.cert_url("https://api.paypal.com", "CERT-0a1b2c3d-new")
    certs = Certs({CERT_URL: PEM, new_url: simulate.certificate_pem(new_key, not_before=NOW)})
    adapter = PayPalAdapter(fetch=certs)
    adapter.verify(signed(fixture("event_capture_completed.json")), config(), NOW)
    adapter.verify(
        signed(fixture("event_capture_completed.json"), key=new_key, url=new_url), config(), NOW
    )
    assert certs.asked == [CERT_URL, new_url]


def test_wrong_webhook_id_is_rejected(adapter: PayPalAdapter) -> None:
    message = signed(fixture("event_capture_completed.json"), webhook_id="WEBHOOK_ID")
    with pytest.raises(SignatureError, match="does not match") as info:
        adapter.verify(message, config(), NOW)
    assert "unused-by-rsa" not in str(info.value)


def test_signature_by_another_key_is_rejected(adapter: PayPalAdapter) -> None:
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(
            signed(fixture("event_capture_completed.json"), key=simulate.signing_key()),
            config(),
            NOW,
        )


def test_tampered_body_is_rejected(adapter: PayPalAdapter) -> None:
    good = signed(fixture("event_capture_completed.json"))
    tampered = Delivery(
        body=good.body.replace(b"125.00", b"925.00"), headers=good.headers, received_at=NOW
    )
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(tampered, config(), NOW)


@pytest.mark.parametrize(
    "header",
    [
        "PAYPAL-TRANSMISSION-ID",
        "PAYPAL-TRANSMISSION-TIME",
        "PAYPAL-TRANSMISSION-SIG",
        "PAYPAL-CERT-URL",
    ],
)
def test_missing_header_is_rejected(adapter: PayPalAdapter, header: str) -> None:
    good = signed(fixture("event_capture_completed.json"))
    headers = {k: v for k, v in good.headers.items() if k != header.lower()}
    with pytest.raises(SignatureError, match=f"{header} header missing"):
        adapter.verify(delivery(good.body, headers), config(), NOW)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("paypal-transmission-sig", "not base64!", "not base64"),
        ("paypal-auth-algo", "SHA1withRSA", "is not SHA256withRSA"),
        ("paypal-transmission-time", "yesterday", "not an RFC 3339 time"),
    ],
)
def test_garbled_header_is_rejected(
    adapter: PayPalAdapter, header: str, value: str, message: str
) -> None:
    good = signed(fixture("event_capture_completed.json"))
    with pytest.raises(SignatureError, match=message):
        adapter.verify(delivery(good.body, {**good.headers, header: value}), config(), NOW)


@pytest.mark.parametrize(("offset", "ok"), [(-300, True), (300, True), (-301, False), (301, False)])
def test_transmission_time_within_300_seconds_both_ways(
    adapter: PayPalAdapter, offset: int, ok: bool
) -> None:
    message = signed(
        fixture("event_capture_completed.json"), sent_at=NOW + timedelta(seconds=offset)
    )
    if ok:
        adapter.verify(message, config(), NOW)
    else:
        with pytest.raises(SignatureError, match="tolerance 300 s"):
            adapter.verify(message, config(), NOW)


def test_a_source_without_webhook_id_cannot_verify(adapter: PayPalAdapter) -> None:
    with pytest.raises(SignatureError, match="no webhook_id configured"):
        adapter.verify(signed(fixture("event_capture_completed.json")), config(None), NOW)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1a5f47cb", True),
        ("https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42", True),
        ("http://127.0.0.1:8765/v1/notifications/certs/CERT-1", True),  # the configured host
        ("http://127.0.0.1:9999/v1/notifications/certs/CERT-1", False),  # another port
        ("http://api.paypal.com/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1", False),
        ("https://evil.example/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com@evil.example/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com/v1/notifications/certs/../../oauth2/token", False),
        ("https://api.paypal.com/v1/notifications/certs/CERT-1?x=1", False),
        ("https://api.paypal.com/v1/other/CERT-1", False),
        ("https://api-m.paypal.com/v1/notifications/certs/CERT-1", False),
        ("https://api.paypal.com/v1/notifications/certs/..", False),
        ("https://api.paypal.com/v1/notifications/certs/CERT-1\n", False),
        ("https://api.paypal.com:99999/v1/notifications/certs/CERT-1", False),
    ],
)
def test_certificates_come_only_from_paypal_or_the_configured_host(url: str, ok: bool) -> None:
    assert cert_url_allowed(url, "http://127.0.0.1:8765") is ok


def test_a_foreign_certificate_url_is_refused_before_any_fetch(
    certs: Certs, adapter: PayPalAdapter
) -> None:
    url = "https://evil.example/v1/notifications/certs/CERT-1"
    certs.pems[url] = PEM
    with pytest.raises(SignatureError, match="not a PayPal certificate URL"):
        adapter.verify(signed(fixture("event_capture_completed.json"), url=url), config(), NOW)
    assert certs.asked == []


def test_a_certificate_is_fetched_once_per_url(certs: Certs, adapter: PayPalAdapter) -> None:
    for name in ("event_capture_completed.json", "event_capture_refunded.json"):
        adapter.verify(signed(fixture(name)), config(), NOW)
    assert certs.asked == [CERT_URL]


def test_a_failed_fetch_is_a_signature_error_and_is_not_cached(
    certs: Certs, adapter: PayPalAdapter
) -> None:
    certs.pems.clear()
    message = signed(fixture("event_capture_completed.json"))
    with pytest.raises(SignatureError, match="could not be fetched"):
        adapter.verify(message, config(), NOW)
    certs.pems[CERT_URL] = PEM
    adapter.verify(message, config(), NOW)
    assert certs.asked == [CERT_URL, CERT_URL]


def test_a_document_that_is_no_certificate_is_refused(certs: Certs, adapter: PayPalAdapter) -> None:
    certs.pems[CERT_URL] = b"<html>maintenance</html>"
    with pytest.raises(SignatureError, match="could not be fetched"):
        adapter.verify(signed(fixture("event_capture_completed.json")), config(), NOW)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (NOW - timedelta(days=400), NOW - timedelta(days=1)),  # expired
        (NOW + timedelta(days=1), NOW + timedelta(days=300)),  # not yet valid
    ],
)
def test_a_certificate_outside_its_validity_period_is_refused(
    start: datetime, end: datetime
) -> None:
    pem = simulate.certificate_pem(KEY, not_before=start, not_after=end)
    adapter = PayPalAdapter(fetch=Certs({CERT_URL: pem}))
    with pytest.raises(SignatureError, match="outside its validity period"):
        adapter.verify(signed(fixture("event_capture_completed.json")), config(), NOW)


def test_a_certificate_without_an_rsa_key_is_refused() -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ec.example")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    adapter = PayPalAdapter(fetch=Certs({CERT_URL: cert.public_bytes(serialization.Encoding.PEM)}))
    with pytest.raises(SignatureError, match="does not hold an RSA key"):
        adapter.verify(signed(fixture("event_capture_completed.json")), config(), NOW)


@pytest.fixture
def cert_server() -> Iterator[simulate.CertificateServer]:
    with simulate.CertificateServer() as server:
        yield server


def test_the_certificate_is_fetched_over_http_from_the_configured_host(
    cert_server: simulate.CertificateServer,
) -> None:
    url = cert_server.publish(PEM + PEM, "CERT-loopback-1")  # a PEM chain: the first signs
    adapter = PayPalAdapter()  # the real fetch: a small httpx client
    message = signed(fixture("event_capture_completed.json"), url=url)
    settings = {"api_base_url": cert_server.url}
    adapter.verify(message, config(**settings), NOW)
    adapter.verify(message, config(**settings), NOW)
    assert cert_server.requests == ["/v1/notifications/certs/CERT-loopback-1"]
    missing = signed(
        fixture("event_capture_completed.json"), url=simulate.cert_url(cert_server.url, "CERT-gone")
    )
    with pytest.raises(SignatureError, match="could not be fetched"):
        adapter.verify(missing, config(**settings), NOW)
    with pytest.raises(SignatureError, match="not a PayPal certificate URL"):
        adapter.verify(message, config(), NOW)  # without the setting the host is not trusted


# --- identify, headers ------------------------------------------------------------------------


def test_identify_reads_event_id_type_and_time(adapter: PayPalAdapter) -> None:
    envelope = adapter.identify(signed(fixture("event_capture_completed.json")))
    assert envelope.event_id == "WH-2GT41807JV5568732-6AH93025RK1179430"
    assert envelope.event_type == "PAYMENT.CAPTURE.COMPLETED"
    assert envelope.occurred_at == datetime(2026, 3, 2, 10, 0, 4, 213000, tzinfo=UTC)
    assert not envelope.ping


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"event_type": "PAYMENT.CAPTURE.COMPLETED"}', "event.id"),
        (b'{"id": "WH-1", "create_time": "2026-03-02T10:00:00Z"}', "event.event_type"),
        (b'{"id": "WH 1", "event_type": "X"}', "not a PayPal id"),
        (b'{"id": "WH-1", "event_type": "X", "create_time": "noon"}', "event.create_time"),
    ],
)
def test_unreadable_event_is_malformed(adapter: PayPalAdapter, body: bytes, message: str) -> None:
    with pytest.raises(MalformedPayloadError, match=message):
        adapter.identify(delivery(body, {}))


def test_defaults_headers_and_no_lookups(adapter: PayPalAdapter) -> None:
    assert adapter.platform == "paypal"
    assert adapter.default_role == "gateway"
    assert adapter.default_api_base_url == "https://api-m.paypal.com"
    assert adapter.auth_headers(config()) == {}
    assert all(h == h.lower() for h in adapter.keep_headers)
    assert "paypal-transmission-sig" in adapter.keep_headers
    envelope = adapter.identify(signed(fixture("event_capture_completed.json")))
    assert adapter.lookups(envelope, config(), None) == {}  # type: ignore[arg-type]


# --- normalize: captures ----------------------------------------------------------------------


def test_capture_completed_is_a_charge_and_its_fee() -> None:
    assert events_for(fixture("event_capture_completed.json")) == [
        Charge(
            key=f"pp1:charge:{CAP}",
            reference=CAP,
            occurred_at=at("2026-03-02T10:00:01Z"),
            currency="USD",
            amount=Decimal("125.00"),
            order_reference="SHOP-48213",
        ),
        Fee(
            key=f"pp1:fee:{CAP}",
            reference=CAP,
            occurred_at=at("2026-03-02T10:00:01Z"),
            currency="USD",
            amount=Decimal("4.66"),
            charge_reference=CAP,
        ),
    ]


def test_converted_capture_adds_platform_fees_and_converts_the_net_to_what_paypal_credited() -> (
    None
):
    t = at("2026-03-02T11:30:02Z")
    assert events_for(fixture("event_capture_completed_converted.json")) == [
        Charge(
            key=f"pp1:charge:{CAP2}",
            reference=CAP2,
            occurred_at=t,
            currency="USD",
            amount=Decimal("80.00"),
            order_reference="SHOP-48230",
            settled_currency="EUR",
            settled_amount=Decimal("73.59"),
        ),  # 80.00 x 0.919846316, PayPal's own rate
        Fee(
            key=f"pp1:fee:{CAP2}",
            reference=CAP2,
            occurred_at=t,
            currency="USD",
            amount=Decimal("4.52"),
            charge_reference=CAP2,
        ),  # 3.02 PayPal + 1.50 platform
        Conversion(
            key=f"pp1:fx:{CAP2}",
            reference=CAP2,
            occurred_at=t,
            currency="USD",
            amount=Decimal("75.48"),
            to_currency="EUR",
            to_amount=Decimal("69.43"),
            charge_reference=CAP2,
        ),
    ]


def test_fee_charged_in_the_receivable_currency_is_booked_there() -> None:
    resource = simulate.capture(
        "50.00",
        "USD",
        capture_id="8AB12345CD6789012",
        fee="1.95",
        receivable=("43.00", "EUR"),
        fee_in_receivable="1.70",
    )
    events = events_for(simulate.event("PAYMENT.CAPTURE.COMPLETED", resource))
    fee, conversion = events[1], events[2]
    assert (fee.currency, fee.amount) == ("EUR", Decimal("1.70"))
    # All 50.00 USD leaves clearing; 43.00 + 1.70 EUR arrive, of which the fee takes 1.70.
    assert (conversion.amount, conversion.to_amount) == (Decimal("50.00"), Decimal("44.70"))


def test_zero_decimal_currency_is_exact() -> None:
    resource = simulate.capture("1500", "JPY", capture_id="5JP00000AB1234567", fee="83")
    charge, fee = events_for(simulate.event("PAYMENT.CAPTURE.COMPLETED", resource))
    assert (charge.amount, charge.currency, fee.amount) == (Decimal("1500"), "JPY", Decimal("83"))


def test_capture_without_breakdown_is_only_a_charge() -> None:
    payload = fixture("event_capture_completed.json")
    del payload["resource"]["seller_receivable_breakdown"]
    assert [type(e) for e in events_for(payload)] == [Charge]


def test_pending_capture_is_noted() -> None:
    assert events_for(fixture("event_capture_pending.json")) == [
        Noted(
            key="pp1:capture:1LM07725YD3346190:pending",
            reference="1LM07725YD3346190",
            occurred_at=at("2026-03-02T13:09:58Z"),
            currency="USD",
            note="Payment 1LM07725YD3346190 of 60.00 USD is pending: no money moved",
        ),
    ]


@pytest.mark.parametrize("name", ["event_checkout_order_approved.json"])
def test_irrelevant_events_post_nothing(name: str) -> None:
    assert events_for(fixture(name)) == []
    payload = fixture("event_capture_completed.json")
    for event_type in ("CUSTOMER.DISPUTE.UPDATED", "PAYMENT.PAYOUTSBATCH.SUCCESS"):
        assert events_for({**payload, "event_type": event_type}) == []


# --- normalize: refunds -----------------------------------------------------------------------


def test_capture_refunded_is_a_gateway_refund_and_the_fee_given_back() -> None:
    ref, t = "0NJ83361GA7702159", at("2026-03-04T09:12:31Z")
    assert events_for(fixture("event_capture_refunded.json")) == [
        GatewayRefund(
            key=f"pp1:refund:{ref}",
            reference=ref,
            occurred_at=t,
            currency="USD",
            amount=Decimal("40.00"),
            charge_reference=CAP,
        ),
        Fee(
            key=f"pp1:fee:{ref}",
            reference=CAP,
            occurred_at=t,
            currency="USD",
            amount=Decimal("-1.49"),
            charge_reference=CAP,
        ),
    ]


def test_refund_of_a_converted_capture_converts_back_what_paypal_debited() -> None:
    ref, t = "6TA19027WE3358846", at("2026-03-05T15:44:51Z")
    assert events_for(fixture("event_capture_refunded_converted.json")) == [
        GatewayRefund(
            key=f"pp1:refund:{ref}",
            reference=ref,
            occurred_at=t,
            currency="USD",
            amount=Decimal("30.00"),
            charge_reference=CAP2,
        ),
        Fee(
            key=f"pp1:fee:{ref}",
            reference=CAP2,
            occurred_at=t,
            currency="USD",
            amount=Decimal("-0.90"),
            charge_reference=CAP2,
        ),
        Conversion(
            key=f"pp1:fx:{ref}",
            reference=ref,
            occurred_at=t,
            currency="USD",
            amount=Decimal("-29.10"),
            to_currency="EUR",
            to_amount=Decimal("-26.81"),
            charge_reference=CAP2,
        ),
    ]


def test_refund_arriving_before_its_capture_posts_on_its_own() -> None:
    """Ordering: a refund never waits for its capture; it names the capture from its up link."""
    resource = simulate.refund(
        "12.00", "USD", capture_id="9NEVERSEEN0000001", refund_id="1REF0000000000001"
    )
    (refund,) = events_for(simulate.event("PAYMENT.CAPTURE.REFUNDED", resource))
    assert refund.charge_reference == "9NEVERSEEN0000001"
    assert refund.key == "pp1:refund:1REF0000000000001"


def test_failed_refund_gives_nothing_back() -> None:
    payload = fixture("event_capture_refunded.json")
    payload["resource"]["status"] = "FAILED"
    assert events_for(payload) == []


# --- normalize: reversals and disputes --------------------------------------------------------


def test_capture_reversed_withdraws_the_funds() -> None:
    rev = "9EX27705NS1188463"
    assert events_for(fixture("event_capture_reversed.json")) == [
        DisputeFunds(
            key=f"pp1:dispute:{rev}:withdrawn",
            reference=rev,
            occurred_at=at("2026-03-09T18:01:58Z"),
            currency="USD",
            withdrawn=Decimal("125.00"),
            charge_reference=CAP,
        ),
    ]


def test_reversal_in_the_receivable_currency_withdraws_what_paypal_debited() -> None:
    resource = simulate.refund(
        "30.00",
        "USD",
        capture_id=CAP2,
        refund_id="4REV0000000000001",
        fee_returned="0.90",
        net_in_receivable=("26.81", "EUR"),
    )
    (funds,) = events_for(simulate.event("PAYMENT.CAPTURE.REVERSED", resource))
    assert (funds.currency, funds.withdrawn, funds.fee) == ("EUR", Decimal("26.81"), 0)


def test_dispute_created_is_noted() -> None:
    assert events_for(fixture("event_dispute_created.json")) == [
        Noted(
            key="pp1:dispute:PP-D-48817:created",
            reference="PP-D-48817",
            occurred_at=at("2026-03-09T17:55:20Z"),
            currency="USD",
            note="Dispute PP-D-48817 opened for 125.00 USD (UNAUTHORISED, CHARGEBACK): "
            "funds move when PayPal reverses the capture",
        ),
    ]


def test_dispute_resolved_for_the_seller_reinstates_the_funds() -> None:
    assert events_for(fixture("event_dispute_resolved_seller.json")) == [
        DisputeFunds(
            key="pp1:dispute:PP-D-48817:reinstated",
            reference="PP-D-48817",
            occurred_at=at("2026-04-02T08:20:30Z"),
            currency="USD",
            withdrawn=Decimal("-125.00"),
            charge_reference=CAP,
        ),
    ]


def test_dispute_resolved_for_the_buyer_is_noted() -> None:
    assert events_for(fixture("event_dispute_resolved_buyer.json")) == [
        Noted(
            key="pp1:dispute:PP-D-48817:resolved",
            reference="PP-D-48817",
            occurred_at=at("2026-04-02T08:20:50Z"),
            currency="USD",
            note="Dispute PP-D-48817 resolved RESOLVED_BUYER_FAVOUR: funds stay withdrawn",
        ),
    ]


def test_money_movements_say_what_came_back() -> None:
    resource = simulate.dispute(
        "125.00",
        "USD",
        capture_id=CAP,
        dispute_id="PP-D-50001",
        outcome="RESOLVED_SELLER_FAVOUR",
        money_movements=[
            simulate.movement("125.00", "USD", kind="DEBIT"),
            simulate.movement("115.00", "USD", kind="CREDIT"),
            simulate.movement("10.00", "USD", party="BUYER"),
        ],
    )
    (funds,) = events_for(simulate.event("CUSTOMER.DISPUTE.RESOLVED", resource))
    assert funds.withdrawn == Decimal("-115.00")
    nothing = simulate.dispute(
        "125.00",
        "USD",
        capture_id=CAP,
        dispute_id="PP-D-50002",
        outcome="CANCELED_BY_BUYER",
        money_movements=[simulate.movement("125.00", "USD", kind="DEBIT")],
    )
    (noted,) = events_for(simulate.event("CUSTOMER.DISPUTE.RESOLVED", nothing))
    assert isinstance(noted, Noted)
    assert "nothing had been taken" in noted.note


def test_an_inquiry_resolved_for_the_seller_took_nothing() -> None:
    resource = simulate.dispute(
        "20.00",
        "USD",
        capture_id=CAP,
        dispute_id="PP-D-50003",
        stage="INQUIRY",
        outcome="RESOLVED_SELLER_FAVOUR",
    )
    (noted,) = events_for(simulate.event("CUSTOMER.DISPUTE.RESOLVED", resource))
    assert isinstance(noted, Noted)


# --- normalize: legacy v1 sales ---------------------------------------------------------------


def test_legacy_sale_completed_is_a_charge_and_its_fee() -> None:
    sale, t = "2WK61983PB4420775", at("2026-03-03T12:00:01Z")
    assert events_for(fixture("event_sale_completed.json")) == [
        Charge(
            key=f"pp1:charge:{sale}",
            reference=sale,
            occurred_at=t,
            currency="USD",
            amount=Decimal("19.90"),
            order_reference="SUB-2207",
        ),
        Fee(
            key=f"pp1:fee:{sale}",
            reference=sale,
            occurred_at=t,
            currency="USD",
            amount=Decimal("0.88"),
            charge_reference=sale,
        ),
    ]


def test_legacy_sale_refunded_reads_a_negative_total() -> None:
    ref, sale, t = "5HX72004MF1193368", "2WK61983PB4420775", at("2026-03-06T08:30:01Z")
    assert events_for(fixture("event_sale_refunded.json")) == [
        GatewayRefund(
            key=f"pp1:refund:{ref}",
            reference=ref,
            occurred_at=t,
            currency="USD",
            amount=Decimal("19.90"),
            charge_reference=sale,
        ),
        Fee(
            key=f"pp1:fee:{ref}",
            reference=sale,
            occurred_at=t,
            currency="USD",
            amount=Decimal("-0.58"),
            charge_reference=sale,
        ),
    ]


def test_legacy_builders_round_trip() -> None:
    sale = simulate_legacy.legacy_sale("10.00", "EUR", fee="0.64", sale_id="3SALE000000000001")
    charge, fee = events_for(simulate.event("PAYMENT.SALE.COMPLETED", sale))
    assert (charge.amount, fee.amount) == (Decimal("10.00"), Decimal("0.64"))
    back = simulate_legacy.legacy_refund(
        "10.00",
        "EUR",
        sale_id="3SALE000000000001",
        refund_id="3REF0000000000001",
        fee_returned="0.35",
    )
    refund, fee_back = events_for(simulate.event("PAYMENT.SALE.REFUNDED", back))
    assert (refund.amount, fee_back.amount) == (Decimal("10.00"), Decimal("-0.35"))
    reversed_ = events_for(simulate.event("PAYMENT.SALE.REVERSED", back))
    assert isinstance(reversed_[0], DisputeFunds)
    assert reversed_[0].withdrawn == Decimal("10.00")


# --- malformed payloads -----------------------------------------------------------------------


def _mutated(name: str, path: list[str], value: Any) -> Any:
    payload = copy.deepcopy(fixture(name))
    target = payload
    for part in path[:-1]:
        target = target[part]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["resource", "amount", "value"], 125.5, r"resource\.amount\.value: floats are not money"),
        (["resource", "amount", "value"], "125.001", "more decimals than USD allows"),
        (["resource", "amount", "value"], "12O.00", "not a decimal"),
        (["resource", "amount", "currency_code"], "XYZ", "unknown currency"),
        (["resource", "amount"], ..., r"resource\.amount: expected an object"),
        (["resource", "id"], ..., r"resource\.id: required string missing"),
        (["resource"], ..., r"event\.resource: expected an object"),
        (
            ["resource", "seller_receivable_breakdown", "paypal_fee"],
            {"currency_code": "GBP", "value": "1.00"},
            "a fee in GBP",
        ),
    ],
)
def test_real_shaped_bad_capture_is_malformed(path: list[str], value: Any, message: str) -> None:
    with pytest.raises(MalformedPayloadError, match=message):
        events_for(_mutated("event_capture_completed.json", path, value))


def test_bad_dispute_is_malformed() -> None:
    with pytest.raises(MalformedPayloadError, match=r"resource\.dispute_amount"):
        events_for(
            _mutated("event_dispute_resolved_seller.json", ["resource", "dispute_amount"], ...)
        )
