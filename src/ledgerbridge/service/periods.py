"""Close and reopen a period (YYYY-MM): audited, and read by posting (late events move)."""

from __future__ import annotations

from typing import Any

from ledgerbridge.domain.errors import ConflictError
from ledgerbridge.domain.periods import bounds
from ledgerbridge.service.cache import forget
from ledgerbridge.store import catalog, periods
from ledgerbridge.store import reconcile as audit_store
from ledgerbridge.store.database import Database


def change(
    db: Database,
    ledger: str,
    period: str,
    new: str,
    actor: str,
    *,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Close or reopen; ``detail`` (a reason, the checks that failed) goes into the audit log."""
    bounds(period)  # a YYYY-MM period, or ValidationError
    with db.write() as conn:
        catalog.get_ledger(conn, ledger)
        if periods.status(conn, ledger, period) == new:
            raise ConflictError(f"period {period} of {ledger} is already {new}")
        periods.set_status(conn, ledger, period, new, actor)
        audit_store.audit(
            conn,
            actor,
            f"period.{'close' if new == 'closed' else 'reopen'}",
            f"{ledger}:{period}",
            {"ledger": ledger, "period": period, **(detail or {})},
        )
    forget()
    return {"ledger": ledger, "period": period, "status": new, "changed_by": actor}
