"""The services behind the dashboard, on SQLite and PostgreSQL: users and sessions, the close
checklist (each check failing, then passing), close with and without an override, the account
ledger's running balance, and the overview's counts."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import ConflictError, ValidationError
from ledgerbridge.service import access, close, dashboard, reconcile, setup
from ledgerbridge.service.account_ledger import account_ledger, account_ledger_csv
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.sources.stripe import simulate as stripe
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import audit_log, users, web_sessions

MARCH = datetime(2026, 3, 10, 10, tzinfo=UTC)


def _sources(db: Database, standin: StandIn) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_d",
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_d",
        settings={"gateway": "stripe"},
    )


def _order(db: Database, n: int, day: datetime, currency: str = "EUR") -> str:
    doc = shopify.order(n, currency=currency, payment_gateway_names=("stripe",), created_at=day)
    body = shopify.body(doc)
    headers = shopify.headers("orders/paid", body, "shp_d", f"wh-{n}", "d.myshopify.com", day)
    ingest(db, "shop", body, headers)
    return str(doc["total_price"])


def _payout(db: Database, standin: StandIn, amount: int, day: datetime) -> None:
    po = stripe.payout(
        amount=amount,
        currency="eur",
        arrival_date=int(day.timestamp()),
        created=int(day.timestamp()),
    )
    standin.put(
        "/v1/balance_transactions", stripe.balance_transaction_page([]), query={"payout": po["id"]}
    )
    body = stripe.encode(stripe.payout_paid(po, created=int(day.timestamp())))
    assert ingest(db, "stripe", body, stripe.sign(body, "whsec_d", int(time.time()))).status == (
        "posted"
    )


def _checks(doc: dict[str, object]) -> dict[str, bool]:
    return {c["name"]: c["ok"] for c in doc["checks"]}  # type: ignore[attr-defined]


def test_users_log_in_with_argon2_hashes_and_sessions_expire(db: Database) -> None:
    setup.init(db, "EUR")
    access.create_user(db, "ann", "correct horse battery", "accountant")
    with pytest.raises(ConflictError):
        access.create_user(db, "ann", "another long password", "viewer")
    with pytest.raises(ValidationError):
        access.create_user(db, "bob", "short", "viewer")
    with pytest.raises(ValidationError):
        access.create_user(db, "bob", "long enough password", "owner")
    with db.read() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored

    with pytest.raises(access.LoginFailed):
        access.login_password(db, "ann", "wrong horse battery")
    with pytest.raises(access.LoginFailed):
        access.login_password(db, "nobody", "correct horse battery")
    token, who = access.login_password(db, "ann", "correct horse battery")
    assert (who.name, who.kind, who.role) == ("ann", "user", "accountant")
    assert who.may("viewer")
    assert who.may("accountant")
    assert not who.may("admin")
    assert access.session(db, token) == who
    assert access.csrf_ok(who, who.csrf)
    assert not access.csrf_ok(who, "x")
    assert not access.csrf_ok(who, None)

    with db.write() as conn:
        conn.execute(update(web_sessions).values(expires_at=datetime.now(UTC) - timedelta(1)))
    assert access.session(db, token) is None
    token, _ = access.login_password(db, "ann", "correct horse battery")
    access.logout(db, token)
    assert access.session(db, token) is None


def test_an_api_key_session_takes_the_keys_role(db: Database) -> None:
    setup.init(db, "EUR")
    key = setup.create_api_key(db, "auditor", "viewer")
    token, who = access.login_api_key(db, key)
    assert (who.name, who.kind, who.role) == ("auditor", "api_key", "viewer")
    assert access.session(db, token) == who
    with pytest.raises(access.LoginFailed):
        access.login_api_key(db, key + "x")
    with pytest.raises(ValidationError):
        setup.create_api_key(db, "x", "root")


def test_the_close_checklist_fails_until_the_month_is_explained_then_closes(
    db: Database, standin: StandIn
) -> None:
    _sources(db, standin)
    totals = [_order(db, n, MARCH) for n in (1, 2)]
    body = b'{"id": 3, "total_price": '  # signed, but cut short: kept as failed
    failed = ingest(
        db, "shop", body, shopify.headers("orders/paid", body, "shp_d", "wh-3", "d", MARCH)
    )
    assert failed.status == "failed"

    first = close.checklist(db, "default", "2026-03")
    assert _checks(first) == {
        "sources synced": False,  # Stripe not heard from since the end of March
        "no failed events": False,
        "no open discrepancies": True,
        "clearing explained": False,  # the orders' money is not paid out yet
    }
    [clearing] = next(c for c in first["checks"] if c["name"] == "clearing explained")["rows"]
    assert (clearing["account"], clearing["balance"]) == ("1100-stripe", sum(map(Decimal, totals)))
    with pytest.raises(ConflictError, match="sources synced, no failed events, clearing explained"):
        close.close(db, "default", "2026-03", "ann")

    paid = int(sum(map(Decimal, totals)) * 100)
    _payout(db, standin, paid, datetime(2026, 4, 2, 9, tzinfo=UTC))
    after = _checks(close.checklist(db, "default", "2026-03"))
    assert after["sources synced"] is True
    assert after["clearing explained"] is True
    assert after["no failed events"] is False

    done = close.close(db, "default", "2026-03", "cfo", override_reason="order 3 is a test order")
    assert done["status"] == "closed"
    with db.read() as conn:
        detail = conn.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "period.close")
        ).scalar_one()
    assert detail["reason"] == "order 3 is a test order"
    assert detail["failing"] == ["no failed events"]
    assert close.checklist(db, "default", "2026-03")["status"] == "closed"


def test_a_source_not_heard_from_since_the_period_end_is_not_synced(
    db: Database, standin: StandIn
) -> None:
    _sources(db, standin)
    _order(db, 1, MARCH)
    doc = close.checklist(db, "default", "2026-03")
    synced = next(c for c in doc["checks"] if c["name"] == "sources synced")
    assert {r["source"]: r["ok"] for r in synced["rows"]} == {"shop": True, "stripe": False}
    future = date.today().replace(day=1) + timedelta(days=40)
    later = close.checklist(db, "default", f"{future:%Y-%m}")
    assert _checks(later)["sources synced"] is False


def test_open_discrepancies_above_the_threshold_block_the_close(
    db: Database, standin: StandIn
) -> None:
    _sources(db, standin)
    _order(db, 1, MARCH)  # an order with no Stripe charge: opens order_without_charge
    reconcile.run(db, "default", today=date(2026, 4, 30))
    found = reconcile.discrepancies(db, "default", "open", None)
    assert [d["kind"] for d in found] == ["order_without_charge"]
    amount = Decimal(found[0]["amount"])
    assert _checks(close.checklist(db, "default", "2026-03"))["no open discrepancies"] is False
    below = close.checklist(db, "default", "2026-03", threshold=amount)
    assert _checks(below)["no open discrepancies"] is True


def test_the_account_ledger_runs_from_the_opening_balance(db: Database, standin: StandIn) -> None:
    _sources(db, standin)
    a = Decimal(_order(db, 1, datetime(2026, 2, 27, tzinfo=UTC)))
    b = Decimal(_order(db, 2, MARCH))
    c = Decimal(_order(db, 3, MARCH + timedelta(days=1)))
    doc = account_ledger(db, "default", "1100-stripe", date(2026, 3, 1), date(2026, 3, 31))
    assert doc["opening_balance"] == str(a)
    assert [x["balance"] for x in doc["lines"]] == [str(a + b), str(a + b + c)]
    assert doc["closing_balance"] == str(a + b + c)
    rows = account_ledger_csv(doc).splitlines()
    assert rows[1] == f"2026-03-01,,opening balance,,,,{a}"
    assert len(rows) == 5


def test_the_overview_counts_per_source(db: Database, standin: StandIn) -> None:
    _sources(db, standin)
    total = Decimal(_order(db, 1, MARCH)) + Decimal(_order(db, 2, MARCH))
    found = dashboard.overview(db)
    rows = {r["id"]: r for r in found["sources"]}
    assert (rows["shop"]["posted"], rows["shop"]["today"], rows["shop"]["quiet"]) == (2, 2, False)
    assert rows["shop"]["p50_ms"] is not None
    tomorrow = dashboard.overview(db, now=datetime.now(UTC) + timedelta(days=1))
    assert {r["id"]: r["today"] for r in tomorrow["sources"]}["shop"] == 0
    assert (rows["stripe"]["posted"], rows["stripe"]["quiet"]) == (0, True)
    assert found["clearing"]["default"]["1100-stripe"] == {"EUR": str(total)}
    series = dashboard.daily_series(db, "default", days=31, until=date(2026, 3, 31))
    sales = dict(zip(series["days"], series["series"]["sales"], strict=True))
    assert sales[date(2026, 3, 10)] > 0
    assert sales[date(2026, 3, 9)] == 0
    latency = dashboard.latency_series(db)
    assert latency["count"] == 2


def test_a_source_is_quiet_after_its_own_setting(db: Database, standin: StandIn) -> None:
    _sources(db, standin)
    setup.add_source(
        db,
        source_id="night",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_n",
        settings={"gateway": "stripe", "quiet_after_minutes": 30},
    )
    for source, secret in (("shop", "shp_d"), ("night", "shp_n")):
        doc = shopify.order(5, currency="EUR", payment_gateway_names=("stripe",), created_at=MARCH)
        body = shopify.body(doc)
        ingest(db, source, body, shopify.headers("orders/paid", body, secret, "w5", "n", MARCH))
    later = datetime.now(UTC) + timedelta(hours=1)
    rows = {r["id"]: r for r in dashboard.overview(db, now=later)["sources"]}
    assert (rows["shop"]["quiet"], rows["night"]["quiet"]) == (False, True)
    assert rows["night"]["quiet_after"] == timedelta(minutes=30)


def test_failed_logins_are_throttled_per_user_name(db: Database) -> None:
    setup.init(db, "EUR")
    access.create_user(db, "throttled-ann", "correct horse battery", "viewer")
    for _ in range(access.throttle.limit):
        with pytest.raises(access.LoginFailed, match="not recognised"):
            access.login_password(db, "throttled-ann", "a wrong guess here")
    with pytest.raises(access.LoginFailed, match="too many failed logins"):
        access.login_password(db, "throttled-ann", "correct horse battery")
    access.throttle.passed("throttled-ann")  # the window passing, as far as this test goes
    _, who = access.login_password(db, "throttled-ann", "correct horse battery")
    assert who.name == "throttled-ann"
