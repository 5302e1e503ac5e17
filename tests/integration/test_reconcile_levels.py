"""Reconciliation levels 2 and 3 on SQLite and PostgreSQL: a Shopify store taking its money
through Stripe. Orders find their charges (by reference, by amount and day), a missing charge
and an amount mismatch are flagged, Stripe payouts are checked against the balance
transactions they itemise (one adds up, one does not), a charge no payout paid is unsettled,
and matches are made, confirmed and broken by hand through the service and through the API
(with an API key, on the real server), each change audited and kept across runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from ledgerbridge.demo.run import Server, free_port
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import ConflictError
from ledgerbridge.service import reconcile, reconcile_manual, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import audit_log, facts

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = (DAY + timedelta(days=12)).date()
STRIPE_SECRET = "whsec_levels"
SHOP_SECRET = "shp_levels"


def _configure(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
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
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret=SHOP_SECRET,
        settings={"gateway": "stripe"},
    )


def _order(db: Database, n: int, price: str) -> int:
    doc = shopify.order(
        7000 + n,
        number=1000 + n,
        currency="EUR",
        lines=[shopify.Line("Item", price)],
        shipping="0",
        payment_gateway_names=("stripe",),
        created_at=DAY,
    )
    body = shopify.body(doc)
    headers = shopify.headers("orders/paid", body, SHOP_SECRET, f"wh-{n}", "l.myshopify.com", DAY)
    assert ingest(db, "shop", body, headers).status == "posted"
    return int(Decimal(doc["total_price"]) * 100)


def _stripe(db: Database, event: dict[str, Any]) -> str:
    body = stripe.encode(event)
    return ingest(db, "stripe", body, stripe.sign(body, STRIPE_SECRET, int(time.time()))).status


def _charge(
    db: Database, standin: StandIn, amount: int, order_id: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    ts = int(DAY.timestamp())
    ch, txn = stripe.captured_charge(amount=amount, currency="eur", created=ts, order_id=order_id)
    standin.put(f"/v1/balance_transactions/{txn['id']}", txn)
    assert (
        _stripe(db, stripe.charge_succeeded(ch, created=ts)) == "posted"
    )  # its fee; the charge itself posts no revenue
    return ch, txn


def _payout(db: Database, standin: StandIn, txns: list[dict[str, Any]], amount: int) -> str:
    at = int((DAY + timedelta(days=2)).timestamp())
    po = stripe.payout(amount=amount, currency="eur", arrival_date=at, created=at)
    standin.put(
        "/v1/balance_transactions",
        stripe.balance_transaction_page(txns),
        query={"payout": po["id"]},
    )
    assert _stripe(db, stripe.payout_paid(po, created=at)) == "posted"
    return str(po["id"])


def _scenario(db: Database, standin: StandIn) -> dict[str, Any]:
    _configure(db, standin)
    totals = {
        n: _order(db, n, price) for n, price in enumerate(("40.00", "25.50", "99.90", "15.00"), 1)
    }
    by_ref, txn1 = _charge(db, standin, totals[1], "#1001")  # Stripe metadata names the order
    by_amount, txn2 = _charge(db, standin, totals[2], None)  # no metadata: amount and day
    short, txn3 = _charge(db, standin, totals[3] - 100, "1003")  # one euro short
    stray, _ = _charge(db, standin, 1234, None)  # no order; never paid out
    # order 1004 has no charge at all
    good = _payout(db, standin, [txn1, txn2], txn1["net"] + txn2["net"])
    bad = _payout(db, standin, [txn3], txn3["net"] - 50)  # 0.50 missing from the payout
    return {
        "ref": by_ref,
        "amount": by_amount,
        "short": short,
        "stray": stray,
        "good": good,
        "bad": bad,
    }


def _by(db: Database, kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(m["left"]): m for m in reconcile.matches(db, "default", kind)}


def _open(db: Database) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for d in reconcile.discrepancies(db, "default", "open", None):
        out.setdefault(d["kind"], []).append(d)
    return out


def test_levels_two_and_three_and_matching_by_hand(db: Database, standin: StandIn) -> None:
    s = _scenario(db, standin)
    with db.read() as conn:
        kinds: dict[str, int] = dict(
            conn.execute(select(facts.c.kind, func.count()).group_by(facts.c.kind)).all()
        )
    assert kinds == {"sale": 4, "charge": 4, "fee": 4, "payout": 2}  # charges post nothing

    result = reconcile.run(db, "default", trigger="test", today=LATER)
    assert result["levels"]["order_charge"]["matched"] == 3
    assert result["levels"]["settlement"]["matched"] == 2

    orders = _by(db, "order_charge")
    assert (orders[("#1001",)]["rule"], orders[("#1001",)]["right"]) == (
        "order_reference",
        [s["ref"]["id"]],
    )
    assert orders[("#1002",)]["rule"] == "amount_date"
    assert orders[("#1003",)]["difference"] == "-1.00"
    settled = _by(db, "settlement")
    assert (settled[(s["good"],)]["rule"], settled[(s["good"],)]["difference"]) == (
        "itemised",
        "0.00",
    )
    assert len(settled[(s["good"],)]["right"]) == 2
    assert settled[(s["bad"],)]["difference"] == "-0.50"

    queue = _open(db)
    assert [d["refs"] for d in queue["order_without_charge"]] == [["#1004"]]
    assert [d["refs"] for d in queue["charge_without_order"]] == [[s["stray"]["id"]]]
    assert [(d["refs"], d["amount"]) for d in queue["amount_mismatch"]] == [
        (["#1003", s["short"]["id"]], "-1.00")
    ]
    assert [(d["refs"], d["amount"]) for d in queue["settlement_mismatch"]] == [
        ([s["bad"]], "-0.50")
    ]
    assert [d["refs"] for d in queue["unsettled_sale"]] == [[s["stray"]["id"]]]

    again = reconcile.run(db, "default", trigger="test", today=LATER)
    assert (again["matched"], again["discrepancies_opened"]) == (0, 0)

    # by hand: break the amount-and-day pairing, it is never made again ...
    pair = orders[("#1002",)]
    broken = reconcile_manual.decide(db, pair["id"], "broken", "finance")
    assert broken["status"] == "broken"
    rerun = reconcile.run(db, "default", trigger="test", today=LATER)
    assert rerun["levels"]["order_charge"]["matched"] == 0
    assert {d["refs"][0] for d in _open(db)["order_without_charge"]} == {"#1002", "#1004"}
    # ... match it by hand instead (confirmed), and confirm the reference match
    made = reconcile_manual.create(
        db, "default", "order_charge", pair["left_ids"], pair["right_ids"], "finance"
    )
    assert (made["status"], made["rule"], made["left"]) == ("confirmed", "manual", ["#1002"])
    with pytest.raises(ConflictError, match="already matched"):
        reconcile_manual.create(
            db, "default", "order_charge", pair["left_ids"], pair["right_ids"], "finance"
        )
    confirmed = reconcile_manual.decide(db, orders[("#1001",)]["id"], "confirmed", "finance")
    assert confirmed["status"] == "confirmed"
    assert reconcile.run(db, "default", trigger="test", today=LATER)["matched"] == 0
    with db.read() as conn:
        actions = [
            r.action
            for r in conn.execute(
                select(audit_log.c.action).order_by(audit_log.c.at, audit_log.c.id)
            )
        ]
    assert actions == ["match.broken", "match.created", "match.confirmed"]


@pytest.fixture
def server(db: Database) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with Server(db, free_port()) as live, httpx.Client(base_url=live.url, timeout=15) as http:
        yield http, {}


def test_matches_through_the_api_with_an_api_key(
    db: Database, standin: StandIn, server: tuple[httpx.Client, dict[str, str]]
) -> None:
    http, _ = server
    s = _scenario(db, standin)
    key = setup.create_api_key(db, "bookkeeper")
    auth = {"Authorization": f"Bearer {key}"}
    ran = http.post("/api/v1/reconciliations", json={}, headers=auth)
    assert ran.status_code == 201, ran.text
    listed = http.get("/api/v1/matches", params={"kind": "order_charge"}, headers=auth).json()
    assert {m["kind"] for m in listed["items"]} == {"order_charge"}
    settlement = http.get("/api/v1/matches", params={"kind": "settlement"}, headers=auth).json()
    assert {tuple(m["left"]) for m in settlement["items"]} == {(s["good"],), (s["bad"],)}

    target = next(m for m in listed["items"] if m["left"] == ["#1003"])
    assert http.post(f"/api/v1/matches/{target['id']}/break").status_code == 401  # no key
    broken = http.post(f"/api/v1/matches/{target['id']}/break", headers=auth)
    assert (broken.status_code, broken.json()["status"]) == (200, "broken")
    assert http.post(f"/api/v1/matches/{target['id']}/confirm", headers=auth).status_code == 409
    made = http.post(
        "/api/v1/matches",
        json={
            "kind": "order_charge",
            "left_ids": target["left_ids"],
            "right_ids": target["right_ids"],
        },
        headers=auth,
    )
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["difference"]) == ("confirmed", "-1.00")
    bad = http.post(
        "/api/v1/matches",
        json={"kind": "nonsense", "left_ids": ["x"], "right_ids": ["y"]},
        headers=auth,
    )
    assert bad.status_code == 422
    other = next(m for m in listed["items"] if m["left"] == ["#1001"])
    confirmed = http.post(f"/api/v1/matches/{other['id']}/confirm", headers=auth)
    assert confirmed.json()["status"] == "confirmed"
    with db.read() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.action).order_by(audit_log.c.at, audit_log.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("bookkeeper", "match.broken"),
        ("bookkeeper", "match.created"),
        ("bookkeeper", "match.confirmed"),
    ]
