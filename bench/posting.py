"""Posting benchmark: the pure posting path, in-process ingest latency (SQLite, PostgreSQL),
and the real HTTP server under open-loop and closed-loop load.

    .venv/bin/python bench/posting.py [--events N] [--rate R] [--concurrency C]
                                      [--postgres-url URL] [--duration S]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import uvloop
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import rawhttp
from bench.workload import MIX, ServeProcess, Stats, make_hooks, prepare, table, verdict
from ledgerbridge.demo.day import Webhook
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.domain.accounts import Role
from ledgerbridge.domain.posting import drafts_for, to_entry
from ledgerbridge.service.context import ledger_view, posting_context, rate_lookup
from ledgerbridge.service.ingest import ingest
from ledgerbridge.sources.base import Delivery
from ledgerbridge.sources.registry import adapter_for
from ledgerbridge.store import catalog
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import events as events_table

P99_TARGET_MS = 20.0
THROUGHPUT_TARGET = 1000.0
PG_DB = "ledgerbridge_bench"


# -- (a) the pure posting path ---------------------------------------------------------------

def pure_path(db: Database, hooks: list[Webhook], runs: int = 5) -> tuple[float, int]:
    """normalize (pre-parsed envelopes, pre-fetched look-ups: none needed) + drafts_for +
    to_entry; no database. Returns (median events/s, entries per run)."""
    now = datetime.now(UTC)
    with db.read() as conn:
        ledger = ledger_view(conn, "default")
        configs = {s: catalog.get_source(conn, s) for s in {h.source for h in hooks}}
        prepared, contexts = [], {}
        for h in hooks:
            cfg, adapter = configs[h.source], adapter_for(configs[h.source].platform)
            env = adapter.identify(Delivery(h.body, {k.lower(): v for k, v in h.headers.items()},
                                            now))
            for ev in adapter.normalize(env, {}, cfg):  # contexts come from the store, once
                key = (cfg.id, type(ev).__name__, getattr(ev, "gateway", None))
                if key not in contexts:
                    contexts[key] = posting_context(conn, ledger, cfg, ev)
            prepared.append((adapter, env, cfg))
        rate_for = rate_lookup(conn, ledger.base_currency)  # same-currency lines never call it
    rounding = ledger.roles.get(Role.ROUNDING, "")
    rates, entries = [], 0
    for _ in range(runs):
        entries = 0
        started = time.perf_counter()
        for adapter, env, cfg in prepared:
            for ev in adapter.normalize(env, {}, cfg):
                ctx = contexts[(cfg.id, type(ev).__name__, getattr(ev, "gateway", None))]
                draft = drafts_for(ev, ctx)
                if draft is not None:
                    to_entry(draft, ledger=ledger.id, source=cfg.id,
                             base_currency=ledger.base_currency, rate_for=rate_for,
                             rounding_account=rounding)
                    entries += 1
        rates.append(len(prepared) / (time.perf_counter() - started))
    return statistics.median(rates), entries


# -- (b) in-process ingest -------------------------------------------------------------------

def in_process(db: Database, hooks: list[Webhook], warmup: int = 50) -> tuple[Stats, dict]:
    """service.ingest.ingest called directly, one at a time; latency per call."""
    times, statuses = [], {}
    for i, h in enumerate(hooks):
        started = time.perf_counter()
        accepted = ingest(db, h.source, h.body, h.headers)
        elapsed = time.perf_counter() - started
        statuses[accepted.status] = statuses.get(accepted.status, 0) + 1
        if i >= warmup:
            times.append(elapsed)
    return Stats(times), statuses


def pg_admin(url: str, statement: str) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True, connect_timeout=3) as conn:
        conn.execute(statement)


# -- (c) the real HTTP server ----------------------------------------------------------------

def _requests(url: str, hooks: list[Webhook]) -> tuple[str, int, list[bytes]]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port), [rawhttp.request_bytes(f"{host}:{port}", f"/webhooks/{h.source}",
                                                   h.body, h.headers) for h in hooks]


clock = time.perf_counter  # uvloop's loop.time() ticks in whole ms


async def open_loop(url: str, hooks: list[Webhook], rate: float) -> tuple[Stats, dict, float]:
    """Send at a fixed rate whatever the answers; latency counted from the scheduled send time
    (no coordinated omission). Returns (round trips, statuses, achieved rate)."""
    times, statuses = [], {}
    host, port, requests = _requests(url, hooks)
    pool = rawhttp.Pool(host, port, 256)
    go, t0 = asyncio.Event(), 0.0

    async def one(i: int, request: bytes) -> None:
        await go.wait()
        due = t0 + i / rate
        await asyncio.sleep(max(0.0, due - clock()))
        status = rawhttp.outcome(*await pool.send(request))
        times.append(clock() - due)
        statuses[status] = statuses.get(status, 0) + 1

    # the schedule starts once every sender exists: making them is the client's own delay
    tasks = [asyncio.ensure_future(one(i, r)) for i, r in enumerate(requests)]
    await asyncio.sleep(0)
    t0 = clock() + 0.05
    go.set()
    await asyncio.gather(*tasks)
    elapsed = clock() - t0
    pool.close()
    return Stats(times), statuses, len(hooks) / elapsed  # completions: sent + drained


async def closed_loop(url: str, hooks: list[Webhook], concurrency: int,
                      duration: float) -> tuple[Stats, dict, float]:
    """``concurrency`` senders, each on its own keep-alive connection, sending its next
    webhook as soon as the last is answered, for ``duration`` seconds (or until the pool of
    fresh webhooks runs out)."""
    times, statuses = [], {}
    host, port, requests = _requests(url, hooks)
    pending = iter(requests)
    conns = [await rawhttp.Connection.open(host, port) for _ in range(concurrency)]
    t0 = clock()
    stop = t0 + duration

    async def sender(conn: rawhttp.Connection) -> None:
        for request in pending:
            started = clock()
            status = rawhttp.outcome(*await conn.send(request))
            times.append(clock() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if clock() >= stop:
                return

    await asyncio.gather(*(sender(c) for c in conns))
    elapsed = clock() - t0
    for conn in conns:
        conn.close()
    return Stats(times), statuses, sum(statuses.values()) / elapsed


def server_side(db: Database, since: datetime, until: datetime) -> Stats:
    """Receipt to posting on the server: events.processed_at - received_at (processed_at is
    stamped in the posting transaction, as the event row is written, so it leaves out the
    posting itself and the COMMIT: the client's round trip is the upper bound)."""
    with db.read() as conn:
        rows = conn.execute(select(events_table.c.received_at, events_table.c.processed_at)
                            .where(events_table.c.status == "posted")).all()

    def utc(d: datetime) -> datetime:
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    return Stats([(utc(done) - utc(got)).total_seconds() for got, done in rows
                  if done and got and since <= utc(got) <= until])


def fmt_status(statuses: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))


