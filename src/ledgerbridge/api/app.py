"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from ledgerbridge import __version__
from ledgerbridge.api import errors
from ledgerbridge.api.auth import require_api_key
from ledgerbridge.api.routes import (
    entries,
    events,
    ledgers,
    mapping,
    ops,
    rates,
    sources,
    webhooks,
)
from ledgerbridge.config import Settings
from ledgerbridge.store.database import Database


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="ledgerbridge",
        version=__version__,
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
    ):
        app.include_router(router, dependencies=protected)
    return app
