"""The month-end checklist of a period and the close it guards.

Checks: every source of the ledger synced up to the period end (a webhook received after it,
or a catch-up that ran past it); no failed event waiting; no open discrepancy above the
threshold; every gateway clearing balance at the period end explained by what the gateway paid
out after it. A period closes when every check passes; an admin may close it anyway with a
written reason, which is audited with the checklist as it stood."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.errors import ConflictError
from ledgerbridge.domain.money import from_minor
from ledgerbridge.domain.periods import bounds
from ledgerbridge.service import periods
from ledgerbridge.store import catalog, journal
from ledgerbridge.store import dashboard as store
from ledgerbridge.store import periods as period_store
from ledgerbridge.store import reconcile as reconcile_store
from ledgerbridge.store.database import Database


def _check(
    name: str, ok: bool, detail: str, items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"name": name, "ok": ok, "detail": detail, "rows": items or []}


def checklist(
    db: Database, ledger: str, period: str, threshold: Decimal = Decimal(0)
) -> dict[str, Any]:
    first, last = bounds(period)
    with db.read() as conn:
        info = catalog.get_ledger(conn, ledger)
        status = period_store.status(conn, ledger, period)
        zone = ZoneInfo(info["timezone"])
        end = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
        own = [c for c in catalog.list_sources(conn) if c.ledger == ledger]
        received = store.last_received(conn)
        caught = store.catch_up_until(conn)
        failed = store.failed_count(conn, ledger)
        open_items = reconcile_store.list_discrepancies(conn, ledger, "open", None)
        clearing = [  # (account, its balance on the last day, what its gateway paid since)
            (
                acc.code,
                journal.account_balances(conn, ledger, acc.code, last),
                store.payouts_after(conn, ledger, acc.source, last) if acc.source else {},
            )
            for acc in catalog.list_accounts(conn, ledger)
            if acc.role is Role.GATEWAY_CLEARING
        ]
    synced = []
    for cfg in sorted(own, key=lambda c: c.id):
        upto = max([t for t in (received.get(cfg.id), caught.get(cfg.id)) if t], default=None)
        synced.append({"source": cfg.id, "up_to": upto, "ok": upto is not None and upto >= end})
    above = [
        {**d, "amount": from_minor(d["amount_minor"], d["currency"])}
        for d in open_items
        if abs(from_minor(d["amount_minor"], d["currency"])) > threshold
    ]
    explained = []
    for code, balance, paid_after in clearing:
        for currency, minor in sorted(balance.items()):
            if minor == 0:
                continue
            paid = paid_after.get(currency, 0)
            explained.append(
                {
                    "account": code,
                    "currency": currency,
                    "balance": from_minor(minor, currency),
                    "paid_out_after": from_minor(paid, currency),
                    "ok": minor <= 0 or paid >= minor,
                }
            )
    checks = [
        _check(
            "sources synced",
            all(s["ok"] for s in synced),
            f"every source heard from after {end.isoformat()}",
            synced,
        ),
        _check("no failed events", failed == 0, f"{failed} failed event(s) waiting for replay"),
        _check(
            "no open discrepancies",
            not above,
            f"{len(above)} open discrepancy(ies) above {threshold}",
            above,
        ),
        _check(
            "clearing explained",
            all(x["ok"] for x in explained),
            "each clearing balance at the period end paid out after it",
            explained,
        ),
    ]
    return {
        "ledger": ledger,
        "period": period,
        "status": status,
        "first_day": first,
        "last_day": last,
        "threshold": threshold,
        "checks": checks,
        "ready": all(c["ok"] for c in checks),
    }


def close(
    db: Database,
    ledger: str,
    period: str,
    actor: str,
    *,
    threshold: Decimal = Decimal(0),
    override_reason: str | None = None,
) -> dict[str, Any]:
    """Close when the checklist passes, or with ``override_reason`` when it does not."""
    found = checklist(db, ledger, period, threshold)
    failing = [c["name"] for c in found["checks"] if not c["ok"]]
    if failing and not (override_reason or "").strip():
        raise ConflictError(
            f"period {period} is not ready to close: {', '.join(failing)}", failing=failing
        )
    detail: dict[str, Any] = {"failing": failing, "reason": (override_reason or "").strip() or None}
    return periods.change(db, ledger, period, "closed", actor, detail=detail)


def as_document(value: Any) -> Any:
    """A checklist for JSON: amounts as decimal strings (never a float), dates in ISO 8601."""
    if isinstance(value, dict):
        return {k: as_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_document(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
