"""BAI2 text into records, each with its physical line. Banks differ (BANKFILES.md §4): a
record ends in ``/`` or just at the line end; several records may share a line
(``…2/   02,…``); a long ``16`` text may run onto a line with no record code; ``88`` continues
the record before it. ``records`` returns the physical records (what the trailers count),
``logical`` groups each record with its ``88`` continuations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ledgerbridge.statements.base import BadStatement

CODES = ("01", "02", "03", "16", "49", "88", "98", "99")
_CODE = "(?:" + "|".join(CODES) + "),"
_STARTS = re.compile(r"^\s*(?=" + _CODE + ")")
# A "/" ends a record where another record follows it on the same line.
_BETWEEN = re.compile(r"/\s*(?=" + _CODE + ")")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A keyed continuation (Citi ``88,TRID:…``, Goldman ``88,EREF: …``) starts a new phrase.
_KEYED = re.compile(r"^[A-Z][A-Z0-9_#]{1,7}:")


@dataclass(slots=True)
class Record:
    """One physical record: its code, its body after ``NN,`` (terminator removed), its line."""

    code: str
    body: str
    line: int
    ended: bool = True
    """Whether it ended with ``/`` (a record without one may run onto the next line)."""


@dataclass(slots=True)
class Logical:
    """A record with the bodies of its ``88`` continuations, each with its line."""

    code: str
    line: int
    parts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Physical records it counts for in a trailer (itself plus each 88)."""
        return len(self.parts)

    def fields(self) -> list[tuple[str, int]]:
        """The comma-separated fields of all parts, in order, each with its line."""
        return [(value, line) for body, line in self.parts for value in body.split(",")]


def records(text: str) -> list[Record]:
    """The physical records of a decoded BAI2 file."""
    found: list[Record] = []
    for number, raw in enumerate(_LINE_BREAK.split(text), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if not _STARTS.match(line):
            last = found[-1] if found else None
            if last is None or last.ended or last.code not in ("16", "88"):
                raise BadStatement(
                    number, f"not a BAI2 record: {line[:40]!r}", field_name="record code"
                )
            last.body += line.strip()  # a text wrapped onto a line of its own
            last.ended = last.body.endswith("/")
            last.body = last.body.removesuffix("/")
            continue
        pieces = _BETWEEN.split(line.strip())
        for i, piece in enumerate(pieces):
            ended = i < len(pieces) - 1 or piece.endswith("/")
            body = piece[3:].removesuffix("/") if piece.endswith("/") else piece[3:]
            found.append(Record(piece[:2], body, number, ended))
    return found


def logical(physical: list[Record]) -> list[Logical]:
    """Records with their 88 continuations folded in; an 88 with nothing to continue is wrong."""
    grouped: list[Logical] = []
    for record in physical:
        if record.code == "88":
            if not grouped or grouped[-1].code in ("49", "98", "99"):
                raise BadStatement(
                    record.line,
                    "an 88 continuation with no record to continue",
                    field_name="record code",
                )
            grouped[-1].parts.append((record.body, record.line))
            continue
        grouped.append(Logical(record.code, record.line, [(record.body, record.line)]))
    return grouped


def join_text(first: str, continued: list[str]) -> str:
    """A 16 record's text with its 88 continuations. A bank wraps text anywhere, so a plain 88
    joins without a separator (NatWest ``…INTERNATIONAL-5373 CLIE`` + ``NT SECCY…``); a keyed
    88 (``TRID:``, ``EREF:``) starts a new phrase and joins after a space."""
    text = first
    for piece in continued:
        keyed = bool(_KEYED.match(piece))
        text += (" " if keyed and text and not text.endswith(" ") else "") + piece
    return text.strip()
