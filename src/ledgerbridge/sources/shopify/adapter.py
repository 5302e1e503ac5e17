"""ShopifyAdapter: the sources.base.Adapter for a Shopify store."""

from __future__ import annotations

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
from ledgerbridge.sources.shopify import backfill, payments
from ledgerbridge.sources.shopify.client import DEFAULT_API_VERSION, order_transactions
from ledgerbridge.sources.shopify.fields import first_time, ident, time_of
from ledgerbridge.sources.shopify.normalize import (
    is_paid,
    mixed_gift_card_tender,
    normalize,
)
from ledgerbridge.sources.shopify.verify import verify_delivery

EXAMPLE_SHOP = "https://example.myshopify.com"


class ShopifyAdapter:
    platform = "shopify"
    default_role = "store"
    default_api_base_url = EXAMPLE_SHOP
    keep_headers: tuple[str, ...] = (
        "x-shopify-topic",
        "x-shopify-shop-domain",
        "x-shopify-api-version",
        "x-shopify-webhook-id",
        "x-shopify-event-id",
        "x-shopify-triggered-at",
    )

    def api_base_url(self, config: SourceConfig) -> str:
        """Where look-ups go: settings ``api_base_url``, else the shop's own domain."""
        if config.settings.get("api_base_url"):
            return str(config.settings["api_base_url"])
        domain = config.settings.get("shop_domain")
        return f"https://{domain}" if domain else EXAMPLE_SHOP

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        # No staleness check on X-Shopify-Triggered-At: the MAC does not cover it, and
        # Shopify's retries legitimately carry hours-old payloads; dedupe covers replays.
        verify_delivery(delivery, config)

    def identify(self, delivery: Delivery) -> Envelope:
        event_id = delivery.header("X-Shopify-Webhook-Id") or delivery.header("X-Shopify-Event-Id")
        if not event_id:
            raise MalformedPayloadError(
                "X-Shopify-Webhook-Id header missing", field="X-Shopify-Webhook-Id"
            )
        topic = delivery.header("X-Shopify-Topic")
        if not topic:
            raise MalformedPayloadError("X-Shopify-Topic header missing", field="X-Shopify-Topic")
        payload = parse_json(delivery.body)
        triggered = delivery.header("X-Shopify-Triggered-At")
        occurred_at = (
            time_of(triggered, "X-Shopify-Triggered-At")
            if triggered
            else first_time(payload, "updated_at", "created_at")
        )
        return Envelope(
            event_id=event_id, event_type=topic, payload=payload, occurred_at=occurred_at
        )

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        token = config.credentials.get("access_token")
        return {"X-Shopify-Access-Token": token} if token else {}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        """Nothing for orders/paid or refunds/create, except an order paid partly by gift
        card: its transactions, to split the total between gift card and gateway. A Shopify
        Payments payout (back-fill's internal topic): its balance transactions."""
        version = str(config.settings.get("api_version") or DEFAULT_API_VERSION)
        if envelope.event_type == backfill.PAYOUT_TOPIC:
            payout = envelope.payload
            if not payments.needs_transactions(payout):
                return {}
            payout_id = ident(payout, "id")
            return {"transactions": payments.balance_transactions(http, payout_id, version)}
        order = envelope.payload
        paid = envelope.event_type == "orders/paid" or (
            envelope.event_type == "orders/create" and is_paid(order)
        )
        if not (paid and mixed_gift_card_tender(order)):
            return {}
        return {"transactions": order_transactions(http, ident(order, "id"), version)}

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]:
        """Pull ``[since, until]`` from the REST API (see backfill.py), page by page: orders,
        then the Shopify Payments payouts when this store's own clearing account is theirs."""
        payouts = backfill.pulls_payouts(config)
        return backfill.pages(http, since, until, cursor, sleep, payouts=payouts)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize(envelope, lookups, config)
