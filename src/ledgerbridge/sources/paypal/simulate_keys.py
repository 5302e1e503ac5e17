"""A signing key and certificate in PayPal's scheme, and the PAYPAL-* headers of a delivery.

PayPal signs with the key of ``messageverificationcerts.paypal.com`` (a DigiCert chain); tests,
the demo and bench/ sign with a key of their own and serve a self-signed certificate for it
from a loopback server (``CertificateServer``) named as the source's ``api_base_url``.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ledgerbridge.sources.paypal.verify import ALGORITHM, signed_message

COMMON_NAME = "messageverificationcerts.paypal.com"
CERT_PATH = "/v1/notifications/certs/"


def signing_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def certificate_pem(
    key: rsa.RSAPrivateKey,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    common_name: str = COMMON_NAME,
) -> bytes:
    """A self-signed certificate for ``key`` (valid from a day ago for a year by default)."""
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def cert_url(base_url: str, name: str = "CERT-360caa42-fca2a594-ab12cd34") -> str:
    """Where a certificate is served: ``{base}/v1/notifications/certs/{name}``."""
    return base_url.rstrip("/") + CERT_PATH + name


def transmission_time(at: datetime | None = None) -> str:
    return (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    body: bytes,
    key: rsa.RSAPrivateKey,
    *,
    webhook_id: str,
    cert_url: str,
    transmission_id: str | None = None,
    sent_at: datetime | None = None,
) -> dict[str, str]:
    """The headers PayPal sends with ``body``: SHA256withRSA over
    ``id|time|webhook_id|crc32(body)``, base64, and the certificate URL to check it with."""
    tid = transmission_id or str(uuid.uuid4())
    stamp = transmission_time(sent_at)
    message = signed_message(tid, stamp, webhook_id, body)
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Content-Type": "application/json",
        "User-Agent": "PayPal/AUHR-214.0-58843338",
        "PAYPAL-AUTH-ALGO": ALGORITHM,
        "PAYPAL-AUTH-VERSION": "v2",
        "PAYPAL-CERT-URL": cert_url,
        "PAYPAL-TRANSMISSION-ID": tid,
        "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
        "PAYPAL-TRANSMISSION-TIME": stamp,
    }


class CertificateServer:
    """Serve certificate PEMs on 127.0.0.1:<free port> (PayPal's certs endpoint stand-in);
    every GET is counted in ``requests``, so a test can see the cache at work."""

    def __init__(self) -> None:
        self._pems: dict[str, bytes] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append(self.path)
                pem = server._pems.get(self.path)
                body = pem if pem is not None else b"no such certificate"
                self.send_response(200 if pem is not None else 404)
                self.send_header("Content-Type", "application/x-pem-file")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def publish(self, pem: bytes, name: str | None = None) -> str:
        """Serve ``pem`` and return its certificate URL; the default name is drawn from the
        certificate's digest, so a new certificate never meets an old one in a URL cache
        (loopback ports are reused)."""
        name = name or "CERT-" + hashlib.sha256(pem).hexdigest()[:24]
        self._pems[CERT_PATH + name] = pem
        return cert_url(self.url, name)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> CertificateServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
