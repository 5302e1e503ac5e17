"""Which bank rule fits a bank line, and which lines are ready to be categorised."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.matching.bank_rules import (
    BankLine,
    BankRule,
    checked_rule,
    draft_for,
    first_fit,
    fits,
    ready,
)

DAY = date(2026, 3, 2)


def rule(rule_id: str = "br_1", **kw: Any) -> BankRule:
    fields: dict[str, Any] = {"priority": 100, "name": None, "account": "6400", "text": "rent"}
    return checked_rule(rule_id=rule_id, **{**fields, **kw})


def line(amount: str, text: str = "LANDLORD Rent March", **kw: Any) -> BankLine:
    fields: dict[str, Any] = {"account": "1000", "currency": "EUR", "day": DAY}
    return BankLine("bl_1", amount=Decimal(amount), text=text, **{**fields, **kw})


def test_a_rule_fits_by_text_direction_account_and_size() -> None:
    base = rule(direction="debit", min_amount="100", max_amount="2000", bank_account="1000")
    assert fits(base, line("-1800.00"))
    assert not fits(base, line("1800.00"))
    assert not fits(base, line("-2000.01"))
    assert not fits(base, line("-99.99"))
    assert not fits(base, line("-1800.00", account="1010"))
    assert not fits(base, line("-1800.00", text="ACME supplies"))


def test_the_first_rule_by_priority_then_id_wins() -> None:
    later = rule("br_2", name="b", account="4900")
    first = rule("br_3", name="a", priority=10)
    same = rule("br_1", name="c", account="5100")
    assert first_fit([later, first, same], line("-5")) is first
    assert first_fit([later, same], line("-5")) is same
    assert first_fit([later], line("-5", text="nothing")) is None


def test_deposits_wait_out_the_grace_and_never_when_they_name_a_gateway() -> None:
    assert ready(line("-10"), DAY)
    assert not ready(line("10"), date(2026, 3, 5))
    assert ready(line("10"), date(2026, 3, 6))
    assert not ready(line("10", text="STRIPE PAYMENTS"), date(2026, 4, 6))
    assert not ready(line("10", references="PAYPAL 1234"), date(2026, 4, 6))
    assert not ready(line("-10", booked=False), DAY)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": " "}, "text_contains"),
        ({"direction": "sideways"}, "direction"),
        ({"min_amount": "-1"}, "min_amount"),
        ({"min_amount": 1.5}, "min_amount"),
        ({"min_amount": "20", "max_amount": "10"}, "min_amount"),
        ({"name": "x" * 33}, "name"),
        ({"priority": "1"}, "priority"),
        ({"bank_account": "6400"}, "account"),
    ],
)
def test_a_bad_rule_is_refused_with_its_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        rule(**fields)
    assert refused.value.details["field"] == field


def test_the_draft_moves_the_bank_by_the_line_and_the_rule_account_against_it() -> None:
    draft = draft_for(rule(), line("-1800.00"), "Rent March")
    assert draft.key == "bank:bl_1"
    assert draft.description == "Bank rule rent -> 6400: Rent March"
    assert [(x.account, x.amount) for x in draft.lines] == [
        ("1000", Decimal("-1800.00")),
        ("6400", Decimal("1800.00")),
    ]
