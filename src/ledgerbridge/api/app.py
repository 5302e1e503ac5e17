"""The FastAPI application factory."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import structlog
from fastapi import Depends, FastAPI
from starlette.types import ASGIApp

from ledgerbridge import __version__
from ledgerbridge.api import errors
from ledgerbridge.api.auth import require_api_key
from ledgerbridge.api.fastpath import WebhookFastPath
from ledgerbridge.api.routes import (
    bank_rules,
    entries,
    events,
    ledgers,
    mapping,
    ops,
    periods,
    rates,
    reconcile,
    reports,
    sources,
    statements,
    webhooks,
)
from ledgerbridge.config import Settings
from ledgerbridge.service.backfill import catch_up_all
from ledgerbridge.service.rates import refresh_ecb
from ledgerbridge.service.reconcile import run as reconcile_run
from ledgerbridge.service.setup import ledger_ids
from ledgerbridge.store.database import Database
from ledgerbridge.web.app import mount as mount_dashboard

log = structlog.get_logger(__name__)


def _catch_up_forever(app: FastAPI, stop: threading.Event) -> None:
    interval = app.state.settings.catchup_interval_seconds
    while not stop.wait(interval):
        for source, result in catch_up_all(app.state.db).items():
            if isinstance(result, str):
                log.warning("catch-up failed", source=source, error=result)
            elif result.new:
                log.info("catch-up found events webhooks missed", source=source, new=result.new)


def _refresh_rates_forever(app: FastAPI, stop: threading.Event) -> None:
    settings = app.state.settings
    while True:
        try:
            with httpx.Client(timeout=30) as http:
                new = refresh_ecb(app.state.db, http, base_url=settings.ecb_base_url)
            log.info("ECB reference rates fetched", new=new)
        except Exception as exc:  # a failed fetch waits for the next one
            log.warning("ECB reference rates not fetched", error=str(exc))
        if stop.wait(settings.ecb_refresh_hours * 3600):
            return


def _reconcile_daily(app: FastAPI, stop: threading.Event) -> None:
    hour, minute = (int(x) for x in app.state.settings.reconcile_daily_at.split(":"))
    while True:
        now = datetime.now(UTC)
        due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if due <= now:
            due += timedelta(days=1)
        if stop.wait((due - now).total_seconds()):
            return
        for ledger in ledger_ids(app.state.db):
            try:
                reconcile_run(app.state.db, ledger, trigger="schedule")
            except Exception as exc:  # one ledger's failure must not stop the others
                log.warning("scheduled reconciliation failed", ledger=ledger, error=str(exc))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    stop = threading.Event()
    if app.state.settings.catchup_interval_seconds > 0:
        threading.Thread(
            target=_catch_up_forever, args=(app, stop), daemon=True, name="catch-up"
        ).start()
    if app.state.settings.reconcile_daily_at:
        threading.Thread(
            target=_reconcile_daily, args=(app, stop), daemon=True, name="reconcile"
        ).start()
    if app.state.settings.ecb_refresh_hours > 0:
        threading.Thread(
            target=_refresh_rates_forever, args=(app, stop), daemon=True, name="ecb-rates"
        ).start()
    yield
    stop.set()


class _App(FastAPI):
    """FastAPI with the webhook fast path outside its whole middleware stack: platform traffic
    skips Starlette's error, exception and body middlewares (about 6 % of a webhook's CPU);
    the fast path answers every error of its own, and anything else reaches uvicorn's 500."""

    def build_middleware_stack(self) -> ASGIApp:
        return WebhookFastPath(super().build_middleware_stack(), state=self.state)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    app = _App(
        title="ledgerbridge",
        version=__version__,
        lifespan=lifespan,
        description="Stores and payment gateways to a balanced double-entry general ledger. "
        "Money is a decimal string beside its ISO 4217 currency; debit lines are positive.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.ingest_limiter = webhooks.ingest_limiter(app.state.db.dialect)
    errors.install(app)
    protected = [Depends(require_api_key)]
    app.include_router(webhooks.router)
    app.include_router(ops.router)
    for router in (
        sources.router,
        ledgers.router,
        events.router,
        entries.router,
        rates.router,
        mapping.router,
        statements.router,
        reconcile.router,
        bank_rules.router,
        periods.router,
        reports.router,
    ):
        app.include_router(router, dependencies=protected)
    mount_dashboard(app)
    return app
