"""The CSV file as rows with the line each starts on, and the profile's columns found in it.

Quoted fields may span lines, so a row's line is where its record starts, counted the way an
editor counts (``\\r\\n``, ``\\n`` and ``\\r`` each end a line).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ledgerbridge.statements.base import BadStatement
from ledgerbridge.statements.csv.profile import Column, CsvProfile


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[str, ...]

    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass(frozen=True, slots=True)
class Table:
    """All rows of the file, and where the data rows are."""

    rows: tuple[Row, ...]
    header: Row | None
    data: tuple[Row, ...]
    index: dict[str, int]
    """Profile field -> 0-based cell index."""
    names: dict[str, str]
    """Profile field -> the column's name, for messages."""


def decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadStatement(
            line,
            f"not {encoding} text (byte {data[exc.start]:#04x}); check the profile's encoding",
            field_name="encoding",
        ) from None


def read_rows(text: str, profile: CsvProfile) -> list[Row]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=profile.delimiter,
        quotechar=profile.quotechar,
        strict=True,
    )
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append(Row(start, tuple(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise BadStatement(start, f"not readable as CSV: {exc}") from None
    return rows


def _find(column: Column, header: Row | None, field: str) -> tuple[int, str]:
    if isinstance(column, int):
        name = header.cells[column].strip() if header and column < len(header.cells) else ""
        return column, name or f"column {column}"
    if header is None:  # the profile refuses named columns without a header; be sure
        raise BadStatement(1, f"column {column!r} needs a header row", field_name=column)
    wanted = column.strip().casefold()
    for i, cell in enumerate(header.cells):
        if cell.strip().casefold() == wanted:
            return i, cell.strip()
    raise BadStatement(
        header.line,
        f"the header has no column {column!r} (profile {field}); "
        f"it has {', '.join(repr(c) for c in header.cells if c)}",
        field_name=column,
    )


def table(data: bytes, profile: CsvProfile) -> Table:
    rows = read_rows(decode(data, profile.encoding), profile)
    body = list(rows[profile.skip_rows :])
    header = None
    if profile.has_header:
        while body and body[0].blank():
            body.pop(0)
        if not body:
            raise BadStatement(len(rows) or 1, "no header row", field_name="header")
        header = body.pop(0)
    while body and body[-1].blank():
        body.pop()
    if profile.footer_rows:
        if len(body) < profile.footer_rows:
            raise BadStatement(
                rows[-1].line if rows else 1, "fewer rows than the footer", field_name="footer"
            )
        body = body[: len(body) - profile.footer_rows]
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for field, column in profile.columns().items():
        index[field], names[field] = _find(column, header, field)
    width = len(header.cells) if header else None
    data_rows = []
    for row in body:
        if row.blank():
            continue
        if width is not None and any(c.strip() for c in row.cells[width:]):
            raise BadStatement(
                row.line,
                f"{len(row.cells)} fields where the header has {width}"
                " (an unquoted delimiter inside a value?)",
                field_name="row",
            )
        data_rows.append(row)
    return Table(tuple(rows), header, tuple(data_rows), index, names)
