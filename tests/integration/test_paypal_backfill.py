"""PayPal back-fill: an OAuth2 client-credentials token, then Transaction Search in 31-day
windows, against the loopback stand-in serving the project's own recorded pages (with a 429,
a 503 and a dropped connection), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError
from ledgerbridge.domain.events import Charge, Fee, GatewayRefund, Noted, Payout
from ledgerbridge.service import backfill, journal, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.base import Delivery, SourceConfig
from ledgerbridge.sources.paypal import simulate
from ledgerbridge.sources.paypal.adapter import PayPalAdapter
from ledgerbridge.sources.paypal.backfill import PATH, delivery, windows
from ledgerbridge.sources.paypal.client import OAUTH_PATH, BearerAuth, TokenSource
from ledgerbridge.store.database import Database

FIXTURES = Path(__file__).parents[1] / "fixtures" / "paypal"
SINCE = datetime(2026, 2, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 10, tzinfo=UTC)
FEB = "2026-01-31T21:00:00Z"  # three hours before SINCE: the report's lag
MAR = "2026-03-03T21:00:00Z"  # FEB + 31 days
TOKEN = "A21AAbackfill-token-1"
CLIENT = ("AZ-backfill-client", "EF-backfill-secret")
CLEARING = "1100-pp"
slept: list[float] = []


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def no_wait(seconds: float) -> None:
    slept.append(seconds)


def _configure(db: Database, standin: StandIn) -> None:
    """PayPal as a gateway that recognises revenue (no store in front of it)."""
    setup.init(db, "USD")
    setup.add_source(
        db,
        source_id="pp",
        platform="paypal",
        ledger="default",
        webhook_secret="unused-by-rsa",
        api_credentials={"client_id": CLIENT[0], "client_secret": CLIENT[1]},
        settings={
            "webhook_id": "WH-BACKFILL",
            "api_base_url": standin.url,
            "recognize_revenue": True,
        },
    )


def _serve(standin: StandIn) -> None:
    standin.put(
        OAUTH_PATH,
        fixture("oauth2_token.json"),
        query={"grant_type": "client_credentials"},
        method="POST",
    )
    standin.put(
        PATH, fixture("transactions_feb_page1.json"), query={"start_date": FEB, "page": "1"}
    )
    standin.put(
        PATH, fixture("transactions_feb_page2.json"), query={"start_date": FEB, "page": "2"}
    )
    standin.put(
        PATH, fixture("transactions_mar_page1.json"), query={"start_date": MAR, "page": "1"}
    )


def _clearing(db: Database) -> Decimal:
    return Decimal(journal.clearing_balances(db, "default").get(CLEARING, {}).get("USD", "0"))


def _entries(db: Database, account: str) -> int:
    found, _ = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source="pp",
        account=account,
        limit=100,
        cursor=None,
    )
    return len(found)


def test_paypal_backfill_posts_the_balance_and_a_webhook_of_the_same_capture_once(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    _serve(standin)
    capture = simulate.capture(
        "100.00", "USD", capture_id="8MC585209K746392H", fee="3.79", invoice_id="1001"
    )
    body = simulate.encode(simulate.event("PAYMENT.CAPTURE.COMPLETED", capture))
    assert ingest(db, "pp", body, {"content-type": "application/json"}, verify=False).status == (
        "posted"
    )
    standin.fail_next(OAUTH_PATH, "503")
    standin.fail_next(PATH, "429", "drop")
    slept.clear()

    tally = backfill.run(db, "pp", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (3, 6)
    # the webhook's capture: already posted; the conversion and the pending sale: Noted
    assert tally.statuses == {"posted": 3, "ignored": 3}
    assert slept[:2] == [1, 1]  # the token's 503 (2^0) and the search's 429 (Retry-After: 1)
    assert _entries(db, "4000") == 2  # two charges recognised, once each
    assert _entries(db, "6100") == 3  # two fees and one given back
    assert _entries(db, "1000") == 1  # the withdrawal to the bank
    assert _clearing(db) == 0  # 150.00 - 5.83 - 50.00 + 1.55 - 95.72
    assert journal.trial_balance(db, "default", None)["balanced"]

    posts = [r for r in standin.received if r[0] == "POST"]
    assert len(posts) == 2  # one 503, then the token, kept for the whole run
    basic = base64.b64encode(f"{CLIENT[0]}:{CLIENT[1]}".encode()).decode()
    assert posts[-1][2]["authorization"] == f"Basic {basic}"
    assert posts[-1][3] == b"grant_type=client_credentials"
    searches = [r for r in standin.received if r[0] == "GET" and r[1] == PATH]
    assert {r[2]["authorization"] for r in searches} == {f"Bearer {TOKEN}"}
    queries = [q for m, p, q in standin.requests if p == PATH]
    assert {(q["start_date"], q["end_date"]) for q in queries} == {
        (FEB, MAR),
        (MAR, "2026-03-10T00:00:00Z"),
    }
    assert all(q["fields"] == "all" and q["page_size"] == "500" for q in queries)

    again = backfill.run(db, "pp", SINCE, UNTIL, sleep=no_wait)
    assert again.statuses == {"duplicate": 6}


def test_an_interrupted_paypal_backfill_resumes_at_its_page(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    _serve(standin)

    def stop(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill.run(db, "pp", SINCE, UNTIL, progress=stop, sleep=no_wait)
    resumed = backfill.run(db, "pp", SINCE, UNTIL, sleep=no_wait)
    assert resumed.resumed_from == "0:2"
    assert (resumed.pages, resumed.seen) == (2, 4)
    assert _clearing(db) == 0


def test_refused_credentials_stop_the_backfill(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    standin.put(OAUTH_PATH, {"error": "invalid_client"}, status=401, method="POST")
    with pytest.raises(LookupFailedError, match="refused"):
        backfill.run(db, "pp", SINCE, UNTIL, sleep=no_wait)
    assert not any(p == PATH for _, p, _ in standin.requests)


def test_real_shaped_bad_rows_are_kept_as_failed(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    _serve(standin)
    since, until = datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 6, tzinfo=UTC)
    start = "2026-03-04T21:00:00Z"
    standin.put(PATH, fixture("transactions_bad_rows.json"), query={"start_date": start})

    tally = backfill.run(db, "pp", since, until, sleep=no_wait)

    # a fee as a JSON number (a float) and a row without a transaction id
    assert tally.statuses == {"failed": 2}
    assert _clearing(db) == 0


# -- pure and unit --------------------------------------------------------------------------

CONFIG = SourceConfig("pp", "paypal", "default", ("x",), settings={"role": "gateway"})


def _events(row: dict[str, Any]) -> list[Any]:
    adapter = PayPalAdapter()
    item = delivery(row)
    envelope = adapter.identify(Delivery(item.body, item.headers, datetime.now(UTC)))
    return adapter.normalize(envelope, {}, CONFIG)


def test_rows_map_to_events_by_event_code() -> None:
    feb = fixture("transactions_feb_page1.json")["transaction_details"]
    charge, fee = _events(feb[0])
    assert isinstance(charge, Charge)
    assert (charge.key, charge.amount, charge.order_reference) == (
        "pp:charge:8MC585209K746392H",
        Decimal("100.00"),
        "1001",
    )
    assert isinstance(fee, Fee)
    assert (fee.key, fee.amount) == ("pp:fee:8MC585209K746392H", Decimal("3.79"))

    refund, given_back = _events(fixture("transactions_feb_page2.json")["transaction_details"][0])
    assert isinstance(refund, GatewayRefund)
    assert (refund.amount, refund.charge_reference) == (Decimal("50.00"), "3KX10837LW0928317")
    assert isinstance(given_back, Fee)
    assert given_back.amount == Decimal("-1.55")

    pending, withdrawal = (
        _events(r)[0] for r in fixture("transactions_mar_page1.json")["transaction_details"]
    )
    assert isinstance(pending, Noted)
    assert pending.key == "pp:transaction:9JA36571RS2239031:P"
    assert isinstance(withdrawal, Payout)
    assert (withdrawal.key, withdrawal.amount) == ("pp:payout:2HL19384CK5512940", Decimal("95.72"))
    pending_item = delivery(fixture("transactions_mar_page1.json")["transaction_details"][0])
    assert orjson.loads(pending_item.body)["id"] == "backfill:9JA36571RS2239031:P"


def test_a_bad_backfill_id_is_malformed() -> None:
    body = orjson.dumps({"id": "backfill:x y", "event_type": "ledgerbridge/paypal.transaction"})
    with pytest.raises(MalformedPayloadError):
        PayPalAdapter().identify(Delivery(body, {}, datetime.now(UTC)))


def test_ranges_split_into_31_day_windows() -> None:
    spans = windows(datetime(2026, 1, 1, 3, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert [(a.isoformat(), b.isoformat()) for a, b in spans] == [
        ("2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00"),
        ("2026-02-01T00:00:00+00:00", "2026-03-04T00:00:00+00:00"),
        ("2026-03-04T00:00:00+00:00", "2026-04-01T00:00:00+00:00"),
    ]


def test_a_token_is_renewed_when_it_expires_and_after_a_401() -> None:
    issued: list[str] = []

    def platform(request: httpx.Request) -> httpx.Response:
        if request.url.path == OAUTH_PATH:
            issued.append(f"T{len(issued) + 1}")
            return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 120})
        if request.headers["authorization"] == "Bearer T1" and len(issued) == 1:
            return httpx.Response(401, json={"error": "invalid_token"})
        return httpx.Response(200, json={"seen": request.headers["authorization"]})

    now = [0.0]
    with httpx.Client(
        base_url="https://paypal.test", transport=httpx.MockTransport(platform)
    ) as raw:
        tokens = TokenSource(raw, *CLIENT, clock_seconds=lambda: now[0])
        with httpx.Client(
            base_url="https://paypal.test",
            transport=httpx.MockTransport(platform),
            auth=BearerAuth(tokens),
        ) as api:
            assert api.get(PATH).json() == {"seen": "Bearer T2"}  # T1 refused: renewed once
            assert api.get(PATH).json() == {"seen": "Bearer T2"}  # kept while valid
            now[0] = 61.0  # 120 s lifetime, renewed a minute early
            assert api.get(PATH).json() == {"seen": "Bearer T3"}
    assert tokens.fetched == 3


# -- the stand-in's POST answers (additive: GET behaves as before) ------------------------


def test_standin_answers_posts_by_form_fields_and_records_them(standin: StandIn) -> None:
    standin.put("/v1/thing", {"got": "get"})
    standin.put("/v1/thing", {"got": "post"}, query={"grant_type": "x"}, method="POST")
    with httpx.Client(base_url=standin.url) as http:
        assert http.get("/v1/thing").json() == {"got": "get"}
        assert http.post("/v1/thing", data={"grant_type": "x"}).json() == {"got": "post"}
        assert http.post("/v1/thing", data={"grant_type": "y"}).status_code == 404
        assert http.post("/v1/other").status_code == 404
    assert [(m, p) for m, p, _ in standin.requests] == [
        ("GET", "/v1/thing"),
        ("POST", "/v1/thing"),
        ("POST", "/v1/thing"),
        ("POST", "/v1/other"),
    ]
    assert standin.received[1][3] == b"grant_type=x"
