"""A closed period is locked (SQLite and PostgreSQL): a late event posts into the next open
month with a note, never into the closed one; close and reopen are audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from ledgerbridge.domain.errors import ConflictError
from ledgerbridge.service import journal, periods, setup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.shopify import simulate as shopify
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import audit_log


def _order(db: Database, n: int, day: datetime) -> dict[str, object]:
    doc = shopify.order(n, currency="EUR", payment_gateway_names=("stripe",), created_at=day)
    body = shopify.body(doc)
    accepted = ingest(
        db,
        "shop",
        body,
        shopify.headers("orders/paid", body, "shp_p", f"wh-{n}", "p.myshopify.com", day),
    )
    [entry_id] = accepted.entry_ids
    return journal.get_entry(db, entry_id)


def test_a_late_event_posts_into_the_open_period_with_a_note(db: Database) -> None:
    setup.init(db, "EUR")
    setup.add_source(
        db, source_id="stripe", platform="stripe", ledger="default", webhook_secret="whsec_p"
    )
    setup.add_source(
        db,
        source_id="shop",
        platform="shopify",
        ledger="default",
        webhook_secret="shp_p",
        settings={"gateway": "stripe"},
    )
    before = _order(db, 1, datetime(2026, 3, 10, tzinfo=UTC))
    assert before["effective_date"] == "2026-03-10"

    periods.change(db, "default", "2026-03", "closed", "controller")
    with pytest.raises(ConflictError):
        periods.change(db, "default", "2026-03", "closed", "controller")
    march_total = journal.trial_balance(db, "default", datetime(2026, 3, 31).date())

    late = _order(db, 2, datetime(2026, 3, 28, tzinfo=UTC))
    assert late["effective_date"] == "2026-04-01"
    assert late["note"] == (
        "dated 2026-03-28 in closed period 2026-03: posted into the open period 2026-04"
    )
    assert journal.trial_balance(db, "default", datetime(2026, 3, 31).date()) == march_total

    periods.change(db, "default", "2026-03", "open", "cfo")
    reopened = _order(db, 3, datetime(2026, 3, 29, tzinfo=UTC))
    assert reopened["effective_date"] == "2026-03-29"
    with db.read() as conn:
        trail = [
            (r.actor, r.action)
            for r in conn.execute(
                select(audit_log.c.actor, audit_log.c.action).order_by(audit_log.c.at)
            )
        ]
    assert trail == [("controller", "period.close"), ("cfo", "period.reopen")]
