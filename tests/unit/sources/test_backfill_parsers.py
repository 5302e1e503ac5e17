"""The BigCommerce, Magento and Square back-fill page readers: cursors, the synthetic webhook
bodies each adapter identifies and normalises, exact money, and where paging stops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import orjson
import pytest

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.domain.events import Charge, Sale
from ledgerbridge.sources.base import BackfillPage, Delivery, SourceConfig
from ledgerbridge.sources.bigcommerce import backfill as bc_backfill
from ledgerbridge.sources.bigcommerce import simulate as bc
from ledgerbridge.sources.bigcommerce.adapter import BigCommerceAdapter
from ledgerbridge.sources.magento import backfill as mage_backfill
from ledgerbridge.sources.magento import simulate as mage
from ledgerbridge.sources.magento.adapter import MagentoAdapter
from ledgerbridge.sources.square import backfill as sq_backfill
from ledgerbridge.sources.square import simulate as square
from ledgerbridge.sources.square.adapter import SquareAdapter

SINCE = datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = datetime(2026, 3, 3, tzinfo=UTC)
NOW = datetime(2026, 3, 3, tzinfo=UTC)
BC_CONFIG = SourceConfig(
    id="bc",
    platform="bigcommerce",
    ledger="default",
    secrets=("s" * 32,),
    credentials={"store_hash": "k7xq2m9r4t", "access_token": "t"},
)
MAGE_CONFIG = SourceConfig(id="mage", platform="magento", ledger="default", secrets=("s",))

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> httpx.Client:
    return httpx.Client(base_url="http://store.test", transport=httpx.MockTransport(handler))


def _delivery(body: bytes) -> Delivery:
    return Delivery(body, {"content-type": "application/json"}, NOW)


def _all(pages: list[BackfillPage]) -> list[bytes]:
    return [item.body for page in pages for item in page.items]


# --- BigCommerce -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        (None, ("orders", 1)),
        ("orders:4", ("orders", 4)),
        ("refunds:2", ("refunds", 2)),
        ("refunds:0", ("orders", 1)),
        ("nonsense", ("orders", 1)),
    ],
)
def test_bigcommerce_cursor(cursor: str | None, expected: tuple[str, int]) -> None:
    assert bc_backfill.parse_cursor(cursor) == expected


def test_bigcommerce_order_becomes_an_order_updated_webhook_with_a_stable_id() -> None:
    order = bc.order(5001, date_created=datetime(2026, 3, 2, 10, tzinfo=UTC))
    item = bc_backfill.order_item(order, "stores/k7xq2m9r4t")
    again = bc_backfill.order_item(order, "stores/k7xq2m9r4t")
    envelope = BigCommerceAdapter().identify(_delivery(item.body))
    assert envelope.event_type == "store/order/updated"
    assert envelope.payload["data"] == {"type": "order", "id": 5001}
    assert envelope.payload["producer"] == "stores/k7xq2m9r4t"
    assert envelope.occurred_at == datetime(2026, 3, 2, 10, tzinfo=UTC)  # date_modified
    assert BigCommerceAdapter().identify(_delivery(again.body)).event_id == envelope.event_id
    modified = bc.order(5001, overrides={"date_modified": "Tue, 03 Mar 2026 08:00:00 +0000"})
    changed = BigCommerceAdapter().identify(_delivery(bc_backfill.order_item(modified, None).body))
    assert changed.event_id != envelope.event_id  # a later change is a new event


def test_bigcommerce_refund_becomes_a_refund_created_webhook() -> None:
    refund = bc.refund(701, order_id=5001, total_amount="10.00")
    envelope = BigCommerceAdapter().identify(_delivery(bc_backfill.refund_item(refund, None).body))
    assert envelope.event_type == "store/order/refund/created"
    assert envelope.payload["data"] == {"type": "order", "id": 5001, "refund": {"refund_id": 701}}
    assert "producer" not in envelope.payload


def test_bigcommerce_pages_skip_unpaid_orders_and_end_on_204() -> None:
    paid, pending = bc.order(1, status_id=11), bc.order(2, status_id=1)

    def answer(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        if request.url.path == "/v2/orders":
            return httpx.Response(200, json=[paid, pending]) if page == "1" else httpx.Response(204)
        return httpx.Response(200, json=bc.refunds_page([]))

    with _client(answer) as http:
        pages = list(bc_backfill.pages(BC_CONFIG, http, SINCE, UNTIL, None, lambda s: None))
    assert [p.next_cursor for p in pages] == ["orders:2", "refunds:1", None]
    assert [len(p.items) for p in pages] == [1, 0, 0]


def test_bigcommerce_page_that_is_not_a_list_fails_the_run() -> None:
    with (
        _client(lambda r: httpx.Response(200, json={"status": 500})) as http,
        pytest.raises(LookupFailedError),
    ):
        list(bc_backfill.pages(BC_CONFIG, http, SINCE, UNTIL, None, lambda s: None))


# --- Magento -----------------------------------------------------------------------------


def test_magento_numbers_are_written_back_exactly_as_read() -> None:
    raw = b'{"a":165.5000,"b":1E+2,"c":[0.1,-0.0,7],"d":"x\\u00e9","e":null,"f":true}'
    assert mage_backfill.dump(mage_backfill.parse_page(raw)) == (
        b'{"a":165.5000,"b":1E+2,"c":[0.1,-0.0,7],"d":"x\xc3\xa9","e":null,"f":true}'
    )


def test_magento_search_params_filter_updated_at_both_ways() -> None:
    params = mage_backfill.search_params(SINCE, UNTIL, 3)
    group = "searchCriteria[filter_groups][{}][filters][0][{}]"
    assert params[group.format(0, "field")] == "updated_at"
    assert params[group.format(0, "condition_type")] == "gteq"
    assert params[group.format(0, "value")] == "2026-03-01 00:00:00"
    assert params[group.format(1, "condition_type")] == "lteq"
    assert params[group.format(1, "value")] == "2026-03-03 00:00:00"
    assert params["searchCriteria[pageSize]"] == "100"
    assert params["searchCriteria[currentPage]"] == "3"


def test_magento_invoice_is_the_observer_event_with_the_webhooks_id() -> None:
    invoice = mage.invoice(
        3312, order_id=4107, discount="10.43", shipping="6.90", tax="19.15", currency="EUR"
    )
    page = mage_backfill.parse_page(mage.body({"items": [invoice], "total_count": 1}))
    item = mage_backfill.document_item("invoices", page["items"][0])
    adapter = MagentoAdapter()
    envelope = adapter.identify(_delivery(item.body))
    assert envelope.event_type == "sales_order_invoice_save_after"
    assert envelope.event_id == "invoice:3312:2026-03-02 10:00:00"
    hook = mage.body(mage.event("sales_order_invoice_pay", "invoice", invoice))
    assert adapter.identify(_delivery(hook)).event_id == envelope.event_id
    (sale,) = adapter.normalize(envelope, {}, MAGE_CONFIG)
    assert isinstance(sale, Sale)
    assert (sale.total, sale.discounts, sale.tax) == (
        Decimal("125.62"),
        Decimal("10.43"),
        Decimal("19.15"),
    )


def test_magento_paging_stops_at_total_count_even_if_pages_repeat() -> None:
    memo = mage.creditmemo(815, order_id=4107)
    asked: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        page = request.url.params["searchCriteria[currentPage]"]
        asked.append((request.url.path, page))
        kind = request.url.path.rsplit("/", 1)[1]
        docs = [mage.invoice(1, order_id=1)] if kind == "invoices" else [memo]
        return httpx.Response(200, content=mage.body({"items": docs, "total_count": 1}))

    with _client(answer) as http:
        pages = list(mage_backfill.pages(MAGE_CONFIG, http, SINCE, UNTIL, None, lambda s: None))
    assert asked == [("/rest/V1/invoices", "1"), ("/rest/V1/creditmemos", "1")]
    assert [p.next_cursor for p in pages] == ["creditmemos:1", None]
    assert orjson.loads(pages[1].items[0].body)["eventName"].endswith("creditmemo_save_after")


def test_magento_cursor_and_store_view_prefix() -> None:
    assert mage_backfill.parse_cursor("creditmemos:2") == ("creditmemos", 2)
    assert mage_backfill.parse_cursor("bogus:1") == ("invoices", 1)
    config = SourceConfig(
        id="m", platform="magento", ledger="d", secrets=("s",), settings={"store_code": "de"}
    )
    paths: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, json={"items": [], "total_count": 0})

    with _client(answer) as http:
        list(mage_backfill.pages(config, http, SINCE, UNTIL, "creditmemos:1", lambda s: None))
    assert paths == ["/rest/de/V1/creditmemos"]


# --- Square ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [
        (None, (0, None)),
        ("payments:abc", (0, "abc")),
        ("refunds:", (1, None)),
        ("payouts:x:y", (2, "x:y")),
        ("other:1", (0, None)),
    ],
)
def test_square_cursor(cursor: str | None, expected: tuple[int, str | None]) -> None:
    assert sq_backfill.parse_cursor(cursor) == expected


def test_square_payment_becomes_a_payment_updated_event_with_a_stable_id() -> None:
    payment = square.payment(amount=2500, currency="USD", at=datetime(2026, 3, 2, tzinfo=UTC))
    item = sq_backfill.event_item(sq_backfill.LISTS[0], payment)
    adapter = SquareAdapter()
    envelope = adapter.identify(_delivery(item.body))
    assert envelope.event_type == "payment.updated"
    assert envelope.event_id == f"backfill:payment:{payment['id']}:{payment['updated_at']}"
    config = SourceConfig(id="sq", platform="square", ledger="d", secrets=("k",))
    events = adapter.normalize(envelope, {}, config)
    assert isinstance(events[0], Charge)
    assert events[0].amount == Decimal("25.00")


def test_square_pages_keep_only_settled_objects_and_refuse_a_cursor_loop() -> None:
    done = square.payment(amount=100, currency="USD")
    held = square.payment(amount=100, currency="USD", status="APPROVED")

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/payments":
            return httpx.Response(200, json={"payments": [done, held]})
        return httpx.Response(200, json={})  # Square omits an empty list

    with _client(answer) as http:
        pages = list(sq_backfill.pages(http, SINCE, UNTIL, None, lambda s: None))
    assert [p.next_cursor for p in pages] == ["refunds:", "payouts:", None]
    assert len(_all(pages)) == 1

    looping = _client(lambda r: httpx.Response(200, json={"payments": [], "cursor": "same"}))
    with looping as http, pytest.raises(LookupFailedError, match="does not advance"):
        list(sq_backfill.pages(http, SINCE, UNTIL, None, lambda s: None))
