"""From the OFX tree to ``Statement``s: one per bank (``STMTRS``) or card (``CCSTMTRS``) block.

Conventions (BANKFILES.md §3):
- ``TRNAMT`` is already signed from the customer's view (credit positive), kept as is;
- ``FITID`` is the bank's reference (``bank_ref``); ``NAME`` (or ``PAYEE/NAME``) is the
  counterparty, ``MEMO`` the remittance text (``NAME`` when there is no memo);
- ``DTPOSTED`` is the booking date, ``DTAVAIL`` (or the private ``VALUEDATE``) the value date;
- ``LEDGERBAL`` is the closing balance. OFX has no opening balance and none is invented, so the
  balance check has nothing to compare: ``opening`` stays None.
- A FITID that a bank repeats inside one statement (it happens) is made unique with the date
  and amount, and a warning says so, so that two distinct lines are not deduplicated into one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from ledgerbridge.domain.errors import CurrencyError
from ledgerbridge.domain.money import normalize_currency
from ledgerbridge.statements.base import BadStatement, Balance, BankLine, Statement
from ledgerbridge.statements.ofx.tree import Node
from ledgerbridge.statements.ofx.values import amount, day, optional_day

_BLOCKS = (
    ("BANKMSGSRSV1", "STMTTRNRS", "STMTRS", "BANKACCTFROM", "BANKACCTTO"),
    ("CREDITCARDMSGSRSV1", "CCSTMTTRNRS", "CCSTMTRS", "CCACCTFROM", "CCACCTTO"),
)


def _currency(code: str, line: int, tag: str) -> str:
    try:
        return normalize_currency(code)
    except CurrencyError:
        raise BadStatement(
            line, f"{tag} {code!r} is not an ISO 4217 currency", field_name=tag
        ) from None


def _status_error(wrapper: Node) -> None:
    status = wrapper.child("STATUS")
    if status is not None and status.value("SEVERITY").upper() == "ERROR":
        message = status.value("MESSAGE") or f"code {status.value('CODE')}"
        raise BadStatement(
            status.line, f"the bank reports an error: {message}", field_name="STATUS"
        )


def _statement_currency(rs: Node) -> str:
    curdef = rs.child("CURDEF")
    if curdef is not None and curdef.text:
        return _currency(curdef.text, curdef.line, "CURDEF")
    # Some exports (CBA) leave CURDEF empty and name the currency on each transaction only.
    found = {(n.value("CURSYM"), n.line) for n in rs.walk("CURRENCY") if n.value("CURSYM")}
    codes = {code for code, _ in found}
    if len(codes) == 1:
        code, line = min(found, key=lambda f: f[1])
        return _currency(code, line, "CURSYM")
    raise BadStatement(
        curdef.line if curdef else rs.line, "CURDEF is missing: no currency", field_name="CURDEF"
    )


def _account(rs: Node, from_tag: str) -> str:
    acct = rs.child(from_tag)
    if acct is None or not acct.value("ACCTID"):
        where = acct.line if acct is not None else rs.line
        raise BadStatement(where, f"{from_tag}/ACCTID is missing", field_name="ACCTID")
    return acct.value("ACCTID")


def _line(trn: Node, currency: str, to_tag: str) -> BankLine:
    cur = trn.child("CURRENCY")
    if cur is not None and cur.value("CURSYM"):
        currency = _currency(cur.value("CURSYM"), cur.line, "CURSYM")
    payee = trn.child("PAYEE")
    name = trn.value("NAME") or (payee.value("NAME") if payee is not None else "")
    memo = trn.value("MEMO")
    value_date = optional_day(trn, "DTAVAIL") or optional_day(trn, "VALUEDATE")
    to = trn.child(to_tag)
    action = trn.value("CORRECTACTION").upper()
    return BankLine(
        amount=amount(trn, "TRNAMT", currency),
        currency=currency,
        booking_date=day(trn, "DTPOSTED"),
        value_date=value_date,
        bank_ref=trn.value("FITID") or None,
        customer_ref=trn.value("REFNUM") or trn.value("CHECKNUM") or None,
        remittance=memo or name,
        counterparty=name or None,
        counterparty_account=(to.value("ACCTID") or None) if to is not None else None,
        tx_code=trn.value("TRNTYPE").upper() or None,
        reversal=action == "DELETE",
        source_line=trn.line,
    )


def _unique_refs(lines: list[BankLine], warnings: list[str]) -> list[BankLine]:
    counts = Counter(x.bank_ref for x in lines if x.bank_ref)
    if all(n == 1 for n in counts.values()):
        return lines
    out: list[BankLine] = []
    seen: Counter[str] = Counter()
    for x in lines:
        if x.bank_ref is None or counts[x.bank_ref] == 1:
            out.append(x)
            continue
        ref = f"{x.bank_ref}:{x.booking_date.isoformat()}:{x.amount}"
        seen[ref] += 1
        ref = ref if seen[ref] == 1 else f"{ref}:{seen[ref]}"
        warnings.append(
            f"line {x.source_line}: FITID {x.bank_ref} repeats in this statement; keyed as {ref}"
        )
        out.append(replace(x, bank_ref=ref))
    return out


def _closing(rs: Node, currency: str, warnings: list[str]) -> Balance | None:
    ledger = rs.child("LEDGERBAL")
    if ledger is None or not ledger.value("BALAMT"):
        warnings.append(f"line {ledger.line if ledger else rs.line}: no LEDGERBAL amount")
        return None
    return Balance(amount(ledger, "BALAMT", currency), currency, day(ledger, "DTASOF"))


def _statement(rs: Node, from_tag: str, to_tag: str, warnings: list[str]) -> Statement:
    currency = _statement_currency(rs)
    account = _account(rs, from_tag)
    lists = rs.all("BANKTRANLIST")
    starts = [d for d in (optional_day(t, "DTSTART") for t in lists) if d]
    ends = [d for d in (optional_day(t, "DTEND") for t in lists) if d]
    lines = [_line(trn, currency, to_tag) for t in lists for trn in t.all("STMTTRN")]
    for x in lines:
        if x.reversal:
            warnings.append(f"line {x.source_line}: CORRECTACTION DELETE of an earlier FITID")
    lines = _unique_refs(lines, warnings)
    booked: list[date] = [x.booking_date for x in lines]
    return Statement(
        format="ofx",
        account=account,
        currency=currency,
        lines=tuple(lines),
        closing=_closing(rs, currency, warnings),
        period_from=min(starts, default=min(booked, default=None)),
        period_to=max(ends, default=max(booked, default=None)),
        warnings=tuple(warnings),
    )


def statements(ofx: Node, warnings: tuple[str, ...]) -> list[Statement]:
    """Every bank and card statement in the file, in file order."""
    found: list[tuple[int, Statement]] = []
    for msgs_tag, wrapper_tag, rs_tag, from_tag, to_tag in _BLOCKS:
        for msgs in ofx.all(msgs_tag):
            for wrapper in msgs.all(wrapper_tag):
                _status_error(wrapper)
                for rs in wrapper.all(rs_tag):
                    stmt = _statement(rs, from_tag, to_tag, list(warnings))
                    found.append((rs.line, stmt))
    if not found:
        raise BadStatement(
            ofx.line,
            "no bank (STMTRS) or credit-card (CCSTMTRS) statement in this OFX file",
            field_name="STMTRS",
        )
    return [stmt for _, stmt in sorted(found, key=lambda f: f[0])]
