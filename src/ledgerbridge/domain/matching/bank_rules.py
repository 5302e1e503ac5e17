"""Bank categorisation rules: a bank line that is no gateway payout (rent, a supplier, a bank
charge) is posted against an account chosen by the first rule that fits it.

A rule fits a line when its text is in the line's remittance or counterparty (case-insensitive),
the direction agrees (credit: money in, debit: money out, or any), the line is on the rule's
bank account (when it names one) and the line's size (its absolute amount, in its own
currency) is within the rule's bounds (when it has them). Rules are tried by priority, then id,
so the choice is deterministic.

A line is categorised only once it is booked, and a deposit only after the level 1 grace (its
payout may still arrive); a deposit naming a gateway is never categorised: it waits for its
payout or stays a discrepancy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.matching.payouts import DEPOSIT_GRACE_DAYS, GATEWAY_WORDS
from ledgerbridge.domain.money import parse_decimal
from ledgerbridge.domain.posting.context import Draft, DraftLine

KIND = "categorised"
DIRECTIONS = ("credit", "debit", "any")
NAME_MAX = 32
TEXT_MAX = 200


@dataclass(frozen=True, slots=True)
class BankRule:
    id: str
    priority: int
    name: str
    account: str
    text: str
    direction: str = "any"
    bank_account: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BankLine:
    """A bank line as the rules see it: ``amount`` signed, money in positive; ``text`` is
    remittance and counterparty (what a rule reads); ``references`` adds the bank's and the
    customer's references (what names a gateway, as level 1 reads a deposit)."""

    id: str
    account: str
    amount: Decimal
    currency: str
    day: date
    text: str
    references: str = ""
    booked: bool = True


def checked_rule(
    *,
    rule_id: str,
    priority: object,
    name: str | None,
    account: str,
    text: str,
    direction: str = "any",
    bank_account: str | None = None,
    min_amount: object = None,
    max_amount: object = None,
) -> BankRule:
    """A rule from what a person typed, or ValidationError naming the field."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("a rule needs the text to look for", field="text_contains")
    if len(text) > TEXT_MAX:
        raise ValidationError(f"text is at most {TEXT_MAX} characters", field="text_contains")
    account = (account or "").strip()
    if not account:
        raise ValidationError("a rule needs the account to post to", field="account")
    if direction not in DIRECTIONS:
        raise ValidationError(
            f"direction is one of {', '.join(DIRECTIONS)}, not {direction!r}", field="direction"
        )
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ValidationError(f"priority is a whole number, not {priority!r}", field="priority")
    name = (name or "").strip() or f"{text} -> {account}"[:NAME_MAX].strip()
    if len(name) > NAME_MAX:
        raise ValidationError(f"a rule's name is at most {NAME_MAX} characters", field="name")
    low, high = _bound(min_amount, "min_amount"), _bound(max_amount, "max_amount")
    if low is not None and high is not None and low > high:
        raise ValidationError(f"min_amount {low} is above max_amount {high}", field="min_amount")
    bank = (bank_account or "").strip() or None
    if bank is not None and bank == account:
        raise ValidationError("a rule posts to another account than its bank's", field="account")
    return BankRule(rule_id, priority, name, account, text, direction, bank, low, high)


def _bound(value: object, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    amount = parse_decimal(value, field=field)
    if amount < 0:
        raise ValidationError(f"{field} is a size (not below 0), not {amount}", field=field)
    return amount


def fits(rule: BankRule, line: BankLine) -> bool:
    size = abs(line.amount)
    return (
        (rule.direction == "any" or (rule.direction == "credit") == (line.amount > 0))
        and (rule.bank_account is None or rule.bank_account == line.account)
        and (rule.min_amount is None or size >= rule.min_amount)
        and (rule.max_amount is None or size <= rule.max_amount)
        and rule.text.lower() in line.text.lower()
    )


def first_fit(rules: Iterable[BankRule], line: BankLine) -> BankRule | None:
    return next((r for r in sorted(rules, key=lambda r: (r.priority, r.id)) if fits(r, line)), None)


def names_gateway(line: BankLine) -> str | None:
    text = f"{line.text} {line.references}".lower()
    return next((g for g, words in GATEWAY_WORDS.items() if any(w in text for w in words)), None)


def ready(line: BankLine, today: date) -> bool:
    """Booked, not zero, and no payout can still claim it: a debit at once, a deposit after
    the grace level 1 gives it, and never a deposit naming a gateway."""
    if not line.booked or line.amount == 0:
        return False
    if line.amount < 0:
        return True
    return today > line.day + timedelta(days=DEPOSIT_GRACE_DAYS) and names_gateway(line) is None


def draft_for(rule: BankRule, line: BankLine, remittance: str) -> Draft:
    """The bank's account moves by the line (money in is a debit), the rule's account takes
    the other side; key ``bank:<line id>`` so a line posts once."""
    return Draft(
        key=f"bank:{line.id}",
        effective_date=line.day,
        description=f"Bank rule {rule.name}: {remittance or line.text}".strip(),
        lines=(
            DraftLine(line.account, line.amount, line.currency),
            DraftLine(rule.account, -line.amount, line.currency),
        ),
    )
