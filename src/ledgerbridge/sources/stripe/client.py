"""Look-ups over the injected httpx.Client (base URL api.stripe.com, Bearer key, pinned version).

    charge.succeeded / captured  GET /v1/balance_transactions/{txn}   -> "balance_transaction"
                                 (none when the payload already expands it, or it is null)
    charge.refunded              GET /v1/refunds?charge={ch}          -> "refunds"
                                 (only when the payload does not embed the complete list:
                                 API versions from 2022-11-15 omit ``charge.refunds``)
    payout.paid                  GET /v1/balance_transactions?payout={po}
                                 -> "payout_balance_transactions" (automatic payouts only:
                                 Stripe cannot itemise manual ones; those get an empty list)
Lists are read fully: ``limit=100`` and ``starting_after=<last id>`` while ``has_more``.
"""

from __future__ import annotations

from typing import Any

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import Envelope, Json, get_json
from ledgerbridge.sources.stripe import wire
from ledgerbridge.sources.stripe.normalize import CHARGE_TYPES, REFUND_TYPES

PAGE_LIMIT = "100"


def fetch_lookups(envelope: Envelope, http: httpx.Client) -> Json:
    if envelope.event_type not in (*CHARGE_TYPES, *REFUND_TYPES, "payout.paid"):
        return {}
    data = wire.section(envelope.payload, "data", "event")
    obj = wire.section(data, "object", "event.data")
    if envelope.event_type in CHARGE_TYPES:
        txn = obj.get("balance_transaction")
        if not isinstance(txn, str) or not txn:
            return {}
        txn_id = wire.stripe_id(obj, "balance_transaction", "charge")
        return {"balance_transaction": _document(http, f"/v1/balance_transactions/{txn_id}")}
    if envelope.event_type == "refund.created":
        return _refund_transactions(http, [obj], {})
    if envelope.event_type == "charge.refunded":
        embedded = obj.get("refunds")
        if isinstance(embedded, dict) and embedded.get("has_more") is not True:
            return _refund_transactions(http, wire.items(embedded, "data", "charge.refunds"), {})
        charge_id = wire.stripe_id(obj, "id", "charge")
        refunds = list_all(http, "/v1/refunds", {"charge": charge_id})
        return _refund_transactions(http, refunds, {"refunds": refunds})
    if obj.get("automatic") is False:
        return {"payout_balance_transactions": []}
    payout_id = wire.stripe_id(obj, "id", "payout")
    txns = list_all(http, "/v1/balance_transactions", {"payout": payout_id})
    return {"payout_balance_transactions": txns}


def _refund_transactions(http: httpx.Client, refunds: list[Json], found: Json) -> Json:
    """Each refund's balance transaction: it says what the refund cost in settlement currency
    (a refund of a converted charge converts back, at that day's rate)."""
    txns: dict[str, Json] = {}
    for i, refund in enumerate(refunds):
        if refund.get("status") in ("failed", "canceled"):
            continue
        txn = refund.get("balance_transaction")
        if isinstance(txn, str) and txn:
            txn_id = wire.stripe_id(refund, "balance_transaction", f"refunds[{i}]")
            txns[txn_id] = _document(http, f"/v1/balance_transactions/{txn_id}")
    return {**found, "refund_balance_transactions": txns} if txns else found


def list_all(http: httpx.Client, path: str, filters: dict[str, str]) -> list[Json]:
    """Every object of a Stripe list endpoint, following ``has_more`` / ``starting_after``."""
    found: list[Json] = []
    seen: set[str] = set()
    after: str | None = None
    while True:
        params = {**filters, "limit": PAGE_LIMIT}
        if after:
            params["starting_after"] = after
        page = _document(http, path, params)
        data = page.get("data")
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise LookupFailedError(f"look-up {path}: not a Stripe list", path=path)
        found.extend(data)
        if not page.get("has_more") or not data:
            return found
        after = data[-1].get("id")
        if not isinstance(after, str) or after in seen:
            raise LookupFailedError(f"look-up {path}: pagination does not advance", path=path)
        seen.add(after)


def _document(http: httpx.Client, path: str, params: dict[str, str] | None = None) -> Json:
    doc: Any = get_json(http, path, params)
    if not isinstance(doc, dict):
        raise LookupFailedError(f"look-up {path}: not a JSON object", path=path)
    return doc
