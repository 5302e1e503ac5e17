"""Magento invoices, credit memos and orders -> canonical events. Pure.

Accepted bodies (both signature schemes, see verify.py) are observer events,
``{"eventName": "observer.sales_order_invoice_pay", "data": {"invoice": {...}}}`` (the
``observer.`` / ``com.adobe.commerce.observer.`` prefix optional), or a bare
``{"invoice": {...}}`` / ``{"creditmemo": {...}}`` / ``{"order": {...}}``. A document that
carries only its ``entity_id`` is read back from the REST API first (client.py); an ``order``
beside an invoice or credit memo is used for its payment method.

- An invoice is the sale (Magento recognises revenue when it invoices): one Sale per paid
  invoice (state 2, or no state), keyed ``:sale:{order entity_id}:invoice:{invoice entity_id}``
  so a sales_order_invoice_pay and a later save of the same invoice post once, and an order
  invoiced in parts (one invoice per shipment) posts each part once. goods = ``subtotal``
  (without tax), discounts = -``discount_amount`` (negative in Magento), shipping =
  ``shipping_amount``, tax = ``tax_amount``, total = ``grand_total`` + ``gift_cards_amount``
  (Adobe Commerce gift cards, tendered outside the gateway). An open or cancelled invoice is
  Noted. What the parts do not explain (hidden discount tax compensation) goes to sales.
- A credit memo (state 2) is a Refund keyed ``:refund:{creditmemo entity_id}``: goods =
  ``subtotal``, shipping, tax, total = ``grand_total``; its discount, ``adjustment_positive``
  and ``adjustment_negative`` (a refund fee) are the remainder, a return of sales. A refund
  posts on its own against the clearing account and never waits for its invoice, so one that
  arrives first posts at once (the project's ordering rule).
- An order: cancelled or closed is Noted (money moves only by invoices and credit memos);
  any other state posts nothing.

Amounts are the order's currency (``order_currency_code``, what the customer was charged in;
the ``base_*`` twins in the store's base currency are not used). ``order_reference`` is the
order's entity id (invoice and credit-memo documents do not carry its increment id);
``reference`` is the invoice's or credit memo's own increment id. Store credit and reward
points (``customer_balance_amount``, ``reward_currency_amount``) are not modelled: they lower
the sale's revenue through the remainder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledgerbridge.domain.errors import MalformedPayloadError, UnmappableEventError
from ledgerbridge.domain.events import CommerceEvent, Noted, Refund, Sale
from ledgerbridge.sources.base import Json
from ledgerbridge.sources.magento import wire

PREFIXES = ("com.adobe.commerce.observer.", "com.adobe.commerce.", "observer.")
INVOICE_EVENTS = frozenset(
    {
        "sales_order_invoice_pay",
        "sales_order_invoice_register",
        "sales_order_invoice_save_after",
        "sales_order_invoice_save_commit_after",
    }
)
CREDITMEMO_EVENTS = frozenset(
    {
        "sales_order_creditmemo_refund",
        "sales_order_creditmemo_save_after",
        "sales_order_creditmemo_save_commit_after",
    }
)
ORDER_EVENTS = frozenset(
    {
        "sales_order_save_after",
        "sales_order_save_commit_after",
        "sales_order_place_after",
        "order_cancel_after",
    }
)
KINDS = ("invoice", "creditmemo", "order")
OPEN, PAID, CANCELED = 1, 2, 3  # invoice and credit-memo states (REFUNDED is 2 too)
QUIET_ORDER_STATES = {"canceled": "cancelled", "closed": "closed (fully refunded)"}


@dataclass(frozen=True, slots=True)
class Located:
    """What a body holds: its event type, the kind of document (None: irrelevant), the
    document itself and an order sent beside an invoice or credit memo."""

    event_type: str
    kind: str | None
    document: Json | None = None
    order: Json | None = None


def locate(payload: Json) -> Located:
    sent = payload.get("data")
    data: Json = sent if isinstance(sent, dict) else payload
    name = payload.get("eventName")
    if name is None:
        kind = next((k for k in KINDS if isinstance(data.get(k), dict)), None)
        if kind is None:
            raise MalformedPayloadError(
                "eventName missing and the body holds no invoice, creditmemo or order",
                field="eventName",
            )
        event_type = kind
    elif not isinstance(name, str) or not name:
        raise MalformedPayloadError("eventName is not a string", field="eventName")
    else:
        event_type = _strip(name)
        kind = _kind_of(event_type)
        if kind is None:
            return Located(event_type, None)
    where = "data" if data is not payload else ""
    document = wire.section(data, kind, where)
    order = data.get("order") if kind != "order" and isinstance(data.get("order"), dict) else None
    return Located(event_type, kind, document, order)


def needs_fetch(kind: str, document: Mapping[str, Any]) -> bool:
    """An ids-only document: the totals (or an order's state) must be read from the API."""
    return "state" not in document if kind == "order" else "grand_total" not in document


def normalize(payload: Json, lookups: Json, source_id: str) -> list[CommerceEvent]:
    found = locate(payload)
    if found.kind is None or found.document is None:
        return []
    document = _document(found.kind, found.document, lookups)
    fetched_order = lookups.get("order")
    order = fetched_order if isinstance(fetched_order, dict) else found.order
    if found.kind == "invoice":
        return [_sale(document, order, source_id)]
    if found.kind == "creditmemo":
        return [_refund(document, order, source_id)]
    return _order(document, source_id)


def _document(kind: str, sent: Json, lookups: Json) -> Json:
    fetched = lookups.get(kind)
    if isinstance(fetched, dict):
        return fetched
    if needs_fetch(kind, sent):
        entity = wire.ident(sent, "entity_id", kind)
        raise UnmappableEventError(
            f"{kind} {entity} carries only its id and no look-up of it was made",
            entity_id=entity,
        )
    return sent


def _sale(invoice: Json, order: Json | None, source_id: str) -> CommerceEvent:
    w = "invoice"
    invoice_id = wire.ident(invoice, "entity_id", w)
    order_id = wire.ident(invoice, "order_id", w)
    number = wire.text(invoice, "increment_id", w) or invoice_id
    code = wire.currency(invoice, w)
    at = _when(invoice, w)
    key = f"{source_id}:sale:{order_id}:invoice:{invoice_id}"
    state = wire.optional_int(invoice, "state", w)
    if state in (OPEN, CANCELED):
        what = "is open (not paid yet)" if state == OPEN else "was cancelled"
        return Noted(
            key=f"{key}:state:{state}",
            reference=number,
            occurred_at=at,
            currency=code,
            note=f"invoice {number} of order {order_id} {what}: no sale posted",
        )
    gift_cards = wire.money(invoice, "gift_cards_amount", code, w)
    return Sale(
        key=key,
        reference=number,
        occurred_at=at,
        currency=code,
        goods=wire.money(invoice, "subtotal", code, w),
        discounts=abs(wire.money(invoice, "discount_amount", code, w)),
        shipping=wire.money(invoice, "shipping_amount", code, w),
        tax=wire.money(invoice, "tax_amount", code, w),
        gift_card_tender=gift_cards,
        total=wire.money(invoice, "grand_total", code, w, required=True) + gift_cards,
        gateway=_gateway(order),
    )


def _refund(memo: Json, order: Json | None, source_id: str) -> CommerceEvent:
    w = "creditmemo"
    memo_id = wire.ident(memo, "entity_id", w)
    order_id = wire.ident(memo, "order_id", w)
    number = wire.text(memo, "increment_id", w) or memo_id
    code = wire.currency(memo, w)
    at = _when(memo, w)
    state = wire.optional_int(memo, "state", w)
    if state in (OPEN, CANCELED):
        what = "is pending" if state == OPEN else "was cancelled"
        return Noted(
            key=f"{source_id}:refund:{memo_id}:state:{state}",
            reference=number,
            occurred_at=at,
            currency=code,
            note=f"credit memo {number} of order {order_id} {what}: no refund posted",
        )
    return Refund(
        key=f"{source_id}:refund:{memo_id}",
        reference=number,
        order_reference=order_id,
        occurred_at=at,
        currency=code,
        goods=wire.money(memo, "subtotal", code, w),
        shipping=wire.money(memo, "shipping_amount", code, w),
        tax=wire.money(memo, "tax_amount", code, w),
        total=wire.money(memo, "grand_total", code, w, required=True),
        gateway=_gateway(order),
    )


def _order(order: Json, source_id: str) -> list[CommerceEvent]:
    w = "order"
    state = wire.text(order, "state", w)
    if state not in QUIET_ORDER_STATES:
        return []
    order_id = wire.ident(order, "entity_id", w)
    number = wire.text(order, "increment_id", w) or order_id
    return [
        Noted(
            key=f"{source_id}:sale:{order_id}:{state}",
            reference=number,
            occurred_at=wire.time(order, "updated_at", w) or _when(order, w),
            currency=wire.currency(order, w),
            note=f"order {number} {QUIET_ORDER_STATES[state]}: money moves only by its "
            "invoices and credit memos",
        )
    ]


def _when(doc: Json, where: str) -> datetime:
    found = wire.time(doc, "created_at", where) or wire.time(doc, "updated_at", where)
    if found is None:
        raise MalformedPayloadError(f"{where}.created_at missing", field=f"{where}.created_at")
    return found


def _gateway(order: Json | None) -> str | None:
    """The order's payment method code (``stripe_payments``, ``checkmo``...): the store's own
    gateway name that settings.gateway may map to a gateway source."""
    payment = order.get("payment") if order else None
    method = payment.get("method") if isinstance(payment, dict) else None
    return method if isinstance(method, str) and method else None


def _strip(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _kind_of(event_type: str) -> str | None:
    if event_type in INVOICE_EVENTS:
        return "invoice"
    if event_type in CREDITMEMO_EVENTS:
        return "creditmemo"
    if event_type in ORDER_EVENTS:
        return "order"
    return None
