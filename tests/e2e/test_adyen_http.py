"""Adyen over loopback against the real server: signed notifications answered ``[accepted]``,
a settlement report fetched from the stand-in, entries that clear the gateway account."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerbridge.service import setup
from ledgerbridge.sources.adyen import simulate
from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e

KEY = "5E2A7C9B1D3F40628495A6B7C8D9E0F1A2B3C4D5E6F708192A3B4C5D6E7F8091"
API_KEY = "AQE_e2e_adyen_api_key_0123456789"
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CLEARING = "1100-adyen"


@pytest.fixture
def adyen(live: Live) -> Live:
    setup.add_source(
        live.db,
        source_id="adyen",
        platform="adyen",
        ledger="default",
        webhook_secret=KEY,
        api_credentials={"api_key": API_KEY},
        settings={
            "api_base_url": live.standin.url,
            "merchant_account": simulate.MERCHANT_ACCOUNT,
            "recognize_revenue": True,
        },
    )
    return live


def send(live: Live, items: list[dict[str, Any]], key: str = KEY) -> httpx.Response:
    body, headers = simulate.delivery(items, key)
    return live.http.post("/webhooks/adyen", content=body, headers=headers)


def accepted(live: Live, items: list[dict[str, Any]]) -> None:
    response = send(live, items)
    assert response.status_code == 200, response.text
    assert response.content == b"[accepted]"
    assert response.headers["content-type"].startswith("text/plain")


def events(live: Live, **params: str) -> list[dict[str, Any]]:
    response = live.get("/api/v1/events", params={"source": "adyen", **params})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def entries(live: Live) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, str] = {"source": "adyen"}
    while True:
        page = live.get("/api/v1/entries", params=params).json()
        found.extend(page["items"])
        if not page["next_cursor"]:
            return found
        params["cursor"] = page["next_cursor"]


def test_a_day_of_notifications_and_its_settlement_report_clear_the_account(adyen: Live) -> None:
    pay, pay2, dispute = (simulate.new_psp_reference() for _ in range(3))
    capture = simulate.capture(pay, 6000, "EUR", merchant_reference="1042", event_date=DAY)
    capture2 = simulate.capture(pay2, 2000, "EUR", merchant_reference="1043", event_date=DAY)
    refund = simulate.refund(pay, 1000, "EUR", event_date=DAY)
    accepted(adyen, [refund])  # before its capture: it posts against clearing on its own
    accepted(adyen, [capture])
    accepted(adyen, [simulate.authorisation(pay2, 2000, "EUR", event_date=DAY)])
    accepted(adyen, [capture2])
    accepted(adyen, [simulate.chargeback(dispute, pay2, 2000, "EUR", event_date=DAY)])
    accepted(adyen, [simulate.chargeback_reversed(dispute, pay2, 2000, "EUR", event_date=DAY)])

    rows = [
        simulate.settled_row(
            pay,
            capture["pspReference"],
            "60.00",
            "EUR",
            batch=9,
            created=DAY,
            fees={"markup": "0.30", "scheme_fees": "0.06", "interchange": "0.12"},
        ),
        simulate.settled_row(
            pay2,
            capture2["pspReference"],
            "20.00",
            "EUR",
            batch=9,
            created=DAY,
            fees={"commission": "0.25"},
        ),
        simulate.refunded_row(pay, refund["pspReference"], "10.00", "EUR", batch=9, created=DAY),
        simulate.fee_row("0.40", "EUR", batch=9, created=DAY),
    ]
    rows.append(simulate.payout_row(simulate.net_total(rows), "EUR", batch=9, created=DAY))
    url = simulate.report_url(adyen.standin.url, 9)
    adyen.standin.put(httpx.URL(url).path, simulate.settlement_report_csv(rows).encode())
    accepted(adyen, [simulate.report_available(url, event_date=DAY)])
    assert adyen.standin.requests == [("GET", httpx.URL(url).path, {})]

    seen = events(adyen)
    assert len(seen) == 7
    assert {e["status"] for e in seen} == {"posted", "ignored"}
    [ignored] = [e for e in seen if e["status"] == "ignored"]  # the authorisation
    assert ignored["type"] == "AUTHORISATION"

    booked = entries(adyen)
    # 2 charges, refund, 2 dispute moves, 5 fees (markup, scheme, interchange, commission, the
    # Fee row) and the payout.
    assert len(booked) == 11
    assert all(sum(Decimal(x["amount"]) for x in e["lines"]) == 0 for e in booked)
    payout = next(e for e in booked if e["description"] == "Payout batch 9")
    assert {x["account"]: x["amount"] for x in payout["lines"]} == {
        "1000": "68.87",
        CLEARING: "-68.87",
    }

    tb = adyen.get("/api/v1/trial-balance").json()
    rows_by_account = {r["account"]: r for r in tb["rows"]}
    assert tb["total_debit"] == tb["total_credit"]
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    assert Decimal(rows_by_account[CLEARING]["balance"]) == 0
    assert rows_by_account["6100"]["balance"] == "1.13"  # 0.48 + 0.25 + 0.40

    # Adyen retransmits: answered [accepted] again, nothing new.
    accepted(adyen, [capture])
    assert len(events(adyen)) == 7
    assert len(entries(adyen)) == 11


@pytest.mark.parametrize("case", ["wrong key", "unsigned", "other merchant account"])
def test_a_bad_signature_is_401_and_stores_nothing(adyen: Live, case: str) -> None:
    capture = simulate.capture(simulate.new_psp_reference(), 2500, "EUR", event_date=DAY)
    if case == "wrong key":
        response = send(adyen, [capture], key=simulate.new_hmac_key())
    elif case == "unsigned":
        body = simulate.encode(simulate.notification([capture]))
        response = adyen.http.post("/webhooks/adyen", content=body, headers=simulate.headers())
    else:
        response = send(adyen, [capture | {"merchantAccountCode": "SomeoneElse"}])
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "bad_signature"
    assert KEY not in response.text
    assert events(adyen) == []
    assert entries(adyen) == []


def test_a_signed_malformed_notification_is_accepted_and_kept_as_failed(adyen: Live) -> None:
    capture = simulate.capture(simulate.new_psp_reference(), 2500, "EUR", event_date=DAY)
    capture["amount"]["value"] = 25.5  # a float is never money
    body, headers = simulate.delivery([capture], KEY)
    response = adyen.http.post("/webhooks/adyen", content=body, headers=headers)
    assert response.status_code == 200
    assert response.content == b"[accepted]"
    [event] = events(adyen, status="failed")
    assert event["error"].startswith("malformed_payload:")
    assert "amount.value" in event["error"]
    shown = adyen.get(f"/api/v1/events/{event['id']}").json()
    assert base64.b64decode(shown["raw_body"]) == body
    assert entries(adyen) == []


def test_a_report_that_cannot_be_fetched_fails_and_replays(adyen: Live) -> None:
    rows = [simulate.fee_row("0.40", "EUR", batch=10, created=DAY)]
    rows.append(simulate.payout_row("0", "EUR", batch=10, created=DAY))
    url = simulate.report_url(adyen.standin.url, 10)
    accepted(adyen, [simulate.report_available(url, event_date=DAY)])
    [event] = events(adyen, status="failed")
    assert event["error"].startswith("lookup_failed:")

    adyen.standin.put(httpx.URL(url).path, simulate.settlement_report_csv(rows).encode())
    replayed = adyen.post(f"/api/v1/events/{event['id']}/replay").json()
    assert replayed["status"] == "posted", replayed
    assert len(replayed["entry_ids"]) == 1  # the fee; a zero payout posts nothing
