"""Period status per ledger (close and reopen are audited by the service)."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from ledgerbridge.store.catalog import now
from ledgerbridge.store.tables import periods
from ledgerbridge.store.upsert import insert_new


def closed(conn: Connection, ledger_id: str) -> frozenset[str]:
    rows = conn.execute(
        select(periods.c.period).where(
            periods.c.ledger_id == ledger_id, periods.c.status == "closed"
        )
    )
    return frozenset(rows.scalars())


def status(conn: Connection, ledger_id: str, period: str) -> str:
    found = conn.execute(
        select(periods.c.status).where(periods.c.ledger_id == ledger_id, periods.c.period == period)
    ).scalar()
    return str(found or "open")


def set_status(conn: Connection, ledger_id: str, period: str, new: str, actor: str) -> None:
    row = {
        "ledger_id": ledger_id,
        "period": period,
        "status": new,
        "changed_by": actor,
        "changed_at": now(),
    }
    if not insert_new(conn, periods, row):
        conn.execute(
            update(periods)
            .where(periods.c.ledger_id == ledger_id, periods.c.period == period)
            .values(status=new, changed_by=actor, changed_at=now())
        )
