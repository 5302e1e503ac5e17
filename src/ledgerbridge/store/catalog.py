"""Ledgers, accounts, sources, API keys and rates: the configuration the posting path reads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from ledgerbridge.domain.accounts import CHARTS, Account, AccountType, Role
from ledgerbridge.domain.errors import NotFoundError
from ledgerbridge.sources.base import SourceConfig
from ledgerbridge.store.tables import accounts, api_keys, ledgers, rates, sources


def now() -> datetime:
    return datetime.now(UTC)


def get_ledger(conn: Connection, ledger_id: str) -> dict[str, Any]:
    row = conn.execute(select(ledgers).where(ledgers.c.id == ledger_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no ledger {ledger_id!r}", ledger=ledger_id)
    return dict(row)


def ledger_exists(conn: Connection, ledger_id: str) -> bool:
    return conn.execute(select(ledgers.c.id).where(ledgers.c.id == ledger_id)).first() is not None


def create_ledger(
    conn: Connection, ledger_id: str, base_currency: str, chart: str, timezone: str = "UTC"
) -> None:
    conn.execute(
        insert(ledgers).values(
            id=ledger_id,
            base_currency=base_currency,
            chart=chart,
            timezone=timezone,
            created_at=now(),
        )
    )
    add_accounts(conn, ledger_id, CHARTS[chart])


def add_accounts(conn: Connection, ledger_id: str, chart: Iterable[Account]) -> None:
    conn.execute(
        insert(accounts),
        [
            {
                "ledger_id": ledger_id,
                "code": a.code,
                "name": a.name,
                "type": a.type.value,
                "role": a.role.value if a.role else None,
                "source_id": a.source,
            }
            for a in chart
        ],
    )


def list_accounts(conn: Connection, ledger_id: str) -> list[Account]:
    rows = conn.execute(
        select(accounts).where(accounts.c.ledger_id == ledger_id).order_by(accounts.c.code)
    ).mappings()
    return [
        Account(
            r["code"],
            r["name"],
            AccountType(r["type"]),
            Role(r["role"]) if r["role"] else None,
            r["source_id"],
        )
        for r in rows
    ]


def account_exists(conn: Connection, ledger_id: str, code: str) -> bool:
    query = select(accounts.c.code).where(
        accounts.c.ledger_id == ledger_id, accounts.c.code == code
    )
    return conn.execute(query).first() is not None


def role_accounts(conn: Connection, ledger_id: str) -> dict[Role, str]:
    """The account per role (the lowest code wins when a chart has several)."""
    query = (
        select(accounts.c.role, accounts.c.code)
        .where(
            accounts.c.ledger_id == ledger_id,
            accounts.c.role.is_not(None),
            accounts.c.role != Role.GATEWAY_CLEARING.value,
        )
        .order_by(accounts.c.code.desc())
    )
    return {Role(role): code for role, code in conn.execute(query)}


def clearing_code(conn: Connection, ledger_id: str, source_id: str) -> str | None:
    query = select(accounts.c.code).where(
        accounts.c.ledger_id == ledger_id,
        accounts.c.role == Role.GATEWAY_CLEARING.value,
        accounts.c.source_id == source_id,
    )
    return conn.execute(query).scalar()


def _to_config(row: Any) -> SourceConfig:
    return SourceConfig(
        id=row["id"],
        platform=row["platform"],
        ledger=row["ledger_id"],
        secrets=tuple(row["webhook_secrets"]),
        credentials=row["api_credentials"],
        settings=row["settings"],
    )


def get_source(conn: Connection, source_id: str) -> SourceConfig:
    row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no source {source_id!r}", source=source_id)
    return _to_config(row)


def list_sources(conn: Connection) -> list[SourceConfig]:
    rows = conn.execute(select(sources).order_by(sources.c.id)).mappings()
    return [_to_config(r) for r in rows]


def source_exists(conn: Connection, source_id: str) -> bool:
    return conn.execute(select(sources.c.id).where(sources.c.id == source_id)).first() is not None


def insert_source(conn: Connection, config: SourceConfig) -> None:
    conn.execute(
        insert(sources).values(
            id=config.id,
            platform=config.platform,
            ledger_id=config.ledger,
            webhook_secrets=list(config.secrets),
            api_credentials=dict(config.credentials),
            settings=dict(config.settings),
            created_at=now(),
        )
    )


def update_source(conn: Connection, config: SourceConfig) -> None:
    conn.execute(
        update(sources)
        .where(sources.c.id == config.id)
        .values(
            webhook_secrets=list(config.secrets),
            api_credentials=dict(config.credentials),
            settings=dict(config.settings),
        )
    )


def hash_key(key: str) -> str:
    """API keys are 256-bit random tokens: a SHA-256 digest is a safe, constant-cost lookup
    (argon2 is for low-entropy passwords and would cost ~50 ms on every request)."""
    return hashlib.sha256(key.encode()).hexdigest()


def insert_api_key(
    conn: Connection, key_id: str, name: str, key: str, role: str = "admin"
) -> None:
    conn.execute(
        insert(api_keys).values(
            id=key_id, name=name, key_hash=hash_key(key), created_at=now(), role=role
        )
    )


def api_key_name(conn: Connection, key: str) -> str | None:
    query = select(api_keys.c.name).where(
        api_keys.c.key_hash == hash_key(key), api_keys.c.revoked_at.is_(None)
    )
    return conn.execute(query).scalar()


def put_rate(
    conn: Connection, base: str, quote: str, day: date, rate: Decimal, source: str
) -> None:
    key = and_(
        rates.c.base == base, rates.c.quote == quote, rates.c.day == day, rates.c.source == source
    )
    if conn.execute(select(rates.c.rate).where(key)).first() is None:
        conn.execute(
            insert(rates).values(
                base=base, quote=quote, day=day, source=source, rate=str(rate), created_at=now()
            )
        )
    else:
        conn.execute(update(rates).where(key).values(rate=str(rate), created_at=now()))


def ledger_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(ledgers.c.id).order_by(ledgers.c.id)).scalars())
