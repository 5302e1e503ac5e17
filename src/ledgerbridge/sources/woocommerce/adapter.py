"""WooCommerceAdapter: the sources/base.py Adapter for a WooCommerce store."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.sources.base import (
    BackfillPage,
    Delivery,
    Envelope,
    Json,
    SourceConfig,
    parse_json,
)
from ledgerbridge.sources.woocommerce import backfill, client, normalize, verify

TOPIC_HEADER = "x-wc-webhook-topic"


class WooCommerceAdapter:
    """Order webhooks of one WooCommerce site; refunds are read back from its REST API."""

    platform: str = "woocommerce"
    default_role: str = "store"
    # A real store sets its own site URL as api_base_url (WordPress may live in a sub-folder).
    default_api_base_url: str = "https://example.com"
    keep_headers: tuple[str, ...] = (
        "x-wc-webhook-source",
        "x-wc-webhook-topic",
        "x-wc-webhook-resource",
        "x-wc-webhook-event",
        "x-wc-webhook-id",
        "x-wc-webhook-delivery-id",
        "user-agent",
        "content-type",
    )

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        """Signed by any of config.secrets, or exactly the unsigned activation ping
        (see verify.py); WooCommerce signs no timestamp, so ``now`` is not used."""
        verify.verify(delivery, config.secrets)

    def identify(self, delivery: Delivery) -> Envelope:
        """Topic from X-WC-Webhook-Topic; event id = order id + date_modified_gmt, because
        X-WC-Webhook-Delivery-ID is new on every attempt (wp_hash(id . time))."""
        webhook_id = verify.ping_webhook_id(delivery)
        if webhook_id is not None:
            return Envelope(
                event_id=f"ping:{webhook_id}",
                event_type="ping",
                payload={"webhook_id": webhook_id},
                ping=True,
            )
        topic = (delivery.header(TOPIC_HEADER) or "").strip()
        if not topic:
            raise MalformedPayloadError("X-WC-Webhook-Topic header missing", field="topic")
        payload = parse_json(delivery.body)
        return Envelope(
            event_id=_event_id(topic, payload, delivery.body),
            event_type=topic,
            payload=payload,
            occurred_at=normalize.optional_time(payload, "date_modified_gmt"),
        )

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        """HTTP Basic with the REST API key pair (consumer_key / consumer_secret); none when
        the source has no key pair (look-ups then fail with the site's 401)."""
        key = config.credentials.get("consumer_key")
        secret = config.credentials.get("consumer_secret")
        if not key or not secret:
            return {}
        token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        """The order's refunds, when the payload lists any (``refunds`` holds only a summary)."""
        if envelope.ping or envelope.event_type not in normalize.ORDER_TOPICS:
            return {}
        if not normalize.items(envelope.payload, "refunds", required=False):
            return {}
        order_id = normalize.integer(envelope.payload, "id")
        return {"refunds": client.order_refunds(http, order_id)}

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]:
        """Pull ``[since, until]`` from the REST API (see backfill.py), page by page."""
        return backfill.pages(http, since, until, cursor, sleep)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        if envelope.ping:
            return []
        return normalize.normalize(envelope.event_type, envelope.payload, lookups, config.id)


def _event_id(topic: str, payload: Json, body: bytes) -> str:
    if topic == "order.deleted":  # the payload is only {"id": n}
        return f"{normalize.integer(payload, 'id')}:deleted"
    if topic.startswith("order."):
        return f"{normalize.integer(payload, 'id')}:{normalize.text(payload, 'date_modified_gmt')}"
    # Other resources are ignored; keep them apart from orders with the same id.
    if "id" in payload and isinstance(payload.get("date_modified_gmt"), str):
        return f"{topic.split('.')[0]}:{payload['id']}:{payload['date_modified_gmt']}"
    return f"{topic}:{hashlib.sha256(body).hexdigest()[:32]}"
