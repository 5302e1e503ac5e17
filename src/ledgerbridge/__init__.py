"""ledgerbridge: stores and payment gateways to a balanced double-entry general ledger.

Packages (dependencies point inward):
    domain/    money, accounts, journal entries, canonical events, posting rules (pure)
    store/     SQLAlchemy tables, Alembic migrations, repositories, unit of work
    sources/   platform adapters: verify, normalise, look up (one folder per platform)
    service/   use cases: ingest a webhook, post an event, replay, configure
    api/       FastAPI application (thin)
    cli/       Typer command line (thin)
    demo/      a realistic day of signed webhooks and a loopback platform stand-in
"""

__version__ = "0.1.0"
