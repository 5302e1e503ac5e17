"""Custom field mapping on a running ledger, on SQLite and PostgreSQL (issue 5).

A brand-new custom field and dimension arrive through a mapping upload, events carrying them
post and are reported by them, and the database schema does not change. Uploads are
validated in full, versions are immutable, re-posting is explicit, unmappable events are
kept and replayed, ignore rules hold, and preview writes nothing.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select

from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.errors import ConflictError, NotFoundError
from ledgerbridge.mapping import MappingInvalid
from ledgerbridge.service import journal as views
from ledgerbridge.service import mapping as mappings
from ledgerbridge.service import preview, replay, repost, setup
from ledgerbridge.service.ingest import Accepted, ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries, events, lines

SHOPIFY_SECRET = "shpss_mapping_0123456789abcdef0123456789ab"
STRIPE_SECRET = "whsec_mapping_fedcba9876543210fedcba9876"
SHOP = "mapping-shop.myshopify.com"
DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CLEARING, SALES, POS_SALES, MARKET_SALES = "1100-stripe", "4000", "4020", "4030"

# The proof's mapping: a note attribute ``sales_channel`` becomes the dimension ``channel``; a
# plugin's metafield-like ``merchant_code`` chooses the sales account and is a dimension too.
PROOF_MAPPING: dict[str, Any] = {
    "description": "channel and merchant code, added to a running ledger",
    "fields": {
        "channel": {
            "expr": "lower(note_attributes[?name=='sales_channel'].value | [0])",
            "default": "web",
        },
        "merchant_code": "metafields[?namespace=='pos_plugin' && key=='merchant_code'].value | [0]",
    },
    "dimensions": {"channel": "channel", "merchant": {"field": "merchant_code", "default": "NONE"}},
    "accounts": [
        {"role": "sales", "account": POS_SALES, "when": {"merchant_code": ["POS", None]}},
        {"role": "sales", "account": MARKET_SALES, "when": {"merchant_code": "AMZ"}},
    ],
}

# v1 and v2 of the versions test: v2 moves every sale to the marketplace account.
V1: dict[str, Any] = {
    "fields": {"channel": {"expr": "source_name", "default": "web"}},
    "dimensions": {"channel": "channel"},
}
V2: dict[str, Any] = {**V1, "accounts": [{"role": "sales", "account": MARKET_SALES}]}

REQUIRED_MAPPING: dict[str, Any] = {
    "fields": {"merchant_code": "note_attributes[?name=='merchant_code'].value | [0]"},
    "dimensions": {"merchant": "merchant_code"},
    "required_fields": ["merchant_code"],
}
FIXED_MAPPING: dict[str, Any] = {
    "fields": {
        "merchant_code": {
            "expr": "note_attributes[?name=='merchant_code'].value | [0]",
            "default": "WEB",
        }
    },
    "dimensions": {"merchant": "merchant_code"},
    "required_fields": ["merchant_code"],
}


# -- set-up -------------------------------------------------------------------------------


@pytest.fixture
def ledger(db: Database, standin: StandIn) -> Database:
    """Ledger ``default`` (EUR), Stripe as gateway, Shopify in front, two extra sales accounts."""
    setup.init(db, "EUR")
    setup.add_source(
        db,
        source_id="stripe",
        platform="stripe",
        ledger="default",
        webhook_secret=STRIPE_SECRET,
        api_credentials={"secret_key": "sk_test_mapping"},
        settings={"api_base_url": standin.url},
    )
    setup.add_source(
        db,
        source_id="shopify",
        platform="shopify",
        ledger="default",
        webhook_secret=SHOPIFY_SECRET,
        api_credentials={"access_token": "shpat_mapping"},
        settings={"shop_domain": SHOP, "api_base_url": standin.url, "gateway": "stripe"},
    )
    setup.add_account(db, "default", POS_SALES, "Counter sales", "income", None)
    setup.add_account(db, "default", MARKET_SALES, "Marketplace sales", "income", None)
    return db


def order(
    order_id: int,
    price: str = "30.00",
    *,
    channel: str | None = None,
    merchant: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A Shopify order of one line at ``price``, no shipping, no tax: total ``price``."""
    doc = shopify.order(
        order_id,
        lines=[shopify.Line("Linen shirt", price)],
        currency="EUR",
        shipping="0",
        payment_gateway_names=("stripe",),
        created_at=DAY,
    )
    doc["note_attributes"] = []
    if channel is not None:
        doc["note_attributes"].append({"name": "sales_channel", "value": channel})
    doc["metafields"] = []
    if merchant is not None:
        doc["metafields"].append(
            {"namespace": "pos_plugin", "key": "merchant_code", "value": merchant}
        )
    doc.update(extra)
    return doc


