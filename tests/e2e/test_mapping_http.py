"""Custom field mapping over the public HTTP API (issue 5), against the real uvicorn server:
upload and validation, versions and re-post, unmappable events and replay, preview, reports
by dimension, the published JSON Schema, and no database schema change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, inspect, select

from ledgerbridge.service import setup
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries, events, lines
from tests.e2e.conftest import SHOP, SHOPIFY_SECRET, Live

pytestmark = pytest.mark.e2e

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "mapping.schema.json"
CLEARING, SALES, POS_SALES, MARKET_SALES = "1100-stripe", "4000", "4020", "4030"

MAPPING: dict[str, Any] = {
    "fields": {
        "channel": {
            "expr": "lower(note_attributes[?name=='sales_channel'].value | [0])",
            "default": "web",
        },
        "merchant_code": "note_attributes[?name=='merchant_code'].value | [0]",
    },
    "dimensions": {"channel": "channel", "merchant": "merchant_code"},
    "accounts": [{"role": "sales", "account": POS_SALES, "when": {"merchant_code": "POS"}}],
    "required_fields": ["merchant_code"],
}
MOVED: dict[str, Any] = {
    **MAPPING,
    "accounts": [{"role": "sales", "account": MARKET_SALES, "when": {"merchant_code": "POS"}}],
}
INVALID: dict[str, Any] = {
    "fields": {
        "country": {"from": "region"},
        "region": {"from": "country"},
        "wholesale": {"expr": "contains(default(tags, ''), 'wholesale')", "type": "boolean"},
    },
    "accounts": [{"role": "sales", "account": "4031", "when": {"wholesale": "yes"}}],
}
INVALID_ERRORS = [
    {"path": "fields.country.from", "reason": "cycle: country -> region -> country"},
    {"path": "accounts[0].account", "reason": "account 4031 is not in the chart"},
    {
        "path": "accounts[0].when.wholesale",
        "reason": "fact wholesale is a boolean: 'yes' is not a boolean, "
        "so the rule can never match",
    },
]


@pytest.fixture
def shop(live: Live) -> Live:
    setup.add_account(live.db, "default", POS_SALES, "Counter sales", "income", None)
    setup.add_account(live.db, "default", MARKET_SALES, "Marketplace sales", "income", None)
    return live


def order(
    order_id: int, price: str, *, channel: str | None, merchant: str | None
) -> dict[str, Any]:
    doc = shopify.order(
        order_id,
        lines=[shopify.Line("Linen shirt", price)],
        currency="EUR",
        shipping="0",
        payment_gateway_names=("stripe",),
        created_at=DAY,
    )
    attrs = [("sales_channel", channel), ("merchant_code", merchant)]
    doc["note_attributes"] = [{"name": n, "value": v} for n, v in attrs if v is not None]
    return doc


def send(live: Live, doc: dict[str, Any], topic: str = "orders/paid") -> dict[str, Any]:
    raw = shopify.body(doc)
    headers = shopify.headers(topic, raw, SHOPIFY_SECRET, f"wh-{doc['id']}", SHOP, DAY)
    response = live.http.post("/webhooks/shopify", content=raw, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return dict(body["error"])


def put(live: Live, document: Any) -> httpx.Response:
    return live.http.put("/api/v1/sources/shopify/mapping", json=document, headers=live.auth)


def entry(live: Live, entry_id: str) -> dict[str, Any]:
    return ok(live.get(f"/api/v1/entries/{entry_id}"))


def line_view(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    return [(x["account"], x["amount"], x["dimensions"]) for x in doc["lines"]]


def counts(db: Database) -> tuple[int, ...]:
    with db.read() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (events, entries, lines)
        )


def schema_of(db: Database) -> dict[str, Any]:
    found = inspect(db.engine)
    return {
        t: (
            [(c["name"], str(c["type"])) for c in found.get_columns(t)],
            sorted(
                (str(i["name"]), tuple(map(str, i["column_names"]))) for i in found.get_indexes(t)
            ),
        )
        for t in sorted(found.get_table_names())
    }


def test_upload_post_and_report_by_a_new_dimension_over_http(shop: Live) -> None:
    live = shop
    schema_before = schema_of(live.db)
    error(live.get("/api/v1/sources/shopify/mapping"), 404, "not_found")

    rejected = error(put(live, INVALID), 422, "invalid_mapping")
    assert rejected["details"] == {"errors": INVALID_ERRORS}
    error(live.get("/api/v1/sources/shopify/mapping"), 404, "not_found")

    assert ok(put(live, MAPPING)) == {"source": "shopify", "version": 1}
    shown = ok(live.get("/api/v1/sources/shopify/mapping"))
    assert (shown["source"], shown["version"], shown["document"]) == ("shopify", 1, MAPPING)

    pos = send(live, order(8001, "30.00", channel="POS", merchant="POS"))
    web = send(live, order(8002, "20.00", channel=None, merchant="WEB"))
    assert (pos["status"], web["status"]) == ("posted", "posted")
    pos_event = ok(live.get(f"/api/v1/events/{pos['event_id']}"))
    [pos_entry_id] = pos_event["entry_ids"]
    pos_entry = entry(live, pos_entry_id)
    dims = {"source": "shopify", "channel": "pos", "merchant": "POS"}
    assert pos_entry["mapping_version"] == 1
    assert line_view(pos_entry) == [(CLEARING, "30.00", dims), (POS_SALES, "-30.00", dims)]

    tb = ok(live.get("/api/v1/trial-balance", params={"dimension.channel": "pos"}))
    assert tb["dimensions"] == {"channel": "pos"}
    assert [(r["account"], r["balance"]) for r in tb["rows"]] == [
        (CLEARING, "30.00"),
        (POS_SALES, "-30.00"),
    ]
    grouped = ok(live.get("/api/v1/trial-balance", params={"group_by": "channel"}))
    assert [(r["account"], r["dimension"], r["balance"]) for r in grouped["rows"]] == [
        (CLEARING, "pos", "30.00"),
        (CLEARING, "web", "20.00"),
        (SALES, "web", "-20.00"),
        (POS_SALES, "pos", "-30.00"),
    ]
    assert grouped["balanced"] is True
    listed = ok(live.get("/api/v1/entries", params={"dimension.merchant": "WEB"}))
    assert [e["key"] for e in listed["items"]] == ["shopify:sale:8002"]
    listed = ok(live.get("/api/v1/entries", params={"dimension.channel": "pos"}))
    assert [e["id"] for e in listed["items"]] == [pos_entry_id]

    # A rejected upload over an active version keeps it active; the counter is unchanged.
    error(put(live, INVALID), 422, "invalid_mapping")
    assert ok(live.get("/api/v1/sources/shopify/mapping"))["version"] == 1
    assert ok(put(live, MOVED)) == {"source": "shopify", "version": 2}

    # The old entry is unchanged; a re-post on request reverses it and posts under v2, once.
    assert entry(live, pos_entry_id) == pos_entry
    reposted = ok(live.post(f"/api/v1/events/{pos['event_id']}/repost"))
    assert reposted["mapping_version"] == 2
    [reversal_id] = reposted["reversed"]
    [new_id] = reposted["entry_ids"]
    assert entry(live, pos_entry_id)["reversed_by"] == reversal_id
    assert entry(live, reversal_id)["reverses"] == pos_entry_id
    new = entry(live, new_id)
    assert (new["key"], new["mapping_version"]) == ("shopify:sale:8001@v2", 2)
    assert line_view(new) == [(CLEARING, "30.00", dims), (MARKET_SALES, "-30.00", dims)]
    error(live.post(f"/api/v1/events/{pos['event_id']}/repost"), 409, "conflict")

    assert schema_of(live.db) == schema_before


def test_an_unmappable_event_is_listed_failed_and_replays_after_the_fix(shop: Live) -> None:
    live = shop
    ok(put(live, MAPPING))
    failed = send(live, order(8101, "12.00", channel="web", merchant=None))
    assert failed["status"] == "failed"
    items = ok(live.get("/api/v1/events", params={"status": "failed"}))["items"]
    assert [(i["id"], i["error"]) for i in items] == [
        (failed["event_id"], "unmappable_event: field merchant_code (required) is missing")
    ]
    fixed = {**MAPPING, "fields": {**MAPPING["fields"], "merchant_code": "default(null, 'WEB')"}}
    assert ok(put(live, fixed))["version"] == 2
    replayed = ok(live.post(f"/api/v1/events/{failed['event_id']}/replay"))
    assert replayed["status"] == "posted"
    [entry_id] = replayed["entry_ids"]
    assert entry(live, entry_id)["mapping_version"] == 2
    again = ok(live.post(f"/api/v1/events/{failed['event_id']}/replay"))
    assert (again["status"], again["entry_ids"]) == ("posted", [])
    assert ok(live.get("/api/v1/events", params={"status": "failed"}))["items"] == []


def test_preview_shows_the_entry_or_the_error_and_writes_nothing(shop: Live) -> None:
    live = shop
    ok(put(live, MAPPING))
    send(live, order(8200, "1.00", channel="web", merchant="WEB"))
    before = counts(live.db)
    payload = order(8201, "30.00", channel="pos", merchant="POS")
    url = "/api/v1/sources/shopify/mapping/preview"

    active = ok(live.post(url, {"payload": payload, "event_type": "orders/paid"}))
    assert (active["status"], active["mapping_version"], active["error"]) == ("posted", 1, None)
    [doc] = active["entries"]
    dims = {"source": "shopify", "channel": "pos", "merchant": "POS"}
    assert (doc["id"], doc["key"]) == (None, "shopify:sale:8201")
    assert line_view(doc) == [(CLEARING, "30.00", dims), (POS_SALES, "-30.00", dims)]

    draft = {"dimensions": {"store": {"value": "northwind"}}}
    tried = ok(live.post(url, {"payload": payload, "event_type": "orders/paid", "mapping": draft}))
    assert tried["status"] == "posted"
    [doc] = tried["entries"]
    dims = {"source": "shopify", "store": "northwind"}
    assert line_view(doc) == [(CLEARING, "30.00", dims), (SALES, "-30.00", dims)]

    bad = error(
        live.post(url, {"payload": payload, "event_type": "orders/paid", "mapping": INVALID}),
        422,
        "invalid_mapping",
    )
    assert bad["details"] == {"errors": INVALID_ERRORS}

    missing = order(8202, "30.00", channel="pos", merchant=None)
    failing = ok(live.post(url, {"payload": missing, "event_type": "orders/paid"}))
    assert (failing["status"], failing["entries"]) == ("failed", [])
    assert failing["error"]["code"] == "unmappable_event"
    assert failing["error"]["message"] == "field merchant_code (required) is missing"

    assert counts(live.db) == before
    assert ok(live.get("/api/v1/sources/shopify/mapping"))["version"] == 1


def test_the_published_schema_is_the_documented_file(live: Live) -> None:
    served = ok(live.get("/api/v1/mapping/schema"))
    assert served == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert served["$id"] == "https://ledgerbridge.dev/schemas/mapping.schema.json"
