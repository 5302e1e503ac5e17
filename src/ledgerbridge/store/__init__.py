"""Storage: SQLAlchemy 2 tables, Alembic migrations, repositories, the unit of work.

tables.py      every table (SQLAlchemy Core), identical on SQLite and PostgreSQL
database.py    engine creation (SQLite WAL, PostgreSQL via psycopg 3), migrate to head
guards.py      database-level guards: posted entries and lines cannot be updated or deleted
ids.py         time-sortable string ids
inbox.py       the raw event inbox (idempotent on source + platform event id)
journal.py     writing and reading entries and lines (amounts as integer minor units)
catalog.py     ledgers, accounts, sources, API keys, rates
migrations/    Alembic environment and versions
"""
