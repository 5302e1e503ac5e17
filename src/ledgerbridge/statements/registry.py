"""Format name -> parser, imported on first use; ``detect`` picks a file's format from its
first bytes (CSV is never guessed: it needs the bank's saved column profile)."""

from __future__ import annotations

import importlib

from ledgerbridge.statements.base import BadStatement, Parser

PARSER_PATHS: dict[str, str] = {
    "camt": "ledgerbridge.statements.camt:parser",
    "mt940": "ledgerbridge.statements.mt940:parser",
    "ofx": "ledgerbridge.statements.ofx:parser",
    "bai2": "ledgerbridge.statements.bai2:parser",
    "csv": "ledgerbridge.statements.csv:parser",
}
DETECTED_IN_ORDER = ("camt", "ofx", "mt940", "bai2")


def parser_for(name: str) -> Parser:
    path = PARSER_PATHS.get(name)
    if path is None:
        raise BadStatement(
            0,
            f"unknown statement format {name!r}; known: {', '.join(PARSER_PATHS)}",
            field_name="format",
        )
    module, attribute = path.split(":")
    found: Parser = getattr(importlib.import_module(module), attribute)
    return found


def detect(data: bytes) -> Parser:
    head = data[:4096]
    for name in DETECTED_IN_ORDER:
        candidate = parser_for(name)
        if candidate.identify(head):
            return candidate
    raise BadStatement(
        1,
        "not a camt.05x, MT940, OFX/QFX or BAI2 file (a CSV file needs its "
        "format given, with the bank's saved column profile)",
        field_name="format",
    )
