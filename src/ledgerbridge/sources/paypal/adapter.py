"""PayPalAdapter: the sources/base.py Adapter for PayPal webhooks (REST v2, legacy v1) and the
back-fill of the PayPal balance from Transaction Search."""

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
from ledgerbridge.sources.paypal import backfill, normalize, verify


class PayPalAdapter:
    """PayPal as a gateway: captures, refunds, fees, conversions, reversals and disputes."""

    platform = "paypal"
    default_role = "gateway"
    default_api_base_url = "https://api-m.paypal.com"
    # The transmission headers are the signed evidence (a signature, a certificate URL and
    # ids: no secret), kept so a stored event can be verified again.
    keep_headers: tuple[str, ...] = (
        "paypal-transmission-id",
        "paypal-transmission-time",
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-auth-algo",
        "paypal-auth-version",
        "content-type",
        "user-agent",
    )

    def __init__(self, fetch: verify.Fetch = verify.fetch_certificate) -> None:
        self.certificates = verify.CertificateCache(fetch)

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        """RSA over id|time|webhook_id|crc32(body) with the certificate at PAYPAL-CERT-URL
        (fetched once per URL: the only I/O here). ``config.secrets`` is not used."""
        verify.verify_delivery(delivery, config, now, self.certificates)

    def identify(self, delivery: Delivery) -> Envelope:
        return normalize.envelope_of(parse_json(delivery.body))

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        """None: a webhook carries every amount it posts, so no look-up is made. (PayPal's
        REST API wants an OAuth2 bearer token from client_id/client_secret: back-fill's.)"""
        return {}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        return {}

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]:
        """Transaction Search over ``[since, until]`` with an OAuth2 token from
        ``api_credentials`` client_id / client_secret (see backfill.py, client.py)."""
        return backfill.pages(config, http, since, until, cursor, sleep)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize.normalize(envelope, config.id)
