"""The finance team's walk through the dashboard in Chromium: log in, see a failed event, fix
its mapping, replay it, drill down from the trial balance to the raw event, resolve a
discrepancy, run the close checklist and close last month, then see a late event land in
this month with a note."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    ADMIN,
    PASSWORD,
    STRICT_MAPPING,
    VIEWER,
    VIEWER_PASSWORD,
    World,
    log_in,
    order,
    send_order,
    shot,
)

pytestmark = pytest.mark.browser


def test_the_month_end_walk(page: Page, world: World) -> None:
    log_in(page, world.url, ADMIN, PASSWORD)
    expect(page.locator("#sources")).to_contain_text("shopify")
    shot(page, "overview")

    # A failed event: its error, its raw payload; the overview links to it.
    page.click("#sources a.bad")
    expect(page.locator("#events")).to_contain_text("merchant_code (required) is missing")
    shot(page, "events")
    page.click("#events tbody tr:first-child a")
    expect(page.locator("#event-error")).to_contain_text("unmappable_event")
    expect(page.locator("#payload")).to_contain_text('"total_price"')
    event_url = page.url

    # Fix the mapping (a default merchant code), then replay the event.
    page.click("nav >> text=Mapping")
    page.select_option("select[name=source]", "shopify")
    page.click("form.filters button")
    fixed = {
        **STRICT_MAPPING,
        "fields": {
            "merchant_code": {
                "expr": "note_attributes[?name=='merchant_code'].value | [0]",
                "default": "WEB",
            }
        },
    }
    page.fill("textarea[name=document]", json.dumps(fixed, indent=2))
    page.click("#save-mapping")
    expect(page.locator(".flash.ok")).to_contain_text("mapping version 2 of shopify saved")
    page.goto(event_url)
    page.click("#replay")
    expect(page.locator(".flash.ok")).to_contain_text("replayed: posted")
    expect(page.locator("h1 .badge")).to_have_text("posted")

    # Trial balance -> account ledger -> entry -> raw event: three clicks.
    page.click("nav >> text=Journal")
    expect(page.locator("#trial-balance tfoot")).to_contain_text("balanced")
    shot(page, "trial-balance")
    page.click("#trial-balance >> text=4000")
    expect(page.locator("#account-lines")).to_contain_text("Closing balance")
    page.click("#account-lines tbody tr:nth-child(2) a.mono")
    expect(page.locator("#entry-lines")).to_contain_text("4000")
    page.click("#entry-events a")
    expect(page.locator("#payload")).to_contain_text('"line_items"')
    expect(page.locator("h1 .badge")).to_have_text("posted")

    # The discrepancy queue: the transfer no payout explains, resolved with a reason.
    page.click("nav >> text=Reconciliation")
    expect(page.locator("#discrepancies")).to_contain_text("charge_without_order")
    page.click("#run-reconcile")  # the replayed order now explains its charge
    expect(page.locator(".flash.ok")).to_contain_text("1 closed")
    expect(page.locator("#discrepancies")).not_to_contain_text("charge_without_order")
    row = page.locator("#discrepancies tbody tr", has_text="deposit_without_payout")
    expect(row).to_have_count(1)
    expect(page.locator("#matches")).to_contain_text("payout_deposit")
    shot(page, "reconciliation")
    row.locator("input[name=reason]").fill("Stripe's reserve release, agreed with support")
    row.locator("button[value=resolved]").click()
    expect(page.locator(".flash.ok")).to_contain_text("resolved")
    expect(page.locator("#discrepancies")).to_contain_text("Nothing open")

    # The close checklist for last month passes; close it.
    page.click("nav >> text=Close")
    page.fill("input[name=period]", world.period)
    page.click("#run-checklist")
    for check in (
        "sources synced",
        "no failed events",
        "no open discrepancies",
        "clearing explained",
    ):
        expect(page.locator(f"li[data-check='{check}']")).to_have_class("pass")
    shot(page, "close")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-period")
    expect(page.locator(".flash.ok")).to_contain_text(f"{world.period} closed")
    expect(page.locator("#period-status")).to_have_text("closed")

    # A late order dated last month posts into this month, with a note.
    late_day = datetime(world.last_month.year, world.last_month.month, 20, 12, tzinfo=UTC)
    with httpx.Client(base_url=world.url, timeout=15) as http:
        late = send_order(http, order(7101, late_day, merchant="WEB"), late_day)
    assert late["status"] == "posted"
    page.goto(f"{world.url}/ui/events/{late['event_id']}")
    page.click("dd a.mono")
    expect(page.locator("#entry-note")).to_contain_text(
        f"in closed period {world.period}: posted into the open period {world.next_period}"
    )
    expect(page.locator("dl.facts")).to_contain_text(f"{world.next_period}-01")


def test_a_viewer_sees_but_cannot_act(page: Page, world: World) -> None:
    log_in(page, world.url, VIEWER, VIEWER_PASSWORD)
    page.goto(f"{world.url}/ui/events?status=failed")
    page.click("#events tbody tr:first-child a")
    expect(page.locator("#event-error")).to_be_visible()
    expect(page.locator("#replay")).to_have_count(0)
    page.goto(f"{world.url}/ui/close?period={world.period}")
    expect(page.locator("#close-period")).to_have_count(0)
    expect(page.locator("#close-anyway")).to_have_count(0)
    page.goto(f"{world.url}/ui/mapping?source=shopify")
    expect(page.locator("#save-mapping")).to_have_count(0)


def test_a_wrong_password_stays_on_the_login_page(page: Page, world: World) -> None:
    page.goto(f"{world.url}/ui/journal")
    page.fill("#login-password input[name=username]", ADMIN)
    page.fill("#login-password input[name=password]", "not-the-password")
    page.click("#login-password button")
    expect(page.locator(".flash.bad")).to_contain_text("not recognised")
    page.fill("#login-password input[name=username]", ADMIN)
    page.fill("#login-password input[name=password]", PASSWORD)
    page.click("#login-password button")
    page.wait_for_url(f"{world.url}/ui/journal")
    expect(page.locator("#trial-balance")).to_be_visible()
