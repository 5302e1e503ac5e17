"""Bytes to text for OFX: sniff the charset, read the header, keep every line where it was.

The header is not trusted for the charset (BANKFILES.md §3): Chase QFX files say
``ENCODING:USASCII CHARSET:1252`` and hold UTF-8 bytes. So bytes are read as UTF-8 first, then
as the charset the header names (cp1252 for ``1252``/``NONE``), then as Latin-1, which never
fails. Line ends become ``\\n`` one for one, so a line number in the text is the line in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledgerbridge.statements.base import BadStatement

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SGML_HEADER_LINE = re.compile(r"^\s*([A-Z][A-Z0-9]*)\s*:\s*(.*?)\s*$")
_XML_DECL = re.compile(r"<\?xml\b[^>]*\?>", re.IGNORECASE)
_OFX_PI = re.compile(r"<\?OFX\b([^>]*)\?>", re.IGNORECASE)
_PI_ATTR = re.compile(r'([A-Z]+)\s*=\s*"([^"]*)"', re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CHARSETS = {"1252": "cp1252", "NONE": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1"}


@dataclass(frozen=True, slots=True)
class OfxText:
    """A decoded OFX file: ``body`` starts at ``<OFX>`` with the text before it blanked (its
    newlines kept), so offsets count lines as the file does."""

    body: str
    xml: bool
    header: dict[str, str]
    warnings: tuple[str, ...]

    def line_at(self, offset: int) -> int:
        return self.body.count("\n", 0, offset) + 1


def sniff(head: bytes) -> str:
    """The first few KB as text, for ``identify`` (never raises)."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    return head.decode("latin-1")


def _declared(raw: bytes) -> str | None:
    """The charset the header names, if any (read from its ASCII bytes)."""
    head = raw[:2048].decode("latin-1")
    xml = re.search(r"<\?xml\b[^>]*encoding\s*=\s*[\"']([^\"']+)", head, re.IGNORECASE)
    if xml:
        return xml.group(1).strip().lower()
    charset = re.search(r"^\s*CHARSET\s*:\s*(\S+)", head, re.MULTILINE | re.IGNORECASE)
    encoding = re.search(r"^\s*ENCODING\s*:\s*(\S+)", head, re.MULTILINE | re.IGNORECASE)
    if encoding and encoding.group(1).upper() in {"UTF-8", "UNICODE"}:
        return "utf-8"
    if charset:
        return _CHARSETS.get(charset.group(1).upper(), "cp" + charset.group(1))
    return None


def _decode(raw: bytes) -> tuple[str, list[str]]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), []
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise BadStatement(line, f"not valid {codec} text after a {codec} BOM") from None
    declared = _declared(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        lied = declared not in (None, "utf-8", "ascii", "us-ascii") and not raw.isascii()
        why = f"the header says {declared} but the bytes are UTF-8: read as UTF-8"
        return text, [why] if lied else []
    for codec in ("" if declared is None else declared, "cp1252", "latin-1"):
        if codec in ("", "utf-8", "ascii", "us-ascii"):
            continue
        try:
            return raw.decode(codec), [] if codec == declared else [f"read as {codec}"]
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1"), ["read as latin-1"]  # pragma: no cover (latin-1 never fails)


def _blank(text: str) -> str:
    """Spaces for everything but the newlines, so later offsets keep their line."""
    return re.sub(r"[^\n]", " ", text)


def normalise(raw: bytes) -> OfxText:
    """Decode, split the header from the body, refuse what must not be parsed."""
    text, warnings = _decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _COMMENT.sub(lambda m: _blank(m.group(0)), text)
    doctype = re.search(r"<!DOCTYPE", text, re.IGNORECASE)
    if doctype:
        line = text.count("\n", 0, doctype.start()) + 1
        raise BadStatement(line, "a DOCTYPE is refused in a bank file", field_name="DOCTYPE")
    start = re.search(r"<OFX\s*>", text, re.IGNORECASE)
    if start is None:
        raise BadStatement(1, "no <OFX> element: not an OFX/QFX file", field_name="OFX")
    prologue = text[: start.start()]
    header: dict[str, str] = {}
    pi = _OFX_PI.search(prologue)
    xml = pi is not None or _XML_DECL.search(prologue) is not None
    if pi:
        header = {k.upper(): v for k, v in _PI_ATTR.findall(pi.group(1))}
    else:
        for number, row in enumerate(prologue.split("\n"), start=1):
            if not row.strip():
                continue
            match = _SGML_HEADER_LINE.match(row)
            if match is None:
                raise BadStatement(number, f"not an OFX header line: {row.strip()[:40]!r}")
            header[match.group(1)] = match.group(2)
        if header.get("DATA", "OFXSGML").upper() != "OFXSGML":
            raise BadStatement(1, f"DATA:{header['DATA']} is not OFXSGML", field_name="DATA")
    body = _blank(prologue) + text[start.start() :]
    return OfxText(body=body, xml=xml, header=header, warnings=tuple(warnings))
