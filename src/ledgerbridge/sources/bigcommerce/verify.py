"""BigCommerce webhook authentication: a shared secret in a header we configure on the hook.

BigCommerce signs nothing. Its hooks carry a custom ``headers`` object that is echoed on every
POST, and its docs name exactly this use ("set a secret authorization key and check it at
runtime"). A source's hook is created with ``headers: {"X-Ledgerbridge-Secret": <secret>}``;
``Authorization: Bearer <secret>`` is accepted too, for set-ups that put the secret in the
standard header (a proxy that strips unknown headers). When X-Ledgerbridge-Secret is present it
alone decides; Basic credentials are not accepted (there is no user to check).

The header is the only thing standing between the endpoint and anyone who knows its URL, so
configured secrets shorter than 32 characters are not used (PLATFORMS.md §4: a random secret of
at least 32 bytes per store). The body is only a hint (scope + ids): amounts always come from
the REST API with the store's own token, so a forged body could at most make us re-read an
order. No timestamp is covered, so there is no replay window; the inbox dedupes on ``hash``.
"""

from __future__ import annotations

import hashlib

from ledgerbridge.domain.errors import SignatureError
from ledgerbridge.sources.base import Delivery, matches_any

SECRET_HEADER = "X-Ledgerbridge-Secret"  # noqa: S105 (a header name, not a secret)
MIN_SECRET_LENGTH = 32


def presented_secret(delivery: Delivery) -> str | None:
    """The secret the delivery carries: X-Ledgerbridge-Secret, else a Bearer token."""
    value = delivery.header(SECRET_HEADER)
    if value is not None:
        return value.strip() or None
    authorization = (delivery.header("Authorization") or "").strip()
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        raise SignatureError("Authorization header is not a Bearer token")
    return token.strip() or None


def verify(delivery: Delivery, secrets: tuple[str, ...]) -> None:
    """Raise SignatureError unless the delivery carries one of ``secrets``.

    Both sides are hashed first, so the comparison is constant time and equal length whatever
    was sent; every candidate is compared (no early exit)."""
    usable = [s for s in secrets if len(s) >= MIN_SECRET_LENGTH]
    if not usable:
        raise SignatureError(
            f"no configured secret is at least {MIN_SECRET_LENGTH} characters long"
        )
    given = presented_secret(delivery)
    if given is None:
        raise SignatureError(f"secret header missing ({SECRET_HEADER} or Authorization: Bearer)")
    if not matches_any((_digest(s) for s in usable), _digest(given)):
        raise SignatureError("secret header does not match")


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()
