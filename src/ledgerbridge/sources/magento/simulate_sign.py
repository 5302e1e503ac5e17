"""Signers for the simulator: an Adobe Commerce key pair and signature, and the HMAC headers
a Magento Open Source module sends (re-exported by simulate.py)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ledgerbridge.sources.base import hmac_sha256
from ledgerbridge.sources.magento.verify import (
    ADOBE_HEADER,
    OSS_HEADER,
    TIMED_HEADER,
    timed_signature,
)


def generate_key_pair(bits: int = 2048) -> tuple[str, str]:
    """(private key PEM, public key PEM), as "Regenerate key pair" in the Commerce admin."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode("ascii"), public.decode("ascii")


def adobe_signature(raw: bytes, private_key_pem: str) -> str:
    """base64(RSA-SHA256 PKCS#1 v1.5 over the ASCII of base64(raw body))."""
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("an RSA private key is needed")
    signed = key.sign(base64.b64encode(raw), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode("ascii")


def adobe_headers(raw: bytes, private_key_pem: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        ADOBE_HEADER: adobe_signature(raw, private_key_pem),
    }


def oss_headers(raw: bytes, secret: str) -> dict[str, str]:
    """The ledgerbridge convention for a Magento Open Source module: base64 HMAC of the body."""
    signature = base64.b64encode(hmac_sha256(secret.encode(), raw)).decode("ascii")
    return {"Content-Type": "application/json", OSS_HEADER: signature}


def timed_headers(raw: bytes, secret: str, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        TIMED_HEADER: timed_signature(raw, secret, timestamp),
    }
