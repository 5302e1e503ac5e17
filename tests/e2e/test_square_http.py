"""Square over HTTP: signed webhooks from simulate.py to the real server, payout entries from
the stand-in, entries and trial balance through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.service import setup
from ledgerbridge.sources.square import simulate as square
from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e

KEY = "sq_e2e_sig_4Rk8Tz2Wx6Lm1Nc9Bp3Hd7"
OLD_KEY = "sq_e2e_sig_old_Yg0Sa2Ue4Ni6Ko8Mh1"
TOKEN = "EAAAl_e2e_access_token_5f2c8a7e3b1d"
URL = "https://books.example.com/webhooks/square"
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CLEARING = "1100-square"


def add_square(live: Live, source_id: str = "square", **settings: Any) -> None:
    """A Square gateway with no store in front of it: its charges recognise the sale."""
    setup.add_source(
        live.db,
        source_id=source_id,
        platform="square",
        ledger="default",
        webhook_secret=[KEY, OLD_KEY],
        api_credentials={"access_token": TOKEN},
        settings={"api_base_url": live.standin.url, "recognize_revenue": True, **settings},
    )


@pytest.fixture
def sq(live: Live) -> Live:
    add_square(live, notification_url=URL)
    return live


def send(
    live: Live, payload: dict[str, Any], *, key: str = KEY, url: str = URL, source: str = "square"
) -> httpx.Response:
    raw = square.encode(payload)
    return live.http.post(f"/webhooks/{source}", content=raw, headers=square.sign(raw, key, url))


def status_of(live: Live, payload: dict[str, Any], **kwargs: Any) -> str:
    response = send(live, payload, **kwargs)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def balances(live: Live) -> dict[str, Decimal]:
    tb = live.get("/api/v1/trial-balance").json()
    assert tb["total_debit"] == tb["total_credit"]
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    return {r["account"]: Decimal(r["balance"]) for r in tb["rows"]}


def test_a_day_of_square_traffic_posts_once_and_clears_at_payout(sq: Live) -> None:
    pay = square.payment(amount=4250, tip=500, currency="EUR", order_id="ord-7", at=DAY)
    rf = square.refund(payment_id=pay["id"], amount=1500, currency="EUR", fee_returned=39, at=DAY)
    du = square.dispute(payment_id=pay["id"], amount=4750, currency="EUR", at=DAY)
    po = square.payout(
        amount=4750 - 139 - 1500 + 39 - 250, currency="EUR", arrival_date=date(2026, 3, 4), at=DAY
    )
    entries = [
        square.payout_entry(
            payout_id=po["id"],
            type="CHARGE",
            gross=4750,
            fee=139,
            currency="EUR",
            payment_id=pay["id"],
            at=DAY,
        ),
        square.payout_entry(
            payout_id=po["id"],
            type="REFUND",
            gross=-1500,
            fee=-39,
            currency="EUR",
            payment_id=pay["id"],
            refund_id=rf["id"],
            at=DAY,
        ),
        square.payout_entry(
            payout_id=po["id"], type="FEE", gross=-250, fee=0, currency="EUR", at=DAY
        ),
    ]
    path = f"/v2/payouts/{po['id']}/payout-entries"
    sq.standin.put(
        path, square.payout_entries_page(entries[:2], cursor="c2"), query={"limit": "100"}
    )
    sq.standin.put(path, square.payout_entries_page(entries[2:]), query={"cursor": "c2"})

    assert status_of(sq, square.payment_created(pay | {"status": "APPROVED"}, at=DAY)) == "ignored"
    completed = square.payment_updated(pay, at=DAY)
    assert status_of(sq, completed) == "posted"
    assert status_of(sq, completed) == "duplicate"  # the same event_id delivered again
    assert status_of(sq, square.payment_updated(pay, at=DAY)) == "ignored"  # a new report of it
    assert status_of(sq, square.refund_updated(rf, at=DAY)) == "posted"
    assert status_of(sq, square.dispute_created(du, at=DAY)) == "posted"
    assert status_of(sq, square.dispute_state_updated(du, "WON", at=DAY)) == "posted"
    assert balances(sq)[CLEARING] == Decimal("31.50")  # 47.50 - 1.39 - 15.00 + 0.39
    assert status_of(sq, square.payout_paid(po, at=DAY), key=OLD_KEY) == "posted"  # rotation
    assert [r[1] for r in sq.standin.requests] == [path, path]

    items = sq.get("/api/v1/entries", params={"source": "square"}).json()["items"]
    assert len(items) == 8  # charge, fee, refund, fee back, withdrawn, reinstated, fee, payout
    lines = {(e["description"], x["account"]): x["amount"] for e in items for x in e["lines"]}
    assert lines[(f"Sale by charge {pay['id']}", "4000")] == "-47.50"
    assert lines[(f"Payout {po['id']}", "1000")] == "29.00"
    got = balances(sq)
    assert got[CLEARING] == 0  # everything Square held has been paid out
    assert (got["1000"], got["4000"], got["4600"]) == (
        Decimal("29.00"),
        Decimal("-47.50"),
        Decimal("15.00"),
    )
    assert got["6100"] == Decimal("3.50")  # 1.39 - 0.39 + 2.50
    assert got.get("6200", Decimal(0)) == 0  # the dispute was won

    assert status_of(sq, square.payout_failed(po, at=DAY)) == "posted"
    got = balances(sq)
    assert (got[CLEARING], got["1000"]) == (Decimal("29.00"), Decimal(0))


def test_bad_signatures_are_401_and_nothing_is_stored(sq: Live) -> None:
    payload = square.payment_updated(square.payment(amount=1000, currency="EUR", at=DAY))
    for kwargs in ({"key": "not-the-key"}, {"url": URL + "/"}, {"url": "http://10.0.0.7/hook"}):
        response = send(sq, payload, **kwargs)
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "bad_signature"
        assert KEY not in response.text
    raw = square.encode(payload)
    unsigned = sq.http.post(
        "/webhooks/square", content=raw, headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 401
    assert sq.get("/api/v1/events", params={"source": "square"}).json()["items"] == []


def test_a_source_without_its_notification_url_is_refused_at_setup(live: Live) -> None:
    """Square signs the notification URL: without it no delivery could ever verify, so the
    source is refused when it is added, with the setting named."""
    with pytest.raises(ValidationError, match=r"needs settings\.notification_url"):
        add_square(live, source_id="square-unset")


def test_a_signed_malformed_payload_is_200_failed_and_kept(sq: Live) -> None:
    pay = square.payment(amount=1000, currency="EUR", at=DAY)
    pay["total_money"]["amount"] = 10.0  # money as a float: refused, never rounded
    response = send(sq, square.payment_updated(pay, at=DAY))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "failed"
    shown = sq.get(f"/api/v1/events/{body['event_id']}").json()
    assert shown["error"].startswith("malformed_payload:")
    assert "payment.total_money.amount" in shown["error"]
    assert sq.get("/api/v1/entries", params={"source": "square"}).json()["items"] == []

    # a payout whose entries cannot be fetched is kept failed, to replay once they can
    po = square.payout(amount=500, currency="EUR", arrival_date=date(2026, 3, 4), at=DAY)
    assert status_of(sq, square.payout_paid(po, at=DAY)) == "failed"
