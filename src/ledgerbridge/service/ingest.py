"""A webhook delivery, start to finish: verify, inbox, look-ups, post, metrics.

One durable write on the common path: the raw event is inserted (already marked with the
outcome it expects) and posted in one transaction, with no savepoint; a posting error rolls the
whole transaction back and the event is stored again on its own, failed, with its error. On
SQLite the transaction is shared with the webhooks other threads are writing at the same moment
(``Database.batched``: one commit for them all).
Look-ups to the platform's REST API happen outside any transaction; if one fails the event is
kept as failed and replays later.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from sqlalchemy.exc import IntegrityError

from ledgerbridge.domain.errors import LedgerbridgeError, SignatureError
from ledgerbridge.service import metrics
from ledgerbridge.service.cache import cached
from ledgerbridge.service.context import ledger_view
from ledgerbridge.service.mapping import active_mapping
from ledgerbridge.service.post import Outcome, post_events
from ledgerbridge.sources.base import Adapter, Delivery, Envelope, SourceConfig
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog, inbox
from ledgerbridge.store.database import Database

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Accepted:
    event_id: str | None
    status: str
    entry_ids: tuple[str, ...] = ()
    reply: bytes | None = None
    """A platform's own acknowledgement body (Adyen's ``[accepted]``), sent instead of JSON."""
    reply_type: str = "text/plain"


def kept_headers(adapter: Adapter, headers: Mapping[str, str]) -> dict[str, str]:
    """Only the headers an adapter names (a signature may be kept as evidence: it is a MAC,
    not a secret), never an authorization header, a cookie or a secret."""
    keep = set(adapter.keep_headers) | {"content-type", "user-agent"}
    return {k: v for k, v in headers.items() if k in keep}


_clients: dict[tuple[str, str, tuple[tuple[str, str], ...]], httpx.Client] = {}
_clients_lock = threading.Lock()


def http_client(adapter: Adapter, config: SourceConfig, timeout: int) -> httpx.Client:
    """One pooled client per source, base URL and credentials (building a client costs an SSL
    context, ~10 ms: far too much for every webhook). httpx.Client is thread-safe."""
    custom = getattr(adapter, "api_base_url", None)  # a platform whose host depends on config
    base = str(
        custom(config)
        if custom
        else config.settings.get("api_base_url") or adapter.default_api_base_url
    )
    auth = adapter.auth_headers(config)
    key = (config.id, base, tuple(sorted(auth.items())))
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = httpx.Client(base_url=base, headers=auth, timeout=timeout)
            _clients[key] = client
    return client


def fetch_lookups(
    adapter: Adapter, envelope: Envelope, config: SourceConfig, timeout: int
) -> dict[str, Any]:
    return adapter.lookups(envelope, config, http_client(adapter, config, timeout))


def ingest(
    db: Database,
    source_id: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    lookup_timeout: int = 10,
    now: datetime | None = None,
    verify: bool = True,
) -> Accepted:
    """``verify=False`` only for saved payloads replayed by an operator (replay_file.py)."""
    started = time.perf_counter_ns()
    received_at = (now or datetime.now(UTC)).astimezone(UTC)
    config = cached(("source", db.url, source_id), lambda: _load_source(db, source_id))
    adapter = adapter_for(config.platform)
    delivery = Delivery(body, {k.lower(): v for k, v in headers.items()}, received_at)
    try:
        if verify:
            adapter.verify(delivery, config, received_at)
    except SignatureError as exc:
        metrics.SIGNATURE_FAILURES.labels(source_id).inc()
        metrics.WEBHOOKS.labels(source_id, "unauthorized").inc()
        log.warning("webhook signature refused", source=source_id, reason=exc.message)
        raise
    envelope: Envelope | None = None
    error: str | None = None
    try:
        envelope = adapter.identify(delivery)
    except LedgerbridgeError as exc:
        error = f"{exc.code}: {exc.message}"
    if envelope is not None and envelope.ping:
        metrics.WEBHOOKS.labels(source_id, "ignored").inc()
        return Accepted(None, "ignored")
    platform_id = envelope.event_id if envelope else "sha256:" + hashlib.sha256(body).hexdigest()
    event_type = envelope.event_type if envelope else "unreadable"

    # Look-ups come before the inbox write so no transaction waits on the network. A duplicate
    # delivery repeats them (rare: platforms retry only what they saw fail) and is then
    # recognised by the inbox's unique key.
    lookups: dict[str, Any] | None = None
    if envelope is not None:
        try:
            lookups = fetch_lookups(adapter, envelope, config, lookup_timeout)
        except LedgerbridgeError as exc:
            error = f"{exc.code}: {exc.message}"

    row: dict[str, Any] = {
        "source_id": source_id,
        "platform_event_id": platform_id,
        "event_type": event_type,
        "received_at": received_at,
        "raw_body": body,
        "headers": kept_headers(adapter, delivery.headers),
        "lookups": lookups,
    }
    if error is None and envelope is not None and lookups is not None:
        try:
            accepted = db.batched(
                lambda conn: _store_and_post(conn, row, adapter, config, envelope, lookups)
            )
            return _finish(source_id, accepted, started, adapter)
        except _PostingFailed as failed:  # everything rolled back: keep the event, failed
            error = failed.error
        except IntegrityError as exc:  # refused at commit (PostgreSQL's deferred balance check)
            error = _error_text(exc, None)
    accepted = db.batched(lambda conn: _store_failed(conn, row, error))
    return _finish(source_id, accepted, started, adapter)


def _store_failed(conn: Any, row: dict[str, Any], error: str | None) -> Accepted:
    event_id = inbox.insert_event(conn, **row, status="failed", error=error)
    if event_id is None:
        return _duplicate(conn, row)
    return Accepted(event_id, "failed")


def _duplicate(conn: Any, row: dict[str, Any]) -> Accepted:
    existing = inbox.find_event_id(conn, row["source_id"], row["platform_event_id"])
    return Accepted(existing, "duplicate")


class _PostingFailed(Exception):
    """Raised inside the posting transaction so that it rolls back as a whole."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _store_and_post(
    conn: Any,
    row: dict[str, Any],
    adapter: Adapter,
    config: SourceConfig,
    envelope: Envelope,
    lookups: dict[str, Any],
) -> Accepted:
    """The common path in one transaction with no savepoint: the event is stored as posted,
    its entries written; a different outcome corrects the event's status; a posting error
    raises _PostingFailed and the caller stores the event again, failed, on its own."""
    event_id = inbox.insert_event(conn, **row, status="posted")
    if event_id is None:
        return _duplicate(conn, row)
    try:
        outcome = _post(conn, adapter, config, envelope, lookups, event_id)
    except _POSTING_ERRORS as exc:
        raise _PostingFailed(_error_text(exc, event_id)) from exc
    if outcome.status != "posted" or outcome.note is not None:
        inbox.settle(conn, event_id, outcome.status, outcome.note)
    return Accepted(event_id, outcome.status, tuple(outcome.entry_ids))


