"""Mapping versions per source: upload (validated in full, stored as a new version, active at
once), the active compiled mapping for posting, and preview without writing anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from ledgerbridge.domain.errors import NotFoundError, ValidationError
from ledgerbridge.mapping import CompiledMapping, load, validate
from ledgerbridge.service.cache import cached, forget
from ledgerbridge.store import catalog, mappings
from ledgerbridge.store.database import Database


@dataclass(frozen=True, slots=True)
class ActiveMapping:
    version: int
    compiled: CompiledMapping


def _chart(conn: Connection, ledger: str) -> set[str]:
    return {a.code for a in catalog.list_accounts(conn, ledger)}


def compile_document(conn: Connection, ledger: str, document: dict[str, Any] | str) -> Any:
    """Validate ``document`` (a dict, or YAML / JSON text) against the ledger's chart."""
    return validate(document, accounts=_chart(conn, ledger))


def put_mapping(db: Database, source_id: str, document: dict[str, Any] | str) -> int:
    """Validate in full (MappingInvalid lists every error: 422, nothing stored) and store as
    the next version, active from now on. History is never rewritten."""
    with db.write() as conn:
        config = catalog.get_source(conn, source_id)
        compile_document(conn, config.ledger, document)  # every error at once, or nothing
        parsed = load(document) if isinstance(document, str) else document
        if not isinstance(parsed, dict):  # pragma: no cover - validate refuses it first
            raise ValidationError("a mapping document is an object", field="")
        version = mappings.add_version(conn, source_id, parsed)
    forget()
    return version


def check_draft(db: Database, source_id: str, document: dict[str, Any] | str) -> None:
    """Validate a draft against the source's ledger chart without storing it."""
    with db.read() as conn:
        config = catalog.get_source(conn, source_id)
        compile_document(conn, config.ledger, document)


def get_mapping(db: Database, source_id: str) -> dict[str, Any]:
    with db.read() as conn:
        catalog.get_source(conn, source_id)
        row = mappings.latest(conn, source_id)
    if row is None:
        raise NotFoundError(
            f"source {source_id!r} has no mapping: the default rules apply", source=source_id
        )
    return {
        "source": source_id,
        "version": row["version"],
        "created_at": row["created_at"],
        "document": row["document"],
    }


def active_mapping(conn: Connection, source_id: str, ledger: str) -> ActiveMapping | None:
    def load_active() -> ActiveMapping | None:
        row = mappings.latest(conn, source_id)
        if row is None:
            return None
        return ActiveMapping(row["version"], compile_document(conn, ledger, row["document"]))

    return cached(("mapping", str(conn.engine.url), source_id), load_active)


def parse_document(text: str) -> Any:
    """YAML or JSON text to a document (floats refused by the mapping's own reader)."""
    return load(text)
