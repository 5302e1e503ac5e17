"""Canonical events of one inbox event -> journal entries, inside the caller's transaction.

Every entry is written at most once per business key (a sale reported by many deliveries,
a fee seen at charge time and again at payout time). Any error raises: the caller rolls back
(the transaction on ingest, a savepoint on replay) and keeps the event as failed, with the
message, for replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import ConflictError, LedgerbridgeError, NotFoundError
from ledgerbridge.domain.events import CommerceEvent, PayoutFailed
from ledgerbridge.domain.journal import reversal
from ledgerbridge.domain.matching.facts import fact_of
from ledgerbridge.domain.money import from_minor, round_half_even, to_minor
from ledgerbridge.domain.periods import late_note, open_date
from ledgerbridge.domain.posting import drafts_for, to_entry
from ledgerbridge.domain.posting.convert import CarryingFor
from ledgerbridge.service.cache import cached
from ledgerbridge.service.context import (
    LedgerView,
    gateway_source_for,
    posting_context,
    rate_lookup,
)
from ledgerbridge.service.mapping import ActiveMapping
from ledgerbridge.sources.base import Envelope, SourceConfig
from ledgerbridge.store import journal
from ledgerbridge.store import periods as store_periods
from ledgerbridge.store.reconcile import record_facts


@dataclass
class Outcome:
    status: str = "ignored"
    entry_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str | None:
        return "; ".join(self.notes) or None


def carrying_lookup(conn: Connection, ledger: LedgerView) -> CarryingFor:
    """The base value of an amount taken from (or added to) an account's balance in a
    currency, at the average rate that balance was booked at. When the amount is the whole
    balance, exactly its base value: a fully converted clearing balance leaves nothing behind."""

    def carrying(account: str, currency: str, amount: Decimal) -> Decimal | None:
        units, base_units = journal.balance_in(conn, ledger.id, account, currency)
        wanted = to_minor(amount, currency)
        if units == 0 or abs(wanted) > abs(units):
            return None
        base = from_minor(base_units, ledger.base_currency)
        if abs(wanted) == abs(units):
            return base if (wanted > 0) == (units > 0) else -base
        return round_half_even(base * wanted / units, ledger.base_currency)

    return carrying


def closed_periods(conn: Connection, ledger_id: str) -> frozenset[str]:
    return cached(
        ("closed", str(conn.engine.url), ledger_id), lambda: store_periods.closed(conn, ledger_id)
    )


def post_events(
    conn: Connection,
    ledger: LedgerView,
    config: SourceConfig,
    events: list[CommerceEvent],
    event_id: str,
    *,
    envelope: Envelope | None = None,
    mapping: ActiveMapping | None = None,
    key_suffix: str = "",
) -> Outcome:
    """Post each canonical event; ``mapping`` (the source's active version) may ignore an
    event, choose its accounts and clearing account, and add dimensions to its lines.
    ``key_suffix`` makes new business keys (a re-post under a new mapping version)."""
    outcome = Outcome()
    if not events:
        if mapping is not None and envelope is not None:
            ignored = mapping.compiled.check_event_type(envelope.event_type, known=False)
            outcome.notes.append(ignored or "event type posts nothing")
        else:
            outcome.notes.append("event type posts nothing")
    rate_for = rate_lookup(conn, ledger.base_currency)
    carrying = carrying_lookup(conn, ledger)
    closed = closed_periods(conn, ledger.id)
    rounding = ledger.roles.get(Role.ROUNDING, "")
    facts: list[dict[str, Any]] = []  # for reconciliation: every event, posted or not
    store_front = config.role == "store"
    for event in events:
        fact = fact_of(
            event,
            ledger.timezone,
            gateway_source_for(config, getattr(event, "gateway", None)) if store_front else None,
        )
        if fact is not None:
            facts.append(fact)
        if isinstance(event, PayoutFailed):
            _reverse_payout(conn, ledger, event, event_id, outcome)
            continue
        ctx = posting_context(conn, ledger, config, event)
        if mapping is not None and envelope is not None:
            applied = mapping.compiled.apply(
                envelope.payload,
                event_type=envelope.event_type,
                role_defaults=ctx.accounts,
                event=event,
                source=config.id,
            )
            if applied.ignored_reason:
                outcome.notes.append(f"{event.key} ignored by mapping: {applied.ignored_reason}")
                continue
            ctx = replace(
                ctx,
                accounts=applied.accounts,
                clearing=applied.clearing or ctx.clearing,
                dimensions={**ctx.dimensions, **applied.dimensions},
            )
        draft = drafts_for(event, ctx)
        if draft is None:
            outcome.notes.append(f"{type(event).__name__} {event.reference} posts nothing")
            continue
        if key_suffix:
            draft = replace(draft, key=draft.key + key_suffix)
        note = None
        moved = open_date(draft.effective_date, closed)
        if moved != draft.effective_date:  # a closed period is locked: post into the open one
            note = late_note(draft.effective_date, moved)
            draft = replace(draft, effective_date=moved)
        # No look-up of the key first: the insert below is ON CONFLICT DO NOTHING and says
        # whether the key was new. Only when converting fails (a rate missing, say) does an
        # entry already posted under the key turn the error into "already posted".
        try:
            entry = to_entry(
                draft,
                ledger=ledger.id,
                source=config.id,
                base_currency=ledger.base_currency,
                rate_for=rate_for,
                rounding_account=rounding,
                carrying=carrying,
                note=note,
            )
        except LedgerbridgeError:
            if journal.find_entry_id(conn, ledger.id, draft.key) is None:
                raise
            outcome.notes.append(f"{draft.key} already posted")
            continue
        version = mapping.version if mapping is not None else None
        entry_id = journal.insert_entry(conn, entry, event_ids=[event_id], mapping_version=version)
        if entry_id is None:
            outcome.notes.append(f"{draft.key} already posted")
        else:
            outcome.entry_ids.append(entry_id)
    if facts:
        record_facts(conn, ledger.id, config.id, event_id, facts)
    if outcome.entry_ids:
        outcome.status = "posted"
    return outcome


def _reverse_payout(
    conn: Connection, ledger: LedgerView, event: PayoutFailed, event_id: str, outcome: Outcome
) -> None:
    original_id = journal.find_entry_id(conn, ledger.id, event.payout_key)
    if original_id is None:
        outcome.notes.append(f"payout {event.reference} failed before it was posted")
        return
    loaded = journal.load_entry(conn, original_id)
    if loaded is None:  # pragma: no cover - found by key a moment ago, entries are never deleted
        raise NotFoundError(f"entry {original_id} vanished")
    meta, original = loaded
    if meta["reversed_by"]:
        outcome.notes.append(f"payout {event.reference} already reversed")
        return
    undo = reversal(
        original,
        key=f"{event.payout_key}:failed",
        effective_date=open_date(event.occurred_at.date(), closed_periods(conn, ledger.id)),
        reason="payout failed",
    )
    entry_id = journal.insert_entry(conn, undo, event_ids=[event_id], reverses_id=original_id)
    if entry_id:
        outcome.entry_ids.append(entry_id)


def reverse_entry(conn: Connection, entry_id: str, reason: str, today: date) -> str:
    """Reverse a posted entry (POST /entries/{id}/reverse): the original stays as it was."""
    loaded = journal.load_entry(conn, entry_id)
    if loaded is None:
        raise NotFoundError(f"no entry {entry_id!r}", entry=entry_id)
    meta, original = loaded
    if meta["reversed_by"]:
        raise ConflictError(f"entry {entry_id} is already reversed by {meta['reversed_by']}")
    if meta["reverses_id"]:
        raise ConflictError(f"entry {entry_id} is itself a reversal; post a new entry instead")
    day = open_date(today, closed_periods(conn, original.ledger))
    undo = reversal(original, key=f"{original.key}:reversed", effective_date=day, reason=reason)
    new_id = journal.insert_entry(conn, undo, event_ids=meta["event_ids"], reverses_id=entry_id)
    if new_id is None:
        raise ConflictError(f"entry {entry_id} is already reversed")
    return new_id
