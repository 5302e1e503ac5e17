"""The MT940/MT942 parser: our pre-pass, then mt-940 (``parse_statements`` with
``Options.all()``) per statement block, then our conversion. Any error of the library becomes
a ``BadStatement`` on the line of the tag that broke it (found by re-reading the block's tags
one by one), or on the block's ``:20:`` line when no single tag is to blame.
"""

from __future__ import annotations

import logging
import re

import mt940
from mt940.models import Transactions
from mt940.tags import StatementGLS, Tag

from ledgerbridge.statements.base import BadStatement, Statement
from ledgerbridge.statements.mt940.convert import build
from ledgerbridge.statements.mt940.prepass import Block, decode, split_blocks

OPTIONS = mt940.Options.all()
# mt-940 logs every pattern miss at ERROR level before raising; we report the miss ourselves
# (as BadStatement, with the line) and also probe patterns on purpose, so keep it quiet.
logging.getLogger("mt940.tags").setLevel(logging.CRITICAL)
# Tried when the standard :61: pattern fails: a customer reference longer than 16 characters
# before the ``//`` (ASN Bank puts the counter-IBAN there, GLS/Atruvia long ids, mt-940 #111).
LONG_REFERENCE: dict[int | str, Tag] = {61: StatementGLS()}
_HEAD_TAG = re.compile(r"(?m)^:(20|25|28C?|60F|61):")
_ENVELOPE = re.compile(r"\{2:[IO]94[02]")
# What every :61: must open with: date, [entry date], mark, [funds code], amount, and the
# transaction type (N/S/F + 3). mt-940 accepts a line without the type and then merges it
# into the line before, so we check this ourselves first.
_STATEMENT_LINE = re.compile(
    r"^\d{6}(?:\d{4}|\s{4})?R?[DC][A-Z]?[\n ]?\d[\d,]{0,14}[NSF][A-Z0-9]{3}", re.IGNORECASE
)


def _read(text: str, tags: dict[int | str, Tag] | None) -> list[Transactions]:
    return mt940.parse_statements(text, tags=tags, options=OPTIONS)


def _fails(name: str, value: str) -> Exception | None:
    """The error mt-940 raises on this one tag alone (under both :61: patterns), if any."""
    error: Exception | None = None
    for tags in (None, LONG_REFERENCE):
        try:
            _read(f":20:CHECK\n:{name}:{value}", tags)
        except Exception as found:  # every library error is wrapped here
            error = found
            continue
        return None
    return error


def _locate(block: Block, error: Exception) -> BadStatement:
    for tag in block.tags:
        found = _fails(tag.name, tag.value)
        if found is not None:
            why = (
                "does not match the tag's format"
                if isinstance(found, RuntimeError)
                else f"is not valid ({found})"
            )
            return BadStatement(
                tag.line, f":{tag.name}: {tag.value[:80]!r} {why}", field_name=f":{tag.name}:"
            )
    return BadStatement(
        block.line, f"mt-940 cannot read this statement: {type(error).__name__}: {str(error)[:120]}"
    )


def _parse_block(block: Block) -> Statement:
    for tag in block.tags:
        if tag.name == "61" and not _STATEMENT_LINE.match(tag.value):
            raise BadStatement(
                tag.line,
                f":61: {tag.value[:80]!r} lacks a valid date, mark, amount or transaction type",
                field_name=":61:",
            )
    failures: list[Exception] = []
    for tags in (None, LONG_REFERENCE):
        try:
            found = _read(block.text(), tags)
        except Exception as error:  # every library error is wrapped here
            failures.append(error)
            continue
        if len(found) != 1:
            raise BadStatement(
                block.line, f"expected one statement, mt-940 read {len(found)}", field_name=":20:"
            )
        return build(block, found[0])
    raise _locate(block, failures[0])


class Mt940Parser:
    """SWIFT MT940 statements and MT942 interim reports, several per file, with or without the
    ``{1:}{2:}{4:`` envelope. ``encoding`` forces a code page (cp852 for Raiffeisen HU, say);
    otherwise UTF-8 is tried, then cp1252, then latin-1."""

    name = "mt940"

    def __init__(self, encoding: str | None = None) -> None:
        self.encoding = encoding

    def identify(self, head: bytes) -> bool:
        text = head.decode("latin-1")
        if _ENVELOPE.search(text):
            return True
        found = {m.group(1) for m in _HEAD_TAG.finditer(text)}
        return "20" in found and len(found) >= 2

    def parse(self, data: bytes) -> list[Statement]:
        text, _ = decode(data, self.encoding)
        blocks = split_blocks(text)
        if not blocks:
            raise BadStatement(1, "no statement: no :20: tag in the file", field_name=":20:")
        return [_parse_block(block) for block in blocks]


parser = Mt940Parser()
