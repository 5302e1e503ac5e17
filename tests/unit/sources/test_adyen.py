"""Adyen adapter: per-item HMAC (rotation, merchant account), identify, every notification type
normalised to canonical events, the settlement report look-up on a real loopback server."""

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
)
from ledgerbridge.sources.adyen import simulate
from ledgerbridge.sources.adyen.adapter import AdyenAdapter
from ledgerbridge.sources.adyen.client import fetch_text
from ledgerbridge.sources.adyen.verify import signature_for, signing_string
from ledgerbridge.sources.base import Delivery, SourceConfig

FIXTURES = Path(__file__).parents[2] / "fixtures" / "adyen"
NOW = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
KEY = "3F1D9A7C44E2B05186C3D9E7A1F02B6C8D4E5F60718293A4B5C6D7E8F9012345"
OLD_KEY = "A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D8E9F"
PAY, CAP, REF = "K8T2QZ4N6M1P3R5V", "C3W7XH9J2L4N6P8Q", "R5F1DG7H3J9K2L4M"
PAY2, DISPUTE = "P2A6SD8F1G3H5J7K", "D9B4CK6M8N1P3Q5S"
REPORT = "settlement_detail_report_batch_41.csv"
adapter = AdyenAdapter()


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def report_text(name: str = REPORT) -> str:
    return (FIXTURES / name).read_text()


def config(*keys: str, **settings: Any) -> SourceConfig:
    return SourceConfig(
        id="ad1",
        platform="adyen",
        ledger="main",
        secrets=keys or (KEY,),
        credentials={"api_key": "AQE_test_key_123"},
        settings=settings,
    )


def delivery(payload: Any) -> Delivery:
    return Delivery(body=orjson.dumps(payload), headers=simulate.headers(), received_at=NOW)


def first_item(payload: Any) -> dict[str, Any]:
    return payload["notificationItems"][0]["NotificationRequestItem"]


def resigned(payload: Any, key: str = KEY) -> Any:
    """The payload after an edit, signed again (a well-signed but odd notification)."""
    doc = copy.deepcopy(payload)
    for entry in doc["notificationItems"]:
        entry["NotificationRequestItem"] = simulate.sign_item(entry["NotificationRequestItem"], key)
    return doc


def events_for(payload: Any, lookups: dict[str, Any] | None = None, **settings: Any) -> list[Any]:
    envelope = adapter.identify(delivery(payload))
    return adapter.normalize(envelope, lookups or {}, config(**settings))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- verify -----------------------------------------------------------------------------------


def test_the_published_test_vector_and_unescaped_colons() -> None:
    item = {
        "pspReference": "M8NB66SBZSGLNK82",
        "merchantAccountCode": "AntoniStroinski",
        "merchantReference": ":slashes are fun",
        "amount": {"value": 1000, "currency": "EUR"},
        "eventCode": "AUTHORISATION",
        "success": "true",
    }
    assert signing_string(item) == (
        "M8NB66SBZSGLNK82::AntoniStroinski::slashes are fun:1000:EUR:AUTHORISATION:true"
    )
    key = "74F490DD33F7327BAECC88B2947C011FC02D014A473AAA33A8EC93E4DC069174"
    assert signature_for(item, key) == "2EQYm7YJpKO4EtHSPu55SQTyWf8dkW5u2nD1tJFpViA="
    assert signature_for(item, key.lower()) == signature_for(item, key)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("notification_*.json")))
def test_every_fixture_verifies(name: str) -> None:
    adapter.verify(delivery(fixture(name)), config(), NOW)


@pytest.mark.parametrize("key", [KEY, OLD_KEY])
def test_rotation_accepts_either_configured_key(key: str) -> None:
    payload = resigned(fixture("notification_capture.json"), key)
    adapter.verify(delivery(payload), config(KEY, OLD_KEY), NOW)


