"""Adyen standard notification HMAC: a signature inside the body, one per item.

For each NotificationRequestItem the signed text is
    pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success
(``value`` and ``currency`` from ``amount``), a missing field as the empty string and no escaping
of ``:`` or ``\\`` inside values. The MAC is HMAC-SHA256 keyed by the hex-decoded HMAC key
from the Customer Area, base64, in ``additionalData.hmacSignature``. Every item must verify
against one of the configured keys (rotation: Adyen keeps signing queued notifications with the
old key). Nothing is timestamped, so there is no replay window: the inbox's dedupe key is what
stops a replay. A body that is not a notification cannot be authenticated and is refused.
https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

import orjson

from ledgerbridge.domain.errors import MalformedPayloadError, SignatureError
from ledgerbridge.sources.adyen import wire
from ledgerbridge.sources.base import Json, hmac_sha256, matches_any

SIGNED_FIELDS = (
    "pspReference",
    "originalReference",
    "merchantAccountCode",
    "merchantReference",
    "amount.value",
    "amount.currency",
    "eventCode",
    "success",
)


def _part(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def signing_string(item: Json) -> str:
    """The text Adyen signs for one NotificationRequestItem."""
    money = item.get("amount")
    money = money if isinstance(money, dict) else {}
    parts = []
    for name in SIGNED_FIELDS:
        owner, _, leaf = name.rpartition(".")
        parts.append(_part((money if owner else item).get(leaf)))
    return ":".join(parts)


def hmac_key(secret: str) -> bytes:
    """The raw key of a hex HMAC key as the Customer Area shows it (64 hex characters)."""
    try:
        key = bytes.fromhex(secret.strip())
    except ValueError:
        raise SignatureError("a configured Adyen HMAC key is not hexadecimal") from None
    if not key:
        raise SignatureError("a configured Adyen HMAC key is empty")
    return key


def signature_for(item: Json, secret: str) -> str:
    """The base64 ``hmacSignature`` Adyen puts in ``item`` for the hex key ``secret``."""
    mac = hmac_sha256(hmac_key(secret), signing_string(item).encode("utf-8"))
    return base64.b64encode(mac).decode("ascii")


def notification_items(body: bytes) -> list[Json]:
    """The items of a body, or SignatureError: what cannot be read cannot be authenticated."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise SignatureError("body is not JSON: no item signature to check") from None
    if not isinstance(payload, dict):
        raise SignatureError("body is not a notification: no item signature to check")
    try:
        return wire.items(payload)
    except MalformedPayloadError as exc:
        raise SignatureError(f"no item signature to check ({exc.message})") from None


def verify_items(
    items: list[Json], secrets: tuple[str, ...], merchant_accounts: Iterable[str] = ()
) -> None:
    """Raise SignatureError unless every item carries a signature from a configured key (and,
    when the source names merchant accounts, is for one of them)."""
    if not secrets:
        raise SignatureError("no HMAC key configured for this source")
    keys = [hmac_key(secret) for secret in secrets]
    allowed = set(merchant_accounts)
    for i, item in enumerate(items):
        where = f"notificationItems[{i}]"
        given = _given_signature(item, where)
        text = signing_string(item).encode("utf-8")
        if not matches_any((hmac_sha256(key, text) for key in keys), given):
            raise SignatureError(f"{where}: hmacSignature does not match")
        account = item.get("merchantAccountCode")
        if allowed and account not in allowed:
            raise SignatureError(
                f"{where}: merchant account {account!r} is not this source's merchant_account"
            )


def _given_signature(item: Json, where: str) -> bytes:
    extra = item.get("additionalData")
    value = extra.get("hmacSignature") if isinstance(extra, dict) else None
    if not isinstance(value, str) or not value:
        raise SignatureError(f"{where}: additionalData.hmacSignature missing")
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{where}: hmacSignature is not base64") from None
