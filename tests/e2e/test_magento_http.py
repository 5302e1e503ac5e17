"""Magento / Adobe Commerce over loopback: RSA-signed Adobe Commerce webhooks and HMAC-signed
Open Source module posts, answered as Commerce expects, posted to the Stripe clearing account."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerbridge.service import setup
from ledgerbridge.sources.magento import simulate
from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e

PRIVATE, PUBLIC = simulate.generate_key_pair()
OSS_SECRET = "mage-oss-e2e-5d0b7f2a9c"
TOKEN = "mage-int-token-e2e-41aa"
ACK = [{"op": "success"}]


@pytest.fixture
def mage(live: Live) -> Live:
    for source_id, secret in (("mage", PUBLIC), ("mage-oss", OSS_SECRET)):
        setup.add_source(
            live.db,
            source_id=source_id,
            platform="magento",
            ledger="default",
            webhook_secret=secret,
            api_credentials={"access_token": TOKEN},
            settings={"api_base_url": live.standin.url, "gateway": "stripe"},
        )
    return live


def invoice_body() -> bytes:
    """104.30 goods - 10.43 discount + 6.90 shipping + 19.15 tax = 119.92 EUR."""
    doc = simulate.invoice(
        3312,
        order_id=4107,
        lines=[("Merino crew jumper", "39.90", 2), ("Wool beanie", "24.50", 1)],
        discount="10.43",
        shipping="6.90",
        tax="19.15",
        currency="EUR",
        created_at="2026-03-02 10:14:07",
    )
    return simulate.body(simulate.event("sales_order_invoice_pay", "invoice", doc))


def send(live: Live, source: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    return live.http.post(f"/webhooks/{source}", content=raw, headers=headers)


def events(live: Live, **params: str) -> list[dict[str, Any]]:
    response = live.get("/api/v1/events", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def lines_of(entry: dict[str, Any]) -> dict[str, str]:
    return {x["account"]: x["amount"] for x in entry["lines"]}


def test_adobe_invoice_and_ids_only_credit_memo_post_and_balance(mage: Live) -> None:
    raw = invoice_body()
    response = send(mage, "mage", raw, simulate.adobe_headers(raw, PRIVATE))
    assert response.status_code == 200, response.text
    assert response.json() == ACK

    # The credit memo arrives with only its id: it is read back from the REST API.
    memo = simulate.creditmemo(
        815,
        order_id=4107,
        lines=[("Merino crew jumper", "39.90", 1)],
        discount="3.99",
        tax="6.82",
        adjustment_positive="5.00",
        adjustment_negative="2.50",
        currency="EUR",
    )
    mage.standin.put("/rest/V1/creditmemo/815", simulate.rest_document(memo))
    ids_only = simulate.body(
        simulate.event("sales_order_creditmemo_save_after", "creditmemo", {"entity_id": 815})
    )
    assert send(mage, "mage", ids_only, simulate.adobe_headers(ids_only, PRIVATE)).json() == ACK
    assert ("GET", "/rest/V1/creditmemo/815", {}) in mage.standin.requests

    # The same invoice delivered again is one event.
    assert send(mage, "mage", raw, simulate.adobe_headers(raw, PRIVATE)).json() == ACK
    found = events(mage, source="mage")
    assert len(found) == 2
    assert all(e["status"] == "posted" and len(e["entry_ids"]) == 1 for e in found)

    entries = mage.get("/api/v1/entries", params={"source": "mage"}).json()["items"]
    by_description = {e["description"]: lines_of(e) for e in entries}
    assert by_description["Sale 000003312"] == {
        "1100-stripe": "119.92",
        "4500": "10.43",
        "4000": "-104.30",
        "4100": "-6.90",
        "2100": "-19.15",
    }
    assert by_description["Refund 000000815 of order 4107"] == {
        "4600": "38.41",  # 39.90 goods - 3.99 discount + 5.00 - 2.50 adjustments
        "2100": "6.82",
        "1100-stripe": "-45.23",
    }
    tb = mage.get("/api/v1/trial-balance").json()
    assert tb["total_debit"] == tb["total_credit"]
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    clearing = {r["account"]: r["balance"] for r in tb["rows"]}["1100-stripe"]
    assert Decimal(clearing) == Decimal("119.92") - Decimal("45.23")


def test_oss_module_posts_with_either_hmac_scheme(mage: Live) -> None:
    raw = invoice_body()
    answered = send(mage, "mage-oss", raw, simulate.oss_headers(raw, OSS_SECRET))
    assert answered.status_code == 200
    assert answered.json() == ACK
    order = simulate.order(4110, state="canceled", currency="EUR")
    cancelled = simulate.body(simulate.event("order_cancel_after", "order", order))
    headers = simulate.timed_headers(cancelled, OSS_SECRET, int(time.time()))
    assert send(mage, "mage-oss", cancelled, headers).status_code == 200
    statuses = sorted(e["status"] for e in events(mage, source="mage-oss"))
    assert statuses == ["ignored", "posted"]
    (entry,) = mage.get("/api/v1/entries", params={"source": "mage-oss"}).json()["items"]
    assert lines_of(entry)["1100-stripe"] == "119.92"


@pytest.mark.parametrize("case", ["wrong key", "missing", "hmac keyed by the public key"])
def test_a_bad_signature_is_401_and_stores_nothing(mage: Live, case: str) -> None:
    raw = invoice_body()
    if case == "wrong key":
        headers = simulate.adobe_headers(raw, simulate.generate_key_pair()[0])
    elif case == "missing":
        headers = {"Content-Type": "application/json"}
    else:
        headers = simulate.oss_headers(raw, PUBLIC)
    response = send(mage, "mage", raw, headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "bad_signature"
    assert events(mage, source="mage") == []


def test_a_signed_malformed_payload_is_200_and_kept_failed(mage: Live) -> None:
    doc = simulate.invoice(3400, order_id=4200, currency="EUR")
    del doc["order_id"]
    raw = simulate.body(simulate.event("sales_order_invoice_pay", "invoice", doc))
    response = send(mage, "mage", raw, simulate.adobe_headers(raw, PRIVATE))
    assert response.status_code == 200
    assert response.json() == ACK
    (failed,) = events(mage, source="mage")
    assert failed["status"] == "failed"
    assert failed["error"].startswith("malformed_payload:")
    assert "invoice.order_id" in failed["error"]
    assert mage.get("/api/v1/entries", params={"source": "mage"}).json()["items"] == []