def test_wrong_key_is_rejected_without_showing_it() -> None:
    with pytest.raises(SignatureError, match="does not match") as info:
        adapter.verify(delivery(fixture("notification_capture.json")), config(OLD_KEY), NOW)
    assert OLD_KEY not in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", {"currency": "EUR", "value": 12951}),
        ("amount", {"currency": "USD", "value": 12950}),
        ("success", "false"),
        ("originalReference", "K8T2QZ4N6M1P3R5W"),
        ("merchantReference", "LB-20432"),
    ],
)
def test_a_tampered_signed_field_is_rejected(field: str, value: Any) -> None:
    payload = fixture("notification_capture.json")
    first_item(payload)[field] = value
    with pytest.raises(SignatureError):
        adapter.verify(delivery(payload), config(), NOW)


def test_unsigned_fields_may_change() -> None:
    payload = fixture("notification_capture.json")
    first_item(payload)["paymentMethod"] = "visa"
    adapter.verify(delivery(payload), config(), NOW)


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (None, "hmacSignature missing"),
        ("", "hmacSignature missing"),
        ("not base64!", "not base64"),
        (17, "hmacSignature missing"),
    ],
)
def test_missing_or_garbled_signature_is_rejected(signature: Any, message: str) -> None:
    payload = fixture("notification_refund.json")
    first_item(payload)["additionalData"]["hmacSignature"] = signature
    with pytest.raises(SignatureError, match=message):
        adapter.verify(delivery(payload), config(), NOW)


def test_every_item_must_verify() -> None:
    good = first_item(fixture("notification_capture.json"))
    forged = simulate.sign_item(first_item(fixture("notification_refund.json")), OLD_KEY)
    payload = simulate.notification([good, forged])
    with pytest.raises(SignatureError, match=r"notificationItems\[1\]"):
        adapter.verify(delivery(payload), config(), NOW)
    adapter.verify(
        delivery(simulate.notification([good, simulate.sign_item(forged, KEY)])), config(), NOW
    )


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b"{}",
        b'{"notificationItems": []}',
        b'{"notificationItems": [{"Other": {}}]}',
    ],
)
def test_a_body_that_is_no_notification_cannot_be_authenticated(body: bytes) -> None:
    with pytest.raises(SignatureError, match="no item signature"):
        adapter.verify(Delivery(body=body, headers={}, received_at=NOW), config(), NOW)


@pytest.mark.parametrize("keys", [("not-hex-at-all",), (KEY, "zz"), ("",)])
def test_a_key_that_is_not_hex_is_refused_without_showing_it(keys: tuple[str, ...]) -> None:
    with pytest.raises(SignatureError, match="HMAC key") as info:
        adapter.verify(delivery(fixture("notification_capture.json")), config(*keys), NOW)
    assert all(k not in str(info.value) for k in keys if k)


def test_merchant_account_setting_refuses_other_accounts() -> None:
    payload = fixture("notification_capture.json")
    adapter.verify(delivery(payload), config(merchant_account="LedgerbridgeShopEU"), NOW)
    adapter.verify(delivery(payload), config(merchant_account=["Other", "LedgerbridgeShopEU"]), NOW)
    with pytest.raises(SignatureError, match="merchant account 'LedgerbridgeShopEU'"):
        adapter.verify(delivery(payload), config(merchant_account="LedgerbridgeShopUS"), NOW)


# --- identify, adapter ------------------------------------------------------------------------


def test_identify_reads_the_dedupe_triple_type_and_time() -> None:
    envelope = adapter.identify(delivery(fixture("notification_capture.json")))
    assert envelope.event_id == f"{CAP}:CAPTURE:true"
    assert envelope.event_type == "CAPTURE"
    assert envelope.occurred_at == local("2026-03-03T10:15:07+01:00")
    assert not envelope.ping


def test_several_items_join_their_ids_in_order() -> None:
    items = [
        first_item(fixture(n)) for n in ("notification_capture.json", "notification_refund.json")
    ]
    envelope = adapter.identify(delivery(simulate.notification(items)))
    assert envelope.event_id == f"{CAP}:CAPTURE:true,{REF}:REFUND:true"
    assert envelope.event_type == "CAPTURE,REFUND"
    many = simulate.notification(items * 10)
    assert adapter.identify(delivery(many)).event_id.startswith("items:sha256:")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda i: i.pop("pspReference"), r"NotificationRequestItem\.pspReference"),
        (lambda i: i.pop("eventCode"), r"NotificationRequestItem\.eventCode"),
        (lambda i: i.update(success=True), r"NotificationRequestItem\.success"),
        (lambda i: i.update(eventDate="yesterday"), r"NotificationRequestItem\.eventDate"),
    ],
)
def test_unreadable_notification_is_malformed(edit: Any, message: str) -> None:
    payload = fixture("notification_capture.json")
    edit(first_item(payload))
    with pytest.raises(MalformedPayloadError, match=message):
        adapter.identify(delivery(payload))


