"""Bank CSV exports read through a saved, declarative column profile (one per bank account).

    profile.py    CsvProfile (pydantic): separators, encoding, date format, preamble/footer,
                  which columns hold the date, amount (signed, D/C flag, or debit/credit),
                  currency, references, remittance, counterparty, running balance
    examples.py   built-in example profiles, as data (US signed amount, D/C flag, FR debit/credit)
    table.py      bytes -> rows with their line numbers; the profile's columns found in the header
    rows.py       one row -> BankLine, every named cell validated (line + column on error)
    balances.py   the running balance checked row by row; opening/closing from the bank's figures

A CSV file is never guessed: the registered ``parser`` refuses to parse without a profile, and
``parser.with_profile(profile)`` gives one that reads that bank's files.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from decimal import Decimal

from pydantic import ValidationError as PydanticValidationError

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.statements.base import BadStatement, Balance, Statement, check_balances
from ledgerbridge.statements.csv.balances import chronological, from_running
from ledgerbridge.statements.csv.examples import EXAMPLE_PROFILES
from ledgerbridge.statements.csv.profile import BalanceCell, CsvProfile
from ledgerbridge.statements.csv.rows import Parsed, parse_row, read_amount
from ledgerbridge.statements.csv.table import Row, Table, read_rows, table

__all__ = ["EXAMPLE_PROFILES", "BalanceCell", "CsvParser", "CsvProfile", "parser", "profiles_for"]


def _cell(
    rows: tuple[Row, ...], cell: BalanceCell, field: str, currency: str, profile: CsvProfile
) -> tuple[int, Decimal]:
    present = list(rows)
    while present and present[-1].blank():
        present.pop()
    index = cell.row - 1 if cell.row > 0 else len(present) + cell.row
    if not 0 <= index < len(present) or cell.column >= len(present[index].cells):
        raise BadStatement(
            present[-1].line if present else 1,
            f"the {field} cell (row {cell.row}, column {cell.column}) is not in the file",
            field_name=field,
        )
    row = present[index]
    try:
        return row.line, read_amount(row.cells[cell.column], profile, currency)
    except ValueError as exc:
        raise BadStatement(
            row.line, f"{row.cells[cell.column]!r}: {exc}", field_name=field
        ) from None


def _statement(
    t: Table, rows: list[Parsed], profile: CsvProfile, account: str, currency: str, single: bool
) -> Statement:
    opening = closing = None
    if profile.balance is not None:
        rows = chronological(rows, profile.newest_first, t.names["balance"])
        opening, closing = from_running(rows, currency) or (None, None)
    days = [r.line.booking_date for r in rows]
    check_line = rows[-1].line.source_line if rows else 0
    for field, cell in (
        ("opening balance", profile.opening_balance),
        ("closing balance", profile.closing_balance),
    ):
        if cell is None:
            continue
        if not single:
            raise BadStatement(
                0, "balance cells need a file of one account and currency", field_name=field
            )
        line, amount = _cell(t.rows, cell, field, currency, profile)
        if field == "opening balance":
            opening = Balance(amount, currency, min(days))
        else:
            closing = Balance(amount, currency, max(days))
            check_line = line
    statement = Statement(
        format="csv",
        account=account,
        currency=currency,
        lines=tuple(r.line for r in rows),
        opening=opening,
        closing=closing,
        period_from=min(days),
        period_to=max(days),
    )
    check_balances(statement, line=check_line)
    return statement


class CsvParser:
    """Reads one bank's CSV exports with its ``CsvProfile``; without one it refuses."""

    name = "csv"

    def __init__(self, profile: CsvProfile | None = None) -> None:
        self.profile = profile

    def with_profile(self, profile: CsvProfile | Mapping[str, object]) -> CsvParser:
        """A parser for one bank's layout; a saved profile (a plain mapping) is validated
        here, so a bad one is refused when it is saved, with the field that is wrong."""
        if not isinstance(profile, CsvProfile):
            try:
                profile = CsvProfile.model_validate(dict(profile))
            except PydanticValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc']) or 'profile'}: {e['msg']}"
                    for e in exc.errors()
                )
                raise ValidationError(f"bad CSV profile: {problems}", field="profile") from None
        return CsvParser(profile)

    def identify(self, head: bytes) -> bool:
        """True when the header row has every column the profile names (never without one)."""
        if self.profile is None:
            return False
        return _fits(head, self.profile)

    def parse(self, data: bytes) -> list[Statement]:
        profile = self.profile
        if profile is None:
            raise BadStatement(0, "a CSV statement needs the bank's column profile")
        try:
            t = table(data, profile)
            parsed = [parse_row(row, t, profile) for row in t.data]
            groups: dict[tuple[str, str], list[Parsed]] = {}
            for p in parsed:
                groups.setdefault((p.account, p.line.currency), []).append(p)
            if not groups:  # an export of a quiet period: nothing to import
                return []
            single = len(groups) == 1
            return [
                _statement(t, rows, profile, account, currency, single)
                for (account, currency), rows in groups.items()
            ]
        except BadStatement:
            raise
        except (ValueError, LookupError, csv.Error) as exc:  # the edge: nothing else escapes
            raise BadStatement(0, f"unreadable CSV file: {exc}") from None


def _fits(head: bytes, profile: CsvProfile) -> bool:
    if not profile.has_header:
        return False
    text = head.decode(profile.encoding, errors="replace")
    cut = max(text.rfind("\n"), 0)
    try:
        rows = read_rows(text[:cut] if cut else text, profile)
    except BadStatement:
        return False
    body = [r for r in rows[profile.skip_rows :] if not r.blank()]
    if not body:
        return False
    have = {c.strip().casefold() for c in body[0].cells}
    wanted = [c for c in profile.columns().values() if isinstance(c, str)]
    return all(c.strip().casefold() in have for c in wanted)


def profiles_for(head: bytes, profiles: Mapping[str, CsvProfile]) -> list[str]:
    """The names of the profiles whose header signature the file's first bytes carry."""
    return [name for name, profile in profiles.items() if _fits(head, profile)]


parser = CsvParser()
