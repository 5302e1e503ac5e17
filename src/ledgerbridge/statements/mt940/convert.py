"""One statement block, as mt-940 read it, into our ``Statement``: exact signed amounts,
booking dates with the right year, references, the raw ``:86:`` text and the counterparty;
opening + lines = closing checked for MT940 (an MT942 interim report carries no balances).

Signs: ``C`` and ``RD`` (reversal of a debit) are credits, positive; ``D`` and ``RC``
(reversal of a credit) are debits, negative (``mt940.Options.all()`` turns on
``reversal_sign``, without which mt-940 leaves ``RC`` positive).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mt940.models import Transactions

from ledgerbridge.domain.errors import ValidationError
from ledgerbridge.domain.money import normalize_currency, parse_decimal, round_half_even
from ledgerbridge.statements.base import BadStatement, Balance, BankLine, Statement, check_balances
from ledgerbridge.statements.mt940.details import PLACEHOLDERS, counterparty
from ledgerbridge.statements.mt940.prepass import Block, Tag, remittance

OPENING = (
    ("60F", "final_opening_balance"),
    ("60M", "intermediate_opening_balance"),
    ("60", "opening_balance"),
)
CLOSING = (
    ("62F", "final_closing_balance"),
    ("62M", "intermediate_closing_balance"),
    ("62", "closing_balance"),
)
INTERIM_TAGS = ("34F", "13D", "13", "90D", "90C")


def exact(value: object, currency: str, line: int, field_name: str) -> Decimal:
    """``value`` as a Decimal at ``currency``'s exponent; more decimals than that is an error."""
    try:
        amount = parse_decimal(value, field=field_name)
    except ValidationError as error:
        raise BadStatement(line, error.message, field_name=field_name) from None
    rounded = round_half_even(amount, currency)
    if rounded != amount:
        raise BadStatement(
            line, f"{amount} has more decimals than {currency} allows", field_name=field_name
        )
    return rounded


def entry_year(value_date: date, entry: date | None) -> date | None:
    """The :61: entry date is MMDD without a year: put it in the year (before, of, or after the
    value date's) that brings it closest to the value date, so ``:61:2601011230`` books on
    2025-12-30 and ``:61:1412310105`` on 2015-01-05 (mt-940 #17/#121)."""
    if entry is None:
        return None
    entry = date(entry.year, entry.month, entry.day)  # mt-940's Date subclass -> a plain date
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(entry.replace(year=year))
        except ValueError:  # 29 February in a year without one
            continue
    return min(candidates, key=lambda day: abs((day - value_date).days))


def _balance(
    data: dict[str, Any], block: Block, choices: tuple[tuple[str, str], ...], currency: str
) -> tuple[Balance, Tag] | None:
    for tag_name, key in choices:
        tag = block.first(tag_name)
        if tag is None:
            continue
        found = data.get(key)
        money = getattr(found, "amount", None)
        if found is None or money is None or getattr(found, "date", None) is None:
            raise BadStatement(
                tag.line, f"cannot read the balance {tag.value!r}", field_name=f":{tag_name}:"
            )
        if getattr(money, "currency", None) != currency:
            raise BadStatement(
                tag.line,
                f"balance in {money.currency}, statement in {currency}",
                field_name=f":{tag_name}:",
            )
        amount = exact(money.amount, currency, tag.line, f":{tag_name}:")
        return Balance(
            amount, currency, date(found.date.year, found.date.month, found.date.day)
        ), tag
    return None


def _currency(block: Block, parsed: Transactions) -> str:
    where = block.first("60F", "60M", "60", "34F") or block.tags[0]
    code = parsed.currency
    if not code:
        raise BadStatement(
            where.line,
            "no currency: no :60F: balance or :34F: floor limit",
            field_name=f":{where.name}:",
        )
    try:
        return normalize_currency(code)
    except ValidationError:
        raise BadStatement(
            where.line, f"unknown currency {code!r}", field_name=f":{where.name}:"
        ) from None


def _line(tag: Tag, details: Tag | None, data: dict[str, Any], currency: str) -> BankLine:
    money = data.get("amount")
    value_date = data.get("date")
    if money is None or value_date is None:
        raise BadStatement(tag.line, f"cannot read {tag.value!r}", field_name=":61:")
    amount = exact(getattr(money, "amount", None), currency, tag.line, ":61: amount")
    value_day = date(value_date.year, value_date.month, value_date.day)
    text = remittance(details) if details else ""
    extra = str(data.get("extra_details") or "")
    party = counterparty(text, data, extra)
    own_ref = str(data.get("customer_reference") or "").split("\n")[0].strip()
    bank_ref = str(data.get("bank_reference") or "").strip()
    code = str(data.get("id") or "").strip() or None
    status = str(data.get("status") or "").upper()
    return BankLine(
        amount=amount,
        currency=currency,
        booking_date=entry_year(value_day, data.get("guessed_entry_date")) or value_day,
        value_date=value_day,
        bank_ref=None if bank_ref.upper() in PLACEHOLDERS else bank_ref,
        customer_ref=party.end_to_end or (None if own_ref.upper() in PLACEHOLDERS else own_ref),
        remittance=text or extra.strip(),
        counterparty=party.name,
        counterparty_account=party.account,
        tx_code=f"{code}+{party.gvc}" if code and party.gvc else code,
        reversal=status.startswith("R"),
        source_line=tag.line,
    )


def build(block: Block, parsed: Transactions) -> Statement:
    """The ``Statement`` of one block; raises ``BadStatement`` with the line that is wrong."""
    account_tag = block.first("25")
    if account_tag is None or not account_tag.value.strip():
        raise BadStatement(block.line, "statement without a :25: account", field_name=":25:")
    currency = _currency(block, parsed)
    opening = _balance(parsed.data, block, OPENING, currency)
    closing = _balance(parsed.data, block, CLOSING, currency)
    interim = opening is None and closing is None and block.first(*INTERIM_TAGS) is not None
    if not interim and opening is None:
        raise BadStatement(
            block.line, "statement without an opening balance :60F:/:60M:", field_name=":60F:"
        )
    if not interim and closing is None:
        raise BadStatement(
            block.last_line,
            "statement without a closing balance :62F:/:62M: (is the file cut short?)",
            field_name=":62F:",
        )
    pairs = block.pairs()
    if len(pairs) != len(parsed.transactions):
        raise BadStatement(
            block.line,
            f"{len(pairs)} :61: lines but mt-940 read {len(parsed.transactions)}",
            field_name=":61:",
        )
    lines = tuple(
        _line(tag, details, tx.data, currency)
        for (tag, details), tx in zip(pairs, parsed.transactions, strict=True)
    )
    reference = block.first("20")
    number = block.first("28C", "28")
    stmt_id = "/".join(t.value.strip() for t in (reference, number) if t is not None)
    days = [x.booking_date for x in lines]
    statement = Statement(
        format="mt942" if interim else "mt940",
        account=account_tag.value.strip(),
        currency=currency,
        lines=lines,
        statement_id=stmt_id or None,
        opening=opening[0] if opening else None,
        closing=closing[0] if closing else None,
        period_from=opening[0].day if opening else min(days, default=None),
        period_to=closing[0].day if closing else max(days, default=None),
    )
    check_balances(statement, line=closing[1].line if closing else block.line)
    return statement
