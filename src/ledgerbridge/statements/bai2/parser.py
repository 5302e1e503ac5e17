"""The BAI2 (and X9.121 BTRS v3) parser: 01 file > 02 groups > 03 accounts with 16 details,
closed by 49/98/99 trailers whose control totals and record counts are verified. Every
account becomes a ``Statement`` with the 010 opening and 015 closing ledger balances of the
group's as-of date, and opening + lines = closing is checked where both are given.

Group status (02, spec p.32-33): 1 update, 2 deletion, 3 correction are read (2 and 3 carry a
warning: they replace what the bank sent before for that day); 4 "test only" is validated and
then dropped, as the spec says it has no effect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.money import normalize_currency
from ledgerbridge.statements.bai2.accounts import detail, summaries
from ledgerbridge.statements.bai2.codes import CLOSING_LEDGER, OPENING_LEDGER, amount, day
from ledgerbridge.statements.bai2.records import Logical, logical, records
from ledgerbridge.statements.base import BadStatement, Balance, BankLine, Statement, check_balances

_HEAD = re.compile(r"^\s*01,[^,\r\n]*,[^,\r\n]*,\d{6},")
DEFAULT_CURRENCY = "USD"  # BAI2: a group without a currency reports in USD


@dataclass(slots=True)
class _Group:
    as_of: date
    currency: str
    file_id: str
    status: str
    statements: list[Statement] = field(default_factory=list)


def _field(record: Logical, index: int) -> str:
    fields = record.fields()
    return fields[index][0].strip() if index < len(fields) else ""


def _currency(code: str, fallback: str, line: int) -> str:
    try:
        return normalize_currency(code) if code else fallback
    except ValidationError:
        raise BadStatement(line, f"unknown currency {code!r}", field_name="currency") from None


def _check(record: Logical, index: int, expected: int, what: str, *, blank_ok: bool) -> None:
    """A trailer field against what we counted; a mismatch is the trailer's fault."""
    written = _field(record, index)
    if not written and blank_ok:
        return
    try:
        value = int(written)
    except ValueError:
        raise BadStatement(
            record.line, f"{record.code} {what} {written!r} is not a number", field_name=what
        ) from None
    if value != expected:
        raise BadStatement(
            record.line,
            f"{record.code} {what} says {value}, the file has {expected}",
            field_name=what,
        )


class _Reader:
    def __init__(self, recs: list[Logical]) -> None:
        self.recs = recs
        self.at = 0

    def take(self, *codes: str, inside: str) -> Logical:
        if self.at >= len(self.recs):
            last = self.recs[-1].parts[-1][1]
            raise BadStatement(
                last,
                f"{inside} is not closed: the file ends before its "
                f"{'/'.join(codes)} record (cut short?)",
                field_name="record code",
            )
        record = self.recs[self.at]
        if record.code not in codes:
            raise BadStatement(
                record.line,
                f"expected a {' or '.join(codes)} record in {inside}, found {record.code}",
                field_name="record code",
            )
        self.at += 1
        return record

    def peek(self) -> str | None:
        return self.recs[self.at].code if self.at < len(self.recs) else None


def _account(reader: _Reader, group: _Group) -> tuple[int, int]:
    """Read 03 … 49; returns (control total, physical records) for the 98 check."""
    head = reader.take("03", inside="the group")
    number, code, sums = summaries(head)
    currency = _currency(code, group.currency, head.line)
    total = sum(s.units for s in sums)
    size = head.size
    lines: list[BankLine] = []
    while reader.peek() == "16":
        record = reader.take("16", inside="the account")
        bank_line, units = detail(record, currency, group.as_of)
        lines.append(bank_line)
        total += units
        size += record.size
    trailer = reader.take("49", inside=f"account {number}")
    size += trailer.size
    _check(trailer, 0, total, "control total", blank_ok=True)
    _check(trailer, 1, size, "record count", blank_ok=False)
    by_code = {s.code: s for s in sums}
    balances = [
        Balance(amount(by_code[c].units, currency), currency, group.as_of) if c in by_code else None
        for c in (OPENING_LEDGER, CLOSING_LEDGER)
    ]
    warnings: tuple[str, ...] = ()
    if group.status in ("2", "3"):
        warnings = (
            f"group status {group.status}: replaces what the bank sent before for "
            f"{group.as_of.isoformat()}",
        )
    statement = Statement(
        format="bai2",
        account=number,
        currency=currency,
        lines=tuple(lines),
        statement_id=f"{group.file_id}/{group.as_of.isoformat()}/{number}",
        opening=balances[0],
        closing=balances[1],
        period_from=group.as_of,
        period_to=group.as_of,
        warnings=warnings,
    )
    check_balances(statement, line=head.line)
    group.statements.append(statement)
    return total, size


def _group(reader: _Reader, file_id: str) -> tuple[_Group, int, int]:
    head = reader.take("02", inside="the file")
    status = _field(head, 2) or "1"
    if status not in ("1", "2", "3", "4"):
        raise BadStatement(
            head.line, f"group status {status!r} is not 1-4", field_name="group status"
        )
    group = _Group(
        as_of=day(_field(head, 3), head.line, "as-of date"),
        currency=_currency(_field(head, 5), DEFAULT_CURRENCY, head.line),
        file_id=file_id,
        status=status,
    )
    total, size, accounts = 0, head.size, 0
    while reader.peek() == "03":
        account_total, account_size = _account(reader, group)
        total, size, accounts = total + account_total, size + account_size, accounts + 1
    trailer = reader.take("98", inside="the group")
    size += trailer.size
    _check(trailer, 0, total, "control total", blank_ok=True)
    _check(trailer, 1, accounts, "number of accounts", blank_ok=False)
    _check(trailer, 2, size, "record count", blank_ok=False)
    return group, total, size


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class Bai2Parser:
    """BAI2 cash-management balance reports (previous-day and same-day), several groups and
    accounts per file."""

    name = "bai2"

    def identify(self, head: bytes) -> bool:
        return bool(_HEAD.match(head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")))

    def parse(self, data: bytes) -> list[Statement]:
        physical = records(decode(data))
        if not physical:
            raise BadStatement(1, "empty file: no 01 file header", field_name="record code")
        reader = _Reader(logical(physical))
        head = reader.take("01", inside="a BAI2 file")
        day(_field(head, 2), head.line, "creation date")
        version = _field(head, 7)
        if version not in ("", "2", "3"):
            raise BadStatement(
                head.line,
                f"BAI version {version!r}: only 2 (and BTRS 3) are read",
                field_name="version",
            )
        file_id = _field(head, 4) or _field(head, 2)
        total, groups, statements = 0, 0, []
        while reader.peek() == "02":
            group, group_total, _ = _group(reader, file_id)
            total, groups = total + group_total, groups + 1
            if group.status != "4":  # test only: checked, then no effect
                statements += group.statements
        trailer = reader.take("99", inside="the file")
        _check(trailer, 0, total, "control total", blank_ok=True)
        _check(trailer, 1, groups, "number of groups", blank_ok=False)
        _check(trailer, 2, len(physical), "record count", blank_ok=False)
        if reader.peek() is not None:
            extra = reader.recs[reader.at]
            raise BadStatement(
                extra.line,
                f"a {extra.code} record after the 99 file trailer",
                field_name="record code",
            )
        return statements


parser = Bai2Parser()