def deliver(db: Database, doc: dict[str, Any], topic: str = "orders/paid") -> Accepted:
    raw = shopify.body(doc)
    headers = shopify.headers(topic, raw, SHOPIFY_SECRET, f"wh-{topic}-{doc['id']}", SHOP, DAY)
    return ingest(db, "shopify", raw, headers, now=DAY)


def posted(db: Database, doc: dict[str, Any]) -> dict[str, Any]:
    accepted = deliver(db, doc)
    assert accepted.status == "posted", views.get_event(db, str(accepted.event_id))
    assert len(accepted.entry_ids) == 1
    return views.get_entry(db, accepted.entry_ids[0])


def line_view(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    return [(x["account"], x["amount"], x["dimensions"]) for x in doc["lines"]]


def schema_of(engine: Engine) -> dict[str, Any]:
    """Every table with its columns (name, type, nullability) and indexes."""
    found = inspect(engine)
    return {
        table: {
            "columns": [
                (c["name"], str(c["type"]), bool(c["nullable"])) for c in found.get_columns(table)
            ],
            "indexes": sorted(
                (str(i["name"]), tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
        }
        for table in sorted(found.get_table_names())
    }


def counts(db: Database) -> tuple[int, int, int]:
    with db.read() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (events, entries, lines)
        )


# -- 1. the proof: a new field and dimension, reported by, with no schema change -----------


def test_a_new_custom_field_and_dimension_on_a_running_ledger_change_no_schema(
    ledger: Database,
) -> None:
    db = ledger
    # The ledger is running: an order posts under the default rules, with no mapping.
    before_mapping = posted(db, order(7001, "10.00", channel="pos", merchant="POS"))
    assert before_mapping["mapping_version"] is None
    assert line_view(before_mapping) == [
        (CLEARING, "10.00", {"source": "shopify"}),
        (SALES, "-10.00", {"source": "shopify"}),
    ]
    schema_before = schema_of(db.engine)
    assert "channel" not in {c[0] for c in schema_before["lines"]["columns"]}

    assert mappings.put_mapping(db, "shopify", PROOF_MAPPING) == 1

    pos = posted(db, order(7002, "30.00", channel="POS", merchant="POS"))
    amazon = posted(db, order(7003, "50.00", channel="amazon", merchant="AMZ"))
    web = posted(db, order(7004, "20.00", merchant="WEB"))
    plain = posted(db, order(7005, "5.00", channel="pos"))  # no merchant code: null allowed
    pos_dims = {"source": "shopify", "channel": "pos", "merchant": "POS"}
    assert [e["mapping_version"] for e in (pos, amazon, web, plain)] == [1, 1, 1, 1]
    assert line_view(pos) == [(CLEARING, "30.00", pos_dims), (POS_SALES, "-30.00", pos_dims)]
    amz_dims = {"source": "shopify", "channel": "amazon", "merchant": "AMZ"}
    assert line_view(amazon) == [
        (CLEARING, "50.00", amz_dims),
        (MARKET_SALES, "-50.00", amz_dims),
    ]
    web_dims = {"source": "shopify", "channel": "web", "merchant": "WEB"}
    assert line_view(web) == [(CLEARING, "20.00", web_dims), (SALES, "-20.00", web_dims)]
    plain_dims = {"source": "shopify", "channel": "pos", "merchant": "NONE"}
    assert line_view(plain) == [(CLEARING, "5.00", plain_dims), (POS_SALES, "-5.00", plain_dims)]

    # Report by it: filtered, then grouped.
    tb = views.trial_balance(db, "default", None, dimensions={"channel": "pos"})
    assert [(r["account"], r["debit"], r["credit"], r["balance"]) for r in tb["rows"]] == [
        (CLEARING, "35.00", "0.00", "35.00"),
        (POS_SALES, "0.00", "35.00", "-35.00"),
    ]
    assert tb["dimensions"] == {"channel": "pos"}
    assert (tb["total_debit"], tb["total_credit"], tb["balanced"]) == ("35.00", "35.00", True)

    grouped = views.trial_balance(db, "default", None, group_by="channel")
    assert grouped["group_by"] == "channel"
    assert {(r["account"], r["dimension"]): r["balance"] for r in grouped["rows"]} == {
        (CLEARING, None): "10.00",  # posted before the mapping: no channel on its lines
        (CLEARING, "amazon"): "50.00",
        (CLEARING, "pos"): "35.00",
        (CLEARING, "web"): "20.00",
        (SALES, None): "-10.00",
        (SALES, "web"): "-20.00",
        (POS_SALES, "pos"): "-35.00",
        (MARKET_SALES, "amazon"): "-50.00",
    }
    assert len(grouped["rows"]) == 8
    assert grouped["balanced"] is True

    both = views.trial_balance(
        db, "default", None, dimensions={"channel": "pos", "merchant": "POS"}, group_by="merchant"
    )
    assert [(r["account"], r["dimension"], r["balance"]) for r in both["rows"]] == [
        (CLEARING, "POS", "30.00"),
        (POS_SALES, "POS", "-30.00"),
    ]

    found, cursor = views.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=None,
        account=None,
        limit=50,
        cursor=None,
        dimensions={"channel": "pos"},
    )
    assert cursor is None
    assert sorted(e["key"] for e in found) == ["shopify:sale:7002", "shopify:sale:7005"]
    by_merchant, _ = views.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=None,
        account=None,
        limit=50,
        cursor=None,
        dimensions={"merchant": "AMZ"},
    )
    assert [e["key"] for e in by_merchant] == ["shopify:sale:7003"]
    nothing, _ = views.list_entries(
        db,
        ledger="default",
        since=None,
        until=None,
        source=None,
        account=None,
        limit=50,
        cursor=None,
        dimensions={"region": "europe"},  # a dimension no line has: nothing, no error
    )
    assert nothing == []

    # The entry posted before the mapping is untouched.
    assert views.get_entry(db, before_mapping["id"]) == before_mapping
    assert schema_of(db.engine) == schema_before


