"""MagentoAdapter: the sources/base.py Adapter for a Magento 2 / Adobe Commerce store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx

from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.sources.base import BackfillPage, Delivery, Envelope, Json, SourceConfig
from ledgerbridge.sources.magento import backfill, client, normalize, verify, wire

ACKNOWLEDGEMENT = b'[{"op":"success"}]'


class MagentoAdapter:
    """Invoices (sales), credit memos (refunds) and order states of one Magento store."""

    platform: str = "magento"
    default_role: str = "store"
    # A real store sets its own URL as api_base_url (Magento may live in a sub-folder).
    default_api_base_url: str = "https://magento.example.com"
    keep_headers: tuple[str, ...] = (
        verify.ADOBE_HEADER,
        verify.OSS_HEADER,
        verify.TIMED_HEADER,
        "content-type",
        "user-agent",
    )
    # Adobe Commerce Webhooks are synchronous and read the answer as operations: success lets
    # the invoice or refund go on. It is the answer whatever ledgerbridge made of the event
    # (a failed event is kept for review; the merchant's checkout must never stop on it).
    acknowledgement: bytes = ACKNOWLEDGEMENT
    acknowledgement_media_type = "application/json"

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        """Adobe Commerce RSA signature, or the HMAC of a Magento Open Source module
        (verify.py); any of config.secrets verifies."""
        verify.verify(delivery, config.secrets, now)

    def identify(self, delivery: Delivery) -> Envelope:
        """Event id: the Adobe ``event_id`` when the body has one, else the document's kind,
        entity_id and updated_at (a document saved again is a new event; the same save
        delivered twice is one)."""
        payload = wire.parse_body(delivery.body)
        found = normalize.locate(payload)
        occurred_at = None
        if found.kind is not None and found.document is not None:
            occurred_at = wire.time(found.document, "updated_at", found.kind)
        return Envelope(
            event_id=_event_id(payload, found, delivery.body),
            event_type=found.event_type,
            payload=payload,
            occurred_at=occurred_at,
        )

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        """The integration's access token as a Bearer token; none without one (look-ups
        then fail with the store's 401)."""
        token = config.credentials.get("access_token")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        return client.fetch_lookups(envelope, config, http)

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]:
        """Invoices, then credit memos, updated in ``[since, until]`` (backfill.py), each as
        the observer event a webhook carries."""
        return backfill.pages(config, http, since, until, cursor, sleep)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize.normalize(envelope.payload, lookups, config.id)


def _event_id(payload: Json, found: normalize.Located, body: bytes) -> str:
    adobe = payload.get("event_id")
    if isinstance(adobe, str) and adobe:
        return adobe
    if found.kind is None or found.document is None:
        return f"{found.event_type}:sha256:{hashlib.sha256(body).hexdigest()[:32]}"
    entity = wire.ident(found.document, "entity_id", found.kind)
    updated = wire.text(found.document, "updated_at", found.kind)
    if updated is None:  # an ids-only delivery: the body is all there is to tell saves apart
        return f"{found.kind}:{entity}:sha256:{hashlib.sha256(body).hexdigest()[:32]}"
    return f"{found.kind}:{entity}:{updated}"
