"""BigCommerce end to end: unsigned webhooks carrying our secret header reach the real server,
which reads the order and its refunds back from a loopback stand-in of the store's REST API
(under /stores/{hash}) and posts them against the Stripe clearing account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import setup
from ledgerbridge.sources.bigcommerce import simulate as bc
from ledgerbridge.store.database import Database

pytestmark = pytest.mark.e2e

SECRET = "bc_e2e_hook_secret_4Nw8Qz1Lr6Tx3Vb9Kc2Md7Hs"
TOKEN = "bc_e2e_token_7g5f4e3d2c1b0a"
STRIPE_SECRET = "whsec_bc_e2e_1a2b3c4d5e6f7a8b9c0d1e2f"
STORE = "k7xq2m9r4t"
PREFIX = f"/stores/{STORE}"
DAY = datetime(2026, 3, 2, 9, 48, tzinfo=UTC)


class Live:
    def __init__(self, url: str, standin: StandIn, api_key: str, http: httpx.Client) -> None:
        self.url, self.standin, self.http = url, standin, http
        self.auth = {"Authorization": f"Bearer {api_key}"}

    def get(self, path: str, **params: str) -> Any:
        response = self.http.get(path, params=params, headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()

    def send(self, payload: Any, secret: str = SECRET, **kw: Any) -> httpx.Response:
        raw = payload if isinstance(payload, bytes) else bc.body(payload)
        return self.http.post("/webhooks/bc", content=raw, headers=bc.headers(secret, **kw))


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    db = Database(f"sqlite:///{tmp_path / 'bc.db'}")
    with StandIn() as standin:
        setup.init(db, "USD")
        setup.add_source(
            db,
            source_id="stripe",
            platform="stripe",
            ledger="default",
            webhook_secret=STRIPE_SECRET,
            settings={"api_base_url": standin.url},
        )
        setup.add_source(
            db,
            source_id="bc",
            platform="bigcommerce",
            ledger="default",
            webhook_secret=SECRET,
            api_credentials={"store_hash": STORE, "access_token": TOKEN},
            settings={"api_base_url": standin.url + PREFIX, "gateway": "stripe"},
        )
        api_key = setup.create_api_key(db, "e2e")
        with (
            Server(db, free_port()) as server,
            httpx.Client(base_url=server.url, timeout=15) as http,
        ):
            yield Live(server.url, standin, api_key, http)
    db.dispose()


def paid_order(order_id: int = 4102, **kw: Any) -> dict[str, Any]:
    """91.74 = 84.99 - 8.50 coupon + 6.95 shipping + 1.50 handling + 6.80 tax (8 %);
    20.00 of it paid by gift certificate, 71.74 by card."""
    return bc.order(
        order_id,
        subtotal="84.99",
        coupon_discount="8.50",
        shipping="6.95",
        handling="1.50",
        tax_rate="0.08",
        gift_certificate="20.00",
        date_created=DAY,
        **kw,
    )


def card_refund(order_id: int = 4102) -> dict[str, Any]:
    return bc.refund(
        88,
        order_id=order_id,
        total_amount="32.39",
        total_tax="2.40",
        items=[
            bc.refund_item("PRODUCT", 9001, quantity=1),
            bc.refund_item("SHIPPING", order_id, requested_amount="6.95"),
        ],
        created=datetime(2026, 3, 3, 16, 20, tzinfo=UTC),
    )


def posted(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "posted", response.json()
    return str(response.json()["event_id"])


def lines_of(live: Live, event_id: str) -> dict[str, str]:
    (entry,) = [e for e in live.get("/api/v1/entries")["items"] if event_id in e["event_ids"]]
    assert entry["source"] == "bc"
    assert sum(Decimal(x["amount"]) for x in entry["lines"]) == 0
    return {x["account"]: x["amount"] for x in entry["lines"]}


def test_a_paid_order_and_its_refund_post_once_and_balance(live: Live) -> None:
    bc.publish(live.standin, order_doc=paid_order(), refunds=[card_refund()], prefix=PREFIX)
    sale_event = posted(live.send(bc.order_created(4102, created_at=DAY)))
    again = live.send(bc.order_created(4102, created_at=DAY))
    assert again.json() == {"event_id": sale_event, "status": "duplicate"}
    # Another delivery about the same paid order: read again, the Sale is already posted.
    status = live.send(bc.order_status_updated(4102, 11, 7, created_at=DAY))
    assert status.status_code == 200
    assert status.json()["status"] == "ignored"
    assert lines_of(live, sale_event) == {
        "1100-stripe": "71.74",
        "2200": "20.00",  # gift certificate redeemed
        "4500": "8.50",
        "4000": "-84.99",
        "4100": "-8.45",
        "2100": "-6.80",
    }

    refund_event = posted(live.send(bc.refund_created(4102, 88)))
    assert lines_of(live, refund_event) == {
        "4600": "23.04",
        "4100": "6.95",
        "2100": "2.40",
        "1100-stripe": "-32.39",
    }
    fetched = {path for _, path, _ in live.standin.requests}
    assert fetched == {
        f"{PREFIX}/v2/orders/4102",
        f"{PREFIX}/v3/orders/4102/payment_actions/refunds",
    }

    tb = live.get("/api/v1/trial-balance")
    assert tb["total_debit"] == tb["total_credit"]
    rows = {r["account"]: r for r in tb["rows"]}
    assert rows["1100-stripe"]["balance"] == "39.35"  # 71.74 in, 32.39 back to the card
    assert sum(Decimal(r["balance"]) for r in tb["rows"]) == 0
    assert len(live.get("/api/v1/entries")["items"]) == 2


def test_a_refund_that_arrives_before_its_order_posts_on_its_own(live: Live) -> None:
    bc.publish(
        live.standin,
        order_doc=paid_order(4110, status_id=7),
        prefix=PREFIX,
        refunds=[card_refund(4110)],
    )
    posted(live.send(bc.refund_created(4110, 88)))
    awaiting = live.send(bc.order_status_updated(4110, 7, 0))
    assert awaiting.json()["status"] == "ignored"  # still awaiting payment: nothing yet
    bc.publish(live.standin, order_doc=paid_order(4110, status_id=10), prefix=PREFIX)
    posted(live.send(bc.order_status_updated(4110, 10, 7)))
    tb = live.get("/api/v1/trial-balance")
    assert {r["account"]: r["balance"] for r in tb["rows"]}["1100-stripe"] == "39.35"


@pytest.mark.parametrize("case", ["wrong", "missing", "bearer-wrong"])
def test_a_bad_secret_is_401_and_stores_nothing(live: Live, case: str) -> None:
    payload = bc.order_status_updated(4102)
    if case == "missing":
        response = live.http.post(
            "/webhooks/bc", content=bc.body(payload), headers={"Content-Type": "application/json"}
        )
    else:
        response = live.send(payload, "n" * 44, bearer=case == "bearer-wrong")
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "bad_signature"
    assert SECRET not in response.text
    assert live.get("/api/v1/events")["items"] == []
    assert live.standin.requests == []


def test_the_secret_as_a_bearer_token_is_accepted(live: Live) -> None:
    bc.publish(live.standin, order_doc=paid_order(4120), prefix=PREFIX)
    posted(live.send(bc.order_status_updated(4120), bearer=True))


@pytest.mark.parametrize(
    "raw",
    [
        b'{"scope":"store/order/statusUpdated","data":{"type":"order","id":4102}, oops',
        bc.body(bc.order_status_updated(4102) | {"data": {"type": "order", "id": 4102.0}}),
    ],
)
def test_a_malformed_payload_is_200_failed_and_kept(live: Live, raw: bytes) -> None:
    response = live.send(raw)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "failed"
    shown = live.get(f"/api/v1/events/{body['event_id']}")
    assert shown["error"].startswith("malformed_payload:")
    assert live.get("/api/v1/entries")["items"] == []


def test_an_order_the_store_cannot_find_fails_and_posts_nothing(live: Live) -> None:
    response = live.send(bc.order_status_updated(4999))
    assert response.json()["status"] == "failed"
    shown = live.get(f"/api/v1/events/{response.json()['event_id']}")
    assert shown["error"].startswith("lookup_failed:")
    assert TOKEN not in str(shown)