# -- 2. upload validation ------------------------------------------------------------------


INVALID_REFERENCES: dict[str, Any] = {
    "fields": {
        "country": {"from": "region"},
        "region": {"from": "country"},
        "wholesale": {"expr": "contains(default(tags, ''), 'wholesale')", "type": "boolean"},
    },
    "accounts": [{"role": "sales", "account": "4031", "when": {"wholesale": "yes"}}],
}
REFERENCE_ERRORS = [
    {"path": "fields.country.from", "reason": "cycle: country -> region -> country"},
    {"path": "accounts[0].account", "reason": "account 4031 is not in the chart"},
    {
        "path": "accounts[0].when.wholesale",
        "reason": "fact wholesale is a boolean: 'yes' is not a boolean, "
        "so the rule can never match",
    },
]


def test_an_invalid_upload_lists_every_reference_error_and_stores_nothing(
    ledger: Database,
) -> None:
    db = ledger
    with pytest.raises(MappingInvalid) as caught:
        mappings.put_mapping(db, "shopify", INVALID_REFERENCES)
    assert caught.value.code == "invalid_mapping"
    assert caught.value.details["errors"] == REFERENCE_ERRORS
    assert caught.value.message == (
        "invalid mapping: fields.country.from: cycle: country -> region -> country (and 2 more)"
    )
    with pytest.raises(NotFoundError):
        mappings.get_mapping(db, "shopify")

    # With a version active, a rejected upload leaves it active and the counter unchanged.
    assert mappings.put_mapping(db, "shopify", V1) == 1
    with pytest.raises(MappingInvalid):
        mappings.put_mapping(db, "shopify", INVALID_REFERENCES)
    shown = mappings.get_mapping(db, "shopify")
    assert (shown["version"], shown["document"]) == (1, V1)
    assert mappings.put_mapping(db, "shopify", V2) == 2


