"""``ledgerbridge replay FILE``: a file of saved payloads (JSON lines, one delivery a line)
through the same inbox-and-post path as webhooks, reported per line; the batch goes on.

Each line: ``{"source": "<source id>", "headers": {...}, "body": <the JSON payload> }``, or
``"body_base64"`` for the exact bytes. Saved payloads are posted without checking their
signature again (a Stripe signature expires after 300 s): whoever runs the command already
holds the database. The platform event id in each payload still makes a replay idempotent:
a line already in the inbox reports ``duplicate``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ledgerbridge.domain.errors import LedgerbridgeError
from ledgerbridge.service.ingest import ingest
from ledgerbridge.store.database import Database


@dataclass(frozen=True, slots=True)
class LineResult:
    line: int
    source: str | None
    status: str
    event_id: str | None
    error: str | None


def _delivery(doc: Any) -> tuple[str, bytes, dict[str, str]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), str):
        raise ValueError('expected {"source": ..., "headers": {...}, "body": ...}')
    headers = doc.get("headers") or {}
    if not isinstance(headers, dict):
        raise ValueError("headers must be an object")
    if "body_base64" in doc:
        body = base64.b64decode(str(doc["body_base64"]), validate=True)
    elif isinstance(doc.get("body"), str):
        body = doc["body"].encode()
    elif isinstance(doc.get("body"), dict | list):
        body = orjson.dumps(doc["body"])
    else:
        raise ValueError("body (or body_base64) is required")
    return doc["source"], body, {str(k): str(v) for k, v in headers.items()}


def replay_lines(db: Database, path: Path, *, lookup_timeout: int = 10) -> Iterator[LineResult]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            source: str | None = None
            try:
                doc = orjson.loads(raw)
                found = doc.get("source") if isinstance(doc, dict) else None
                source = found if isinstance(found, str) else None
                source, body, headers = _delivery(doc)
                accepted = ingest(
                    db, source, body, headers, lookup_timeout=lookup_timeout, verify=False
                )
                row = LineResult(number, source, accepted.status, accepted.event_id, None)
            except (orjson.JSONDecodeError, ValueError, binascii.Error) as exc:
                row = LineResult(number, source, "invalid", None, str(exc))
            except LedgerbridgeError as exc:
                row = LineResult(number, source, "error", None, exc.message)
            yield row
