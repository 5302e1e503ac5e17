"""StripeAdapter: the sources/base.py Adapter for Stripe event webhooks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import httpx

from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.sources.base import (
    BackfillPage,
    Delivery,
    Envelope,
    Json,
    SourceConfig,
    parse_json,
)
from ledgerbridge.sources.stripe import backfill
from ledgerbridge.sources.stripe.client import fetch_lookups
from ledgerbridge.sources.stripe.normalize import envelope_of, normalize
from ledgerbridge.sources.stripe.verify import HEADER, verify_signature

API_VERSION = "2024-06-20"


class StripeAdapter:
    """Stripe as a gateway: charges, refunds, fees, disputes and payouts."""

    platform = "stripe"
    default_role = "gateway"
    default_api_base_url = "https://api.stripe.com"
    # The signature header holds a MAC and a timestamp, never the secret: kept for audit.
    keep_headers: tuple[str, ...] = ("stripe-signature", "content-type", "user-agent")

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        verify_signature(delivery.body, delivery.header(HEADER), config.secrets, now)

    def identify(self, delivery: Delivery) -> Envelope:
        return envelope_of(parse_json(delivery.body))

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        key = config.credentials.get("secret_key")
        if not key:
            return {}
        return {"Authorization": f"Bearer {key}", "Stripe-Version": API_VERSION}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        return fetch_lookups(envelope, http)

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
        return normalize(envelope, lookups, config.id)