def test_a_malformed_expression_does_not_hide_the_other_errors(ledger: Database) -> None:
    """Issue 5: "every upload is validated in full (every error with its path and reason)";
    docs/mapping.md shows a malformed expression reported together with a cycle and a missing
    account. A syntax error must not stop the reference checks."""
    db = ledger
    document = copy.deepcopy(INVALID_REFERENCES)
    document["fields"]["order_total"] = {"expr": "decimal(total_price", "type": "decimal"}
    with pytest.raises(MappingInvalid) as caught:
        mappings.put_mapping(db, "shopify", document)
    errors = caught.value.details["errors"]
    assert sorted(e["path"] for e in errors) == sorted(
        ["fields.order_total.expr", *(e["path"] for e in REFERENCE_ERRORS)]
    )
    malformed = next(e for e in errors if e["path"] == "fields.order_total.expr")
    assert malformed["reason"].startswith("malformed JMESPath expression 'decimal(total_price'")
    with pytest.raises(NotFoundError):
        mappings.get_mapping(db, "shopify")


def test_a_malformed_expression_alone_is_rejected_with_its_path(ledger: Database) -> None:
    db = ledger
    with pytest.raises(MappingInvalid) as caught:
        mappings.put_mapping(
            db, "shopify", {"fields": {"total": {"expr": "decimal(total_price", "type": "decimal"}}}
        )
    [problem] = caught.value.details["errors"]
    assert problem["path"] == "fields.total.expr"
    assert problem["reason"].startswith("malformed JMESPath expression 'decimal(total_price'")
    with pytest.raises(NotFoundError):
        mappings.get_mapping(db, "shopify")
    assert mappings.put_mapping(db, "shopify", V1) == 1


# -- 3. versions and explicit re-post ------------------------------------------------------


def test_versions_never_rewrite_history_and_repost_is_a_reversal_plus_a_new_entry(
    ledger: Database,
) -> None:
    db = ledger
    assert mappings.put_mapping(db, "shopify", V1) == 1
    first = deliver(db, order(7101, "40.00"))
    assert first.status == "posted"
    old = views.get_entry(db, first.entry_ids[0])
    web = {"source": "shopify", "channel": "web"}
    assert old["mapping_version"] == 1
    assert old["key"] == "shopify:sale:7101"
    assert line_view(old) == [(CLEARING, "40.00", web), (SALES, "-40.00", web)]

    assert mappings.put_mapping(db, "shopify", V2) == 2
    assert mappings.get_mapping(db, "shopify")["version"] == 2
    assert views.get_entry(db, old["id"]) == old  # activating v2 rewrote nothing

    second = posted(db, order(7102, "25.00"))
    assert second["mapping_version"] == 2
    assert line_view(second) == [(CLEARING, "25.00", web), (MARKET_SALES, "-25.00", web)]

    assert first.event_id is not None
    result = repost.repost(db, first.event_id)
    assert result["event_id"] == first.event_id
    assert result["mapping_version"] == 2
    [reversal_id] = result["reversed"]
    [new_id] = result["entry_ids"]
    was = views.get_entry(db, old["id"])
    assert was["reversed_by"] == reversal_id
    assert {k: v for k, v in was.items() if k != "reversed_by"} == old  # otherwise unchanged
    undo = views.get_entry(db, reversal_id)
    assert undo["reverses"] == old["id"]
    assert [(a, m) for a, m, _ in line_view(undo)] == [(CLEARING, "-40.00"), (SALES, "40.00")]
    new = views.get_entry(db, new_id)
    assert new["key"] == "shopify:sale:7101@v2"
    assert new["mapping_version"] == 2
    assert line_view(new) == [(CLEARING, "40.00", web), (MARKET_SALES, "-40.00", web)]
    event = views.get_event(db, first.event_id)
    assert event["status"] == "posted"
    assert sorted(event["entry_ids"]) == sorted([old["id"], reversal_id, new_id])

    with pytest.raises(ConflictError) as again:
        repost.repost(db, first.event_id)
    assert again.value.message == (
        f"event {first.event_id} is already posted under mapping version 2"
    )
    tb = {r["account"]: r["balance"] for r in views.trial_balance(db, "default", None)["rows"]}
    assert tb == {CLEARING: "65.00", SALES: "0.00", MARKET_SALES: "-65.00"}


