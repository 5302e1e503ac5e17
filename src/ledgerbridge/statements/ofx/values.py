"""OFX leaf values: amounts and dates, read strictly, each error naming its line and tag.

Amounts (OFX §3.2.9.1): a ``.`` or ``,`` radix, an optional sign, no digit grouping; some banks
group anyway (``1.234,56``), and then the last separator is the radix. The amount must be exact
at the currency's ISO 4217 exponent (trailing zeros are fine, a third decimal on USD is not).
Dates (§3.2.8.2): ``YYYYMMDD[HHMM[SS[.XXX]]][[±h[.mm][:TZ]]]``; the booking day is the date the
bank wrote, in its own offset (never moved to UTC, which would shift evening postings).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.money import exponent, parse_decimal, round_half_even
from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.ofx.tree import Node

_AMOUNT = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}([.,' ]\d{3})+([.,]\d+)?")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{4}(\d{2}(\.\d+)?)?)?\s*(\[[^\]]*\])?")


def amount(node: Node, tag: str, currency: str) -> Decimal:
    """The signed amount in ``node``'s child ``tag``, exact at ``currency``'s exponent."""
    leaf = node.child(tag)
    if leaf is None or not leaf.text:
        raise BadStatement(leaf.line if leaf else node.line, f"{tag} is missing", field_name=tag)
    return read_amount(leaf.text, leaf.line, tag, currency)


def read_amount(text: str, line: int, tag: str, currency: str) -> Decimal:
    raw = text.strip()
    if not _AMOUNT.fullmatch(raw):
        if not _GROUPED.fullmatch(raw):
            raise BadStatement(line, f"{tag} is not an amount: {text!r}", field_name=tag)
        cut = max(raw.rfind("."), raw.rfind(","))
        if cut < 0:
            raw = re.sub(r"[' ]", "", raw)
        elif raw[cut] in raw[:cut]:
            raise BadStatement(
                line,
                f"{tag} {text!r} is ambiguous: which separator is the decimal point?",
                field_name=tag,
            )
        else:
            raw = re.sub(r"[.,' ]", "", raw[:cut]) + "." + raw[cut + 1 :]
    try:
        value = parse_decimal(raw.replace(",", "."), field=tag)
        exact = round_half_even(value, currency)
    except ValidationError as exc:
        raise BadStatement(line, exc.message, field_name=tag) from None
    if exact != value:
        raise BadStatement(
            line,
            f"{tag} {text} has more decimals than {currency} allows ({exponent(currency)})",
            field_name=tag,
        )
    return exact


def day(node: Node, tag: str) -> date:
    """The date in ``node``'s child ``tag``, which must be there."""
    found = optional_day(node, tag)
    if found is None:
        leaf = node.child(tag)
        raise BadStatement(leaf.line if leaf else node.line, f"{tag} is missing", field_name=tag)
    return found


def optional_day(node: Node, tag: str) -> date | None:
    """The date in ``node``'s child ``tag``; None when absent or empty."""
    leaf = node.child(tag)
    if leaf is None or not leaf.text:
        return None
    match = _DATE.fullmatch(leaf.text)
    if match is None:
        raise BadStatement(leaf.line, f"{tag} is not an OFX date: {leaf.text!r}", field_name=tag)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise BadStatement(
            leaf.line, f"{tag} is not a real date: {leaf.text!r}", field_name=tag
        ) from None
