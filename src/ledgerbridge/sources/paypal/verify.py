"""PayPal webhook signatures, verified offline (PLATFORMS.md §6 (b)).

PayPal signs ``<transmission id>|<transmission time>|<webhook id>|<crc32 of the raw body>``
(the CRC as an unsigned decimal, ``zlib.crc32(body) & 0xffffffff``, not hex) with SHA256withRSA;
the base64 signature is in ``PAYPAL-TRANSMISSION-SIG`` and the signing certificate at
``PAYPAL-CERT-URL``. Same string as paypal/PayPal-node-SDK ``lib/resources/Notification.js``.

- ``webhook_id`` is the id of *our* subscription, from the source's settings (a list is
  accepted while a subscription is replaced: any of them verifies). The source's webhook
  secret is not used by this scheme; ledgerbridge still requires one for every source.
- A certificate is fetched only from ``https://api.paypal.com`` or
  ``https://api.sandbox.paypal.com``, or from the source's configured ``api_base_url`` (a test
  server), always under ``/v1/notifications/certs/``; it must be within its validity period
  and RSA. Certificates are cached in-process by URL. A certificate that cannot be fetched
  or read is a SignatureError: the delivery is answered 401 and PayPal retries it.
- PayPal signs the transmission time but never expires it: we reject one more than 300 s
  from now, either way (each delivery attempt is a new transmission, with its own time).
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import zlib
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ledgerbridge.domain.errors import SignatureError
from ledgerbridge.sources.base import Delivery, SourceConfig, parse_time

TOLERANCE_SECONDS = 300
TRANSMISSION_ID = "PAYPAL-TRANSMISSION-ID"
TRANSMISSION_TIME = "PAYPAL-TRANSMISSION-TIME"
TRANSMISSION_SIG = "PAYPAL-TRANSMISSION-SIG"
CERT_URL = "PAYPAL-CERT-URL"
AUTH_ALGO = "PAYPAL-AUTH-ALGO"
ALGORITHM = "SHA256withRSA"
PAYPAL_CERT_ORIGINS = ("https://api.paypal.com", "https://api.sandbox.paypal.com")
_CERT_PATH = re.compile(r"/v1/notifications/certs/[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_CERT_BYTES = 64 * 1024

Fetch = Callable[[str], bytes]
"""GET a certificate URL and return the PEM bytes; raise anything on failure."""


def signed_message(
    transmission_id: str, transmission_time: str, webhook_id: str, body: bytes
) -> bytes:
    crc = zlib.crc32(body) & 0xFFFFFFFF
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{crc}".encode()


def webhook_ids(config: SourceConfig) -> tuple[str, ...]:
    value = config.settings.get("webhook_id")
    found = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(v for v in found if isinstance(v, str) and v)


def cert_url_allowed(url: str, api_base_url: str | None) -> bool:
    """PayPal's two certificate hosts, or the configured API host, and only the certs path."""
    if not url.isprintable() or " " in url:  # urlsplit silently drops tabs and newlines
        return False
    try:
        parts = urlsplit(url)
        origin = _origin(url)
        configured = _origin(api_base_url) if api_base_url else None
    except ValueError:
        return False
    if parts.username or parts.password or parts.query or parts.fragment:
        return False
    if not _CERT_PATH.fullmatch(parts.path):
        return False
    return origin in PAYPAL_CERT_ORIGINS or origin == configured


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def fetch_certificate(url: str, timeout_seconds: int = 5) -> bytes:
    """The default Fetch: one small shared httpx client, no redirects, at most 64 KiB."""
    global _client
    with _client_lock:
        if _client is None:
            _client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        client = _client
    with client.stream("GET", url) as response:
        response.raise_for_status()
        data = b""
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > MAX_CERT_BYTES:
                raise ValueError("certificate response too large")
    return data


class CertificateCache:
    """Certificates by URL, fetched once per process (PayPal names a new URL for a new key)."""

    def __init__(self, fetch: Fetch = fetch_certificate, max_entries: int = 64) -> None:
        self._fetch = fetch
        self._max = max_entries
        self._found: dict[str, x509.Certificate] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> x509.Certificate:
        with self._lock:
            cached = self._found.get(url)
        if cached is not None:
            return cached
        try:
            # The first certificate of the PEM is the signer; the rest is its chain.
            cert = x509.load_pem_x509_certificates(self._fetch(url))[0]
        except Exception as exc:  # any transport, status or parse failure: PayPal retries
            raise SignatureError(
                f"the certificate at {url} could not be fetched ({type(exc).__name__})"
            ) from None
        with self._lock:
            if len(self._found) >= self._max:
                self._found.pop(next(iter(self._found)))
            self._found[url] = cert
        return cert

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


def verify_delivery(
    delivery: Delivery, config: SourceConfig, now: datetime, certificates: CertificateCache
) -> None:
    """Raise SignatureError unless PayPal's certificate signed this body for our webhook id
    within ``TOLERANCE_SECONDS`` of ``now``."""
    transmission_id = _header(delivery, TRANSMISSION_ID)
    stamp = _header(delivery, TRANSMISSION_TIME)
    signature = _signature(_header(delivery, TRANSMISSION_SIG))
    url = _header(delivery, CERT_URL)
    algorithm = delivery.header(AUTH_ALGO)
    if algorithm is not None and algorithm.strip() != ALGORITHM:
        raise SignatureError(f"{AUTH_ALGO} {algorithm!r} is not {ALGORITHM}")
    _check_time(stamp, now)
    ids = webhook_ids(config)
    if not ids:
        raise SignatureError("no webhook_id configured for this PayPal source")
    base = config.settings.get("api_base_url")
    if not cert_url_allowed(url, base if isinstance(base, str) else None):
        raise SignatureError(f"{CERT_URL} {url!r} is not a PayPal certificate URL")
    key = _public_key(certificates.get(url), url, now)
    for webhook_id in ids:
        message = signed_message(transmission_id, stamp, webhook_id, delivery.body)
        try:
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return
    raise SignatureError(f"{TRANSMISSION_SIG} does not match")


def _header(delivery: Delivery, name: str) -> str:
    value = (delivery.header(name) or "").strip()
    if not value:
        raise SignatureError(f"{name} header missing")
    return value


def _signature(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{TRANSMISSION_SIG} is not base64") from None


def _check_time(stamp: str, now: datetime) -> None:
    try:
        sent = parse_time(stamp)
    except ValueError:
        raise SignatureError(f"{TRANSMISSION_TIME} is not an RFC 3339 time") from None
    drift = abs((now - sent).total_seconds())
    if drift > TOLERANCE_SECONDS:
        raise SignatureError(
            f"{TRANSMISSION_TIME} {stamp} is {int(drift)} s from now "
            f"(tolerance {TOLERANCE_SECONDS} s)"
        )


def _public_key(cert: x509.Certificate, url: str, now: datetime) -> rsa.RSAPublicKey:
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise SignatureError(f"the certificate at {url} is outside its validity period")
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError(f"the certificate at {url} does not hold an RSA key")
    return key