def test_adapter_defaults_and_headers() -> None:
    assert adapter.auth_headers(config()) == {"X-API-Key": "AQE_test_key_123"}
    assert (
        adapter.auth_headers(SourceConfig(id="a", platform="adyen", ledger="m", secrets=(KEY,)))
        == {}
    )
    assert (adapter.platform, adapter.default_role) == ("adyen", "gateway")
    assert adapter.default_api_base_url == "https://ca-live.adyen.com"
    assert adapter.acknowledgement == b"[accepted]"
    assert "authorization" not in adapter.keep_headers


# --- normalize: payments ----------------------------------------------------------------------


def test_authorisation_books_nothing_unless_auto_captured() -> None:
    payload = fixture("notification_authorisation.json")
    assert events_for(payload) == []
    assert events_for(payload, auto_capture=True) == [
        Charge(
            key=f"ad1:charge:{PAY}",
            reference=PAY,
            occurred_at=local("2026-03-03T10:14:07+01:00"),
            currency="EUR",
            amount=Decimal("129.50"),
            order_reference="LB-20431",
        )
    ]


def test_capture_is_a_charge_keyed_by_the_payment() -> None:
    [charge] = events_for(fixture("notification_capture.json"))
    assert charge == Charge(
        key=f"ad1:charge:{PAY}",
        reference=PAY,
        occurred_at=local("2026-03-03T10:15:07+01:00"),
        currency="EUR",
        amount=Decimal("129.50"),
        order_reference="LB-20431",
    )
    [auto] = events_for(fixture("notification_authorisation.json"), auto_capture=True)
    assert auto.key == charge.key  # an auto-captured payment posts once


def test_refund_is_a_gateway_refund_of_the_payment() -> None:
    assert events_for(fixture("notification_refund.json")) == [
        GatewayRefund(
            key=f"ad1:refund:{REF}",
            reference=REF,
            occurred_at=local("2026-03-03T17:02:07+01:00"),
            currency="EUR",
            amount=Decimal("25.00"),
            charge_reference=PAY,
        )
    ]


def test_chargeback_withdraws_and_its_reversal_reinstates() -> None:
    assert events_for(fixture("notification_chargeback.json")) == [
        DisputeFunds(
            key=f"ad1:dispute:{DISPUTE}:withdrawn",
            reference=DISPUTE,
            occurred_at=local("2026-03-04T12:40:07+01:00"),
            currency="EUR",
            withdrawn=Decimal("48.00"),
            charge_reference=PAY2,
        )
    ]
    assert events_for(fixture("notification_chargeback_reversed.json")) == [
        DisputeFunds(
            key=f"ad1:dispute:{DISPUTE}:reinstated",
            reference=DISPUTE,
            occurred_at=local("2026-03-20T09:05:07+01:00"),
            currency="EUR",
            withdrawn=Decimal("-48.00"),
            charge_reference=PAY2,
        )
    ]


def test_second_chargeback_withdraws_again_under_its_own_key() -> None:
    payload = fixture("notification_chargeback.json")
    first_item(payload)["eventCode"] = "SECOND_CHARGEBACK"
    [event] = events_for(resigned(payload))
    assert (event.key, event.withdrawn) == (
        f"ad1:dispute:{DISPUTE}:second:withdrawn",
        Decimal("48.00"),
    )


@pytest.mark.parametrize(
    "name",
    [
        "notification_authorisation.json",
        "notification_capture.json",
        "notification_refund.json",
        "notification_chargeback.json",
    ],
)
def test_an_unsuccessful_item_is_only_noted(name: str) -> None:
    payload = fixture(name)
    first_item(payload).update(success="false", reason="Refused")
    [event] = events_for(resigned(payload), auto_capture=True)
    psp = first_item(payload)["pspReference"]
    code = first_item(payload)["eventCode"]
    assert isinstance(event, Noted)
    assert event.key == f"ad1:{code.lower()}:{psp}:false"
    assert event.note == f"{code} {psp} was not successful (Refused)"


