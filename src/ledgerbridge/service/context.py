"""Which accounts an event posts to, and the rate look-up, read from the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import UnmappableEventError
from ledgerbridge.domain.events import CommerceEvent, Refund, Sale
from ledgerbridge.domain.posting import PostingContext
from ledgerbridge.service.cache import cached
from ledgerbridge.service.rates import rate_lookup
from ledgerbridge.sources.base import SourceConfig
from ledgerbridge.store import catalog

__all__ = ["LedgerView", "gateway_source_for", "ledger_view", "posting_context", "rate_lookup"]


@dataclass(frozen=True, slots=True)
class LedgerView:
    id: str
    base_currency: str
    roles: Mapping[Role, str]
    timezone: str = "UTC"


def ledger_view(conn: Connection, ledger_id: str) -> LedgerView:
    row = catalog.get_ledger(conn, ledger_id)
    return LedgerView(
        ledger_id, row["base_currency"], catalog.role_accounts(conn, ledger_id), row["timezone"]
    )


def gateway_source_for(config: SourceConfig, gateway_name: str | None) -> str:
    """The source whose clearing account a store's sale or refund goes to.

    ``settings.gateway`` is a source id, or a map from the store's own gateway name to a source
    id (``"*"`` for the rest); without it, the store's own clearing account."""
    setting = config.settings.get("gateway")
    if isinstance(setting, str) and setting:
        return setting
    if isinstance(setting, dict):
        chosen = setting.get(gateway_name or "") or setting.get("*")
        if chosen:
            return str(chosen)
    return config.id


def posting_context(
    conn: Connection, ledger: LedgerView, config: SourceConfig, event: CommerceEvent
) -> PostingContext:
    owner = config.id
    if config.role == "store" and isinstance(event, Sale | Refund):
        owner = gateway_source_for(config, event.gateway)
    clearing = cached(
        ("clearing", conn.engine.url, ledger.id, owner),
        lambda: catalog.clearing_code(conn, ledger.id, owner),
    )
    if clearing is None:
        raise UnmappableEventError(
            f"no gateway clearing account for source {owner!r} in ledger {ledger.id!r}",
            source=owner,
        )
    return PostingContext(
        ledger=ledger.id,
        source=config.id,
        accounts=ledger.roles,
        clearing=clearing,
        recognize_revenue=bool(config.settings.get("recognize_revenue", False)),
        dimensions={"source": config.id},
        timezone=ledger.timezone,
    )
