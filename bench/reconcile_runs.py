"""The service path for bench/reconcile.py: a fresh SQLite ledger, payouts posted to the
journal, statements imported as OFX through ``service.statements.import_statement`` (which
reconciles), results read back through the service in the generator's ids. Three sequences:

    service          payouts posted first, then the whole statement: one import, one run
    statement_first  the statement imported before the payouts reach the journal (a new
                     installation, a late back-fill), then ``reconcile.run`` once they have
    daily            each day: the payouts created so far posted, yesterday's bank lines
                     imported, and the daily scheduled run (the clock is the simulated day)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from reconcile_month import Month, Payout, money
from sqlalchemy import insert, select

from ledgerbridge.service import reconcile, setup, statements
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import bank_lines, entries, lines

Found = tuple[list[tuple[tuple[str, ...], tuple[str, ...], str]], list[tuple[str, tuple[str, ...]]]]


@contextmanager
def timed(box: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    box[name] = box.get(name, 0.0) + time.perf_counter() - t0


def create(path: Path, m: Month) -> Database:
    """A fresh SQLite ledger with one gateway source per merchant account."""
    db = Database(f"sqlite:///{path}")
    setup.init(db, "EUR")
    for source, gw in sorted({(p.source, p.gateway) for p in m.payouts}):
        settings = {"notification_url": "http://127.0.0.1/hook"} if gw == "square" else {}
        setup.add_source(
            db,
            source_id=source,
            platform=gw,
            ledger="default",
            webhook_secret="whsec_" + "b" * 40,
            settings=settings,
        )
    return db


def post(db: Database, payouts: list[Payout]) -> None:
    """Payout entries as posting writes them (key ``{source}:payout:{id}``; bank 1000 Dr,
    the source's clearing account Cr), inserted directly: the webhook path is not timed."""
    if not payouts:
        return
    now = datetime.now(UTC)
    with db.write() as conn:
        conn.execute(
            insert(entries),
            [
                {
                    "id": p.id,
                    "ledger_id": "default",
                    "key": f"{p.source}:payout:{p.ref}",
                    "effective_date": p.day,
                    "posted_at": now,
                    "description": f"Payout {p.ref}",
                    "source_id": p.source,
                    "mapping_version": None,
                    "reverses_id": None,
                    "note": None,
                }
                for p in payouts
            ],
        )
        conn.execute(
            insert(lines),
            [
                {
                    "entry_id": p.id,
                    "line_no": n,
                    "ledger_id": "default",
                    "account_code": account,
                    "amount_minor": sign * p.minor,
                    "currency": "EUR",
                    "base_amount_minor": sign * p.minor,
                    "base_currency": "EUR",
                    "rate": "1",
                    "rate_date": None,
                    "rate_source": "identity",
                    "dimensions": {},
                }
                for p in payouts
                for n, account, sign in ((1, "1000", 1), (2, f"1100-{p.source}", -1))
            ],
        )


@contextmanager
def clock(today: list[date], times: dict[str, float] | None = None) -> Iterator[None]:
    """Every reconcile run (also the one an import starts) sees ``today[0]`` as today and
    is timed, as is its ``match_payouts``: instrumentation only, the same code runs."""
    real_run, real_match = reconcile.run, reconcile.match_payouts
    box: dict[str, float] = {} if times is None else times

    def run(*args: Any, **kwargs: Any) -> Any:
        with timed(box, "  of which reconcile.run"):
            return real_run(*args, **{**kwargs, "today": today[0]})

    def match(*args: Any, **kwargs: Any) -> Any:
        with timed(box, "    of which match_payouts"):
            return real_match(*args, **kwargs)

    reconcile.run, reconcile.match_payouts = run, match  # type: ignore[assignment]
    try:
        yield
    finally:
        reconcile.run, reconcile.match_payouts = real_run, real_match  # type: ignore[assignment]


def read_back(db: Database) -> Found:
    with db.read() as conn:
        fitid = dict(conn.execute(select(bank_lines.c.id, bank_lines.c.bank_ref)).all())
    found = [
        (tuple(x["left_ids"]), tuple(fitid[i] for i in x["right_ids"]), x["rule"])
        for x in reconcile.matches(db, "default", "payout_deposit")
    ]
    problems = [
        (x["kind"], tuple(fitid.get(r, r) for r in x["refs"]))
        for x in reconcile.discrepancies(db, "default", None, None)
    ]
    db.dispose()
    return found, problems


def service(m: Month, tmp: Path, times: dict[str, float], today: date) -> Found:
    with timed(times, "seed ledger (setup, payouts posted)"):
        db = create(tmp / f"service-{len(m.payouts)}.db", m)
        post(db, m.payouts)
    data = ofx(m)
    with clock([today], times), timed(times, "import_statement (parse, store, reconcile)"):
        result = statements.import_statement(db, data, account="1000")
    if result.lines_imported != len(m.deposits):
        raise RuntimeError(f"imported {result} of {len(m.deposits)} lines")
    return read_back(db)


def statement_first(m: Month, tmp: Path, today: date) -> Found:
    db = create(tmp / "statement-first.db", m)
    with clock([today]):
        statements.import_statement(db, ofx(m), account="1000")
        post(db, m.payouts)
        reconcile.run(db, "default", trigger="bench")
    return read_back(db)


def daily(m: Month, tmp: Path) -> Found:
    db = create(tmp / "daily.db", m)
    first = min(p.day for p in m.payouts)
    last = max(d.day for d in m.deposits) + timedelta(days=7)
    today = [first]
    with clock(today):
        for n in range((last - first).days + 1):
            day = today[0] = first + timedelta(days=n)
            post(db, [p for p in m.payouts if p.day == day - timedelta(days=1)])
            booked = [d for d in m.deposits if d.day == day - timedelta(days=1)]
            if booked:
                statements.import_statement(db, ofx(Month(deposits=booked)), account="1000")
            reconcile.run(db, "default", trigger="schedule")
    return read_back(db)


def ofx(m: Month, account: str = "DE89370400440532013000") -> bytes:
    """The whole statement as OFX 1.02 (FITID = our deposit id, a USD line says so)."""
    rows = []
    for d in sorted(m.deposits, key=lambda d: (d.day, d.id)):
        cur = f"<CURRENCY><CURRATE>1<CURSYM>{d.currency}</CURRENCY>" if d.currency != "EUR" else ""
        rows.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if d.minor > 0 else 'DEBIT'}<DTPOSTED>"
            f"{d.day:%Y%m%d}<TRNAMT>{money(d.minor)}<FITID>{d.id}{cur}<NAME>{d.name}"
            f"<MEMO>{d.memo}</STMTTRN>\n"
        )
    first, last = min(d.day for d in m.deposits), max(d.day for d in m.deposits)
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>\n"
        f"<CURDEF>EUR<BANKACCTFROM><BANKID>37040044<ACCTID>{account}<ACCTTYPE>CHECKING"
        f"</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}\n"
        + "".join(rows)
        + "</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>"
        f"{last:%Y%m%d}</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()