def test_repost_without_a_mapping_is_refused(ledger: Database) -> None:
    accepted = deliver(ledger, order(7103))
    assert accepted.status == "posted"
    assert accepted.event_id is not None
    with pytest.raises(ConflictError):
        repost.repost(ledger, accepted.event_id)


# -- 4. unmappable events are kept, then replayed -----------------------------------------


def test_an_unmappable_event_is_kept_failed_naming_the_field_and_posts_once_on_replay(
    ledger: Database,
) -> None:
    db = ledger
    assert mappings.put_mapping(db, "shopify", REQUIRED_MAPPING) == 1
    failed = deliver(db, order(7201, "12.00"))
    assert failed.status == "failed"
    assert failed.entry_ids == ()
    assert counts(db)[1:] == (0, 0)
    items, _ = views.list_events(
        db, status="failed", source="shopify", since=None, until=None, limit=50, cursor=None
    )
    assert [(i["id"], i["status"], i["entry_ids"]) for i in items] == [
        (failed.event_id, "failed", [])
    ]
    assert items[0]["error"] == "unmappable_event: field merchant_code (required) is missing"

    assert mappings.put_mapping(db, "shopify", FIXED_MAPPING) == 2
    assert failed.event_id is not None
    again = replay.replay(db, failed.event_id)
    assert again.status == "posted"
    [entry_id] = again.entry_ids
    entry = views.get_entry(db, entry_id)
    assert entry["mapping_version"] == 2
    merchant = {"source": "shopify", "merchant": "WEB"}
    assert line_view(entry) == [(CLEARING, "12.00", merchant), (SALES, "-12.00", merchant)]
    assert replay.replay(db, failed.event_id).entry_ids == ()  # posted once
    assert counts(db) == (1, 1, 2)
    still_failed, _ = views.list_events(
        db, status="failed", source=None, since=None, until=None, limit=50, cursor=None
    )
    assert still_failed == []


# -- 5. ignore rules and unknown event types -----------------------------------------------


IGNORING: dict[str, Any] = {
    "fields": {"is_test": {"expr": "test", "type": "boolean", "default": False}},
    "ignore": [
        {"when": {"is_test": True}, "reason": "test order"},
        {"zero_amount": True, "reason": "nothing to post"},
    ],
}


def test_test_orders_and_zero_amounts_are_ignored_with_the_reason(ledger: Database) -> None:
    db = ledger
    assert mappings.put_mapping(db, "shopify", IGNORING) == 1
    test_order = deliver(db, order(7301, "30.00", test=True))
    assert test_order.status == "ignored"
    assert test_order.entry_ids == ()
    assert test_order.event_id is not None
    shown = views.get_event(db, test_order.event_id)
    assert shown["status"] == "ignored"
    assert shown["note"] == "shopify:sale:7301 ignored by mapping: test order"

    zero = deliver(db, order(7302, "0.00"))
    assert zero.status == "ignored"
    assert zero.event_id is not None
    assert (
        views.get_event(db, zero.event_id)["note"]
        == "shopify:sale:7302 ignored by mapping: nothing to post"
    )
    real = deliver(db, order(7303, "30.00"))
    assert real.status == "posted"
    assert counts(db) == (3, 1, 2)


