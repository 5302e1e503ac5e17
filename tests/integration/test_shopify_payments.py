"""Shopify Payments: payouts pulled by back-fill, their balance transactions fetched as the
look-up, posted against the Shopify store's own clearing account (a Shopify-only merchant).
SQLite and PostgreSQL, against the loopback stand-in serving the project's own recorded pages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import DisputeFunds, Fee, Noted, Payout, PayoutFailed
from ledgerbridge.service import backfill, journal, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.base import Envelope, SourceConfig
from ledgerbridge.sources.shopify import backfill as shopify_backfill
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.shopify.client import DEFAULT_API_VERSION
from ledgerbridge.sources.shopify.normalize import normalize
from ledgerbridge.store.database import Database

FIXTURES = Path(__file__).parents[1] / "fixtures" / "shopify"
SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 3, tzinfo=UTC)
ORDERS = f"/admin/api/{shopify.API_VERSION}/orders.json"
PAYOUTS = f"/admin/api/{shopify_backfill.API_VERSION}/shopify_payments/payouts.json"
BALANCE = f"/admin/api/{DEFAULT_API_VERSION}/shopify_payments/balance/transactions.json"
CLEARING = "1100-shop"


def fixture(name: str) -> Any:
    return orjson.loads((FIXTURES / name).read_bytes())


def no_wait(seconds: float) -> None:
    return None


def _shopify_only(db: Database, standin: StandIn) -> None:
    """One Shopify store, no gateway source: Shopify Payments is its own clearing account."""
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_payments",
        api_credentials={"access_token": "shpat_x"},
        settings={"api_base_url": standin.url},
    )


def _serve_day(standin: StandIn) -> None:
    """Three paid orders (115.00 EUR each), one partial refund (45.00) and payout 5501 with
    its balance transactions on two Link pages (fees, a fee given back, an adjustment)."""
    orders = [shopify.order(9100 + n, currency="EUR") for n in range(3)]
    first = orders[0]["line_items"][0]["id"]
    orders[0]["refunds"] = [shopify.refund(orders[0], 9900, quantities={first: 1})]
    standin.put(ORDERS, {"orders": orders}, query={"status": "any"})
    standin.put(PAYOUTS, {"payouts": [fixture("payments_payout_paid.json")]}, query={})
    link = f'<{standin.url}{BALANCE}?limit=250&page_info=bt2>; rel="next"'
    standin.put(
        BALANCE,
        fixture("payments_balance_transactions_5501_page1.json"),
        query={"payout_id": "5501"},
        headers={"Link": link},
    )
    standin.put(
        BALANCE,
        fixture("payments_balance_transactions_5501_page2.json"),
        query={"page_info": "bt2"},
    )


def _balance(db: Database, account: str) -> Decimal:
    balances = journal.clearing_balances(db, "default") if account.startswith("1100") else {}
    return Decimal(balances.get(account, {}).get("EUR", "0"))


def _entries(db: Database, account: str) -> list[dict[str, Any]]:
    return journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=None,
        account=account,
        limit=100,
        cursor=None,
    )[0]


def test_a_shopify_only_merchants_day_leaves_clearing_at_zero_after_the_payout(
    db: Database, standin: StandIn
) -> None:
    _shopify_only(db, standin)
    _serve_day(standin)
    standin.fail_next(PAYOUTS, "429")
    standin.fail_next(BALANCE, "drop")

    tally = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)

    # orders page (3 sales + 1 refund), then the payouts page (1 payout)
    assert (tally.pages, tally.seen) == (2, 5)
    assert tally.statuses == {"posted": 5}
    assert _balance(db, CLEARING) == 0
    assert len(_entries(db, "6100")) == 5  # 3 charge fees, 1 fee given back, 1 adjustment
    assert len(_entries(db, "1000")) == 1  # the payout
    assert journal.trial_balance(db, "default", None)["balanced"]
    paths = [p for _, p, _ in standin.requests]
    assert paths.count(BALANCE) == 3  # page 1 dropped, page 1 again, page 2

    again = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)
    assert again.statuses == {"duplicate": 5}


def test_payout_statuses_post_once_per_key(db: Database, standin: StandIn) -> None:
    _shopify_only(db, standin)
    _serve_day(standin)
    orders = [shopify.order(9100 + n, currency="EUR") for n in range(3)]
    for order in orders:
        body = shopify.body(order)
        signed = shopify.headers(
            "orders/paid", body, "shp_payments", f"wh-{order['id']}", "example.myshopify.com"
        )
        assert ingest(db, "shop", body, signed).status == "posted"
    assert _balance(db, CLEARING) == Decimal("345.00")
    payout = fixture("payments_payout_paid.json")

    in_transit = shopify_backfill.payout_delivery({**payout, "status": "in_transit"})
    first = ingest(db, "shop", in_transit.body, in_transit.headers, verify=False)
    assert first.status == "posted"
    fees_then = len(_entries(db, "6100"))
    assert fees_then == 5
    assert len(_entries(db, "1000")) == 0  # not paid yet

    paid = shopify_backfill.payout_delivery(payout)
    assert ingest(db, "shop", paid.body, paid.headers, verify=False).status == "posted"
    assert len(_entries(db, "6100")) == fees_then  # the fees posted once
    assert len(_entries(db, "1000")) == 1
    # no refund order came in here: 345.00 - 10.92 + 0.35 - 0.20 - 289.23
    assert _balance(db, CLEARING) == Decimal("45.00")

    failed = shopify_backfill.payout_delivery({**payout, "status": "failed"})
    assert ingest(db, "shop", failed.body, failed.headers, verify=False).status == "posted"
    assert _balance(db, CLEARING) == Decimal("334.23")
    assert journal.trial_balance(db, "default", None)["balanced"]


def test_a_store_without_shopify_payments_answers_404_and_the_run_finishes(
    db: Database, standin: StandIn
) -> None:
    _shopify_only(db, standin)
    standin.put(ORDERS, {"orders": [shopify.order(9300, currency="EUR")]}, query={"status": "any"})

    tally = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.statuses) == (2, {"posted": 1})
    again = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)  # the range is done
    assert again.resumed_from is None


def test_an_interrupted_run_resumes_in_the_payouts_list(db: Database, standin: StandIn) -> None:
    _shopify_only(db, standin)
    _serve_day(standin)

    def stop(n: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill.run(db, "shop", SINCE, UNTIL, progress=stop, sleep=no_wait)
    resumed = backfill.run(db, "shop", SINCE, UNTIL, sleep=no_wait)
    assert resumed.resumed_from == "payouts:"
    assert (resumed.pages, resumed.statuses) == (1, {"posted": 1})
    assert _balance(db, CLEARING) == 0


# -- pure: the normalisation of balance transactions --------------------------------------

CONFIG = SourceConfig(id="shop", platform="shopify", ledger="default", secrets=("s",))


def _payout_envelope(status: str = "paid", payout_id: int = 5601) -> Envelope:
    payout = {
        "id": payout_id,
        "status": status,
        "date": "2026-03-06",
        "currency": "USD",
        "amount": "21.70",
    }
    return Envelope(
        event_id=f"backfill:payout:{payout_id}:{status}",
        event_type=shopify_backfill.PAYOUT_TOPIC,
        payload=payout,
    )


def test_balance_transaction_types_map_as_documented() -> None:
    lookups = fixture("payments_balance_transactions_mixed.json")
    events = normalize(_payout_envelope(), lookups, CONFIG)
    by_key = {e.key: e for e in events}

    assert by_key["shop:fee:8101"] == Fee(
        key="shop:fee:8101",
        reference="8101",
        occurred_at=datetime(2026, 3, 4, 15, tzinfo=UTC),
        currency="USD",
        amount=Decimal("1.75"),
        charge_reference="4401",
    )
    assert "shop:fee:8102" not in by_key  # a charge without a fee posts nothing
    lost = by_key["shop:dispute:8103"]
    assert isinstance(lost, DisputeFunds)
    assert (lost.withdrawn, lost.fee) == (Decimal("50.00"), Decimal("15.00"))
    won = by_key["shop:dispute:8104"]
    assert isinstance(won, DisputeFunds)
    assert (won.withdrawn, won.fee) == (Decimal("-30.00"), Decimal("-15.00"))
    adjusted, billed, held = (
        by_key["shop:fee:8105"],
        by_key["shop:fee:8106"],
        by_key["shop:balance:8107"],
    )
    assert isinstance(adjusted, Fee)
    assert adjusted.amount == Decimal("-0.45")  # the merchant gained: a fee given back
    assert isinstance(billed, Fee)
    assert billed.amount == Decimal("12.00")  # a debit of the balance (a Shopify bill)
    assert isinstance(held, Noted)
    assert "held in reserve" in held.note  # held funds stay in clearing
    assert not any("8108" in k for k in by_key)  # test mode
    assert isinstance(by_key["shop:balance:8109"], Noted)  # unknown type: for review
    assert not any("8110" in k for k in by_key)  # the payout row: the payout object says it
    payout = by_key["shop:payout:5601"]
    assert isinstance(payout, Payout)
    assert payout.amount == Decimal("21.70")
    assert payout.arrival == datetime(2026, 3, 6, 12, tzinfo=UTC)

    # Clearing held the two charges (70.00, from their orders); after these events and the
    # payout it keeps 15.00: the 10.00 held in reserve and the 5.00 of the unknown type.
    left = Decimal("70.00")
    for e in events:
        if isinstance(e, Fee | Payout):
            left -= e.amount
        elif isinstance(e, DisputeFunds):
            left -= e.withdrawn + e.fee
    assert left == Decimal("15.00")


def test_failed_and_cancelled_payouts() -> None:
    failed = normalize(_payout_envelope("failed"), {}, CONFIG)
    assert failed == [
        PayoutFailed(
            key="shop:payout:5601:failed",
            reference="5601",
            occurred_at=datetime(2026, 3, 6, 12, tzinfo=UTC),
            currency="USD",
            payout_key="shop:payout:5601",
        )
    ]
    (noted,) = normalize(_payout_envelope("canceled"), {}, CONFIG)
    assert isinstance(noted, Noted)


def test_a_float_fee_or_a_missing_look_up_is_malformed() -> None:
    with pytest.raises(MalformedPayloadError) as bad:
        normalize(_payout_envelope(payout_id=5701), fixture("payments_payout_bad_fee.json"), CONFIG)
    assert bad.value.details["field"] == "transactions[0].fee"
    with pytest.raises(MalformedPayloadError):
        normalize(_payout_envelope(), {}, CONFIG)
    with pytest.raises(MalformedPayloadError):
        normalize(
            Envelope("x", shopify_backfill.PAYOUT_TOPIC, {"id": 1, "status": "paid"}), {}, CONFIG
        )


def test_which_stores_pull_payouts() -> None:
    def config(**settings: Any) -> SourceConfig:
        return SourceConfig("shop", "shopify", "default", ("s",), settings=settings)

    assert shopify_backfill.pulls_payouts(config())
    assert not shopify_backfill.pulls_payouts(config(gateway="stripe"))
    assert shopify_backfill.pulls_payouts(config(gateway={"paypal": "pp"}))
    assert not shopify_backfill.pulls_payouts(config(gateway={"*": "stripe"}))
    assert shopify_backfill.pulls_payouts(config(gateway={"shopify_payments": "shop"}))
    assert not shopify_backfill.pulls_payouts(config(shopify_payments=False))


def test_a_malformed_payout_delivery_is_kept_as_failed(db: Database, standin: StandIn) -> None:
    _shopify_only(db, standin)
    standin.put(BALANCE, fixture("payments_payout_bad_fee.json"), query={"payout_id": "5701"})
    item = shopify_backfill.payout_delivery(
        {"id": 5701, "status": "paid", "date": "2026-03-06", "currency": "EUR", "amount": "9.41"}
    )
    assert ingest(db, "shop", item.body, item.headers, verify=False).status == "failed"
    assert _balance(db, CLEARING) == 0