@pytest.mark.parametrize("code", ["CAPTURE_FAILED", "REFUND_FAILED", "REFUNDED_REVERSED"])
def test_failures_after_booking_are_noted_for_review(code: str) -> None:
    payload = fixture("notification_refund.json")
    first_item(payload)["eventCode"] = code
    [event] = events_for(resigned(payload))
    assert isinstance(event, Noted)
    assert event.key == f"ad1:{code.lower()}:{REF}:true"
    assert f"of payment {PAY}" in event.note
    assert "review" in event.note


@pytest.mark.parametrize(
    "code",
    [
        "CANCELLATION",
        "OFFER_CLOSED",
        "PENDING",
        "NOTIFICATION_OF_CHARGEBACK",
        "REQUEST_FOR_INFORMATION",
    ],
)
def test_other_event_codes_are_ignored(code: str) -> None:
    payload = fixture("notification_capture.json")
    first_item(payload)["eventCode"] = code
    assert events_for(resigned(payload)) == []


def test_adyen_exponents_differ_from_iso_for_four_currencies() -> None:
    payload = fixture("notification_capture.json")
    for currency, value, expected in [
        ("ISK", 1250000, "12500"),
        ("CLP", 990000, "9900"),
        ("CVE", 4800, "4800.00"),
        ("IDR", 150000, "150000.00"),  # Adyen: 0 decimals; ISO 4217: 2
        ("JPY", 4800, "4800"),
        ("BHD", 12345, "12.345"),
    ]:
        first_item(payload)["amount"] = {"currency": currency, "value": value}
        [charge] = events_for(payload)
        assert (charge.currency, charge.amount) == (currency, Decimal(expected))
        assert str(charge.amount) == expected
    first_item(payload)["amount"] = {"currency": "ISK", "value": 1250050}
    with pytest.raises(MalformedPayloadError, match="not whole at ISK's ISO exponent 0"):
        events_for(payload)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda i: i["amount"].update(value=129.5), r"amount\.value: expected integer minor units"),
        (lambda i: i["amount"].update(value="12950"), r"amount\.value"),
        (lambda i: i["amount"].update(currency="EURO"), r"amount\.currency: unknown currency"),
        (lambda i: i.pop("amount"), r"NotificationRequestItem\.amount: expected an object"),
        (lambda i: i.pop("originalReference"), r"NotificationRequestItem\.originalReference"),
    ],
)
def test_a_bad_capture_is_malformed(edit: Any, message: str) -> None:
    payload = fixture("notification_capture.json")
    edit(first_item(payload))
    with pytest.raises(MalformedPayloadError, match=message):
        events_for(payload)


# --- normalize: the settlement report ---------------------------------------------------------


def report_lookups(text: str | None = None, name: str = REPORT) -> dict[str, Any]:
    url = first_item(fixture("notification_report_available.json"))["reason"]
    return {"reports": {name: {"url": url, "csv": text or report_text()}}}