def test_an_unknown_event_type_fails_under_the_fail_policy(ledger: Database) -> None:
    db = ledger
    strict = {"event_types": ["orders/paid"], "unknown_event_type": "fail"}
    assert mappings.put_mapping(db, "shopify", strict) == 1
    unknown = deliver(db, order(7401), topic="customers/create")
    assert unknown.status == "failed"
    assert unknown.event_id is not None
    event = views.get_event(db, unknown.event_id)
    assert event["error"] == (
        "unmappable_event: unknown event type customers/create (unknown_event_type: fail)"
    )
    unlisted = deliver(db, order(7402), topic="orders/create")  # known, but not listed
    assert unlisted.status == "failed"
    assert unlisted.event_id is not None
    assert views.get_event(db, unlisted.event_id)["error"] == (
        "unmappable_event: unknown event type orders/create (unknown_event_type: fail)"
    )
    assert deliver(db, order(7403)).status == "posted"

    assert mappings.put_mapping(db, "shopify", {**strict, "unknown_event_type": "ignore"}) == 2
    lenient = deliver(db, order(7404), topic="customers/update")
    assert lenient.status == "ignored"
    assert lenient.event_id is not None
    assert views.get_event(db, lenient.event_id)["note"] == "unknown event type customers/update"


# -- 6. preview ----------------------------------------------------------------------------


def test_preview_shows_the_entry_with_a_draft_or_the_active_mapping_and_writes_nothing(
    ledger: Database,
) -> None:
    db = ledger
    posted(db, order(7500, "1.00"))  # something already in the ledger
    assert mappings.put_mapping(db, "shopify", PROOF_MAPPING) == 1
    before = counts(db)
    payload = order(7501, "30.00", channel="pos", merchant="AMZ")

    active = preview.preview(db, "shopify", payload, event_type="orders/paid")
    assert (active["status"], active["mapping_version"], active["error"]) == ("posted", 1, None)
    [entry] = active["entries"]
    dims = {"source": "shopify", "channel": "pos", "merchant": "AMZ"}
    assert entry["id"] is None
    assert entry["key"] == "shopify:sale:7501"
    assert entry["mapping_version"] == 1
    assert line_view(entry) == [(CLEARING, "30.00", dims), (MARKET_SALES, "-30.00", dims)]

    draft = {
        "fields": {"region": {"expr": "shipping_address.country_code", "default": "XX"}},
        "dimensions": {"region": "region", "store": {"value": "northwind"}},
        "accounts": [{"role": "sales", "account": POS_SALES}],
    }
    tried = preview.preview(db, "shopify", payload, event_type="orders/paid", mapping=draft)
    assert (tried["status"], tried["error"]) == ("posted", None)
    [entry] = tried["entries"]
    dims = {"source": "shopify", "region": "XX", "store": "northwind"}
    assert line_view(entry) == [(CLEARING, "30.00", dims), (POS_SALES, "-30.00", dims)]

    with pytest.raises(MappingInvalid) as caught:
        preview.preview(
            db,
            "shopify",
            payload,
            event_type="orders/paid",
            mapping={"accounts": [{"role": "sales", "account": "9999"}]},
        )
    assert caught.value.details["errors"] == [
        {"path": "accounts[0].account", "reason": "account 9999 is not in the chart"}
    ]

    failing = preview.preview(
        db, "shopify", payload, event_type="orders/paid", mapping=REQUIRED_MAPPING
    )
    assert failing["status"] == "failed"
    assert failing["entries"] == []
    assert failing["error"]["code"] == "unmappable_event"
    assert failing["error"]["message"] == "field merchant_code (required) is missing"

    assert counts(db) == before
    assert mappings.get_mapping(db, "shopify")["version"] == 1


def test_preview_of_a_bare_payload_dates_the_entry_as_posting_would(ledger: Database) -> None:
    """A saved payload without delivery headers previews with the order's own date (what the
    adapter reads when there is no X-Shopify-Triggered-At), not the day the preview runs, so
    ``mapping test`` over saved payloads gives the same answer every day."""
    db = ledger
    doc = order(7601, "30.00")
    raw = shopify.body(doc)
    headers = shopify.headers("orders/paid", raw, SHOPIFY_SECRET, "wh-preview-7601", SHOP, DAY)
    with_headers = preview.preview(db, "shopify", doc, headers=headers)
    assert with_headers["entries"][0]["effective_date"] == "2026-03-02"
    bare = preview.preview(db, "shopify", doc, event_type="orders/paid")
    assert bare["status"] == "posted"
    assert bare["entries"][0]["effective_date"] == "2026-03-02"
