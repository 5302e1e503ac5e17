"""The ECB reference-rate XML (daily, last 90 days, full history), parsed with lxml, hardened.

    <gesmes:Envelope xmlns:gesmes=... xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
      <Cube><Cube time="2024-01-02"><Cube currency="USD" rate="1.0956"/>...</Cube></Cube>
    </gesmes:Envelope>

The feed is untrusted input: entities are never resolved, nothing is fetched from the network,
and a document with a DTD at all is refused (what defusedxml's ``forbid_dtd`` does; its lxml
module is deprecated, so the same rules are set on lxml's own parser). Rates are read as
Decimal from the attribute text: never through a float. Any problem raises ValidationError
naming the line.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.fx import Rate

NAMESPACE = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
SOURCE = "ecb"
BASE = "EUR"
_CUBE = f"{{{NAMESPACE}}}Cube"
_PLAIN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(document: bytes, *, name: str = "ECB feed") -> list[Rate]:
    """Every rate in an ECB eurofxref document, oldest day first."""
    try:
        root = etree.fromstring(document, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise ValidationError(
            f"{name}: broken XML at line {line}: {exc.msg}", line=line, reason=str(exc.msg)
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ValidationError(f"{name}: a DTD is not allowed (line 1)", line=1, reason="dtd")
    days = [c for c in root.iter(_CUBE) if c.get("time") is not None]
    if not days:
        raise ValidationError(
            f"{name}: no <Cube time=...> day in the document (line {root.sourceline})",
            line=root.sourceline or 0,
            reason="no rates",
        )
    rates: list[Rate] = []
    for cube in days:
        day = _day(cube, name)
        for child in cube.iterchildren(_CUBE):
            rates.append(Rate(BASE, _currency(child, name), day, _rate(child, name), SOURCE))
    rates.sort(key=lambda r: (r.day, r.quote))
    return rates


def _fail(element: etree._Element, name: str, reason: str) -> ValidationError:
    line = element.sourceline or 0
    return ValidationError(f"{name}: line {line}: {reason}", line=line, reason=reason)


def _day(cube: etree._Element, name: str) -> date:
    text = cube.get("time") or ""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(cube, name, f"time {text!r} is not a YYYY-MM-DD date") from None


def _currency(cube: etree._Element, name: str) -> str:
    code = cube.get("currency") or ""
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        raise _fail(cube, name, f"currency {code!r} is not an ISO 4217 code")
    return code


def _rate(cube: etree._Element, name: str) -> Decimal:
    text = (cube.get("rate") or "").strip()
    if not _PLAIN.fullmatch(text):  # no exponents, signs or NaN: the ECB writes plain decimals
        raise _fail(cube, name, f"rate {text!r} is not a plain decimal")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise _fail(cube, name, f"rate {text!r} is not a decimal") from None
    if value <= 0:
        raise _fail(cube, name, f"rate {text!r} is not a positive decimal")
    return value