def test_settlement_report_books_fees_conversion_and_payout() -> None:
    events = events_for(fixture("notification_report_available.json"), report_lookups())
    at = {n: local(f"2026-03-04T{n}+01:00") for n in ("10:15:07", "13:01:07", "14:30:07")}
    fees = [
        (e.key, e.reference, e.amount, e.currency, e.occurred_at)
        for e in events
        if isinstance(e, Fee)
    ]
    assert fees == [
        (f"ad1:fee:{PAY}:{CAP}:markup", PAY, Decimal("0.65"), "EUR", at["10:15:07"]),
        (f"ad1:fee:{PAY}:{CAP}:scheme_fees", PAY, Decimal("0.13"), "EUR", at["10:15:07"]),
        (f"ad1:fee:{PAY}:{CAP}:interchange", PAY, Decimal("0.26"), "EUR", at["10:15:07"]),
        (
            "ad1:fee:G4H6J8K1L3M5N7P9:G4H6J8K1L3M5N7P9:commission",
            "G4H6J8K1L3M5N7P9",
            Decimal("0.29"),
            "EUR",
            at["13:01:07"],
        ),
        (
            "ad1:fee:V1X3Z5B7D9F2H4K6:W2Y4A6C8E1G3J5L7:markup",
            "V1X3Z5B7D9F2H4K6",
            Decimal("0.47"),
            "EUR",
            at["14:30:07"],
        ),
        (
            "ad1:fee:V1X3Z5B7D9F2H4K6:W2Y4A6C8E1G3J5L7:interchange",
            "V1X3Z5B7D9F2H4K6",
            Decimal("0.19"),
            "EUR",
            at["14:30:07"],
        ),
        (
            "ad1:fee:batch:41:fee:Transaction Fees March 05 2026",
            "Transaction Fees March 05 2026 (batch 41)",
            Decimal("1.20"),
            "EUR",
            local("2026-03-05T00:10:07+01:00"),
        ),
    ]
    assert [e for e in events if isinstance(e, Conversion)] == [
        Conversion(
            key="ad1:fx:W2Y4A6C8E1G3J5L7",
            reference="W2Y4A6C8E1G3J5L7",
            occurred_at=at["14:30:07"],
            currency="GBP",
            amount=Decimal("80.00"),
            to_currency="EUR",
            to_amount=Decimal("93.70"),
            charge_reference="V1X3Z5B7D9F2H4K6",
        )
    ]
    assert [e for e in events if isinstance(e, Payout)] == [
        Payout(
            key="ad1:payout:41",
            reference="batch 41",
            occurred_at=local("2026-03-06T00:46:07+01:00"),
            currency="EUR",
            amount=Decimal("230.01"),
        )
    ]
    [noted] = [e for e in events if isinstance(e, Noted)]
    assert noted.key == "ad1:report:41:unbooked"
    assert "line 7 DepositCorrection -10.00 EUR" in noted.note
    assert len(events) == 10


def test_balance_transfers_of_the_older_layout_book_only_fees() -> None:
    payload = fixture("notification_report_available.json")
    text = report_text("settlement_detail_report_batch_40.csv")
    events = events_for(payload, report_lookups(text))
    assert [(type(e).__name__, e.amount) for e in events] == [
        ("Fee", Decimal("0.60")),
        ("Fee", Decimal("0.35")),
    ]


def test_report_not_downloaded_is_malformed() -> None:
    with pytest.raises(MalformedPayloadError, match=r"lookups\.reports\['settlement_detail_"):
        events_for(fixture("notification_report_available.json"))


def test_other_reports_book_nothing() -> None:
    payload = fixture("notification_report_available.json")
    first_item(payload)["reason"] = (
        "https://ca-test.adyen.com/reports/download/MerchantAccount/"
        "LedgerbridgeShopEU/payments_accounting_report_2026_03_05.csv"
    )
    assert events_for(payload) == []


def test_a_broken_report_is_malformed_naming_the_line() -> None:
    text = report_text().replace("128.46", "128.4.6")
    with pytest.raises(MalformedPayloadError, match=r"line 2, column 'Net Credit \(NC\)'"):
        events_for(fixture("notification_report_available.json"), report_lookups(text))


# --- look-ups on a real loopback server -------------------------------------------------------


def report_delivery(base_url: str, batch: int = 41) -> Any:
    doc = simulate.report_available(simulate.report_url(base_url, batch), event_date=NOW)
    return simulate.notification([simulate.sign_item(doc, KEY)])


def lookups_for(server: StandIn, payload: Any) -> dict[str, Any]:
    envelope = adapter.identify(delivery(payload))
    with httpx.Client(base_url=server.url, headers=adapter.auth_headers(config())) as http:
        return adapter.lookups(envelope, config(), http)


def test_report_available_downloads_the_settlement_report(standin: StandIn) -> None:
    path = f"/reports/download/MerchantAccount/{simulate.MERCHANT_ACCOUNT}/{REPORT}"
    standin.put(path, report_text().encode())
    payload = report_delivery(standin.url)
    found = lookups_for(standin, payload)
    assert found == {"reports": {REPORT: {"url": standin.url + path, "csv": report_text()}}}
    assert standin.requests == [("GET", path, {})]
    assert len(events_for(payload, found)) == 10


