"""Polite, resilient GETs for back-fill: 429 and 503 wait for Retry-After (capped), dropped
connections and timeouts retry with exponential back-off, then fail with LookupFailedError.
Shared by every platform's back-fill client; ``sleep`` is injectable so tests do not wait."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError

MAX_ATTEMPTS = 6
MAX_WAIT_SECONDS = 60
RETRY_STATUSES = (429, 502, 503, 504)


def retry_after_seconds(value: str | None, attempt: int) -> int:
    """Seconds to wait: the header's delta-seconds or HTTP date, else 2^attempt; capped."""
    if value:
        text = value.strip()
        if text.isdigit():
            return min(int(text), MAX_WAIT_SECONDS)
        try:
            moment = parsedate_to_datetime(text)
            wait: int = max(0, min(int(moment.timestamp() - time.time()), MAX_WAIT_SECONDS))
            return wait
        except (TypeError, ValueError):
            pass
    return min(1 << attempt, MAX_WAIT_SECONDS)


def get_with_retries(
    http: httpx.Client,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """GET ``path``; the response of the first attempt that is neither throttled nor dropped."""
    last = "no attempt"
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = http.get(path, params=params)
        except httpx.TransportError as exc:  # dropped connection, reset, timeout
            last = f"{type(exc).__name__}: {exc}"
            sleep(min(1 << attempt, MAX_WAIT_SECONDS) / 4)
            continue
        if response.status_code in RETRY_STATUSES:
            last = f"HTTP {response.status_code}"
            sleep(retry_after_seconds(response.headers.get("retry-after"), attempt))
            continue
        if response.status_code >= 400:
            raise LookupFailedError(
                f"GET {path}: HTTP {response.status_code}", path=path, status=response.status_code
            )
        return response
    raise LookupFailedError(f"GET {path} failed {MAX_ATTEMPTS} times (last: {last})", path=path)


def get_json_page(
    http: httpx.Client,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Any, httpx.Response]:
    response = get_with_retries(http, path, params, sleep=sleep)
    try:
        return orjson.loads(response.content), response
    except orjson.JSONDecodeError as exc:
        raise LookupFailedError(f"GET {path}: not JSON ({exc})", path=path) from None
