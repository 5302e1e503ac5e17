"""Square webhook signatures: ``x-square-hmacsha256-signature: <base64>``.

The MAC is HMAC-SHA256 keyed by the subscription's signature key (its UTF-8 bytes, as shown in
the Developer Console, no decoding) over the notification URL *exactly as registered* followed
by the exact raw body, base64-encoded (Square's SDK ``WebhooksHelper.is_valid_webhook_event_
signature``; https://developer.squareup.com/docs/webhooks/step3validate). The URL comes from
the source's settings ``notification_url``, never from the request: behind a proxy or a load
balancer the URL we are reached at differs from the one Square signed. It is used byte for byte
(no trailing-slash or case normalisation): Square signs the string it was given.

Square signs no timestamp, so there is no replay window: a replayed delivery carries a known
``event_id`` and is recognised as a duplicate by the inbox. Rotation: a signature matching any
configured key is accepted. The legacy ``x-square-signature`` (HMAC-SHA1) header is not read.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from ledgerbridge.domain.errors import SignatureError
from ledgerbridge.sources.base import hmac_sha256, matches_any

HEADER = "x-square-hmacsha256-signature"


def signature_for(body: bytes, key: str, notification_url: str) -> str:
    """The base64 signature Square sends for ``body`` delivered to ``notification_url``."""
    mac = hmac_sha256(key.encode("utf-8"), notification_url.encode("utf-8") + body)
    return base64.b64encode(mac).decode("ascii")


def notification_url_of(settings: Mapping[str, Any]) -> str:
    """The registered notification URL from a source's settings (required: it is signed)."""
    url = settings.get("notification_url")
    if not isinstance(url, str) or not url:
        raise SignatureError(
            "settings.notification_url is not set: Square signs the notification URL as "
            "registered in the Developer Console together with the body, so deliveries to "
            "this source cannot be verified until it is configured"
        )
    return url


def verify_signature(
    body: bytes, header: str | None, secrets: tuple[str, ...], notification_url: str
) -> None:
    """Raise SignatureError unless ``header`` is the MAC of URL + body under some key."""
    if not header:
        raise SignatureError(f"{HEADER} header missing")
    if not secrets:
        raise SignatureError("no webhook signature key configured for this source")
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{HEADER} is not base64") from None
    message = notification_url.encode("utf-8") + body
    expected = (hmac_sha256(key.encode("utf-8"), message) for key in secrets)
    if not matches_any(expected, given):
        raise SignatureError(f"{HEADER} does not match the notification URL and body")