def test_no_lookup_for_payments_or_other_reports(standin: StandIn) -> None:
    assert lookups_for(standin, fixture("notification_capture.json")) == {}
    other = simulate.report_available(f"{standin.url}/reports/download/x/received_payments.csv")
    assert lookups_for(standin, simulate.notification([other])) == {}
    assert standin.requests == []


def test_a_missing_report_fails_the_lookup(standin: StandIn) -> None:
    with pytest.raises(LookupFailedError, match="404"):
        lookups_for(standin, report_delivery(standin.url))


def test_the_api_key_goes_only_to_the_api_host_or_adyen(standin: StandIn) -> None:
    with pytest.raises(LookupFailedError, match="neither the API host nor Adyen's"):
        lookups_for(standin, report_delivery("https://reports.example.net"))
    with pytest.raises(LookupFailedError, match="neither the API host nor Adyen's"):
        lookups_for(standin, report_delivery("http://ca-test.adyen.com"))
    assert standin.requests == []

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-API-Key"] == "AQE_test_key_123"
        return httpx.Response(200, content=b"\xef\xbb\xbfCompany Account\n")

    transport = httpx.MockTransport(answer)
    with httpx.Client(
        base_url="https://ca-live.adyen.com",
        transport=transport,
        headers=adapter.auth_headers(config()),
    ) as http:
        url = simulate.report_url("https://ca-test.adyen.com", 41)
        assert fetch_text(http, url) == "Company Account\n"


# --- simulate round trip ----------------------------------------------------------------------


def test_simulated_day_verifies_normalises_and_clears_the_gateway_account() -> None:
    from tests.unit.domain.factories import CLEARING, balances, post, retail_context

    t = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    pay, other = simulate.new_psp_reference(), simulate.new_psp_reference()
    assert len(pay) == 16
    assert pay.isalnum()
    assert pay.isupper()
    cap, ref = (
        simulate.capture(pay, simulate.minor("60.00", "EUR"), "EUR", event_date=t),
        simulate.refund(pay, 1000, "EUR", event_date=t),
    )
    cap2 = simulate.capture(other, 2000, "EUR", event_date=t)
    dispute = simulate.new_psp_reference()
    rows = [
        simulate.settled_row(
            pay,
            cap["pspReference"],
            "60.00",
            "EUR",
            batch=7,
            created=t,
            fees={"markup": "0.30", "interchange": "0.12"},
        ),
        simulate.settled_row(
            other,
            cap2["pspReference"],
            "20.00",
            "EUR",
            batch=7,
            created=t,
            fees={"commission": "0.25"},
        ),
        simulate.refunded_row(pay, ref["pspReference"], "10.00", "EUR", batch=7, created=t),
        simulate.fee_row("0.40", "EUR", batch=7, created=t),
    ]
    rows.append(simulate.payout_row(simulate.net_total(rows), "EUR", batch=7, created=t))
    url = simulate.report_url("https://ca-test.adyen.com", 7)
    lookups = {
        "reports": {
            url.rsplit("/", 1)[-1]: {"url": url, "csv": simulate.settlement_report_csv(rows)}
        }
    }
    deliveries = [
        ([cap], {}),
        ([ref], {}),
        ([cap2], {}),
        ([simulate.chargeback(dispute, other, 2000, "EUR", event_date=t)], {}),
        ([simulate.chargeback_reversed(dispute, other, 2000, "EUR", event_date=t)], {}),
        ([simulate.report_available(url, event_date=t)], lookups),
    ]
    posted: dict[str, Any] = {}
    for items, found in deliveries:
        body, headers = simulate.delivery(items, KEY)
        message = Delivery(
            body=body, headers={k.lower(): v for k, v in headers.items()}, received_at=NOW
        )
        adapter.verify(message, config(), NOW)
        for event in adapter.normalize(adapter.identify(message), found, config()):
            posted.setdefault(event.key, event)
    assert rows[-1]["Net Debit (NC)"] == "68.93"  # 80.00 - 10.00 - 0.67 fees - 0.40
    ctx = retail_context(source="adyen", recognize_revenue=True)
    entries = [e for e in (post(event, ctx) for event in posted.values()) if e]
    assert balances(entries)[CLEARING] == 0
