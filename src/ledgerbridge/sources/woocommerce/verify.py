"""WooCommerce webhook signatures, and the one unsigned delivery we let through: the ping.

Every delivery carries ``X-WC-Webhook-Signature`` = base64(HMAC-SHA256(secret, raw body)),
the key being the secret after ``wp_specialchars_decode($secret, ENT_QUOTES)``
(woocommerce ``includes/class-wc-webhook.php`` ``generate_signature()``). There is no
timestamp, so there is no replay window: dedupe is all we have.

When a webhook is saved as active, ``deliver_ping()`` POSTs the form body ``webhook_id=<n>``
with no signature and no X-WC-Webhook-* header, and leaves the webhook pending unless the
answer is exactly 200. So exactly that shape (form content type, body ``webhook_id=<digits>``
and nothing else) passes unsigned: identify() marks it ``ping`` and the service answers 200
"ignored" without storing anything. Every other unsigned delivery is refused.
"""

from __future__ import annotations

import re

from ledgerbridge.sources.base import Delivery, verify_base64_hmac

SIGNATURE_HEADER = "x-wc-webhook-signature"
FORM = "application/x-www-form-urlencoded"
_PING = re.compile(rb"webhook_id=(\d{1,20})")

# wp_specialchars_decode(..., ENT_QUOTES): one pass, so "&amp;lt;" becomes "&lt;", not "<".
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#0*(?:60|62|38|34|39)|#[xX]0*(?:26|22|27));")
_DECODED = {
    "lt": "<",
    "gt": ">",
    "amp": "&",
    "quot": '"',
    "60": "<",
    "62": ">",
    "38": "&",
    "34": '"',
    "39": "'",
    "26": "&",
    "22": '"',
    "27": "'",
}


def ping_webhook_id(delivery: Delivery) -> int | None:
    """The webhook id of an activation ping, or None when the delivery is anything else."""
    content_type = (delivery.header("content-type") or "").split(";")[0].strip().lower()
    if content_type != FORM:
        return None
    found = _PING.fullmatch(delivery.body)
    return int(found.group(1)) if found else None


def signing_keys(secrets: tuple[str, ...]) -> tuple[str, ...]:
    """Each configured secret, plus its entity-decoded form when WordPress would decode it."""
    keys: list[str] = []
    for secret in secrets:
        keys.append(secret)
        decoded = _wp_specialchars_decode(secret)
        if decoded != secret:
            keys.append(decoded)
    return tuple(keys)


def verify(delivery: Delivery, secrets: tuple[str, ...]) -> None:
    """Raise SignatureError unless signed by one of ``secrets`` (rotation) or an exact ping."""
    if ping_webhook_id(delivery) is not None:
        return
    verify_base64_hmac(delivery.body, delivery.header(SIGNATURE_HEADER), signing_keys(secrets))


def _wp_specialchars_decode(text: str) -> str:
    def decode(found: re.Match[str]) -> str:
        name = found.group(0)[1:-1].lstrip("#").lstrip("xX").lstrip("0") or "0"
        return _DECODED.get(name.lower() if name.isalpha() else name, found.group(0))

    return _ENTITY.sub(decode, text) if "&" in text else text