def _load_source(db: Database, source_id: str) -> SourceConfig:
    with db.read() as conn:
        return catalog.get_source(conn, source_id)


def post_inbox_event(
    conn: Any,
    adapter: Adapter,
    config: SourceConfig,
    envelope: Envelope,
    lookups: dict[str, Any],
    event_id: str,
    *,
    new_lookups: bool = False,
) -> Accepted:
    """Post an event already in the inbox (replay), in a savepoint; on any ledgerbridge error
    keep the event as failed."""
    kept = lookups if new_lookups else None
    try:
        with conn.begin_nested():
            outcome = _post(conn, adapter, config, envelope, lookups, event_id)
    except _POSTING_ERRORS as exc:
        inbox.mark(conn, event_id, "failed", error=_error_text(exc, event_id), lookups=kept)
        return Accepted(event_id, "failed")
    inbox.mark(conn, event_id, outcome.status, note=outcome.note, lookups=kept)
    return Accepted(event_id, outcome.status, tuple(outcome.entry_ids))


_POSTING_ERRORS = (
    LedgerbridgeError,
    # The database refused a row (a constraint or trigger): the event is kept, not lost.
    IntegrityError,
    # An adapter that trips over a payload shape it did not expect: keep the event.
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    ArithmeticError,
)


def _error_text(exc: Exception, event_id: str | None) -> str:
    if isinstance(exc, LedgerbridgeError):
        return f"{exc.code}: {exc.message}"
    if isinstance(exc, IntegrityError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        log.warning("posting refused by the database", event_id=event_id, reason=reason)
        return f"refused_by_database: {reason}"
    log.exception("posting failed unexpectedly", event_id=event_id)
    return f"malformed_payload: {type(exc).__name__}: {exc}"


def _post(
    conn: Any,
    adapter: Adapter,
    config: SourceConfig,
    envelope: Envelope,
    lookups: dict[str, Any],
    event_id: str,
) -> Outcome:
    events = adapter.normalize(envelope, lookups, config)
    ledger = cached(
        ("ledger", conn.engine.url, config.ledger), lambda: ledger_view(conn, config.ledger)
    )
    mapping = active_mapping(conn, config.id, config.ledger)
    return post_events(conn, ledger, config, events, event_id, envelope=envelope, mapping=mapping)


def _finish(source_id: str, accepted: Accepted, started_ns: int, adapter: Adapter) -> Accepted:
    metrics.WEBHOOKS.labels(source_id, accepted.status).inc()
    if accepted.status == "posted":
        metrics.POSTING_SECONDS.observe((time.perf_counter_ns() - started_ns) / 1e9)
    reply = getattr(adapter, "acknowledgement", None)
    if not isinstance(reply, bytes):
        return accepted
    media = getattr(adapter, "acknowledgement_media_type", "text/plain")
    return replace(accepted, reply=reply, reply_type=str(media))
