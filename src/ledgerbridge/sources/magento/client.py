"""Magento REST look-ups over the injected client (base URL = the store, ``Authorization:
Bearer <integration access token>`` already set).

    invoice with only its id       GET /rest/V1/invoices/{id}     -> "invoice"
    credit memo with only its id   GET /rest/V1/creditmemo/{id}   -> "creditmemo"
    order with only its id         GET /rest/V1/orders/{id}       -> "order"
    invoice / credit memo, when settings.gateway maps payment methods to gateway sources and
    no order came with it          GET /rest/V1/orders/{order_id} -> "order"

Magento answers money as JSON numbers: each answer is parsed with ``parse_float=Decimal`` and
kept with its Decimals as decimal strings (wire.plain), never through float (base.get_json
uses orjson, which would). ``settings.store_code`` puts a store view in the path
(``/rest/<code>/V1/...``).
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from ledgerbridge.domain.errors import LedgerbridgeError, LookupFailedError
from ledgerbridge.sources.base import Envelope, Json, SourceConfig
from ledgerbridge.sources.magento import normalize, wire

PATHS = {"invoice": "invoices", "creditmemo": "creditmemo", "order": "orders"}


def fetch_lookups(envelope: Envelope, config: SourceConfig, http: httpx.Client) -> Json:
    found = normalize.locate(envelope.payload)
    if found.kind is None or found.document is None:
        return {}
    prefix = _prefix(config)
    lookups: Json = {}
    if normalize.needs_fetch(found.kind, found.document):
        entity = wire.ident(found.document, "entity_id", found.kind)
        lookups[found.kind] = document(http, f"{prefix}/{PATHS[found.kind]}/{entity}")
    if (
        found.kind != "order"
        and found.order is None
        and isinstance(config.settings.get("gateway"), Mapping)
    ):
        sent = lookups.get(found.kind, found.document)
        order_id = wire.ident(sent, "order_id", found.kind)
        lookups["order"] = document(http, f"{prefix}/orders/{order_id}")
    return lookups


def document(http: httpx.Client, path: str) -> Json:
    """GET one Magento document; any failure becomes LookupFailedError naming the path."""
    try:
        response = http.get(path)
        response.raise_for_status()
        return wire.plain_document(wire.parse_body(response.content, f"look-up {path}"))
    except httpx.HTTPError as exc:
        raise LookupFailedError(f"look-up {path} failed: {exc}", path=path) from None
    except LedgerbridgeError as exc:
        raise LookupFailedError(exc.message, path=path) from None


def _prefix(config: SourceConfig) -> str:
    code = config.settings.get("store_code")
    return f"/rest/{code}/V1" if isinstance(code, str) and code.isidentifier() else "/rest/V1"
