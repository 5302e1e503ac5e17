"""Adyen notification items to canonical events (pure: payload and look-ups in, events out).

Only ``success: "true"`` moves money; a "false" item of a type below is Noted.
    AUTHORISATION        nothing (a capture follows), or Charge …:charge:{pspReference} when
                         the source's settings say ``auto_capture: true``
    CAPTURE              Charge …:charge:{originalReference} (the payment, so an auto-captured
                         authorisation and its capture post once)
    REFUND               GatewayRefund …:refund:{pspReference} of charge originalReference
    CHARGEBACK           DisputeFunds …:dispute:{pspReference}:withdrawn
    CHARGEBACK_REVERSED  DisputeFunds …:dispute:{pspReference}:reinstated (withdrawn < 0)
    SECOND_CHARGEBACK    DisputeFunds …:dispute:{pspReference}:second:withdrawn
    CAPTURE_FAILED, REFUND_FAILED, REFUNDED_REVERSED   Noted: booked money may need undoing
    REPORT_AVAILABLE     a settlement details report (downloaded by client.py): settlement.py
Every dispute event of one dispute shares its pspReference; originalReference is the payment.
A refund posts on its own against the clearing account and never waits for its capture, so it
may arrive (and post) first: Adyen guarantees no order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledgerbridge.domain.errors import MalformedPayloadError
from ledgerbridge.domain.events import (
    Charge,
    CommerceEvent,
    DisputeFunds,
    GatewayRefund,
    Noted,
)
from ledgerbridge.sources.adyen import report, settlement, wire
from ledgerbridge.sources.base import Envelope, Json

SETTLEMENT_REPORT = "settlement_detail_report_batch_"
MAX_EVENT_ID = 255


def envelope_of(payload: Json) -> Envelope:
    """The dedupe key is ``pspReference:eventCode:success`` of the item (several items: joined
    with "," in order; hashed if that is longer than the inbox keeps)."""
    found = wire.items(payload)
    ids: list[str] = []
    codes: list[str] = []
    for i, item in enumerate(found):
        where = f"notificationItems[{i}].{wire.ITEM}"
        code = wire.text(item, "eventCode", where)
        flag = "true" if wire.success(item, where) else "false"
        ids.append(f"{wire.text(item, 'pspReference', where)}:{code}:{flag}")
        codes.append(code)
    event_id = ",".join(ids)
    if len(event_id) > MAX_EVENT_ID:
        event_id = "items:sha256:" + hashlib.sha256(event_id.encode()).hexdigest()
    return Envelope(
        event_id=event_id,
        event_type=",".join(dict.fromkeys(codes))[:128],
        payload=payload,
        occurred_at=wire.event_date(found[0], f"notificationItems[0].{wire.ITEM}"),
    )


@dataclass(frozen=True, slots=True)
class _Item:
    source: str
    doc: Json
    where: str
    at: datetime
    lookups: Json
    auto_capture: bool

    @property
    def psp(self) -> str:
        return wire.text(self.doc, "pspReference", self.where)

    @property
    def original(self) -> str:
        return wire.text(self.doc, "originalReference", self.where)


def normalize(
    envelope: Envelope, lookups: Json, source_id: str, *, auto_capture: bool = False
) -> list[CommerceEvent]:
    events: list[CommerceEvent] = []
    for i, doc in enumerate(wire.items(envelope.payload)):
        where = f"notificationItems[{i}].{wire.ITEM}"
        code = wire.text(doc, "eventCode", where)
        handler = _HANDLERS.get(code)
        if handler is None:
            continue
        item = _Item(source_id, doc, where, wire.event_date(doc, where), lookups, auto_capture)
        if not wire.success(doc, where):
            if code in _NOTED_WHEN_REFUSED:
                events.append(_noted(item, code, f"{code} {item.psp} was not successful"))
            continue
        events.extend(handler(item))
    return events


def _authorisation(item: _Item) -> list[CommerceEvent]:
    if not item.auto_capture:
        return []  # the CAPTURE notification books it
    return [_charge(item, item.psp)]


def _capture(item: _Item) -> list[CommerceEvent]:
    return [_charge(item, item.original)]


def _charge(item: _Item, payment: str) -> Charge:
    code, value = wire.amount(item.doc, item.where)
    return Charge(
        key=f"{item.source}:charge:{payment}",
        reference=payment,
        occurred_at=item.at,
        currency=code,
        amount=value,
        order_reference=wire.optional_text(item.doc, "merchantReference"),
    )


def _refund(item: _Item) -> list[CommerceEvent]:
    code, value = wire.amount(item.doc, item.where)
    return [
        GatewayRefund(
            key=f"{item.source}:refund:{item.psp}",
            reference=item.psp,
            occurred_at=item.at,
            currency=code,
            amount=value,
            charge_reference=item.original,
        )
    ]


def _dispute(which: str, sign: int) -> Callable[[_Item], list[CommerceEvent]]:
    def handler(item: _Item) -> list[CommerceEvent]:
        code, value = wire.amount(item.doc, item.where)
        return [
            DisputeFunds(
                key=f"{item.source}:dispute:{item.psp}:{which}",
                reference=item.psp,
                occurred_at=item.at,
                currency=code,
                withdrawn=sign * value,
                charge_reference=item.original,
            )
        ]

    return handler


def _review(what: str) -> Callable[[_Item], list[CommerceEvent]]:
    def handler(item: _Item) -> list[CommerceEvent]:
        code = wire.text(item.doc, "eventCode", item.where)
        original = wire.optional_text(item.doc, "originalReference") or item.psp
        return [_noted(item, code, f"{code} {item.psp} of payment {original}: {what}")]

    return handler


def _noted(item: _Item, code: str, note: str) -> Noted:
    currency, _ = wire.amount(item.doc, item.where)
    flag = "true" if wire.success(item.doc, item.where) else "false"
    reason = wire.optional_text(item.doc, "reason")
    return Noted(
        key=f"{item.source}:{code.lower()}:{item.psp}:{flag}",
        reference=item.psp,
        occurred_at=item.at,
        currency=currency,
        note=f"{note} ({reason})" if reason else note,
    )


def _report_available(item: _Item) -> list[CommerceEvent]:
    name = report_name(wire.optional_text(item.doc, "reason"))
    if name is None:
        return []  # another report type: nothing to book
    reports = item.lookups.get("reports")
    found = reports.get(name) if isinstance(reports, dict) else None
    text = found.get("csv") if isinstance(found, dict) else None
    if not isinstance(text, str):
        raise MalformedPayloadError(f"lookups.reports[{name!r}]: the report was not downloaded")
    return settlement.report_events(item.source, report.parse(text))


def report_name(url: str | None) -> str | None:
    """The file name of a settlement details report URL (``…_batch_<n>.csv``), else None."""
    if not url:
        return None
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    number = name.removeprefix(SETTLEMENT_REPORT).removesuffix(".csv")
    if name.startswith(SETTLEMENT_REPORT) and name.endswith(".csv") and number.isdigit():
        return name
    return None


_Handler = Callable[[_Item], list[CommerceEvent]]

_HANDLERS: dict[str, _Handler] = {
    "AUTHORISATION": _authorisation,
    "CAPTURE": _capture,
    "REFUND": _refund,
    "CHARGEBACK": _dispute("withdrawn", 1),
    "CHARGEBACK_REVERSED": _dispute("reinstated", -1),
    "SECOND_CHARGEBACK": _dispute("second:withdrawn", 1),
    "CAPTURE_FAILED": _review("the capture failed after it was requested, review the charge"),
    "REFUND_FAILED": _review("the refund failed and its money came back, review the refund"),
    "REFUNDED_REVERSED": _review("the refund was reversed by the bank, review the refund"),
    "REPORT_AVAILABLE": _report_available,
}
_NOTED_WHEN_REFUSED = frozenset(
    {"AUTHORISATION", "CAPTURE", "REFUND", "CHARGEBACK", "CHARGEBACK_REVERSED", "SECOND_CHARGEBACK"}
)
