"""Back-fill and catch-up: pull a platform's REST API over a date range and post what it
returns through the same inbox-and-post path as webhooks (so a record seen by both posts once).

The cursor is saved after every page, so an interrupted back-fill continues where it stopped.
A catch-up is a back-fill from the last catch-up (less an overlap) to now; what it finds that
was not in the inbox yet is what webhooks missed, and the source's status shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.service.ingest import http_client, ingest
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog, sync
from ledgerbridge.store.database import Database

CATCHUP = "catchup"
CATCHUP_OVERLAP = timedelta(minutes=15)
FIRST_CATCHUP = timedelta(days=1)


@dataclass
class Tally:
    pages: int = 0
    seen: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    resumed_from: str | None = None

    @property
    def new(self) -> int:
        """Records that posted (or failed) here and not before: for a catch-up, what webhooks
        missed. A record some platforms cannot give the webhook's own id for (BigCommerce,
        Square) is a new inbox row but posts nothing, "ignored": it is not counted."""
        return self.statuses.get("posted", 0) + self.statuses.get("failed", 0)

    def stats(self) -> dict[str, int]:
        return {"pages": self.pages, "seen": self.seen, "new": self.new, **self.statuses}


def run(
    db: Database,
    source_id: str,
    since: datetime,
    until: datetime,
    *,
    name: str | None = None,
    progress: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    lookup_timeout: int = 10,
) -> Tally:
    """Back-fill ``[since, until]``; resumes a run of the same range that did not finish."""
    if until <= since:
        raise ValidationError("--until must be after --since", field="until")
    with db.read() as conn:
        config = catalog.get_source(conn, source_id)
    adapter = adapter_for(config.platform)
    backfill: Any = getattr(adapter, "backfill", None)
    if backfill is None:
        raise ValidationError(
            f"the {config.platform} adapter has no back-fill yet", platform=config.platform
        )
    key = name or f"backfill:{since.isoformat()}:{until.isoformat()}"
    with db.read() as conn:
        state = sync.get(conn, source_id, key)
    tally = Tally()
    cursor = None
    if state and not state["done"] and name is None:
        cursor = state["cursor"]
        tally.resumed_from = cursor
    http = http_client(adapter, config, lookup_timeout)
    for page in backfill(config, http, since, until, cursor, sleep):
        for item in page.items:
            accepted = ingest(
                db, source_id, item.body, item.headers, verify=False, lookup_timeout=lookup_timeout
            )
            tally.statuses[accepted.status] = tally.statuses.get(accepted.status, 0) + 1
        tally.pages += 1
        tally.seen += len(page.items)
        with db.write() as conn:
            sync.save(
                conn,
                source_id,
                key,
                cursor=page.next_cursor,
                done=page.next_cursor is None,
                stats=tally.stats(),
                last_until=until if name == CATCHUP else None,
            )
        if progress:
            progress(len(page.items))
    return tally


def catch_up(
    db: Database,
    source_id: str,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Tally:
    """Pull what changed since the last catch-up (first time: the last day) up to now."""
    until = now or datetime.now(UTC)
    with db.read() as conn:
        state = sync.get(conn, source_id, CATCHUP)
    last = state["last_until"] if state and state["last_until"] else until - FIRST_CATCHUP
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return run(db, source_id, last - CATCHUP_OVERLAP, until, name=CATCHUP, sleep=sleep)


def catch_up_all(db: Database) -> dict[str, Tally | str]:
    """One catch-up for every source with API credentials whose adapter can back-fill."""
    results: dict[str, Tally | str] = {}
    with db.read() as conn:
        configs = catalog.list_sources(conn)
    for config in configs:
        if not config.credentials or not hasattr(adapter_for(config.platform), "backfill"):
            continue
        try:
            results[config.id] = catch_up(db, config.id)
        except Exception as exc:
            results[config.id] = f"{type(exc).__name__}: {exc}"
    return results
