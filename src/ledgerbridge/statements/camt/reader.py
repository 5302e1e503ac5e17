"""The camt parser: every ``Stmt`` (053), ``Rpt`` (052) or ``Ntfctn`` (054) of a file or of a
ZIP of files into a ``Statement``, the whole file read and checked before any is returned."""

from __future__ import annotations

from datetime import date

from lxml import etree  # type: ignore[import-untyped]  # no stubs are installed

from ledgerbridge.statements.base import BadStatement, BankLine, Statement, check_balances
from ledgerbridge.statements.camt.balances import Pair, first_currency, read_pair
from ledgerbridge.statements.camt.document import Message, head_is_camt, in_member, messages
from ledgerbridge.statements.camt.entries import Context, read_entry
from ledgerbridge.statements.camt.values import (
    Days,
    Element,
    child,
    children,
    currency,
    fail,
    line_of,
    moment,
    text,
)

FORMAT = "camt"


class CamtParser:
    """ISO 20022 camt.053 statements, camt.052 reports and camt.054 notifications, .02 to .13.

    ``zone`` (an IANA name) is where ``DtTm`` booking times are turned into days; without it
    the zone comes from the IBAN's country. ``split_batches`` books a batch entry as one line
    per transaction detail when the details' amounts sum to it (see ``entries``).
    """

    name = FORMAT

    def __init__(self, *, zone: str | None = None, split_batches: bool = False) -> None:
        self.zone = zone
        self.split_batches = split_batches

    def identify(self, head: bytes) -> bool:
        return head_is_camt(head)

    def parse(self, data: bytes) -> list[Statement]:
        statements: list[Statement] = []
        for member, message in messages(data):
            try:
                statements.extend(self._statement(r, message) for r in message.reports)
            except BadStatement as exc:
                raise (in_member(exc, member) if member else exc) from None
            except (etree.LxmlError, ValueError, TypeError) as exc:  # pragma: no cover
                # a defect of ours, not of the file: still no foreign error leaves parse()
                raise BadStatement(0, f"unreadable camt file: {exc}", field_name="XML") from None
        return statements

    def _statement(self, report: Element, message: Message) -> Statement:
        account = _account(report)
        ccy = _currency(report)
        days = Days(self.zone, account)
        pair = (
            read_pair(report, message.kind, ccy, days)
            if message.kind != "054"
            else Pair(None, None, line_of(report))
        )
        ctx = Context(ccy, days, self.split_batches)
        lines: list[BankLine] = []
        warnings: list[str] = []
        for ntry in children(report, "Ntry"):
            found, notes = read_entry(ntry, ctx)
            lines.extend(found)
            warnings.extend(notes)
        if message.kind != "054" and (pair.opening is None or pair.closing is None):
            warnings.append(
                f"line {line_of(report)}: no opening and closing booked balance "
                "(OPBD/PRCD and CLBD) to check the lines against"
            )
        period_from, period_to = _period(report)
        statement = Statement(
            format=FORMAT,
            account=account,
            currency=ccy,
            lines=tuple(lines),
            statement_id=text(report, "Id"),
            opening=pair.opening,
            closing=pair.closing,
            period_from=period_from,
            period_to=period_to,
            warnings=tuple(warnings),
        )
        check_balances(statement, line=pair.closing_line)
        return statement


def _account(report: Element) -> str:
    acct = child(report, "Acct")
    if acct is None:
        raise fail(report, "the statement names no account (Acct)", "Acct")
    iban = text(acct, "Id/IBAN")
    if iban:
        return iban.replace(" ", "").upper()
    other = text(acct, "Id/Othr/Id")
    if other is None:
        raise fail(acct, "the account has neither Id/IBAN nor Id/Othr/Id", "Acct/Id")
    return other


def _currency(report: Element) -> str:
    """``Acct/Ccy``, else the first balance's, else the first entry's currency."""
    holder = child(report, "Acct/Ccy")
    if holder is not None:
        return currency(holder, text(report, "Acct/Ccy"), "Acct/Ccy")
    code = first_currency(report)
    entry = child(report, "Ntry/Amt")
    if code is None and entry is not None:
        code = entry.get("Ccy")
    if code is None:
        raise fail(report, "no currency: no Acct/Ccy, no balance and no entry", "Acct/Ccy")
    return currency(report, code, "Acct/Ccy")


def _period(report: Element) -> tuple[date | None, date | None]:
    """``FrToDt`` as the days written: the bounds are day boundaries in the bank's notation
    (``…T23:59:59.999Z`` meant as the day's end), so they are not shifted into a zone."""
    bounds: list[date | None] = []
    for spec in ("FrToDt/FrDtTm", "FrToDt/ToDtTm"):
        found = child(report, spec)
        bounds.append(None if found is None else moment(found, spec).date())
    return bounds[0], bounds[1]
