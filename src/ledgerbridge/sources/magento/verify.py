"""Magento / Adobe Commerce webhook signatures: which deliveries ledgerbridge accepts.

Magento Open Source sends no webhooks of its own, so two senders are accepted, told apart by
their signature header:

``x-adobe-commerce-webhook-signature`` (Adobe Commerce Webhooks module, signature verification
    switched on in Stores > Configuration > Adobe Services > Webhooks). Commerce signs
    **base64(raw body)**, the ASCII text of the standard base64 of the body, not the body
    itself, with the merchant's RSA private key: RSASSA-PKCS1-v1_5 with SHA-256, the signature
    base64 in the header (the docs say "HMAC SHA256"; the sample is ``crypto.createVerify(
    'SHA256').update(base64Body)``, an RSA verify). The source's webhook_secret is the public
    key PEM shown in that admin page (or the PEM base64-encoded once, as App Builder keeps it).
``x-magento-signature`` (the ledgerbridge convention for Magento Open Source: a small module
    observing sales_order_invoice_pay, sales_order_creditmemo_save_after and
    sales_order_save_after POSTs the event to us) = base64(HMAC-SHA256(secret, raw body)).
    A module may instead send ``x-ledgerbridge-signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
    "<t>." + raw body)>`` (the scheme PLATFORMS.md recommends), checked within 300 s.

Rotation: any configured secret verifies. A secret that is a public key is never used as an
HMAC key (anyone may know a public key), nor an HMAC secret as a public key. Adobe I/O Events
deliveries (``x-adobe-digital-signature-1/2``, keys fetched from Adobe's CDN) are refused:
configure Adobe Commerce Webhooks instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from ledgerbridge.domain.errors import SignatureError
from ledgerbridge.sources.base import Delivery, hmac_sha256, matches_any, verify_base64_hmac

ADOBE_HEADER = "x-adobe-commerce-webhook-signature"
OSS_HEADER = "x-magento-signature"
TIMED_HEADER = "x-ledgerbridge-signature"
IO_EVENTS_HEADER = "x-adobe-digital-signature-1"
TOLERANCE_SECONDS = 300
_PEM_START = "-----BEGIN"


def verify(delivery: Delivery, secrets: tuple[str, ...], now: datetime) -> None:
    """Raise SignatureError unless the delivery is signed by one of ``secrets``."""
    keys = tuple(k for k in (public_key(s) for s in secrets) if k is not None)
    hmac_secrets = tuple(s for s in secrets if _pem_text(s) is None)
    adobe = delivery.header(ADOBE_HEADER)
    if adobe is not None:
        verify_rsa(delivery.body, adobe, keys)
        return
    timed = delivery.header(TIMED_HEADER)
    if timed is not None:
        verify_timed_hmac(delivery.body, timed, _required(hmac_secrets), now)
        return
    signature = delivery.header(OSS_HEADER)
    if signature is None and delivery.header(IO_EVENTS_HEADER) is not None:
        raise SignatureError(
            "Adobe I/O Events deliveries are not accepted: use Adobe Commerce Webhooks "
            "with signature verification enabled"
        )
    if not signature:
        raise SignatureError("signature header missing")
    verify_base64_hmac(delivery.body, signature, _required(hmac_secrets))


def verify_rsa(body: bytes, header: str, keys: tuple[rsa.RSAPublicKey, ...]) -> None:
    """RSASSA-PKCS1-v1_5 / SHA-256 over base64(body), by any of ``keys``."""
    if not keys:
        raise SignatureError("no public key is configured for Adobe Commerce signatures")
    try:
        signature = base64.b64decode(header.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise SignatureError("signature header is not base64") from None
    signed = base64.b64encode(body)
    for key in keys:
        try:
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return
    raise SignatureError("signature does not match")


def verify_timed_hmac(body: bytes, header: str, secrets: tuple[str, ...], now: datetime) -> None:
    """``t=<unix>,v1=<hex>`` (several v1 while the module rotates), t within 300 s of now."""
    timestamp: int | None = None
    given: list[bytes] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            try:
                given.append(bytes.fromhex(value))
            except ValueError:
                continue
    if timestamp is None or not given:
        raise SignatureError("signature header has no timestamp or no v1 signature")
    if abs(now.timestamp() - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError("signature timestamp is outside the 300 s window")
    message = str(timestamp).encode() + b"." + body
    expected = [hmac_sha256(s.encode(), message) for s in secrets]
    found = False
    for candidate in given:
        found |= matches_any(expected, candidate)
    if not found:
        raise SignatureError("signature does not match")


def timed_signature(body: bytes, secret: str, timestamp: int) -> str:
    """The ``x-ledgerbridge-signature`` value a module sends (also used by simulate.py)."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


@lru_cache(maxsize=64)
def public_key(secret: str) -> rsa.RSAPublicKey | None:
    """The RSA public key a secret holds (a PEM, or a PEM base64-encoded once), else None."""
    text = _pem_text(secret)
    if text is None:
        return None
    try:
        key = load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, rsa.RSAPublicKey) else None


def _pem_text(secret: str) -> str | None:
    """The PEM a secret is (even one that does not load: it is never an HMAC key), or None."""
    text = secret.strip()
    if text.startswith(_PEM_START):
        return text
    try:
        decoded = base64.b64decode(text, validate=True).decode("ascii").strip()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.startswith(_PEM_START) else None


def _required(secrets: tuple[str, ...]) -> tuple[str, ...]:
    if not secrets:
        raise SignatureError("no HMAC secret is configured (the secrets are public keys)")
    return secrets
