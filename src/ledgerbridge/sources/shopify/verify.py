"""Shopify's webhook signature: base64(HMAC-SHA256(app client secret, raw body)).

The MAC covers the body only, no timestamp, so there is no replay window to check here. We
deliberately do not reject on ``X-Shopify-Triggered-At``: Shopify retries a failed delivery
8 times over 4 hours with the original payload and headers, and those retries are legitimate.
Replays are harmless because the inbox dedupes on ``X-Shopify-Webhook-Id`` and entries post at
most once per business key. https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
"""

from __future__ import annotations

from ledgerbridge.sources.base import Delivery, SourceConfig, verify_base64_hmac

SIGNATURE_HEADER = "X-Shopify-Hmac-SHA256"


def verify_delivery(delivery: Delivery, config: SourceConfig) -> None:
    """Raise SignatureError unless one of ``config.secrets`` signed the body (old and new
    secret both verify while a client secret is rotated)."""
    verify_base64_hmac(delivery.body, delivery.header(SIGNATURE_HEADER), config.secrets)
