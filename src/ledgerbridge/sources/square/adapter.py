"""SquareAdapter: the sources/base.py Adapter for Square event webhooks."""

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
from ledgerbridge.sources.square import backfill
from ledgerbridge.sources.square.client import fetch_lookups
from ledgerbridge.sources.square.normalize import envelope_of, normalize
from ledgerbridge.sources.square.verify import HEADER, notification_url_of, verify_signature

API_VERSION = "2024-11-20"


class SquareAdapter:
    """Square as a gateway: payments, refunds, processing fees, disputes and payouts."""

    platform = "square"
    default_role = "gateway"
    default_api_base_url = "https://connect.squareup.com"
    # The signature header is a MAC, never the key: kept for audit with Square's own headers.
    required_settings: tuple[str, ...] = ("notification_url",)
    keep_headers: tuple[str, ...] = (
        HEADER,
        "square-version",
        "square-environment",
        "content-type",
        "user-agent",
    )

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        # No timestamp is signed, so no replay window: a replay repeats a known event_id.
        url = notification_url_of(config.settings)
        verify_signature(delivery.body, delivery.header(HEADER), config.secrets, url)

    def identify(self, delivery: Delivery) -> Envelope:
        return envelope_of(parse_json(delivery.body))

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        token = config.credentials.get("access_token")
        if not token:
            return {}
        return {"Authorization": f"Bearer {token}", "Square-Version": API_VERSION}

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
        """Completed payments and refunds, then paid payouts, created in ``[since, until]``
        (backfill.py), each as the webhook event that reports it."""
        return backfill.pages(http, since, until, cursor, sleep)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize(envelope, lookups, config.id)
