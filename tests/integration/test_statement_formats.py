"""One statement of each bank format imported through ``service.statements.import_statement``
on SQLite and PostgreSQL: camt.053, MT940, OFX, BAI2 and CSV (with a saved profile). Each
imports its lines, a second import skips them all as duplicates, and a broken copy of each is
refused whole with a BadStatement naming its line (and field), nothing of it imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ledgerbridge.service import setup, statements
from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.csv import EXAMPLE_PROFILES
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import bank_lines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bank"
ACCOUNT = "1000"

# format, fixture, lines in it, a break (old -> new), the line and field it is blamed on
CASES = [
    (
        "camt",
        "camt/statement_053_v08.xml",
        6,
        (b'<Amt Ccy="EUR">2431.08</Amt>', b'<Amt Ccy="EUR">2.431,08</Amt>'),
        None,
        "Ntry/Amt",
    ),
    (
        "mt940",
        "mt940/de_two_statements.sta",
        4,
        (b":61:2512311231CR2450,75", b":61:2512311231CR24x0,75"),
        5,
        ":61:",
    ),
    ("ofx", "ofx/checking_v102.ofx", 4, (b"<BALAMT>10458.77", b"<BALAMT>n/a"), 60, "BALAMT"),
    ("bai2", "bai2/two_days.bai2", 8, (b"49,9018300,11/", b"49,9018301,11/"), 13, "control total"),
    ("csv", "csv/fr_debit_credit.csv", 3, (b'"+8411,27"', b'"+8411,72"'), 4, "closing balance"),
]


def _count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(bank_lines)).scalar() or 0)


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize(
    ("fmt", "name", "lines", "change", "line", "field"),
    CASES,
    ids=[c[0] if isinstance(c, tuple) else "csv" for c in CASES],
)
def test_each_format_imports_once_and_a_broken_copy_is_refused(
    db: Database,
    fmt: str,
    name: str,
    lines: int,
    change: tuple[bytes, bytes],
    line: int | None,
    field: str,
) -> None:
    setup.init(db, "EUR")
    data = (FIXTURES / name).read_bytes()
    chosen: str | None = None  # the other formats are detected from the file
    if fmt == "csv":
        chosen = "csv"
        with pytest.raises(BadStatement, match="no saved CSV profile"):
            statements.import_statement(db, data, account=ACCOUNT, fmt="csv")
        profile = EXAMPLE_PROFILES["fr-debit-credit"].model_dump(mode="json")
        statements.save_profile(db, ACCOUNT, profile)

    old, new = change
    assert old in data
    broken = data.replace(old, new, 1)
    with pytest.raises(BadStatement) as refused:
        statements.import_statement(db, broken, account=ACCOUNT, fmt=chosen)
    expected = line if line is not None else _line_of(broken, new)
    assert (refused.value.details["line"], refused.value.details.get("field")) == (
        expected,
        field,
    )
    assert _count(db) == 0  # nothing of the broken file

    first = statements.import_statement(db, data, account=ACCOUNT, fmt=chosen)
    assert (first.format, first.lines_imported, first.lines_skipped_duplicate) == (fmt, lines, 0)
    assert _count(db) == lines

    again = statements.import_statement(db, data, account=ACCOUNT, fmt=chosen)
    assert (again.lines_imported, again.lines_skipped_duplicate) == (0, lines)
    assert _count(db) == lines

    with pytest.raises(BadStatement) as late:  # refused after a good import too, nothing added
        statements.import_statement(db, broken, account=ACCOUNT, fmt=chosen)
    assert late.value.details["line"] == expected
    assert _count(db) == lines


def test_a_bad_csv_profile_is_refused_when_it_is_saved(db: Database) -> None:
    from ledgerbridge.domain.errors import ValidationError

    setup.init(db, "EUR")
    with pytest.raises(ValidationError, match="bad CSV profile"):
        statements.save_profile(db, "1000", {"delimiter": ";", "no_such_field": 1})
