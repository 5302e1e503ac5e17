"""A short-lived, per-process cache of configuration read on every webhook: the source, the
ledger's accounts by role, the clearing account of each source.

Configuration changes made through this process clear it at once (``setup`` calls
``forget``); changes made by another process (the CLI beside a running server) are seen within
``TTL_SECONDS``. Nothing that is posted is cached: only what posting reads to decide accounts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
TTL_SECONDS = 2
_TTL_NS = TTL_SECONDS * 1_000_000_000

_values: dict[tuple[Any, ...], tuple[int, Any]] = {}
_lock = threading.Lock()


def cached(key: tuple[Any, ...], load: Callable[[], T]) -> T:
    """The value for ``key``, loaded by ``load`` when absent or older than TTL_SECONDS."""
    now = time.monotonic_ns()
    with _lock:
        hit = _values.get(key)
    if hit is not None and now - hit[0] < _TTL_NS:
        return hit[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        _values[key] = (now, value)
    return value


def forget() -> None:
    """Drop everything (after a configuration change in this process)."""
    with _lock:
        _values.clear()
