"""Mixed-platform HTTP bench: signed webhooks spread evenly over all eight platforms, sent to a
`ledgerbridge serve` subprocess on a fresh SQLite file, open loop then closed loop.

    .venv/bin/python bench/mixed.py [--rate R] [--duration S] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mixed_workload import PLATFORMS, Builder, configure
from bench.workload import ServeProcess, Stats, table
from ledgerbridge.demo.day import Webhook
from ledgerbridge.demo.standin import StandIn
from ledgerbridge.sources.paypal.simulate import CertificateServer
from ledgerbridge.store.database import Database
from ledgerbridge.store.tables import events as events_table

Timings = list[tuple[str, float]]  # (source, seconds)


def _status(r: httpx.Response) -> str:
    """The status the server answered (Magento and Adyen get their platform's own ack)."""
    if r.status_code != 200:
        return str(r.status_code)
    if r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        if isinstance(body, dict) and "status" in body:
            return str(body["status"])
    return "acked"


async def _post(client: httpx.AsyncClient, h: Webhook) -> str:
    return _status(await client.post(f"/webhooks/{h.source}", content=h.body,
                                     headers=h.headers))


async def open_loop(url: str, hooks: list[Webhook], rate: float) -> tuple[Timings, dict, float]:
    """Send at a fixed rate whatever the answers; latency from the scheduled send time (no
    coordinated omission). Returns (round trips, client-seen statuses, completion rate)."""
    times: Timings = []
    statuses: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        loop = asyncio.get_running_loop()
        t0 = loop.time() + 0.05

        async def one(i: int, h: Webhook) -> None:
            due = t0 + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            statuses[await _post(client, h)] += 1
            times.append((h.source, loop.time() - due))

        await asyncio.gather(*(one(i, h) for i, h in enumerate(hooks)))
        elapsed = loop.time() - t0
    return times, dict(statuses), len(hooks) / elapsed


async def closed_loop(url: str, hooks: list[Webhook], concurrency: int,
                      duration: float) -> tuple[Timings, dict, float]:
    """``concurrency`` senders, each sending its next webhook as soon as the last is answered,
    for ``duration`` seconds (or until the pool runs out). Returns (times, statuses, ev/s)."""
    times: Timings = []
    statuses: dict[str, int] = defaultdict(int)
    pending = iter(hooks)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        stop = t0 + duration

        async def sender() -> None:
            for h in pending:
                started = loop.time()
                statuses[await _post(client, h)] += 1
                times.append((h.source, loop.time() - started))
                if loop.time() >= stop:
                    return

        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = loop.time() - t0
    return times, dict(statuses), sum(statuses.values()) / elapsed


def _utc(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def server_side(db: Database, since: datetime, until: datetime) -> dict[str, list[float]]:
    """Receipt to commit per source: processed_at (stamped in the posting transaction, just
    before COMMIT) - received_at, for events received in [since, until]."""
    t = events_table.c
    with db.read() as conn:
        rows = conn.execute(select(t.source_id, t.received_at, t.processed_at)).all()
    found: dict[str, list[float]] = defaultdict(list)
    for source, got, done in rows:
        if got and done and since <= _utc(got) <= until:
            found[source].append((_utc(done) - _utc(got)).total_seconds())
    return found


def by_source(times: Timings) -> dict[str, list[float]]:
    found: dict[str, list[float]] = defaultdict(list)
    for source, seconds in times:
        found[source].append(seconds)
    return found


def every(groups: dict[str, list[float]]) -> Stats:
    return Stats([x for values in groups.values() for x in values])


def fmt(statuses: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))


def outcomes(db: Database) -> tuple[dict[str, dict[str, int]], list[tuple]]:
    """Per source, events by status; and every event that did not post, with its error."""
    t = events_table.c
    with db.read() as conn:
        counts = conn.execute(select(t.source_id, t.status, func.count())
                              .group_by(t.source_id, t.status)).all()
        bad = conn.execute(select(t.source_id, t.event_type, t.platform_event_id, t.status,
                                  t.error).where(t.status != "posted")).all()
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for source, status, n in counts:
        found[source][status] = n
    return found, list(bad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="open-loop rate, events/s")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP phase")
    ap.add_argument("--concurrency", type=int, default=16, help="closed-loop senders")
    ap.add_argument("--warmup", type=int, default=400, help="closed-loop warm-up events")
    args = ap.parse_args()
    began = time.perf_counter()
    print(f"$ {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"ledgerbridge mixed bench: {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}; "
          f"{len(PLATFORMS)} platforms, evenly mixed")
    os.environ["LEDGERBRIDGE_CATCHUP_INTERVAL_SECONDS"] = "0"  # no catch-up thread in serve
    with (tempfile.TemporaryDirectory(prefix="lb-mixed-") as tmp, StandIn() as standin,
          CertificateServer() as certs):
        db_url = f"sqlite:///{tmp}/mixed.db"
        db = Database(db_url)
        builder = Builder(configure(db, standin.url, certs), standin)
        with ServeProcess(db_url) as server:
            started = time.perf_counter()
            warm = builder.make(args.warmup)
            build_rate = len(warm) / (time.perf_counter() - started)
            rt0, st, warm_rate = asyncio.run(closed_loop(server.url, warm, args.concurrency, 30))
            print(f"warm-up: {len(warm)} events ({fmt(st)}), closed loop {warm_rate:,.0f} ev/s;"
                  f" webhooks built at {build_rate:,.0f}/s")
            # (1) open loop
            hooks = builder.make(int(args.rate * args.duration))
            since = datetime.now(UTC)
            rt1, st1, done1 = asyncio.run(open_loop(server.url, hooks, args.rate))
            srv1 = server_side(db, since, datetime.now(UTC))
            print(f"(1) open loop done: {fmt(st1)}")
            # (2) closed loop: a pool sized from the warm-up rate, built just before sending
            # (Stripe and PayPal sign a time that must be within 300 s of receipt)
            pool = builder.make(min(30_000, int(max(warm_rate, 100) * args.duration * 1.6)))
            since, cpu0 = datetime.now(UTC), server.cpu_seconds()
            rt2, st2, tput = asyncio.run(closed_loop(server.url, pool, args.concurrency,
                                                     args.duration))
            cpu_ms = (server.cpu_seconds() - cpu0) / max(1, sum(st2.values())) * 1000
            srv2 = server_side(db, since, datetime.now(UTC))
            ran_out = " (the pool ran out)" if len(rt2) >= len(pool) else ""
            print(f"(2) closed loop done: {fmt(st2)}{ran_out}")
        per_source, bad = outcomes(db)
        db.dispose()
    sent = {s: len(v) for s, v in by_source(rt0 + rt1 + rt2).items()}
    return report(args, (rt1, st1, done1, srv1), (rt2, st2, tput, srv2, cpu_ms),
                  (sent, per_source, bad), began)


def report(args: argparse.Namespace, one: tuple, two: tuple, stored: tuple,
           began: float) -> int:
    rt1, st1, done1, srv1 = one
    sent, per_source, bad = stored
    rt2, st2, tput, srv2, cpu_ms = two
    r1, r2 = by_source(rt1), by_source(rt2)
    a, b, s1, s2 = every(r1), every(r2), every(srv1), every(srv2)
    print()
    print(table(
        "ledgerbridge mixed bench over HTTP (latencies in ms)",
        ("phase", "throughput", "rt p50", "rt p99", "srv p50", "srv p99", "answers"),
        [(f"(1) open loop {args.rate:.0f} ev/s x {args.duration:.0f} s", f"{done1:,.0f} ev/s",
          a.ms(0.5), a.ms(0.99), s1.ms(0.5), s1.ms(0.99), fmt(st1)),
         (f"(2) closed loop, {args.concurrency} senders, {args.duration:.0f} s",
          f"{tput:,.0f} ev/s", b.ms(0.5), b.ms(0.99), s2.ms(0.5), s2.ms(0.99), fmt(st2))]))
    print(f"rt = round trip at the client; srv = receipt-to-commit on the server (events "
          f"received_at -> processed_at); server CPU in (2) {cpu_ms:.2f} ms/request")
    print()
    rows, all_posted = [], True
    for source, sends in PLATFORMS.items():
        counts = per_source.get(source, {})
        all_posted &= set(counts) == {"posted"} and counts["posted"] == sent.get(source)
        o, c, so, sc = (Stats(g.get(source, [])) for g in (r1, r2, srv1, srv2))
        rows.append((source, sends, str(len(o.values)), o.ms(0.5), o.ms(0.99), so.ms(0.99),
                     str(len(c.values)), c.ms(0.5), c.ms(0.99), sc.ms(0.99),
                     str(sent.get(source, 0)), fmt(counts) or "none"))
    print(table("per platform: (1) open loop, (2) closed loop; all events incl. warm-up by "
                "stored status",
                ("source", "sends", "n(1)", "rt p50", "rt p99", "srv p99", "n(2)", "rt p50",
                 "rt p99", "srv p99", "sent", "events table"), rows))
    for source, kind, event_id, status, error in bad[:40]:
        print(f"  NOT POSTED {source} {kind} {event_id}: {status}: {error}")
    if len(bad) > 40:
        print(f"  ... and {len(bad) - 40} more not posted")
    print(f"every event sent was stored and posted: {'yes' if all_posted and not bad else 'NO'}"
          f" ({sum(sent.values())} sent, {sum(sum(c.values()) for c in per_source.values())} "
          "stored); answers: Magento and Adyen get their platform's ack, counted as 'acked'")
    print("server: `ledgerbridge serve` subprocess (1 uvicorn worker), SQLite WAL file, "
          "catch-up off; stand-ins (BigCommerce REST, PayPal certs) and the asyncio + httpx "
          "load generator share this process; all on loopback, same 2 cores")
    print(f"load average at the end {os.getloadavg()[0]:.2f}; total bench time "
          f"{time.perf_counter() - began:.1f} s")
    return 0 if all_posted and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
