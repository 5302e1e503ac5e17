"""A bank's CSV layout, declared once per account (after OCA's sheet mapping, BANKFILES.md §5).

A column is named by its header text (matched after trimming, case-insensitively) or by its
0-based index (needed when the file has no header row). The amount comes one of three ways:
- ``amount``: one signed column (``invert_sign`` for card exports that show charges positive);
- ``amount`` + ``sign_column``: the amount's absolute value, signed by a D/C (or S/H) flag;
- ``debit`` and/or ``credit``: two columns; each value's own sign is ignored (some banks
  write debits already negative), a debit is money out and a credit money in.
Nothing is guessed: not the date order, not the sign, not the decimal separator.
"""

from __future__ import annotations

import codecs
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ledgerbridge.domain.errors import CurrencyError
from ledgerbridge.domain.money import normalize_currency

Column = str | int


class BalanceCell(BaseModel):
    """A balance printed outside the rows (a preamble or footer line): ``row`` counts CSV rows
    from 1 at the top of the file, or from -1 at the bottom; ``column`` is a 0-based index."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int = Field(description="1-based from the top, or negative from the bottom")
    column: int = Field(ge=0)

    @field_validator("row")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("row counts from 1 (top) or -1 (bottom), never 0")
        return value


class CsvProfile(BaseModel):
    """How to read one bank's CSV export."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = ""
    account: str = Field("", description="the account all rows belong to (unless account_column)")
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"
    decimal_separator: Literal[".", ","] = "."
    thousands_separator: Literal["", ",", ".", " ", "'"] = ""
    date_format: str = "%Y-%m-%d"
    skip_rows: int = Field(0, ge=0, description="rows before the header (or the data)")
    has_header: bool = True
    footer_rows: int = Field(0, ge=0, description="rows after the data (totals, balances)")

    date: Column
    value_date: Column | None = None
    amount: Column | None = None
    sign_column: Column | None = None
    debit_values: tuple[str, ...] = ("D", "DR", "DEBIT", "S", "-")
    credit_values: tuple[str, ...] = ("C", "CR", "CREDIT", "H", "+")
    debit: Column | None = None
    credit: Column | None = None
    invert_sign: bool = False

    currency: str | None = None
    currency_column: Column | None = None
    account_column: Column | None = None
    reference: Column | None = Field(None, description="the bank's own unique reference")
    customer_reference: Column | None = None
    remittance: tuple[Column, ...] = ()
    remittance_separator: str = " "
    counterparty: Column | None = None
    counterparty_account: Column | None = None
    tx_code: Column | None = None

    balance: Column | None = Field(None, description="running balance after each row, checked")
    newest_first: bool | None = Field(None, description="row order; None: read from the dates")
    opening_balance: BalanceCell | None = None
    closing_balance: BalanceCell | None = None

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError("must be exactly one character")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str | None) -> str | None:
        try:
            return None if value is None else normalize_currency(value)
        except CurrencyError:
            raise ValueError(f"{value!r} is not an ISO 4217 currency") from None

    @model_validator(mode="after")
    def _one_way_to_each_value(self) -> CsvProfile:
        two_columns = self.debit is not None or self.credit is not None
        if (self.amount is None) == (not two_columns):
            raise ValueError("give either amount (optionally with sign_column) or debit/credit")
        if self.sign_column is not None and self.amount is None:
            raise ValueError("sign_column goes with amount")
        if (self.currency is None) == (self.currency_column is None):
            raise ValueError("give exactly one of currency and currency_column")
        if self.thousands_separator == self.decimal_separator:
            raise ValueError("the thousands separator cannot be the decimal separator")
        if not self.has_header and any(isinstance(c, str) for c in self.columns().values()):
            raise ValueError("without a header row, columns are 0-based indexes")
        return self

    def columns(self) -> dict[str, Column]:
        """Every column the profile reads, by the profile field that names it."""
        single = (
            "date",
            "value_date",
            "amount",
            "sign_column",
            "debit",
            "credit",
            "currency_column",
            "account_column",
            "reference",
            "customer_reference",
            "counterparty",
            "counterparty_account",
            "tx_code",
            "balance",
        )
        found: dict[str, Column] = {}
        for name in single:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for i, column in enumerate(self.remittance):
            found[f"remittance[{i}]"] = column
        return found
