"""Configuration use cases: init, ledgers, accounts, sources, API keys."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ledgerbridge.domain.accounts import CHARTS, Account, AccountType, Role, clearing_account
from ledgerbridge.domain.errors import ConflictError, NotFoundError, ValidationError
from ledgerbridge.domain.money import normalize_currency
from ledgerbridge.service.cache import forget
from ledgerbridge.sources.base import SourceConfig
from ledgerbridge.sources.registry import PLATFORMS, adapter_for
from ledgerbridge.store import catalog, inbox, sync
from ledgerbridge.store.database import Database
from ledgerbridge.store.ids import new_id

ROLES = ("viewer", "accountant", "admin")

DEFAULT_LEDGER = "default"


def init(db: Database, base_currency: str = "EUR", *, timezone: str = "UTC") -> bool:
    """Create the schema and ledger ``default`` with the retail chart. Safe to run twice:
    returns False when the ledger was already there."""
    db.migrate()
    return create_ledger(
        db, DEFAULT_LEDGER, base_currency, "retail", exist_ok=True, timezone=timezone
    )


def create_ledger(
    db: Database,
    ledger_id: str,
    base_currency: str,
    chart: str,
    *,
    exist_ok: bool = False,
    timezone: str = "UTC",
) -> bool:
    code = normalize_currency(base_currency)
    if chart not in CHARTS:
        raise ValidationError(f"unknown chart {chart!r}; known: {', '.join(CHARTS)}", field="chart")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {timezone!r}", field="timezone") from None
    forget()
    with db.write() as conn:
        if catalog.ledger_exists(conn, ledger_id):
            if exist_ok:
                return False
            raise ConflictError(f"ledger {ledger_id!r} exists", ledger=ledger_id)
        catalog.create_ledger(conn, ledger_id, code, chart, timezone)
    return True


def add_account(
    db: Database, ledger_id: str, code: str, name: str, type_: str, role: str | None
) -> Account:
    try:
        account = Account(code, name, AccountType(type_), Role(role) if role else None)
    except ValueError as exc:
        raise ValidationError(str(exc), field="type/role") from None
    if account.role is Role.GATEWAY_CLEARING:
        raise ValidationError(
            "gateway_clearing accounts are created with their source", field="role"
        )
    forget()
    with db.write() as conn:
        catalog.get_ledger(conn, ledger_id)
        if catalog.account_exists(conn, ledger_id, code):
            raise ConflictError(f"account {code!r} exists", account=code)
        catalog.add_accounts(conn, ledger_id, [account])
    return account


def add_source(
    db: Database,
    *,
    source_id: str,
    platform: str,
    ledger: str,
    webhook_secret: str | list[str],
    api_credentials: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> SourceConfig:
    """Add a source and its clearing account. Refuses a configuration that would recognise a
    sale twice (a store posting to a gateway that also recognises revenue from its charges)."""
    if platform not in PLATFORMS:
        raise ValidationError(f"unknown platform {platform!r}", field="platform")
    adapter = adapter_for(platform)
    secret_list = [webhook_secret] if isinstance(webhook_secret, str) else list(webhook_secret)
    if not secret_list or not all(isinstance(s, str) and s for s in secret_list):
        raise ValidationError("webhook_secret is required", field="webhook_secret")
    shortest = int(getattr(adapter, "min_secret_length", 1))
    if any(len(s) < shortest for s in secret_list):
        raise ValidationError(
            f"a {platform} webhook_secret must be at least {shortest} characters (random)",
            field="webhook_secret",
        )
    merged = {"role": adapter.default_role, **(settings or {})}
    for name in getattr(adapter, "required_settings", ()):
        if not merged.get(name):
            raise ValidationError(f"a {platform} source needs settings.{name}", field=name)
    if merged["role"] not in ("store", "gateway"):
        raise ValidationError("settings.role is store or gateway", field="settings.role")
    config = SourceConfig(
        id=source_id,
        platform=platform,
        ledger=ledger,
        secrets=tuple(secret_list),
        credentials=dict(api_credentials or {}),
        settings=merged,
    )
    forget()
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        if catalog.source_exists(conn, source_id):
            raise ConflictError(f"source {source_id!r} exists", source=source_id)
        _check_recognised_once(conn, config)
        catalog.insert_source(conn, config)
        account = clearing_account(source_id, platform)
        if not catalog.account_exists(conn, ledger, account.code):
            catalog.add_accounts(conn, ledger, [account])
    return config


def _gateways_named(config: SourceConfig) -> set[str]:
    setting = config.settings.get("gateway")
    if isinstance(setting, str):
        return {setting}
    if isinstance(setting, dict):
        return {str(v) for v in setting.values()}
    return set()


def _check_recognised_once(conn: Any, new: SourceConfig) -> None:
    everyone = [*catalog.list_sources(conn), new]
    by_id = {s.id: s for s in everyone}
    for store in everyone:
        for gateway_id in _gateways_named(store):
            gateway = by_id.get(gateway_id)
            if gateway is None:
                raise ValidationError(
                    f"source {store.id!r} names unknown gateway {gateway_id!r}",
                    field="settings.gateway",
                )
            if gateway.settings.get("recognize_revenue"):
                raise ConflictError(
                    f"gateway {gateway_id!r} recognises revenue from its charges and store "
                    f"{store.id!r} posts its sales to it: every sale would be counted twice",
                    store=store.id,
                    gateway=gateway_id,
                )


def rotate_secret(
    db: Database, source_id: str, new_secret: str, keep_previous: bool = True
) -> None:
    forget()
    with db.write() as conn:
        config = catalog.get_source(conn, source_id)
        kept = (new_secret, config.secrets[0]) if keep_previous else (new_secret,)
        catalog.update_source(
            conn,
            SourceConfig(
                config.id, config.platform, config.ledger, kept, config.credentials, config.settings
            ),
        )


def create_api_key(db: Database, name: str, role: str = "admin") -> str:
    """A new API key, returned once; only its SHA-256 is stored. ``role`` is what a
    dashboard session opened with it may do (viewer, accountant or admin)."""
    if role not in ROLES:
        raise ValidationError(f"a role is one of {', '.join(ROLES)}, not {role!r}", field="role")
    key = "lb_" + secrets.token_urlsafe(32)
    with db.write() as conn:
        catalog.insert_api_key(conn, new_id("ak_"), name, key, role)
    return key


def source_status(db: Database, source_id: str) -> dict[str, Any]:
    """A source as the API shows it: no secret, no credential, only their presence."""
    with db.read() as conn:
        config = catalog.get_source(conn, source_id)
        last = inbox.last_event(conn, source_id)
        counts = inbox.status_counts(conn, source_id)
        error = inbox.last_error(conn, source_id)
        states = sync.for_source(conn, source_id)
    return {
        "id": config.id,
        "platform": config.platform,
        "ledger": config.ledger,
        "settings": dict(config.settings),
        "webhook_secret_set": bool(config.secrets),
        "api_credentials_set": sorted(config.credentials),
        "sync": {
            "last_event_at": last["received_at"] if last else None,
            "last_error": error,
            "counts": counts,
            "catch_up": next(
                (
                    {
                        "last_run_at": s["updated_at"],
                        "up_to": s["last_until"],
                        "missed_by_webhooks": s["stats"].get("new", 0),
                        "stats": s["stats"],
                    }
                    for s in states
                    if s["name"] == "catchup"
                ),
                None,
            ),
            "runs": [
                {
                    "name": s["name"],
                    "done": s["done"],
                    "updated_at": s["updated_at"],
                    "last_until": s["last_until"],
                    "stats": s["stats"],
                }
                for s in states
            ],
        },
    }


def source_ids(db: Database) -> list[str]:
    with db.read() as conn:
        return [s.id for s in catalog.list_sources(conn)]


def require_source(db: Database, source_id: str) -> None:
    with db.read() as conn:
        if not catalog.source_exists(conn, source_id):
            raise NotFoundError(f"no source {source_id!r}", source=source_id)


def ledger_ids(db: Database) -> list[str]:
    with db.read() as conn:
        return catalog.ledger_ids(conn)
