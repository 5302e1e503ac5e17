"""PayPal over HTTP: RSA-signed webhooks (certificate served from a loopback host named as the
source's api_base_url) through the real server to posted entries and a balanced trial balance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerbridge.service import setup
from ledgerbridge.sources.paypal import simulate
from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WEBHOOK_ID = "2RP53027LC1140517"
SECRET = "paypal_e2e_unused_by_rsa_7Hq2Lm9Xz4"
KEY = simulate.signing_key()
CAPTURE = "7KD40236XH8851942"


@pytest.fixture
def paypal(live: Live) -> Iterator[str]:
    """The PayPal source (recognising revenue: no store in front) and its certificate URL."""
    with simulate.CertificateServer() as certs:
        setup.add_source(
            live.db,
            source_id="paypal",
            platform="paypal",
            ledger="default",
            webhook_secret=SECRET,
            api_credentials={"client_id": "AZe2e-client", "client_secret": "EFe2e-secret"},
            settings={
                "webhook_id": WEBHOOK_ID,
                "api_base_url": certs.url,
                "recognize_revenue": True,
            },
        )
        yield certs.publish(simulate.certificate_pem(KEY))


def deliver(live: Live, url: str, payload: dict[str, Any], key: Any = KEY) -> httpx.Response:
    raw = simulate.encode(payload)
    headers = simulate.sign(raw, key, webhook_id=WEBHOOK_ID, cert_url=url)
    return live.http.post("/webhooks/paypal", content=raw, headers=headers)


def posted(live: Live, url: str, payload: dict[str, Any], entries: int) -> str:
    response = deliver(live, url, payload)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "posted", body
    event = live.get(f"/api/v1/events/{body['event_id']}").json()
    assert len(event["entry_ids"]) == entries, event
    return str(body["event_id"])


def lines(live: Live) -> dict[str, Decimal]:
    """Per account, the sum of the PayPal source's entry lines."""
    found: dict[str, Decimal] = {}
    items = live.get("/api/v1/entries", params={"source": "paypal"}).json()["items"]
    for entry in items:
        assert sum(Decimal(x["amount"]) for x in entry["lines"]) == 0
        for x in entry["lines"]:
            found[x["account"]] = found.get(x["account"], Decimal(0)) + Decimal(x["amount"])
    return found


def test_a_paypal_day_posts_and_balances(live: Live, paypal: str) -> None:
    capture = simulate.capture(
        "125.00", "EUR", capture_id=CAPTURE, fee="4.66", invoice_id="SHOP-48213", created=DAY
    )
    completed = simulate.event("PAYMENT.CAPTURE.COMPLETED", capture, created=DAY)
    event_id = posted(live, paypal, completed, 2)  # the charge and its fee

    again = deliver(live, paypal, completed)  # a retry: a new transmission, the same WH- id
    assert again.status_code == 200
    assert again.json() == {"event_id": event_id, "status": "duplicate"}

    refund = simulate.refund("40.00", "EUR", capture_id=CAPTURE, fee_returned="1.49", created=DAY)
    posted(live, paypal, simulate.event("PAYMENT.CAPTURE.REFUNDED", refund), 2)
    reversal = simulate.refund(
        "85.00", "EUR", capture_id=CAPTURE, note="Payment reversed", created=DAY
    )
    posted(live, paypal, simulate.event("PAYMENT.CAPTURE.REVERSED", reversal), 1)
    opened = simulate.dispute(
        "85.00", "EUR", capture_id=CAPTURE, dispute_id="PP-D-48817", created=DAY
    )
    noted = deliver(live, paypal, simulate.event("CUSTOMER.DISPUTE.CREATED", opened))
    assert noted.status_code == 200
    assert noted.json()["status"] in ("posted", "ignored")
    assert live.get(f"/api/v1/events/{noted.json()['event_id']}").json()["entry_ids"] == []
    won = simulate.dispute(
        "85.00",
        "EUR",
        capture_id=CAPTURE,
        dispute_id="PP-D-48817",
        outcome="RESOLVED_SELLER_FAVOUR",
        created=DAY,
    )
    posted(live, paypal, simulate.event("CUSTOMER.DISPUTE.RESOLVED", won), 1)

    assert lines(live) == {
        "1100-paypal": Decimal("81.83"),  # 125 - 4.66 - 40 + 1.49 - 85 + 85
        "4000": Decimal("-125.00"),
        "4600": Decimal("40.00"),
        "6100": Decimal("3.17"),  # 4.66 charged, 1.49 given back
        "6200": Decimal("0.00"),  # withdrawn, then reinstated
    }
    tb = live.get("/api/v1/trial-balance").json()
    assert tb["total_debit"] == tb["total_credit"]
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    rows = {r["account"]: r for r in tb["rows"]}
    assert rows["1100-paypal"]["balance"] == "81.83"


@pytest.mark.parametrize("case", ["other key", "missing signature", "stale"])
def test_a_bad_signature_is_401_and_stores_nothing(live: Live, paypal: str, case: str) -> None:
    payload = simulate.event(
        "PAYMENT.CAPTURE.COMPLETED", simulate.capture("10.00", "EUR", fee="0.64", created=DAY)
    )
    raw = simulate.encode(payload)
    key = simulate.signing_key() if case == "other key" else KEY
    sent_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC) if case == "stale" else None
    headers = simulate.sign(raw, key, webhook_id=WEBHOOK_ID, cert_url=paypal, sent_at=sent_at)
    if case == "missing signature":
        del headers["PAYPAL-TRANSMISSION-SIG"]
    response = live.http.post("/webhooks/paypal", content=raw, headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "bad_signature"
    assert SECRET not in response.text
    assert live.get("/api/v1/events", params={"source": "paypal"}).json()["items"] == []


def test_a_malformed_payload_is_kept_as_failed(live: Live, paypal: str) -> None:
    capture = simulate.capture("10.00", "EUR", fee="0.64", created=DAY)
    capture["amount"]["value"] = 10.5  # a JSON number: never money
    response = deliver(live, paypal, simulate.event("PAYMENT.CAPTURE.COMPLETED", capture))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "failed"
    (event,) = live.get("/api/v1/events", params={"source": "paypal"}).json()["items"]
    assert event["status"] == "failed"
    assert "resource.amount.value" in event["error"]
    assert live.get("/api/v1/entries", params={"source": "paypal"}).json()["items"] == []
