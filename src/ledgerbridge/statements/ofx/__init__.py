"""OFX/QFX bank and credit-card statements, 1.x SGML and 2.x XML.

    text.py         bytes -> text: charset sniffed (the header is not trusted), header read,
                    line numbers kept
    tree.py         the body as Nodes with their lines: own SGML tokenizer, hardened lxml for XML
    values.py       amounts (comma radix, exact at the currency exponent) and dates
    statements.py   STMTRS / CCSTMTRS -> Statement (FITID as bank_ref, LEDGERBAL as closing)

Why not ofxparse (BANKFILES.md §7 suggests it): on the samples it fails on the Chase QFX even
after the charset fix, crashes (IndexError) on the CBA file with empty tags, moves dates to
UTC (an evening posting lands on the next day), reports no line numbers and reads ~1k lines/s.
We needed our own normaliser, date reader and line finder anyway; the tree is ~100 lines more.
ofxtools is GPLv3, so not for this Apache-2.0 project.
"""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.statements.base import BadStatement, Statement
from ledgerbridge.statements.ofx.statements import statements
from ledgerbridge.statements.ofx.text import normalise, sniff
from ledgerbridge.statements.ofx.tree import parse_tree

__all__ = ["OfxParser", "parser"]

_MARK = re.compile(
    r"^\s*(OFXHEADER\s*:|<\?xml[^>]*\?>\s*<\?OFX\b|<\?OFX\b|<OFX\s*>)", re.IGNORECASE
)


class OfxParser:
    """OFX 1.02-1.6 (SGML) and 2.x (XML) files, QFX included: bank and card statements."""

    name = "ofx"

    def identify(self, head: bytes) -> bool:
        return _MARK.match(sniff(head)) is not None

    def parse(self, data: bytes) -> list[Statement]:
        try:
            doc = normalise(data)
            ofx, notes = parse_tree(doc)
            return statements(ofx, (*doc.warnings, *notes))
        except BadStatement:
            raise
        except (ValueError, LookupError, RecursionError, etree.LxmlError) as exc:  # the edge
            raise BadStatement(0, f"unreadable OFX file: {exc}") from None


parser = OfxParser()
