"""The opening and closing balances of a camt statement or report, by OCA's rules.

Opening is ``OPBD`` (opening booked), else ``PRCD`` (previous closing: ABN AMRO and many
camt.052 files send it instead). Closing is ``CLBD`` (closing booked). In a camt.052 report
without them, the first ``ITBD`` (interim booked) opens and the next one closes. ``CLAV``,
``ITAV``, ``FWAV`` and the other available balances are read (so a broken one is refused) but
never checked against the lines: they count value-dated, not booked, money.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledgerbridge.statements.base import BadStatement, Balance
from ledgerbridge.statements.camt.values import (
    Days,
    Element,
    amount,
    children,
    fail,
    line_of,
    required,
    sign,
    text,
)


@dataclass(frozen=True, slots=True)
class Found:
    code: str
    balance: Balance
    line: int


@dataclass(frozen=True, slots=True)
class Pair:
    opening: Balance | None
    closing: Balance | None
    closing_line: int


def _read(bal: Element, days: Days) -> Found:
    code = text(bal, "Tp/CdOrPrtry/Cd") or text(bal, "Tp/CdOrPrtry/Prtry")
    if code is None:
        raise fail(bal, "the balance has no type (Tp/CdOrPrtry/Cd)", "Bal/Tp")
    value, ccy = amount(required(bal, "Amt", "Bal/Amt"), "Bal/Amt")
    signed = value * sign(bal, "Bal/CdtDbtInd")
    day = days.read(required(bal, "Dt", "Bal/Dt"), "Bal/Dt")
    if day is None:
        raise fail(bal, "the balance date has neither Dt nor DtTm", "Bal/Dt")
    return Found(code.upper(), Balance(signed, ccy, day), line_of(bal))


def first_currency(report: Element) -> str | None:
    """The currency of the first balance, for a statement whose ``Acct`` names none."""
    for bal in children(report, "Bal"):
        code = required(bal, "Amt", "Bal/Amt").get("Ccy")
        if code:
            return str(code)
    return None


def read_pair(report: Element, kind: str, currency: str, days: Days) -> Pair:
    """Every ``Bal`` read and checked; the opening and closing one picked."""
    found = [_read(bal, days) for bal in children(report, "Bal")]

    def pick(*codes: str) -> Found | None:
        return next((f for f in found if f.code in codes), None)

    opening = pick("OPBD") or pick("PRCD")
    closing = pick("CLBD")
    if kind == "052":
        interim = [f for f in found if f.code == "ITBD"]
        if opening is None and interim:
            opening = interim.pop(0)
        if closing is None and interim:
            closing = interim[0]
    for chosen in (opening, closing):
        if chosen is not None and chosen.balance.currency != currency:
            raise BadStatement(
                chosen.line,
                f"the {chosen.code} balance is in {chosen.balance.currency}, "
                f"the account in {currency}",
                field_name="Bal/Amt",
            )
    return Pair(
        opening.balance if opening else None,
        closing.balance if closing else None,
        closing.line if closing else line_of(report),
    )
