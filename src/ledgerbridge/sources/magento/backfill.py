"""Magento back-fill (and catch-up: Magento Open Source sends no webhooks of its own, so
polling is the only guarantee). Two searches, one after the other:

    GET /rest/V1/invoices?searchCriteria[...]     -> ``observer.sales_order_invoice_save_after``
    GET /rest/V1/creditmemos?searchCriteria[...]  -> ``observer.sales_order_creditmemo_save_after``

filtered on ``updated_at`` >= since and <= until (two filter groups: AND), sorted by
``entity_id``, 100 a page; ``total_count`` ends the paging (Magento may answer a page past the
end with the last page again). Each document becomes the observer event a module or Adobe
Commerce Webhooks would POST, ``{"eventName": ..., "data": {"invoice": {...}}}``, so it takes
the webhook's path; its event id is the adapter's own (kind, entity_id, updated_at), so an
invoice save already delivered by webhook is a duplicate in the inbox.

Money stays exact: pages are parsed with every number kept as its JSON text, and the body is
written back with those numbers as they came (never through float).

The cursor is ``invoices:<page>`` or ``creditmemos:<page>``: the page to read next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json, SourceConfig
from ledgerbridge.sources.paging import get_with_retries

PAGE_SIZE = 100
INVOICES, CREDITMEMOS = "invoices", "creditmemos"
EVENTS = {
    INVOICES: ("observer.sales_order_invoice_save_after", "invoice"),
    CREDITMEMOS: ("observer.sales_order_creditmemo_save_after", "creditmemo"),
}
HEADERS = {"content-type": "application/json"}


class Number(str):
    """A JSON number kept as its exact text (``165.5000``): written back unquoted."""

    __slots__ = ()


def pages(
    config: SourceConfig,
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    kind, page = parse_cursor(cursor)
    kinds = (INVOICES, CREDITMEMOS)
    for position in range(kinds.index(kind), len(kinds)):
        kind = kinds[position]
        following = kinds[position + 1] if position + 1 < len(kinds) else None
        path = f"{_prefix(config)}/{kind}"
        while True:
            doc = _search(http, path, search_params(since, until, page), sleep)
            found = _items(doc, path)
            items = [document_item(kind, d) for d in found]
            more = bool(found) and page * PAGE_SIZE < _total_count(doc, path)
            if more:
                next_cursor: str | None = f"{kind}:{page + 1}"
            else:
                next_cursor = f"{following}:1" if following else None
            yield BackfillPage(items, next_cursor)
            if not more:
                break
            page += 1
        page = 1


def parse_cursor(cursor: str | None) -> tuple[str, int]:
    """``creditmemos:2`` -> ("creditmemos", 2); none (or unreadable): invoices page 1."""
    kind, _, number = (cursor or "").partition(":")
    if kind in EVENTS and number.isdigit() and int(number) >= 1:
        return kind, int(number)
    return INVOICES, 1


def search_params(since: datetime, until: datetime, page: int) -> dict[str, str]:
    """searchCriteria for ``since <= updated_at <= until``, by entity_id, one page."""
    group = "searchCriteria[filter_groups][{}][filters][0][{}]"
    params: dict[str, str] = {}
    for number, (moment, condition) in enumerate(((since, "gteq"), (until, "lteq"))):
        params[group.format(number, "field")] = "updated_at"
        params[group.format(number, "value")] = _magento_time(moment)
        params[group.format(number, "condition_type")] = condition
    params["searchCriteria[sortOrders][0][field]"] = "entity_id"
    params["searchCriteria[sortOrders][0][direction]"] = "ASC"
    params["searchCriteria[pageSize]"] = str(PAGE_SIZE)
    params["searchCriteria[currentPage]"] = str(page)
    return params


def document_item(kind: str, document: Json) -> BackfillItem:
    """One invoice or credit memo as the observer event a webhook carries."""
    event_name, key = EVENTS[kind]
    return BackfillItem(dump({"eventName": event_name, "data": {key: document}}), HEADERS)


def parse_page(content: bytes) -> Any:
    """A search answer; every number with a fraction or exponent is kept as its exact
    ``Number`` text, integers (ids, states, counts) stay int: nothing goes through float."""
    return json.loads(content, parse_float=Number, parse_constant=_refuse_constant)


def dump(value: Any) -> bytes:
    """Compact JSON; a ``Number`` is written as the JSON number it was read as."""
    return _dump(value).encode()


def _dump(value: Any) -> str:
    if isinstance(value, Number):
        return str.__str__(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _search(
    http: httpx.Client, path: str, params: dict[str, str], sleep: Callable[[float], None]
) -> Json:
    response = get_with_retries(http, path, params, sleep=sleep)
    try:
        doc = parse_page(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LookupFailedError(f"GET {path}: not JSON ({exc})", path=path) from None
    if not isinstance(doc, dict):
        raise LookupFailedError(f"GET {path}: not a search result", path=path)
    return doc


def _items(doc: Json, path: str) -> list[Json]:
    found = doc.get("items")
    if found is None:
        return []
    if not isinstance(found, list) or not all(isinstance(d, dict) for d in found):
        raise LookupFailedError(f"GET {path}: items is not a list of documents", path=path)
    return found


def _total_count(doc: Json, path: str) -> int:
    total = doc.get("total_count")
    if not isinstance(total, int) or isinstance(total, bool):
        raise LookupFailedError(f"GET {path}: total_count missing", path=path)
    return total


def _prefix(config: SourceConfig) -> str:
    """As client.py: a store view's code in the path (``/rest/<code>/V1``) when configured."""
    code = config.settings.get("store_code")
    return f"/rest/{code}/V1" if isinstance(code, str) and code.isidentifier() else "/rest/V1"


def _magento_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")
