"""Account names for Beancount and hledger, derived from our codes, types and roles.

``<Root>:<Role>:<Code>``: the root from the type (Assets, Liabilities, Equity, Income,
Expenses), the role in CamelCase (``gateway_clearing`` -> ``Clearing``), the code sanitised;
``<Root>:<Code>`` for an account without a role. A component keeps only letters, digits and
dashes and starts with a capital letter or a digit (Beancount's rule): ``1100-stripe`` stays,
``a.b_c`` becomes ``A-b-c``. Two codes that sanitise alike get a short hash of the code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ledgerbridge.domain.accounts import Account, AccountType, Role

ROOTS = {
    AccountType.ASSET: "Assets",
    AccountType.LIABILITY: "Liabilities",
    AccountType.EQUITY: "Equity",
    AccountType.INCOME: "Income",
    AccountType.EXPENSE: "Expenses",
}
ROLE_NAMES = {Role.GATEWAY_CLEARING: "Clearing", Role.FX_GAIN_LOSS: "FxGainLoss"}
_OTHER = re.compile(r"[^A-Za-z0-9-]+")


def component(text: str) -> str:
    """One valid account-name component: letters, digits, dashes; a capital or digit first."""
    cleaned = _OTHER.sub("-", text).strip("-") or "X"
    return cleaned[0].upper() + cleaned[1:] if cleaned[0].isalpha() else cleaned


def role_name(role: Role) -> str:
    return ROLE_NAMES.get(role) or "".join(p.capitalize() for p in role.value.split("_"))


def account_name(account: Account) -> str:
    parts = [ROOTS[account.type]]
    if account.role is not None:
        parts.append(role_name(account.role))
    return ":".join([*parts, component(account.code)])


def account_names(accounts: Iterable[Account]) -> dict[str, str]:
    """code -> name, unique: a clash after sanitising is broken by a hash of the code."""
    names: dict[str, str] = {}
    for account in sorted(accounts, key=lambda a: a.code):
        name = account_name(account)
        if name in names.values():
            name += "-H" + hashlib.sha256(account.code.encode()).hexdigest()[:8]
        names[account.code] = name
    return names