def _in_process_rows(args: argparse.Namespace, tmp: str, standin_url: str,
                     rows: list, notes: list) -> None:
    """(a) and (b): the pure path and in-process ingest, SQLite then PostgreSQL."""
    db, keys = prepare(f"sqlite:///{tmp}/inproc.db", standin_url)
    rate_a, entries = pure_path(db, make_hooks(keys, args.events))
    rows.append(("(a) pure posting path (normalize+drafts_for+to_entry)",
                 f"{rate_a:,.0f} ev/s", "", "", f"median of 5 x {args.events} events, "
                 f"{entries} entries/run", "-"))
    print(f"(a) done: {rate_a:,.0f} events/s")
    lat, st = in_process(db, make_hooks(keys, args.events))
    db.dispose()
    rows.append(("(b) ingest() in-process, sequential, SQLite",
                 f"{1 / statistics.mean(lat.values):,.0f} ev/s", lat.ms(0.5), lat.ms(0.99),
                 fmt_status(st), verdict(lat.q(0.99) * 1000 <= P99_TARGET_MS)))
    print(f"(b) SQLite done: p50 {lat.ms(0.5).strip()} ms, p99 {lat.ms(0.99).strip()} ms")
    # (b) on PostgreSQL
    pg_url = args.postgres_url.rsplit("/", 1)[0] + "/" + PG_DB
    try:
        pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(args.postgres_url, f"CREATE DATABASE {PG_DB}")
    except psycopg.Error as exc:
        notes.append(f"(b) PostgreSQL skipped: {args.postgres_url} unreachable "
                     f"({str(exc).strip().splitlines()[0]})")
    else:
        try:
            pg, pg_keys = prepare(pg_url, standin_url)
            lat, st = in_process(pg, make_hooks(pg_keys, args.events))
            pg.dispose()
            rows.append(("(b) ingest() in-process, sequential, PostgreSQL",
                         f"{1 / statistics.mean(lat.values):,.0f} ev/s", lat.ms(0.5),
                         lat.ms(0.99), fmt_status(st), "-"))
            print(f"(b) PostgreSQL done: p50 {lat.ms(0.5).strip()} ms")
        finally:
            pg_admin(args.postgres_url, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


# -- main ------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=3000, help="events for (a) and (b)")
    ap.add_argument("--rate", type=float, default=200.0, help="open-loop rate, events/s")
    ap.add_argument("--concurrency", type=int, default=16, help="closed-loop senders")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP phase")
    ap.add_argument("--postgres-url",
                    default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--http-only", action="store_true", help="skip (a) and (b)")
    args = ap.parse_args()
    uvloop.install()  # the load generator's own loop: less of the shared CPU
    began = time.perf_counter()
    rows, notes = [], []
    print(f"ledgerbridge posting bench: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}\nmix: {MIX}")
    with tempfile.TemporaryDirectory(prefix="lb-bench-") as tmp, StandIn() as standin:
        if not args.http_only:
            _in_process_rows(args, tmp, standin.url, rows, notes)
        # (c) over HTTP against `ledgerbridge serve` on SQLite
        http_url = f"sqlite:///{tmp}/http.db"
        db, keys = prepare(http_url, standin.url)
        n_open = int(args.rate * args.duration)
        with ServeProcess(http_url) as server:
            # warm-up: every ingest thread and pooled connection started, as in steady state
            asyncio.run(closed_loop(server.url, make_hooks(keys, 400), args.concurrency, 5.0))
            since = datetime.now(UTC)
            rt, st, achieved = asyncio.run(open_loop(server.url, make_hooks(keys, n_open),
                                                     args.rate))
            srv = server_side(db, since, datetime.now(UTC))
            rows.append((f"(c1) HTTP open loop {args.rate:.0f} ev/s x {args.duration:.0f} s: "
                         "round trip", f"done {achieved:,.0f} ev/s", rt.ms(0.5), rt.ms(0.99),
                         fmt_status(st), verdict(rt.q(0.99) * 1000 <= P99_TARGET_MS)))
            rows.append(("(c1)   server receipt-to-posting (events table)", "", srv.ms(0.5),
                         srv.ms(0.99), f"{len(srv.values)} events",
                         verdict(srv.q(0.99) * 1000 <= P99_TARGET_MS)))
            print(f"(c1) done: round trip p99 {rt.ms(0.99).strip()} ms")
            pool = make_hooks(keys, int(THROUGHPUT_TARGET * args.duration * 1.5))
            since, cpu0 = datetime.now(UTC), server.cpu_seconds()
            rt, st, tput = asyncio.run(closed_loop(server.url, pool, args.concurrency,
                                                   args.duration))
            cpu_ms = (server.cpu_seconds() - cpu0) / max(1, sum(st.values())) * 1000
            srv = server_side(db, since, datetime.now(UTC))
            rows.append((f"(c2) HTTP closed loop, {args.concurrency} senders, "
                         f"{args.duration:.0f} s", f"{tput:,.0f} ev/s", rt.ms(0.5), rt.ms(0.99),
                         fmt_status(st), verdict(tput >= THROUGHPUT_TARGET)))
            rows.append(("(c2)   server receipt-to-posting (events table)", "", srv.ms(0.5),
                         srv.ms(0.99), f"{len(srv.values)} events; server CPU "
                         f"{cpu_ms:.2f} ms/request", "-"))
            print(f"(c2) done: {tput:,.0f} events/s")
        db.dispose()
    print()
    print(table("ledgerbridge posting bench (latencies in ms)",
                ("measurement", "throughput", "p50 ms", "p99 ms", "outcome", "target"), rows))
    print(f"targets: p99 webhook-to-commit <= {P99_TARGET_MS:.0f} ms at 200 ev/s on SQLite "
          f"(c1); >= {THROUGHPUT_TARGET:,.0f} ev/s sustained from one server process (c2)")
    print("server: `ledgerbridge serve` subprocess (1 uvicorn worker), SQLite WAL, loopback; "
          "load generator: asyncio + bench/rawhttp.py (keep-alive, prebuilt requests) in this "
          "process, same 2 cores")
    for note in notes:
        print("note:", note)
    print(f"load average at the end {os.getloadavg()[0]:.2f} (anything else running on these "
          "2 cores skews every figure)")
    print(f"total bench time {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
