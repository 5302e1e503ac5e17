"""One camt ``Ntry`` into bank lines, by explicit child paths only (never ``.//`` from an entry,
which would pick a ``TxDtls`` reference when the entry has none).

Conventions, stated once here:
- The amount is ``Ntry/Amt`` (unsigned) signed by ``Ntry/CdtDbtInd``: CRDT +, DBIT -. A
  reversal (``RvslInd`` true) keeps that sign, which already nets the reversal; it is flagged.
- A batch (``NtryDtls`` with several ``TxDtls``) stays ONE bank line by default: the bank booked
  one amount, and the same booking reported by a camt.052, a camt.053 and a camt.054 (which
  carry different detail) must dedupe to one line on ``AcctSvcrRef``. Its remittance joins the
  details' texts. With ``split_batches`` the entry becomes one line per ``TxDtls`` instead, but
  only when every detail carries its own amount in the account's currency and they sum to the
  entry exactly (charges deducted on the way break the sum: then it stays one line, with a
  warning); the parts' ``bank_ref`` is the entry's ``AcctSvcrRef`` + ``/1``, ``/2``...
- Counterparty by side: on a credit the debtor (``Dbtr``) paid us, on a debit the creditor
  (``Cdtr``) was paid; ``Dbtr/Nm`` (.02-.06) or ``Dbtr/Pty/Nm`` (.08+), else the ultimate party.
  A reversal describes the original payment, whose roles are the other way round (a returned
  direct debit names the customer as ``Dbtr``): that side is read first, then the booked one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ledgerbridge.statements.base import BankLine
from ledgerbridge.statements.camt.values import (
    Days,
    Element,
    amount,
    child,
    children,
    clean,
    fail,
    flag,
    line_of,
    reference,
    required,
    sign,
    text,
)

STATUS_CODES = frozenset({"BOOK", "PDNG", "INFO", "FUTR"})
_ACCOUNT_AMOUNTS = ("AmtDtls/CntrValAmt/Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
_SEPARATOR = " | "


@dataclass(frozen=True, slots=True)
class Context:
    currency: str
    days: Days
    split_batches: bool = False


@dataclass(frozen=True, slots=True)
class Detail:
    """What one ``TxDtls`` says; ``amount`` is signed, None when the detail carries none."""

    element: Element
    amount: Decimal | None
    currency: str | None
    customer_ref: str | None
    remittance: str
    counterparty: str | None
    counterparty_account: str | None
    tx_code: str | None


def read_entry(ntry: Element, ctx: Context) -> tuple[list[BankLine], list[str]]:
    """The bank line(s) of one ``Ntry`` and any warnings about it."""
    warnings: list[str] = []
    amt = required(ntry, "Amt", "Ntry/Amt")
    value, ccy = amount(amt, "Ntry/Amt")
    direction = sign(ntry, "Ntry/CdtDbtInd")
    if ccy != ctx.currency:
        value = _in_account_currency(ntry, amt, ccy, ctx.currency)
        warnings.append(
            f"line {line_of(ntry)}: entry of {ccy} {amt.text.strip()} booked as "
            f"{ctx.currency} {value} (its AmtDtls amount in the account's currency)"
        )
    booking, value_date = _dates(ntry, ctx.days)
    reversal = flag(ntry, "RvslInd", "Ntry/RvslInd")
    details = [_detail(tx, direction, reversal) for tx in children(ntry, "NtryDtls/TxDtls")]
    bank_ref = reference(ntry, "AcctSvcrRef")
    if bank_ref is None and len(details) == 1:
        bank_ref = reference(details[0].element, "Refs/AcctSvcrRef")
    note = text(ntry, "AddtlNtryInf")
    line = BankLine(
        amount=value * direction,
        currency=ctx.currency,
        booking_date=booking,
        value_date=value_date,
        bank_ref=bank_ref,
        customer_ref=_common(d.customer_ref for d in details)
        or reference(ntry, "NtryDtls/Btch/PmtInfId"),
        remittance=_remittance(details, note),
        counterparty=_common(d.counterparty for d in details),
        counterparty_account=_common(d.counterparty_account for d in details),
        tx_code=bank_code(ntry) or _common(d.tx_code for d in details),
        status=_status(ntry),
        reversal=reversal,
        source_line=line_of(ntry),
    )
    if ctx.split_batches and len(details) > 1:
        parts = _split(line, details, note, ctx.currency)
        if parts is not None:
            return parts, warnings
        warnings.append(
            f"line {line_of(ntry)}: the batch's {len(details)} details do not carry amounts "
            f"that sum to the entry's {line.amount}; kept as one line"
        )
    return [line], warnings


def _split(
    line: BankLine, details: list[Detail], note: str | None, currency: str
) -> list[BankLine] | None:
    amounts = [d.amount for d in details if d.amount is not None and d.currency == currency]
    if len(amounts) != len(details) or sum(amounts, Decimal(0)) != line.amount:
        return None
    return [
        replace(
            line,
            amount=amounts[n],
            bank_ref=f"{line.bank_ref}/{n + 1}" if line.bank_ref else None,
            customer_ref=d.customer_ref,
            remittance=d.remittance or note or "",
            counterparty=d.counterparty,
            counterparty_account=d.counterparty_account,
            tx_code=d.tx_code or line.tx_code,
            source_line=line_of(d.element),
        )
        for n, d in enumerate(details)
    ]


def _detail(tx: Element, entry_sign: int, reversal: bool) -> Detail:
    amount_el = child(tx, "Amt")
    direction = entry_sign
    if amount_el is not None:  # .03+: the detail's own amount and sign
        if child(tx, "CdtDbtInd") is not None:
            direction = sign(tx, "TxDtls/CdtDbtInd")
        field = "TxDtls/Amt"
    else:  # .02: only AmtDtls, the sign inherited from the entry (as OCA reads it)
        amount_el = child(tx, "AmtDtls/TxAmt/Amt")
        field = "TxDtls/AmtDtls/TxAmt/Amt"
    value: Decimal | None = None
    ccy: str | None = None
    if amount_el is not None:
        unsigned, ccy = amount(amount_el, field)
        value = unsigned * direction
    sides = ("Dbtr", "Cdtr") if direction > 0 else ("Cdtr", "Dbtr")
    name, account = _party(tx, sides[::-1] if reversal else sides[:1])
    return Detail(
        element=tx,
        amount=value,
        currency=ccy,
        customer_ref=reference(tx, "Refs/EndToEndId"),
        remittance=_detail_text(tx),
        counterparty=name,
        counterparty_account=account,
        tx_code=bank_code(tx),
    )


def _party(tx: Element, sides: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The name and account (IBAN, else other id) of the first side that names a party."""
    for side in sides:
        for spec in (side, f"Ultmt{side}"):
            name = text(tx, f"RltdPties/{spec}/Nm") or text(tx, f"RltdPties/{spec}/Pty/Nm")
            if name:
                account = text(tx, f"RltdPties/{side}Acct/Id/IBAN") or text(
                    tx, f"RltdPties/{side}Acct/Id/Othr/Id"
                )
                return name, account
    return None, None


