"""BigCommerceAdapter: the sources.base.Adapter for a BigCommerce store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import httpx

from ledgerbridge.domain.errors import LookupFailedError, MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.sources.base import (
    BackfillPage,
    Delivery,
    Envelope,
    Json,
    SourceConfig,
    parse_json,
    utc_from_unix,
)
from ledgerbridge.sources.bigcommerce import backfill, client, normalize, verify, wire
from ledgerbridge.sources.bigcommerce.verify import MIN_SECRET_LENGTH

API_HOST = "https://api.bigcommerce.com"


class BigCommerceAdapter:
    """Order and refund webhooks of one BigCommerce store; amounts from its REST API."""

    platform: str = "bigcommerce"
    default_role: str = "store"
    default_api_base_url: str = API_HOST
    # Never the secret header: it is the credential itself, not evidence.
    keep_headers: tuple[str, ...] = ("content-type", "user-agent")
    min_secret_length: int = MIN_SECRET_LENGTH

    def api_base_url(self, config: SourceConfig) -> str:
        """The store's REST base: settings ``api_base_url`` (a test server, taken as the
        store's base), else ``https://api.bigcommerce.com/stores/{store_hash}``."""
        if config.settings.get("api_base_url"):
            return str(config.settings["api_base_url"]).rstrip("/")
        store_hash = config.credentials.get("store_hash")
        return f"{API_HOST}/stores/{store_hash}" if store_hash else API_HOST

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        """The secret header we set on the hook (see verify.py); nothing is signed, so
        ``now`` is not used."""
        verify.verify(delivery, config.secrets)

    def identify(self, delivery: Delivery) -> Envelope:
        """Type = ``scope``. Event id = scope, created_at and ``hash`` together: BigCommerce
        dedupes on ``hash`` ("the payload data JSON encoded then passed through SHA-1"), but if
        that covers only ``data`` then store/order/created and a later store/order/updated of
        the same order share it; a redelivery repeats all three, so it is still a duplicate."""
        payload = parse_json(delivery.body)
        scope = wire.text(payload, "scope")
        digest = wire.text(payload, "hash")
        created_at = payload.get("created_at")
        if not isinstance(created_at, int) or isinstance(created_at, bool) or created_at < 0:
            raise MalformedPayloadError("created_at missing or not a Unix time", field="created_at")
        wire.section(payload, "data")
        return Envelope(
            event_id=f"{scope}:{created_at}:{digest}",
            event_type=scope,
            payload=payload,
            occurred_at=utc_from_unix(created_at),
        )

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        """The store-level API token (api_credentials ``access_token``); V2 answers JSON only
        when asked to."""
        token = config.credentials.get("access_token")
        headers = {"Accept": "application/json"}
        return {**headers, "X-Auth-Token": token} if token else headers

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        """The order, and for a refund webhook the order's refunds; nothing for other scopes."""
        scope = envelope.event_type
        if scope not in normalize.ORDER_SCOPES and scope != normalize.REFUND_SCOPE:
            return {}
        _check_store(envelope.payload, config)
        order_id = normalize.order_id(envelope.payload)
        found: Json = {"order": client.order(http, order_id)}
        if scope == normalize.REFUND_SCOPE:
            found["refunds"] = client.order_refunds(http, order_id)
        return found

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]:
        """Paid orders modified, then refunds created, in ``[since, until]`` (backfill.py),
        each as the webhook that names it."""
        return backfill.pages(config, http, since, until, cursor, sleep)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize.normalize(envelope.event_type, envelope.payload, lookups, config.id)


def _check_store(payload: Json, config: SourceConfig) -> None:
    """Refuse a webhook from another store (``producer`` is ``stores/{store_hash}``): its ids
    would be looked up in this store and could name a different order."""
    store_hash = config.credentials.get("store_hash")
    if not store_hash:
        if config.settings.get("api_base_url"):
            return
        raise LookupFailedError(
            f"source {config.id} has no api_credentials.store_hash to look orders up with",
            source=config.id,
        )
    producer = payload.get("producer")
    if isinstance(producer, str) and producer != f"stores/{store_hash}":
        raise MalformedPayloadError(
            f"producer {producer!r} is not this source's store", field="producer"
        )
