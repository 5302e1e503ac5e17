"""Back-fill of BigCommerce, Magento and Square on SQLite and PostgreSQL, against the loopback
StandIn serving recorded pages in each platform's own list format, with a 429 and a dropped
connection mid-run; a record a webhook already delivered posts once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.service import backfill, journal, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.bigcommerce import simulate as bc
from ledgerbridge.sources.magento import backfill as magento_backfill
from ledgerbridge.sources.magento import simulate as mage
from ledgerbridge.sources.square import simulate as square
from ledgerbridge.store.database import Database

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 3, tzinfo=UTC)
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BC_SECRET = "bc_backfill_hook_secret_9Qw2Er4Ty6Ui8Op0As"
BC_STORE = "k7xq2m9r4t"
BC_PREFIX = f"/stores/{BC_STORE}"
MAGE_SECRET = "mage-oss-backfill-3f9a1c"
SQ_KEY = "sq_backfill_sig_2Lk9Pq4Wz7Xc1Vb"
SQ_URL = "https://books.example.com/webhooks/square"
slept: list[float] = []


def no_wait(seconds: float) -> None:
    slept.append(seconds)


@pytest.fixture(autouse=True)
def _clear_sleeps() -> None:
    slept.clear()


def _configure(db: Database, standin: StandIn) -> None:
    setup.init(db, "USD")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret="whsec_bf_platforms",
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="bc",
        platform="bigcommerce",
        ledger="default",
        webhook_secret=BC_SECRET,
        api_credentials={"store_hash": BC_STORE, "access_token": "bc_token_x"},
        settings={"api_base_url": standin.url + BC_PREFIX, "gateway": "stripe"},
    )
    setup.add_source(
        db,
        source_id="mage",
        platform="magento",
        ledger="default",
        webhook_secret=MAGE_SECRET,
        api_credentials={"access_token": "mage_token_x"},
        settings={"api_base_url": standin.url, "gateway": "stripe"},
    )
    setup.add_source(
        db,
        source_id="square",
        platform="square",
        ledger="default",
        webhook_secret=SQ_KEY,
        api_credentials={"access_token": "EAAA_token_x"},
        settings={
            "api_base_url": standin.url,
            "notification_url": SQ_URL,
            "recognize_revenue": True,
        },
    )


def _entries(db: Database, source: str, account: str | None = None) -> list[dict[str, Any]]:
    found, _ = journal.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=source,
        account=account,
        limit=500,
        cursor=None,
    )
    return list(found)


def _balances(db: Database) -> dict[str, Decimal]:
    tb = journal.trial_balance(db, "default", None)
    assert tb["balanced"]
    return {r["account"]: Decimal(r["balance"]) for r in tb["rows"]}


# --- BigCommerce -------------------------------------------------------------------------

BC_ORDERS = f"{BC_PREFIX}/v2/orders"
BC_REFUNDS = f"{BC_PREFIX}/v3/orders/payment_actions/refunds"


def _serve_bigcommerce(standin: StandIn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Five paid orders and a pending one over two V2 pages (the third answers 204), two
    refunds over two V3 pages; each order and its refunds for the adapter's look-ups."""
    paid = [
        bc.order(5001 + n, subtotal=f"{40 + n}.00", date_created=DAY + timedelta(minutes=n))
        for n in range(5)
    ]
    pending = bc.order(5009, status_id=1, date_created=DAY)
    refunds = [
        bc.refund(701, order_id=5001, total_amount="10.00", created=DAY + timedelta(hours=2)),
        bc.refund(702, order_id=5002, total_amount="5.50", created=DAY + timedelta(hours=3)),
    ]
    standin.put(BC_ORDERS, paid[:3], query={"page": "1"})
    standin.put(BC_ORDERS, [*paid[3:], pending], query={"page": "2"})
    standin.put(BC_ORDERS, b"", query={"page": "3"}, status=204)
    for number, found in enumerate(refunds, start=1):
        page = bc.refunds_page([found], page=number, total_pages=2, per_page=1)
        standin.put(BC_REFUNDS, page, query={"page": str(number)})
    for doc in [*paid, pending]:
        mine = [r for r in refunds if r["order_id"] == doc["id"]]
        bc.publish(standin, order_doc=doc, refunds=mine, prefix=BC_PREFIX)
    return paid, refunds


