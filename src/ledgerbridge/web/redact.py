"""Pretty-print a raw payload for a page, with secret-looking values blanked (pure)."""

from __future__ import annotations

import json
import re
from typing import Any

_SECRET = re.compile(
    r"(secret|token|password|passwd|api_?key|authorization|signature|cvc|cvv|card_?number|iban)",
    re.IGNORECASE,
)
HIDDEN = "•••• hidden ••••"


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: HIDDEN if _SECRET.search(str(k)) and v not in (None, "") else _scrub(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def pretty(raw: bytes) -> str:
    """JSON indented with secrets hidden; anything else as text (XML, form bodies)."""
    try:
        return json.dumps(_scrub(json.loads(raw)), indent=2, ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        return raw.decode("utf-8", errors="replace")


def scrub(value: Any) -> Any:
    return _scrub(value)
