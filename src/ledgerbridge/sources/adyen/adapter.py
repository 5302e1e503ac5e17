"""AdyenAdapter: the sources/base.py Adapter for Adyen standard notifications."""

from __future__ import annotations

from datetime import datetime

import httpx

from ledgerbridge.domain.events import CommerceEvent
from ledgerbridge.sources.adyen.client import fetch_lookups
from ledgerbridge.sources.adyen.normalize import envelope_of, normalize
from ledgerbridge.sources.adyen.verify import notification_items, verify_items
from ledgerbridge.sources.base import Delivery, Envelope, Json, SourceConfig, parse_json


def merchant_accounts(config: SourceConfig) -> tuple[str, ...]:
    """``settings.merchant_account``: one name or a list; empty accepts any account."""
    setting = config.settings.get("merchant_account")
    if isinstance(setting, str):
        return (setting,) if setting else ()
    if isinstance(setting, list | tuple):
        return tuple(str(s) for s in setting if s)
    return ()


def auto_capture(config: SourceConfig) -> bool:
    return config.settings.get("auto_capture") in (True, "true")


class AdyenAdapter:
    """Adyen as a gateway: captures, refunds, chargebacks, and the settlement details report
    for fees, conversions and payouts."""

    platform = "adyen"
    default_role = "gateway"
    default_api_base_url = "https://ca-live.adyen.com"
    # The signatures travel inside the body; Adyen's Basic auth header is never kept.
    keep_headers: tuple[str, ...] = ("content-type", "user-agent")
    acknowledgement: bytes = b"[accepted]"
    """Adyen's documented answer: any 2xx is accepted today, ``[accepted]`` satisfies old
    and new endpoints alike (PLATFORMS.md §8)."""

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None:
        items = notification_items(delivery.body)
        verify_items(items, config.secrets, merchant_accounts(config))

    def identify(self, delivery: Delivery) -> Envelope:
        return envelope_of(parse_json(delivery.body))

    def auth_headers(self, config: SourceConfig) -> dict[str, str]:
        key = config.credentials.get("api_key")
        return {"X-API-Key": key} if key else {}

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
        return fetch_lookups(envelope, http)

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]:
        return normalize(envelope, lookups, config.id, auto_capture=auto_capture(config))
