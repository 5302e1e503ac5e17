"""Accounts: type, role, and the default retail chart of accounts.

Sign convention (stated once): a posting's amount is positive for a debit and negative for a
credit. Asset and expense accounts normally carry debit (positive) balances; liability,
equity and income accounts credit (negative) balances. Contra-revenue accounts (discounts,
sales returns) are income accounts that carry debit balances.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ledgerbridge.domain.errors import ValidationError


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"


class Role(StrEnum):
    """What a posting rule looks an account up by; the chart names one account per role."""

    GATEWAY_CLEARING = "gateway_clearing"
    BANK = "bank"
    SALES = "sales"
    SALES_RETURNS = "sales_returns"
    DISCOUNTS = "discounts"
    SHIPPING_INCOME = "shipping_income"
    TAX_PAYABLE = "tax_payable"
    PAYMENT_FEES = "payment_fees"
    CHARGEBACKS = "chargebacks"
    GIFT_CARD_LIABILITY = "gift_card_liability"
    FX_GAIN_LOSS = "fx_gain_loss"
    ROUNDING = "rounding"
    SUSPENSE = "suspense"


_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Account:
    """A ledger account. ``source`` names the gateway source of a clearing account."""

    code: str
    name: str
    type: AccountType
    role: Role | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValidationError(f"bad account code {self.code!r}", field="code")
        if self.role is Role.GATEWAY_CLEARING and not self.source:
            raise ValidationError("a gateway_clearing account names its source", field="source")


RETAIL_CHART: tuple[Account, ...] = (
    Account("1000", "Bank", AccountType.ASSET, Role.BANK),
    Account("1090", "Suspense", AccountType.ASSET, Role.SUSPENSE),
    Account("2100", "Sales tax payable", AccountType.LIABILITY, Role.TAX_PAYABLE),
    Account("2200", "Gift card liability", AccountType.LIABILITY, Role.GIFT_CARD_LIABILITY),
    Account("4000", "Sales", AccountType.INCOME, Role.SALES),
    Account("4100", "Shipping income", AccountType.INCOME, Role.SHIPPING_INCOME),
    Account("4500", "Discounts", AccountType.INCOME, Role.DISCOUNTS),
    Account("4600", "Sales returns", AccountType.INCOME, Role.SALES_RETURNS),
    Account("6100", "Payment processing fees", AccountType.EXPENSE, Role.PAYMENT_FEES),
    Account("6200", "Chargebacks", AccountType.EXPENSE, Role.CHARGEBACKS),
    Account("7900", "Realised FX gain/loss", AccountType.EXPENSE, Role.FX_GAIN_LOSS),
    Account("7990", "Rounding", AccountType.EXPENSE, Role.ROUNDING),
)
"""The default retail chart. Gateway clearing accounts are added per source (``clearing_for``)."""

CHARTS: dict[str, tuple[Account, ...]] = {"retail": RETAIL_CHART}


def clearing_account(source_id: str, platform: str) -> Account:
    """The gateway clearing (control) account for a gateway or store source."""
    return Account(
        code=f"1100-{source_id}",
        name=f"Clearing: {source_id} ({platform})",
        type=AccountType.ASSET,
        role=Role.GATEWAY_CLEARING,
        source=source_id,
    )
