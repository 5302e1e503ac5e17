"""The dashboard's security over real HTTP: sessions, the login's and every form's CSRF token,
roles enforced on the server (not only hidden buttons), security headers, no secret in a page,
no open redirect; and the account-ledger report in the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from ledgerbridge.service import access, setup
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.tables import web_sessions
from tests.e2e.conftest import ALL_SECRETS, SHOP, SHOPIFY_SECRET, Live

pytestmark = pytest.mark.e2e
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PASSWORD = "a-long-enough-password"


def client(live: Live) -> httpx.Client:
    return httpx.Client(base_url=live.url, timeout=15, follow_redirects=False)


def login_csrf(http: httpx.Client) -> str:
    page = http.get("/ui/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def log_in(live: Live, http: httpx.Client, user: str, role: str) -> str:
    access.create_user(live.db, user, PASSWORD, role)
    response = http.post(
        "/ui/login",
        data={"csrf": login_csrf(http), "username": user, "password": PASSWORD, "next": "/ui/"},
    )
    assert response.status_code == 303, response.text
    return form_csrf(http)


def form_csrf(http: httpx.Client) -> str:
    page = http.get("/ui/events")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def failed_event(live: Live) -> str:
    doc = shopify.order(9101, currency="EUR", payment_gateway_names=("stripe",), created_at=DAY)
    doc["payment_token"] = "tok_live_secretvalue_123"
    strict = {"fields": {"merchant_code": "merchant_code"}, "required_fields": ["merchant_code"]}
    put = live.http.put("/api/v1/sources/shopify/mapping", json=strict, headers=live.auth)
    assert put.status_code == 200, put.text
    raw = shopify.body(doc)
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, "wh-9101", SHOP, DAY)
    response = live.http.post("/webhooks/shopify", content=raw, headers=headers)
    assert response.json()["status"] == "failed", response.text
    return str(response.json()["event_id"])


def test_pages_need_a_session_and_the_login_carries_its_own_csrf(live: Live) -> None:
    with client(live) as http:
        response = http.get("/ui/journal?as_of=2026-03-31")
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login?next=%2Fui%2Fjournal%3Fas_of%3D2026-03-31"
        access.create_user(live.db, "ann", PASSWORD, "viewer")
        refused = http.post(
            "/ui/login", data={"csrf": "forged", "username": "ann", "password": PASSWORD}
        )
        assert refused.status_code == 403
        assert "lb_session" not in refused.cookies


def test_a_session_cookie_is_httponly_strict_and_stored_only_hashed(live: Live) -> None:
    with client(live) as http:
        access.create_user(live.db, "ann", PASSWORD, "viewer")
        response = http.post(
            "/ui/login",
            data={"csrf": login_csrf(http), "username": "ann", "password": PASSWORD},
        )
        assert response.status_code == 303
        cookie = next(
            v
            for k, v in response.headers.multi_items()
            if k == "set-cookie" and v.startswith("lb_session=")
        )
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/ui" in cookie
        token = cookie.split(";")[0].split("=", 1)[1]
        with live.db.read() as conn:
            stored = conn.execute(select(web_sessions.c.token_hash)).scalars().all()
        assert token not in stored
        assert len(stored) == 1
        page = http.get("/ui/")
        assert page.status_code == 200
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        assert page.headers["x-frame-options"] == "DENY"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(live: Live) -> None:
    access.create_user(live.db, "ann", PASSWORD, "viewer")
    with client(live) as http:
        answers = []
        for user, password in (("ann", "wrong-password-here"), ("nobody", PASSWORD)):
            response = http.post(
                "/ui/login",
                data={"csrf": login_csrf(http), "username": user, "password": password},
            )
            answers.append((response.status_code, "not recognised" in response.text))
        assert answers == [(401, True), (401, True)]


def test_a_form_without_its_csrf_token_changes_nothing(live: Live) -> None:
    event_id = failed_event(live)
    with client(live) as http:
        log_in(live, http, "admin1", "admin")
        refused = http.post(f"/ui/events/{event_id}/replay", data={})
        assert refused.status_code == 403
        assert "CSRF" in refused.text
        refused = http.post(f"/ui/events/{event_id}/replay", data={"csrf": "guess"})
        assert refused.status_code == 403
    listed = live.get(f"/api/v1/events/{event_id}").json()
    assert listed["attempts"] == 1


def test_roles_are_enforced_by_the_server(live: Live) -> None:
    event_id = failed_event(live)
    with client(live) as http:
        token = log_in(live, http, "viewer1", "viewer")
        refused = http.post(f"/ui/events/{event_id}/replay", data={"csrf": token})
        assert refused.status_code == 403
        assert "accountant" in refused.text
        refused = http.post(
            "/ui/close", data={"csrf": token, "period": "2026-02", "ledger": "default"}
        )
        assert refused.status_code == 403
    with client(live) as http:
        token = log_in(live, http, "acct1", "accountant")
        refused = http.post(
            "/ui/mapping", data={"csrf": token, "source": "shopify", "document": "{}"}
        )
        assert refused.status_code == 403
        refused = http.post(
            "/ui/close",
            data={"csrf": token, "period": "2026-02", "override_reason": "because"},
        )
        assert refused.status_code == 403
        replayed = http.post(f"/ui/events/{event_id}/replay", data={"csrf": token})
        assert replayed.status_code == 303
        assert "still+failing" in replayed.headers["location"]


def test_an_api_key_opens_a_session_with_the_keys_role(live: Live) -> None:
    key = setup.create_api_key(live.db, "auditors", "viewer")
    event_id = failed_event(live)
    with client(live) as http:
        response = http.post("/ui/login", data={"csrf": login_csrf(http), "api_key": key})
        assert response.status_code == 303
        token = form_csrf(http)
        assert "auditors" in http.get("/ui/").text
        refused = http.post(f"/ui/events/{event_id}/replay", data={"csrf": token})
        assert refused.status_code == 403


def test_logout_ends_the_session(live: Live) -> None:
    with client(live) as http:
        token = log_in(live, http, "ann", "viewer")
        cookie = http.cookies.get("lb_session")
        assert http.post("/ui/logout", data={"csrf": token}).status_code == 303
        replay = httpx.get(f"{live.url}/ui/", cookies={"lb_session": cookie or ""})
        assert replay.status_code == 303


def test_the_event_page_shows_no_secret(live: Live) -> None:
    event_id = failed_event(live)
    with client(live) as http:
        log_in(live, http, "ann", "viewer")
        page = http.get(f"/ui/events/{event_id}")
        assert page.status_code == 200
        assert "tok_live_secretvalue_123" not in page.text
        assert "hidden" in page.text
        assert "x-shopify-hmac-sha256" not in page.text.lower()
        for secret in ALL_SECRETS:
            assert secret not in page.text
        assert http.get("/ui/events/ev_unknown").status_code == 404


def test_login_never_redirects_off_the_dashboard(live: Live) -> None:
    access.create_user(live.db, "ann", PASSWORD, "viewer")
    with client(live) as http:
        for target in ("https://evil.example/", "//evil.example/ui", "/api/v1/entries"):
            response = http.post(
                "/ui/login",
                data={
                    "csrf": login_csrf(http),
                    "username": "ann",
                    "password": PASSWORD,
                    "next": target,
                },
            )
            assert response.headers["location"] == "/ui/"


def test_the_account_ledger_report_over_the_api(live: Live) -> None:
    doc = shopify.order(9201, currency="EUR", payment_gateway_names=("stripe",), created_at=DAY)
    raw = shopify.body(doc)
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, "wh-9201", SHOP, DAY)
    assert live.http.post("/webhooks/shopify", content=raw, headers=headers).status_code == 200
    report = live.get(
        "/api/v1/reports/account-ledger",
        params={"account": "1100-stripe", "since": "2026-03-01", "until": "2026-03-31"},
    ).json()
    assert report["opening_balance"] == "0.00"
    [line] = report["lines"]
    assert line["date"] == "2026-03-02"
    assert line["balance"] == report["closing_balance"] == doc["total_price"]
    csv_text = live.get(
        "/api/v1/reports/account-ledger",
        params={"account": "1100-stripe", "format": "csv"},
    ).text
    assert (
        csv_text.splitlines()[0] == "date,entry_id,description,amount,currency,base_amount,balance"
    )
    assert csv_text.splitlines()[-1].endswith(f"closing balance,,,,{doc['total_price']}")
    missing = live.get("/api/v1/reports/account-ledger", params={"account": "9999"})
    assert missing.status_code == 404


def test_the_events_page_filters_by_status_and_day(live: Live) -> None:
    event_id = failed_event(live)
    with client(live) as http:
        log_in(live, http, "ann", "viewer")
        failed = http.get("/ui/events", params={"status": "failed"}).text
        assert event_id in failed
        assert event_id not in http.get("/ui/events", params={"status": "posted"}).text
        today = datetime.now(UTC).date().isoformat()
        assert event_id in http.get("/ui/events", params={"since": today, "until": today}).text
        later = http.get("/ui/events", params={"since": "2099-01-01"}).text
        assert "No events match." in later


def test_a_second_ledger_is_offered_and_shown(live: Live) -> None:
    setup.create_ledger(live.db, "us", "USD", "retail")
    with client(live) as http:
        log_in(live, http, "ann", "viewer")
        page = http.get("/ui/journal", params={"ledger": "us"}).text
        assert 'class="ledger-switch"' in page
        assert "<option selected>us</option>" in page
        assert "us · USD" in page
        assert "default · EUR" in http.get("/ui/journal").text
