"""Time-sortable string ids: a prefix, 12 hex digits of milliseconds, 10 random hex digits."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    return f"{prefix}{time.time_ns() // 1_000_000:012x}{secrets.token_hex(5)}"
