"""The seam every platform adapter meets, and the helpers they share.

A delivery reads straight through an adapter:
    verify(delivery, config, now)      signature over the raw bytes, constant time; SignatureError
    identify(delivery)                 -> Envelope (platform event id, type, time); parses JSON
    lookups(envelope, config, http)    -> documents fetched from the platform's REST API (I/O)
    normalize(envelope, lookups, config) -> canonical events (pure)
Look-ups are kept with the event, so the audit trail has every byte an entry came from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
import orjson

from ledgerbridge.domain.errors import MalformedPayloadError, SignatureError
from ledgerbridge.domain.events import CommerceEvent

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook as received: the exact bytes and the headers (names lower-cased)."""

    body: bytes
    headers: Mapping[str, str]
    received_at: datetime

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """A configured source: its secrets (current first; more than one while rotating)."""

    id: str
    platform: str
    ledger: str
    secrets: tuple[str, ...]
    credentials: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return str(self.settings.get("role", "store"))


@dataclass(frozen=True, slots=True)
class Envelope:
    """What a delivery is: the platform's own event id (the dedupe key) and type."""

    event_id: str
    event_type: str
    payload: Json
    occurred_at: datetime | None = None
    ping: bool = False


@dataclass(frozen=True, slots=True)
class BackfillItem:
    """One record pulled from a platform's REST API, shaped as the webhook it stands for (the
    same body and the headers identify() reads), so it takes the webhook's path."""

    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class BackfillPage:
    items: list[BackfillItem]
    next_cursor: str | None
    """Where to continue after this page (None: the range is done)."""


class Backfiller(Protocol):
    """An adapter that can pull a date range from its platform's REST API."""

    def backfill(
        self,
        config: SourceConfig,
        http: httpx.Client,
        since: datetime,
        until: datetime,
        cursor: str | None,
        sleep: Callable[[float], None],
    ) -> Iterator[BackfillPage]: ...


class Adapter(Protocol):
    platform: str
    default_role: str
    default_api_base_url: str
    keep_headers: tuple[str, ...]

    def verify(self, delivery: Delivery, config: SourceConfig, now: datetime) -> None: ...

    def identify(self, delivery: Delivery) -> Envelope: ...

    def auth_headers(self, config: SourceConfig) -> dict[str, str]: ...

    def lookups(self, envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json: ...

    def normalize(
        self, envelope: Envelope, lookups: Json, config: SourceConfig
    ) -> list[CommerceEvent]: ...


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def matches_any(expected: Iterable[bytes], given: bytes) -> bool:
    """Constant-time comparison of ``given`` against every candidate (no early exit)."""
    found = False
    for candidate in expected:
        found |= hmac.compare_digest(candidate, given)
    return found


def verify_base64_hmac(body: bytes, header: str | None, secrets: tuple[str, ...]) -> None:
    """Shopify / WooCommerce style: base64(HMAC-SHA256(secret, raw body)) in one header."""
    if not header:
        raise SignatureError("signature header missing")
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except ValueError:
        raise SignatureError("signature header is not base64") from None
    if not matches_any((hmac_sha256(s.encode(), body) for s in secrets), given):
        raise SignatureError("signature does not match")


def parse_json(body: bytes) -> Json:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayloadError(f"body is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise MalformedPayloadError("body is not a JSON object")
    return doc


def get_json(http: httpx.Client, path: str, params: Mapping[str, str] | None = None) -> Any:
    """GET a platform document; any transport or status failure becomes LookupFailedError."""
    from ledgerbridge.domain.errors import LookupFailedError

    try:
        response = http.get(path, params=params)
        response.raise_for_status()
        return orjson.loads(response.content)
    except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
        raise LookupFailedError(f"look-up {path} failed: {exc}", path=path) from None


def utc_from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_time(text: str, *, assume_utc: bool = True) -> datetime:
    """ISO 8601 with or without offset (WooCommerce's *_gmt has none: it is UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None and assume_utc:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