def test_bigcommerce_backfill_posts_orders_and_refunds_once(db: Database, standin: StandIn) -> None:
    _configure(db, standin)
    _serve_bigcommerce(standin)
    hook = bc.body(bc.order_updated(5001))  # order 5001 already came by webhook
    assert ingest(db, "bc", hook, bc.headers(BC_SECRET)).status == "posted"
    standin.fail_next(BC_ORDERS, "429", "drop")
    standin.fail_next(BC_REFUNDS, "drop")

    tally = backfill.run(db, "bc", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (5, 7)  # 3 order pages (the last a 204) + 2 refund pages
    assert tally.statuses == {"posted": 6, "ignored": 1}  # 5001's sale was posted already
    assert slept[0] == 1  # the 429's Retry-After
    assert len(_entries(db, "bc")) == 7  # five sales, two refunds: the pending order posts nothing
    _balances(db)
    orders_asked = [q for _, path, q in standin.requests if path == BC_ORDERS]
    assert orders_asked[0]["min_date_modified"] == "2026-03-01T00:00:00+00:00"
    assert orders_asked[0]["max_date_modified"] == "2026-03-03T00:00:00+00:00"
    refunds_asked = [q for _, path, q in standin.requests if path == BC_REFUNDS]
    assert refunds_asked[0]["created:min"] == "2026-03-01T00:00:00+00:00"

    again = backfill.run(db, "bc", SINCE, UNTIL, sleep=no_wait)  # same synthetic hashes
    assert again.statuses == {"duplicate": 7}
    assert len(_entries(db, "bc")) == 7


# --- Magento -----------------------------------------------------------------------------

MAGE_INVOICES = "/rest/V1/invoices"
MAGE_MEMOS = "/rest/V1/creditmemos"


def _search_page(items: list[dict[str, Any]], total: int, page: int, size: int) -> bytes:
    """A Magento search answer as the store writes it (money as exact JSON numbers)."""
    criteria = {"filter_groups": [], "page_size": size, "current_page": page}
    return mage.body({"items": items, "search_criteria": criteria, "total_count": total})


def _mage_invoices() -> list[dict[str, Any]]:
    return [
        mage.invoice(
            101 + n,
            order_id=4001 + n,
            lines=[("Merino crew jumper", "39.90", 2), ("Wool beanie", f"2{n}.45", 1)],
            discount="10.43",
            shipping="6.90",
            tax="19.15",
            created_at=f"2026-03-02 10:0{n}:00",
        )
        for n in range(5)
    ]


def test_magento_backfill_pages_by_total_count_and_dedupes_a_webhook(
    db: Database, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(magento_backfill, "PAGE_SIZE", 2)
    _configure(db, standin)
    invoices = _mage_invoices()
    memo = mage.creditmemo(
        201, order_id=4001, tax="6.82", adjustment_negative="2.50", created_at="2026-03-02 15:00:00"
    )
    for number in (1, 2, 3):
        chunk = invoices[(number - 1) * 2 : number * 2]
        page = _search_page(chunk, len(invoices), number, 2)
        standin.put(MAGE_INVOICES, page, query={"searchCriteria[currentPage]": str(number)})
    standin.put(
        MAGE_MEMOS, _search_page([memo], 1, 1, 2), query={"searchCriteria[currentPage]": "1"}
    )
    # A module posted invoice 101 when it was paid: same document, same (kind, id, updated_at).
    hook = mage.body(mage.event("sales_order_invoice_pay", "invoice", invoices[0]))
    assert ingest(db, "mage", hook, mage.oss_headers(hook, MAGE_SECRET)).status == "posted"
    standin.fail_next(MAGE_INVOICES, "429", "drop")
    standin.fail_next(MAGE_MEMOS, "503")

    tally = backfill.run(db, "mage", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (4, 6)
    assert tally.statuses == {"posted": 5, "duplicate": 1}
    assert slept[0] == 1
    entries = _entries(db, "mage")
    assert len(entries) == 6  # five sales and one refund
    totals = sorted(
        Decimal(line["amount"])
        for entry in entries
        for line in entry["lines"]
        if line["account"] == "1100-stripe" and Decimal(line["amount"]) > 0
    )
    # 79.80 + 20.45 + n - 10.43 + 6.90 + 19.15, exact to the cent (never through float)
    assert totals == [Decimal("115.87") + n for n in range(5)]
    _balances(db)
    first = next(q for _, path, q in standin.requests if path == MAGE_INVOICES)
    assert first["searchCriteria[filter_groups][0][filters][0][field]"] == "updated_at"
    assert first["searchCriteria[filter_groups][0][filters][0][condition_type]"] == "gteq"
    assert first["searchCriteria[filter_groups][0][filters][0][value]"] == "2026-03-01 00:00:00"
    assert first["searchCriteria[filter_groups][1][filters][0][condition_type]"] == "lteq"
    assert first["searchCriteria[pageSize]"] == "2"
    pages_asked = [
        q["searchCriteria[currentPage]"] for _, p, q in standin.requests if p == MAGE_INVOICES
    ]
    assert pages_asked[-1] == "3"  # total_count ends it: page 4 is never asked for

    again = backfill.run(db, "mage", SINCE, UNTIL, sleep=no_wait)
    assert again.statuses == {"duplicate": 6}


# --- Square ------------------------------------------------------------------------------


def _serve_square(standin: StandIn) -> dict[str, Any]:
    """Four completed payments and an authorised one over two cursor pages, a refund, and a
    paid and a sent payout; the paid payout's entries for the adapter's look-up."""
    payments = [
        square.payment(amount=2000 + 500 * n, currency="USD", at=DAY + timedelta(minutes=n))
        for n in range(4)
    ]
    authorised = square.payment(amount=900, currency="USD", status="APPROVED", at=DAY)
    refund = square.refund(
        payment_id=payments[0]["id"], amount=700, currency="USD", fee_returned=18, at=DAY
    )
    charged = sum(
        p["total_money"]["amount"] - p["processing_fee"][0]["amount_money"]["amount"]
        for p in payments
    )
    monthly_fee = 300
    paid = square.payout(
        amount=charged - 700 + 18 - monthly_fee,
        currency="USD",
        arrival_date=date(2026, 3, 3),
        at=DAY + timedelta(hours=20),
    )
    sent = square.payout(
        amount=1234, currency="USD", arrival_date=date(2026, 3, 4), status="SENT", at=DAY
    )
    entries = [
        square.payout_entry(
            payout_id=paid["id"], type="FEE", gross=0, fee=monthly_fee, currency="USD", at=DAY
        )
    ]
    standin.put(
        "/v2/payments", {"payments": [payments[0], authorised, payments[1]], "cursor": "c2"}
    )
    standin.put("/v2/payments", {"payments": payments[2:]}, query={"cursor": "c2"})
    standin.put("/v2/refunds", {"refunds": [refund]})
    standin.put("/v2/payouts", {"payouts": [sent, paid]})
    standin.put(f"/v2/payouts/{paid['id']}/payout-entries", square.payout_entries_page(entries))
    return {"payments": payments, "refund": refund, "payout": paid}


def test_square_backfill_posts_payments_refunds_and_payouts_once(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    served = _serve_square(standin)
    hook = square.encode(square.payment_updated(served["payments"][0], at=DAY))
    assert ingest(db, "square", hook, square.sign(hook, SQ_KEY, SQ_URL)).status == "posted"
    standin.fail_next("/v2/payments", "429", "drop")
    standin.fail_next("/v2/payouts", "drop")

    tally = backfill.run(db, "square", SINCE, UNTIL, sleep=no_wait)

    assert (tally.pages, tally.seen) == (4, 6)  # 2 payment pages, 1 refund page, 1 payout page
    assert tally.statuses == {"posted": 5, "ignored": 1}  # the webhook's payment posted already
    assert slept[0] == 1
    charges = [e for e in _entries(db, "square") if e["key"].startswith("square:charge:")]
    assert len(charges) == 4
    assert _balances(db).get("1100-square", Decimal(0)) == 0  # all of it paid out
    asked = [q for _, path, q in standin.requests if path == "/v2/payments"]
    assert asked[0]["begin_time"] == "2026-03-01T00:00:00Z"
    assert asked[0]["end_time"] == "2026-03-03T00:00:00Z"
    assert asked[-1]["cursor"] == "c2"

    again = backfill.run(db, "square", SINCE, UNTIL, sleep=no_wait)
    assert again.statuses == {"duplicate": 6}


def test_an_interrupted_square_backfill_resumes_at_the_next_list(
    db: Database, standin: StandIn
) -> None:
    _configure(db, standin)
    _serve_square(standin)
    calls: list[int] = []

    def stop_after_payments(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill.run(db, "square", SINCE, UNTIL, progress=stop_after_payments, sleep=no_wait)
    before = len(standin.requests)

    resumed = backfill.run(db, "square", SINCE, UNTIL, sleep=no_wait)

    assert resumed.resumed_from == "refunds:"
    assert (resumed.pages, resumed.statuses) == (2, {"posted": 2})
    assert {path for _, path, _ in standin.requests[before:]} >= {"/v2/refunds", "/v2/payouts"}
    assert "/v2/payments" not in {path for _, path, _ in standin.requests[before:]}
