"""Square back-fill (and catch-up: Square keeps events 28 days and stops retrying after 24 h).
Three lists, one after the other, each paged by Square's opaque ``cursor`` until a page has
none:

    GET /v2/payments?begin_time=&end_time=&sort_order=ASC&limit=100   COMPLETED -> payment.updated
    GET /v2/refunds?begin_time=&end_time=&sort_order=ASC&limit=100    COMPLETED -> refund.updated
    GET /v2/payouts?begin_time=&end_time=&sort_order=ASC&limit=100    PAID      -> payout.paid

``begin_time`` / ``end_time`` filter on creation. Each object becomes the webhook envelope
Square would send (``data.object.<type>``), so it takes the webhook's path (a paid payout's
entries are then read by the adapter's look-up). Square's event ids are UUIDs no list returns,
so a back-filled event has its own stable id, ``backfill:<type>:<id>:<updated_at>``: the same
range run again is a duplicate in the inbox, and an object a webhook already delivered posts
nothing again (its business keys, ``:charge:{id}``, ``:fee:...``, ``:payout:{id}``, exist).
Other states post nothing and are skipped.

The cursor is ``<list>:<Square's cursor>`` (``payments:``, ``refunds:CAAS...``): where to read
next; an empty Square cursor is the list's first page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import orjson

from ledgerbridge.domain.errors import LookupFailedError
from ledgerbridge.sources.base import BackfillItem, BackfillPage, Json
from ledgerbridge.sources.paging import get_json_page
from ledgerbridge.sources.square import wire

PAGE_SIZE = "100"
HEADERS = {"content-type": "application/json"}


class _List:
    def __init__(self, name: str, kind: str, event_type: str, wanted: str) -> None:
        self.name, self.kind, self.event_type, self.wanted = name, kind, event_type, wanted

    @property
    def path(self) -> str:
        return f"/v2/{self.name}"


LISTS = (
    _List("payments", "payment", "payment.updated", "COMPLETED"),
    _List("refunds", "refund", "refund.updated", "COMPLETED"),
    _List("payouts", "payout", "payout.paid", "PAID"),
)


def pages(
    http: httpx.Client,
    since: datetime,
    until: datetime,
    cursor: str | None,
    sleep: Callable[[float], None],
) -> Iterator[BackfillPage]:
    start, after = parse_cursor(cursor)
    for position in range(start, len(LISTS)):
        listed = LISTS[position]
        following = LISTS[position + 1].name if position + 1 < len(LISTS) else None
        seen: set[str] = set()
        while True:
            params = {
                "begin_time": _rfc3339(since),
                "end_time": _rfc3339(until),
                "sort_order": "ASC",
                "limit": PAGE_SIZE,
            }
            if after:
                params["cursor"] = after
            doc, _ = get_json_page(http, listed.path, params, sleep=sleep)
            objects = _objects(doc, listed)
            items = [event_item(listed, o) for o in objects if o.get("status") == listed.wanted]
            after = _next(doc, listed, seen)
            if after:
                next_cursor: str | None = f"{listed.name}:{after}"
            else:
                next_cursor = f"{following}:" if following else None
            yield BackfillPage(items, next_cursor)
            if not after:
                break
        after = None


def parse_cursor(cursor: str | None) -> tuple[int, str | None]:
    """``refunds:CAAS..`` -> (1, "CAAS.."); none (or unreadable): payments, first page."""
    name, _, after = (cursor or "").partition(":")
    for position, listed in enumerate(LISTS):
        if listed.name == name:
            return position, after or None
    return 0, None


def event_item(listed: _List, obj: Json) -> BackfillItem:
    """One payment, refund or payout as the webhook event that reports it."""
    object_id = wire.square_id(obj, "id", listed.kind)
    when = obj.get("updated_at") or obj.get("created_at")
    if not isinstance(when, str) or not when:
        raise LookupFailedError(
            f"GET {listed.path}: {listed.kind} {object_id} has no updated_at", path=listed.path
        )
    envelope: Json = {
        "type": listed.event_type,
        "event_id": f"backfill:{listed.kind}:{object_id}:{when}",
        "created_at": when,
        "data": {"type": listed.kind, "id": object_id, "object": {listed.kind: obj}},
    }
    location = obj.get("location_id")
    if isinstance(location, str) and location:
        envelope["location_id"] = location
    return BackfillItem(orjson.dumps(envelope), HEADERS)


def _objects(doc: object, listed: _List) -> list[Json]:
    """The page's objects; Square omits an empty list."""
    if not isinstance(doc, dict):
        raise LookupFailedError(f"GET {listed.path}: not a JSON object", path=listed.path)
    found = doc.get(listed.name, [])
    if not isinstance(found, list) or not all(isinstance(o, dict) for o in found):
        raise LookupFailedError(
            f"GET {listed.path}: {listed.name} is not a list of objects", path=listed.path
        )
    return found


def _next(doc: Json, listed: _List, seen: set[str]) -> str | None:
    after = doc.get("cursor")
    if not after:
        return None
    if not isinstance(after, str) or after in seen:
        raise LookupFailedError(f"GET {listed.path}: pagination does not advance", path=listed.path)
    seen.add(after)
    return after


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
