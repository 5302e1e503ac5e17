"""A posting the database itself refuses (a constraint or trigger: PostgreSQL's deferred ones
fire at commit) keeps the raw event as failed with the database's reason, and replay posts it
once the cause is gone: nothing is lost. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from ledgerbridge.service import replay, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import entries, events

DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_shipping BEFORE INSERT ON lines WHEN NEW.account_code = '4100' "
        "BEGIN SELECT RAISE(ABORT, 'shipping income is frozen'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_shipping() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.account_code = '4100' THEN RAISE EXCEPTION 'shipping income is frozen' "
        "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$",
        "CREATE CONSTRAINT TRIGGER refuse_shipping AFTER INSERT ON lines "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_shipping()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_shipping"],
    "postgresql": ["DROP TRIGGER refuse_shipping ON lines", "DROP FUNCTION refuse_shipping()"],
}


def _run(db: Database, statements: list[str]) -> None:
    with db.engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def test_a_posting_the_database_refuses_is_kept_and_replays(db: Database) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db, source_id="stripe", platform="stripe", ledger="default", webhook_secret="whsec_r"
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_r",
        settings={"gateway": "stripe"},
    )
    _run(db, REFUSE[db.dialect])
    doc = shopify.order(11, currency="EUR", payment_gateway_names=("stripe",), created_at=DAY)
    body = shopify.body(doc)
    headers = shopify.headers("orders/paid", body, "shp_r", "wh-11", "r.myshopify.com", DAY)

    refused = ingest(db, "shop", body, headers)
    assert refused.status == "failed"
    with db.read() as conn:
        kept = conn.execute(select(events.c.raw_body, events.c.status, events.c.error)).one()
        assert conn.execute(select(func.count()).select_from(entries)).scalar() == 0
    assert bytes(kept.raw_body) == body
    assert kept.status == "failed"
    assert kept.error.startswith("refused_by_database: ")
    assert "shipping income is frozen" in kept.error

    _run(db, ALLOW[db.dialect])
    done = replay.replay(db, str(refused.event_id))
    assert done.status == "posted"
    assert len(done.entry_ids) == 1
