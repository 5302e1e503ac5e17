"""Stripe webhook signatures: ``Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…][,v0=…]``.

The signed payload is ``"{t}."`` followed by the exact raw body; the MAC is HMAC-SHA256 keyed by
the whole endpoint secret (``whsec_…`` as UTF-8, no base64 decoding), as lowercase hex. Several
``v1`` values appear while Stripe rolls a secret; any one matching any configured secret is enough.
``v0`` (test-mode legacy scheme) is ignored. Stripe's SDKs reject only old timestamps; we reject
|now - t| > 300 s in both directions. https://docs.stripe.com/webhooks#verify-manually
"""

from __future__ import annotations

from datetime import datetime

from ledgerbridge.domain.errors import SignatureError
from ledgerbridge.sources.base import hmac_sha256, matches_any

TOLERANCE_SECONDS = 300
HEADER = "Stripe-Signature"


def signature_for(body: bytes, secret: str, timestamp: int) -> str:
    """The lowercase hex ``v1`` signature Stripe sends for ``body`` at ``timestamp``."""
    return hmac_sha256(secret.encode("utf-8"), f"{timestamp}.".encode() + body).hex()


def parse_header(header: str) -> tuple[int, list[str]]:
    """The timestamp and the ``v1`` signatures of a Stripe-Signature header."""
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in header.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep:
            raise SignatureError(f"{HEADER} is garbled: element without '='")
        if name == "t":
            timestamps.append(value)
        elif name == "v1" and value:
            signatures.append(value)
    if len(timestamps) != 1:
        raise SignatureError(f"{HEADER} must carry exactly one timestamp (t=)")
    stamp = timestamps[0]
    if not (stamp.isascii() and stamp.isdigit()):
        raise SignatureError(f"{HEADER} timestamp is not a unix time")
    if not signatures:
        raise SignatureError(f"{HEADER} carries no v1 signature")
    return int(stamp), signatures


def verify_signature(
    body: bytes,
    header: str | None,
    secrets: tuple[str, ...],
    now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise SignatureError unless a ``v1`` matches a secret and ``t`` is within ``tolerance``."""
    if not header:
        raise SignatureError(f"{HEADER} header missing")
    timestamp, given = parse_header(header)
    if not secrets:
        raise SignatureError("no webhook secret configured for this source")
    expected = [signature_for(body, secret, timestamp).encode() for secret in secrets]
    found = False
    for signature in given:  # no early exit: every candidate is compared
        found |= matches_any(expected, signature.encode("utf-8"))
    if not found:
        raise SignatureError(f"no v1 signature in {HEADER} matches")
    drift = abs(now.timestamp() - timestamp)
    if drift > tolerance:
        raise SignatureError(
            f"{HEADER} timestamp {timestamp} is {int(drift)} s from now (tolerance {tolerance} s)"
        )
