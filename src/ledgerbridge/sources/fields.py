"""Field readers shared by adapters whose payloads nest JSON objects: each names the field
path in its error, so a malformed payload says exactly what was wrong."""

from __future__ import annotations

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.sources.base import Json


def section(doc: Json, name: str, where: str) -> Json:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise MalformedPayloadError(f"{where}.{name}: expected an object", field=f"{where}.{name}")
    return value


def text(doc: Json, name: str, where: str) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedPayloadError(
            f"{where}.{name}: required string missing", field=f"{where}.{name}"
        )
    return value


def optional_text(doc: Json, name: str) -> str | None:
    value = doc.get(name)
    return value if isinstance(value, str) and value else None