def _detail_text(tx: Element) -> str:
    """``Ustrd`` (0..n, all joined), then the structured references; ``AddtlTxInf`` only when
    the detail has no remittance information at all."""
    parts: list[str] = []
    for info in children(tx, "RmtInf"):
        parts.extend(filter(None, (clean(u.text) for u in children(info, "Ustrd"))))
        for strd in children(info, "Strd"):
            for spec in ("CdtrRefInf/Ref", "RfrdDocInf/Nb", "AddtlRmtInf"):
                parts.extend(filter(None, (clean(e.text) for e in children(strd, spec))))
    if not parts:
        extra = text(tx, "AddtlTxInf")
        if extra:
            parts.append(extra)
    return " ".join(parts)


def _remittance(details: list[Detail], note: str | None) -> str:
    texts: list[str] = []
    for detail in details:
        if detail.remittance and detail.remittance not in texts:
            texts.append(detail.remittance)
    joined = _SEPARATOR.join(texts)
    if note and note not in joined:
        joined = f"{joined}{_SEPARATOR}{note}" if joined else note
    return joined


def bank_code(holder: Element) -> str | None:
    """``BkTxCd/Domn`` as ``PMNT/RCDT/ESCT``, else the proprietary code (DK ``NTRF+116+...``)."""
    domain = child(holder, "BkTxCd/Domn")
    if domain is not None:
        codes = [text(domain, "Cd"), text(domain, "Fmly/Cd"), text(domain, "Fmly/SubFmlyCd")]
        joined = "/".join(c for c in codes if c)
        if joined:
            return joined
    return text(holder, "BkTxCd/Prtry/Cd")


def _status(ntry: Element) -> str:
    sts = required(ntry, "Sts", "Ntry/Sts")
    proprietary = text(sts, "Prtry")
    if proprietary:
        return proprietary
    holder = child(sts, "Cd")  # .08+: Sts/Cd; .02-.06: the bare code
    code = (clean((sts if holder is None else holder).text) or "").upper()
    if code not in STATUS_CODES:
        raise fail(
            sts if holder is None else holder,
            f"entry status {code!r} is not BOOK, PDNG, INFO or FUTR",
            "Ntry/Sts",
        )
    return code


def _dates(ntry: Element, days: Days) -> tuple[date, date | None]:
    booked = child(ntry, "BookgDt")
    valued = child(ntry, "ValDt")
    booking = days.read(booked, "Ntry/BookgDt") if booked is not None else None
    value_date = days.read(valued, "Ntry/ValDt") if valued is not None else None
    if booked is not None and booking is None:
        raise fail(booked, "BookgDt has neither Dt nor DtTm", "Ntry/BookgDt")
    if booking is None:  # a pending entry may carry only its value date
        booking = value_date
    if booking is None:
        raise fail(ntry, "the entry has neither a booking nor a value date", "Ntry/BookgDt")
    return booking, value_date


def _in_account_currency(ntry: Element, amt: Element, ccy: str, currency: str) -> Decimal:
    for spec in _ACCOUNT_AMOUNTS:
        found = child(ntry, spec)
        if found is not None and found.get("Ccy") == currency:
            return amount(found, f"Ntry/{spec}")[0]
    raise fail(
        amt,
        f"the entry is in {ccy} on a {currency} account, and no AmtDtls amount "
        f"in {currency} says what was booked",
        "Ntry/Amt",
    )


def _common(values: Iterable[str | None]) -> str | None:
    """The value all details agree on; None when they differ, or any lacks it."""
    seen = set(values)
    return seen.pop() if len(seen) == 1 else None
