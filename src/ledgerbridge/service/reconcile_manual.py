"""Matches by hand: make one (confirmed), confirm one a run made, or break one (its bank
lines are unmatched again and the pair is never matched automatically again). Every change
is audited with who made it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ledgerbridge.domain.errors import ConflictError, NotFoundError, ValidationError
from ledgerbridge.domain.matching.model import Match
from ledgerbridge.domain.money import from_minor
from ledgerbridge.service.reconcile import KINDS, match_document, save_match
from ledgerbridge.store import catalog
from ledgerbridge.store import reconcile as store
from ledgerbridge.store.database import Database


def create(
    db: Database,
    ledger: str,
    kind: str,
    left_ids: list[str],
    right_ids: list[str],
    actor: str,
) -> dict[str, Any]:
    """A match made by a person: ``left_ids`` payout entries (payout_deposit), payout facts
    (settlement) or sale facts (order_charge); ``right_ids`` bank lines, balance transaction
    references or charge facts. None of them may be in another live match of the kind."""
    if kind not in KINDS:
        raise ValidationError(f"kind is one of {', '.join(KINDS)}, not {kind!r}", field="kind")
    if not left_ids or not right_ids:
        raise ValidationError("a match needs left_ids and right_ids", field="left_ids")
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        known = store.describe(conn, ledger, [*left_ids, *right_ids])
        unknown = [i for i in left_ids if i not in known]
        if kind != "settlement":  # a settlement's right side is the gateway's own references
            unknown += [i for i in right_ids if i not in known]
        if unknown:
            raise NotFoundError(f"unknown ids: {', '.join(unknown)}", ids=unknown)
        left, right = store.matched_ids(conn, ledger, kind)
        busy = sorted((set(left_ids) & left) | (set(right_ids) & right))
        if busy:
            raise ConflictError(f"already matched: {', '.join(busy)}", ids=busy)
        currency = known[left_ids[0]][2]

        def total(ids: list[str]) -> int:
            return sum(known[i][1] for i in ids if i in known and known[i][2] == currency)

        difference = total(right_ids) - total(left_ids) if kind != "settlement" else 0
        match = Match(
            kind,
            "manual",
            Decimal("1.00"),
            tuple(left_ids),
            tuple(right_ids),
            from_minor(difference, currency),
        )
        match_id = save_match(
            conn,
            ledger,
            None,
            match,
            [known[i][0] for i in left_ids],
            [known[i][0] if i in known else i for i in right_ids],
            currency,
            actor,
        )
        store.audit(
            conn,
            actor,
            "match.created",
            match_id,
            {"kind": kind, "left_ids": left_ids, "right_ids": right_ids},
        )
        return match_document(store.get_match(conn, match_id) or {})


def decide(db: Database, match_id: str, status: str, actor: str) -> dict[str, Any]:
    """Confirm (an active match) or break (an active or confirmed one)."""
    if status not in ("confirmed", "broken"):
        raise ValidationError(f"a match is confirmed or broken, not {status!r}")
    with db.write() as conn:
        row = store.get_match(conn, match_id)
        if row is None:
            raise NotFoundError(f"no match {match_id!r}", match=match_id)
        if row["status"] == "broken" or row["status"] == status:
            raise ConflictError(f"match {match_id} is already {row['status']}")
        store.set_match_status(conn, match_id, status, actor)
        if status == "broken" and row["kind"] == "payout_deposit":
            store.unmatch_bank_lines(conn, list(row["right_ids"]))
        action = "match.confirmed" if status == "confirmed" else "match.broken"
        store.audit(conn, actor, action, match_id, {"kind": row["kind"], "was": row["status"]})
        return match_document(store.get_match(conn, match_id) or row)


def open_payouts(db: Database, ledger: str) -> list[dict[str, Any]]:
    """Payouts with no live deposit match yet: what a bank line can be matched to by hand."""
    with db.read() as conn:
        matched, _ = store.matched_ids(conn, ledger, "payout_deposit")
        rows = store.payouts(conn, ledger)
    return [
        {
            "id": r["id"],
            "key": r["key"],
            "source": r["source_id"],
            "day": r["effective_date"].isoformat(),
            "amount": str(from_minor(r["amount_minor"], r["currency"])),
            "currency": r["currency"],
        }
        for r in rows
        if r["id"] not in matched
    ]
