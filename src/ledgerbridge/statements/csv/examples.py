"""Built-in example profiles, as data: starting points for a bank's saved profile.

Each is modelled on a real export layout (BANKFILES.md §5); a saved per-account profile
copies one and sets the account (and currency) for that account.
"""

from __future__ import annotations

from ledgerbridge.statements.csv.profile import CsvProfile

_RAW: dict[str, dict[str, object]] = {
    # US checking export (the Chase / beangulp layout): one signed Amount column, M/D/YYYY,
    # newest row first, a running Balance, a trailing empty column.
    "us-signed-amount": {
        "name": "US bank, signed amount",
        "currency": "USD",
        "date_format": "%m/%d/%Y",
        "date": "Posting Date",
        "amount": "Amount",
        "balance": "Balance",
        "remittance": ["Description"],
        "tx_code": "Type",
        "customer_reference": "Check or Slip #",
    },
    # An amount whose own sign is not to be trusted, signed by a D/C flag column; US number
    # format with thousands commas; a running balance.
    "amount-dc-flag": {
        "name": "Amount with a D/C flag",
        "currency": "USD",
        "date_format": "%m/%d/%Y",
        "thousands_separator": ",",
        "date": "Date",
        "amount": "Amount",
        "sign_column": "D/C",
        "balance": "Balance",
        "remittance": ["Label"],
        "counterparty": "Partner Name",
        "counterparty_account": "Bank Account",
    },
    # French-style export: four preamble rows (the closing balance on row 4), the header on
    # row 5, DD/MM/YY, comma decimals, separate Debit and Credit columns (debits already
    # negative), the opening balance in a footer row.
    "fr-debit-credit": {
        "name": "FR bank, debit and credit columns",
        "currency": "EUR",
        "decimal_separator": ",",
        "date_format": "%d/%m/%y",
        "skip_rows": 4,
        "footer_rows": 1,
        "date": "Date",
        "debit": "Debit",
        "credit": "Credit",
        "reference": "Operation Number",
        "remittance": ["Label", "Detail"],
        "closing_balance": {"row": 4, "column": 4},
        "opening_balance": {"row": -1, "column": 4},
    },
}

EXAMPLE_PROFILES: dict[str, CsvProfile] = {
    key: CsvProfile.model_validate(raw) for key, raw in _RAW.items()
}
