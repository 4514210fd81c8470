"""Delivery fan-out: one approved item to 3,000 portal targets whose webhook answers in 200 ms.

The portal sandbox runs in its own uvicorn process; ``loa worker --concurrency N``
(the console script, real Redis) in its own process group. The clock runs from
the ``approve`` call (which writes the outbox and enqueues every job) until every
delivery row is ``delivered``. Then the sandbox must have accepted exactly one
post per target: no loss, no duplicate.

Run: ``python -m bench.fanout [--targets 3000] [--concurrency 8 32] [--processes 1]
[--timeout 300] [--redis-db 13] [--only postgresql]``. The goal's run (issue 19): 10,000
targets, two worker processes on 2 cores: ``--targets 10000 --processes 2 --concurrency 100``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Iterable
from typing import Any

import httpx
from sqlalchemy import func, insert, select

from bench.generate import create_schema
from bench.harness import (
    PYTHON,
    Process,
    ProfileThread,
    databases,
    free_port,
    loa_env,
    log,
    machine,
    py_spy,
    save,
    settings_for,
    sqlite_url,
    uvicorn,
)
from bench.idle import group_cpu_seconds
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.models import Delivery, DeliveryState
from core.targets.models import ChannelTarget
from core.units.sync import Row, sync

REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET = "whsec_YmVuY2gtZmFub3V0LXNlY3JldC0wMTIzNDU2Nzg5YWI="
LATENCY = 0.2
TARGETS = 3_000
CONCURRENCY = (8, 32)
TIMEOUT = 300.0
#: Seconds of py-spy sampling in an extra run (0: none; skipped if py-spy is not installed).
PROFILE_S = 10.0
COMMUNE = "14758"
TREE = [
    Row("2025", "VN", "national", "", "Việt Nam", "Việt Nam", None),
    Row("2025", "38", "province", "Tỉnh", "Tỉnh Thanh Hóa", "Thanh Hóa", "VN"),
    Row("2025", COMMUNE, "commune", "Phường", "Phường Hàm Rồng", "Hàm Rồng", "38"),
]


class RedisUnavailable(RuntimeError):
    pass


def redis_or_explain(url: str) -> Any:
    """A connection to a real, **empty** Redis database: a benchmark empties the database it
    uses between runs, so it refuses one that holds anything it did not put there."""
    import redis

    conn = redis.Redis.from_url(url)
    try:
        conn.ping()
        keys = conn.dbsize()
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"Redis is unreachable at {url} ({type(exc).__name__}: {exc}); the fan-out benchmark "
            "needs a real Redis server (e.g. `apt-get install -y redis-server`)."
        ) from None
    if keys:
        raise RedisUnavailable(
            f"Redis database {url} holds {keys} keys; the benchmarks empty the database they use,"
            " so they use only an empty one: name another database or empty this one yourself."
        )
    return conn


def add_targets(
    ctx: Context, plugin: str, unit_code: str, targets: Iterable[tuple[str, Any, Any]]
) -> None:
    """Channel targets of ``plugin`` on one unit, from ``(name, settings, secrets)``: each checked
    by the channel's ``validate_settings``, sealed (identical secrets once: opening is what costs),
    written in one statement."""
    from core.content.queries import unit_by_code

    with ctx.sessions() as session:
        unit_id = unit_by_code(session, unit_code).id
    channel = ctx.channel(plugin)
    sealed: dict[str, str] = {}
    now = dt.datetime.now(dt.UTC)
    rows = []
    for name, settings, secrets in targets:
        channel.validate_settings(settings, secrets)
        key = json.dumps(secrets, sort_keys=True)
        if key not in sealed:
            sealed[key] = ctx.sealer.seal(secrets)
        rows.append(
            {
                "name": name,
                "plugin": plugin,
                "unit_id": unit_id,
                "settings": settings,
                "secrets_sealed": sealed[key],
                "enabled": True,
                "health": "unknown",
                "health_detail": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    with ctx.transaction() as session:
        session.execute(insert(ChannelTarget), rows)


def prepare(ctx: Context, sandbox_url: str, targets: int) -> None:
    """Units, and ``targets`` portal targets on one commune, each its own sandbox site."""
    with ctx.transaction() as session:
        sync(session, iter(TREE))
    secrets = {"webhook_secret": SECRET}
    add_targets(
        ctx,
        "portal",
        COMMUNE,
        (
            (
                f"Cổng thông tin {i:05d}",
                {"webhook_url": f"{sandbox_url}/sites/t{i:05d}/webhook"},
                secrets,
            )
            for i in range(targets)
        ),
    )


def new_article(ctx: Context, n: int) -> int:
    article = actions.create(
        ctx,
        SYSTEM,
        {
            "title": f"Thông báo lịch tiếp công dân định kỳ đợt {n}",
            "summary": "Ủy ban nhân dân phường tiếp công dân vào thứ Năm hằng tuần.",
            "body_html": "<p>Người dân mang theo căn cước công dân.</p>"
            "<p>Địa điểm: trụ sở Ủy ban nhân dân phường.</p>",
            "cover_url": "https://example.org/anh/tiep-cong-dan.jpg",
            "cover_caption": "Trụ sở Ủy ban nhân dân phường Hàm Rồng",
            "unit_code": COMMUNE,
        },
    )
    return article.id


def states(ctx: Context, article_id: int) -> dict[str, int]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.article_id == article_id)
            .group_by(Delivery.state)
        ).all()
    return {str(state): int(count) for state, count in rows}


def wait_for_workers(
    conn: Any, procs: Process | list[Process], n: int, timeout: float = 90.0
) -> None:
    """Until ``n`` rq workers are registered (a pool of processes), or, for ``loa worker``'s
    threads (registered only while they hold jobs), until every process has swept and its
    scheduler thread runs (rq's scheduler lock is taken), plus a second for its threads."""
    from rq import Worker

    if isinstance(procs, Process):
        procs = [procs]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if not proc.alive():
                raise RuntimeError(f"loa worker exited:\n{proc.tail()}")
        if len(Worker.all(connection=conn)) >= n:
            return
        if conn.keys("rq:scheduler-lock:*"):
            time.sleep(1.0 + len(procs))
            return
        time.sleep(0.25)
    raise RuntimeError(f"only {len(Worker.all(connection=conn))} of {n} rq workers registered")


def sandbox_counts(base: str) -> dict[str, int]:
    sites = httpx.get(f"{base}/__fake/stats", timeout=30).json()["sites"]
    posts = httpx.get(f"{base}/__fake/requests", timeout=60).json()["requests"]
    return {
        "sites": len(sites),
        "published": sum(s.get("article.published", 0) for s in sites.values()),
        "duplicates": sum(s.get("duplicate", 0) for s in sites.values()),
        "posts": sum(1 for r in posts if r["method"] == "POST"),
    }


def one_run(
    ctx: Context,
    conn: Any,
    sandbox: str,
    label: str,
    n: int,
    targets: int,
    timeout: float,
    profile_s: float = 0.0,
    processes: int = 1,
) -> dict[str, Any]:
    conn.flushdb()
    httpx.post(f"{sandbox}/__fake/reset", timeout=10).raise_for_status()
    httpx.post(f"{sandbox}/__fake/latency", json={"seconds": LATENCY}, timeout=10)
    article_id = new_article(ctx, n)
    env = loa_env(ctx.settings.database_url, REDIS_URL)
    workers = [
        Process(
            f"worker-{label}-{n}-{p}",
            [PYTHON, "-m", "core.cli", "worker", "--concurrency", str(n)],
            env,
        )
        for p in range(processes)
    ]
    try:
        wait_for_workers(conn, workers, n * processes)
        log(f"{label} N={n}×{processes}: workers up; approving for {targets} targets")
        load = os.getloadavg()[0]
        sampler = None
        if profile_s:
            sampler = ProfileThread(workers[0].pid, profile_s, f"fanout-{label}-{n}", delay=1)
            sampler.start()
        cpu_before = sum(group_cpu_seconds(w.pid) for w in workers)
        started = time.perf_counter()
        actions.approve(ctx, SYSTEM, article_id)
        approve_s = time.perf_counter() - started
        log(f"{label} N={n}: approve (outbox + enqueue) took {approve_s:.2f}s")
        seen: dict[str, int] = {}
        next_log = started
        while time.perf_counter() - started < timeout:
            seen = states(ctx, article_id)
            if seen.get(DeliveryState.DELIVERED, 0) >= targets:
                break
            if time.perf_counter() >= next_log:
                log(f"{label} N={n}: {seen}")
                next_log += 10
            time.sleep(0.2)
        wall = time.perf_counter() - started
        # The workers' own CPU (utime + stime of their process groups) over the run.
        worker_cpu = sum(group_cpu_seconds(w.pid) for w in workers) - cpu_before
        if sampler is not None:
            sampler.join()
    finally:
        for worker in workers:
            worker.stop(timeout=60)
    delivered = seen.get(DeliveryState.DELIVERED, 0)
    with ctx.sessions() as session:
        extra = session.scalar(
            select(func.count()).where(Delivery.article_id == article_id, Delivery.attempt > 1)
        )
    counts = sandbox_counts(sandbox)
    worker_log = "".join(w.log_path.read_text(errors="replace") for w in workers)
    result = {
        "database": label,
        "concurrency": n,
        "processes": processes,
        "load_at_start": load,
        "targets": targets,
        "delivered": delivered,
        "states": seen,
        "complete": delivered >= targets,
        "approve_s": approve_s,
        "wall_s": wall,
        "rate": delivered / wall if wall else 0.0,
        "ideal": n * processes / LATENCY,
        "worker_cpu_s": worker_cpu,
        "worker_cpu_ms_per_delivery": 1000 * worker_cpu / delivered if delivered else None,
        "extra_attempts": int(extra or 0),
        "sandbox_published": counts["published"],
        "sandbox_duplicates": counts["duplicates"],
        "sandbox_posts": counts["posts"],
        "db_locked_in_worker_log": worker_log.count("database is locked"),
    }
    if sampler is not None:
        result["profile"] = sampler.frames
    log(
        f"{label} N={n}: {delivered}/{targets} delivered in {wall:.1f}s = "
        f"{result['rate']:.1f}/s (ideal {result['ideal']:.0f}/s); sandbox {counts}; worker CPU "
        f"{worker_cpu:.1f}s = {result['worker_cpu_ms_per_delivery'] or 0:.1f} ms per delivery"
    )
    return result


def run(
    targets: int = TARGETS,
    concurrency: tuple[int, ...] = CONCURRENCY,
    timeout: float = TIMEOUT,
    profile_s: float = PROFILE_S,
    processes: int = 1,
    only: str | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "machine": machine(),
        "targets": targets,
        "latency": LATENCY,
        "redis_url": REDIS_URL,
        "runs": [],
        "notes": [],
    }
    try:
        conn = redis_or_explain(REDIS_URL)
    except RedisUnavailable as exc:
        log(str(exc))
        result["skipped"] = str(exc)
        save("fanout", result)
        return result
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    env = {
        **loa_env(sqlite_url("fanout", fresh=False)),
        "BENCH_SANDBOX_SECRET": SECRET,
        "BENCH_SANDBOX_LATENCY": str(LATENCY),
    }
    sandbox = uvicorn("sandbox", "bench.servers:sandbox_app", env, port, ready="/__fake/stats")
    try:
        for label, url in databases("fanout"):
            if only and label != only:
                continue
            if label == "sqlite":
                url = sqlite_url("fanout", fresh=True)
            create_schema(url).dispose()
            ctx = build_context(settings_for(url, REDIS_URL), redis=conn)
            try:
                prepare(ctx, sandbox_url, targets)
                for n in concurrency:
                    result["runs"].append(
                        one_run(
                            ctx, conn, sandbox_url, label, n, targets, timeout, processes=processes
                        )
                    )
                if profile_s and label == "sqlite" and py_spy():
                    # An extra, untimed run: py-spy steals CPU from what it samples.
                    n = max(concurrency)
                    sampled = one_run(
                        ctx, conn, sandbox_url, label, n, min(targets, 600), timeout, profile_s
                    )
                    result["profile"] = {
                        "concurrency": n,
                        "seconds": profile_s,
                        "frames": sampled.get("profile"),
                    }
            finally:
                ctx.close()
    finally:
        sandbox.stop()
        conn.flushdb()
    result["notes"] = notes(result["runs"], timeout)
    save("fanout", result)
    return result


def notes(runs: list[dict[str, Any]], timeout: float) -> list[str]:
    found = []
    for r in runs:
        where = f"{r['database']}, N={r['concurrency']}"
        if not r["complete"]:
            found.append(
                f"{where}: stopped after {timeout:.0f} s with {r['delivered']:,} of "
                f"{r['targets']:,} delivered ({r['states']}); the rate is over that window."
            )
        if r["sandbox_published"] != r["delivered"] or r["sandbox_duplicates"]:
            found.append(
                f"{where}: the sandbox accepted {r['sandbox_published']:,} posts "
                f"({r['sandbox_duplicates']} duplicates, {r['sandbox_posts']:,} POSTs) for "
                f"{r['delivered']:,} delivered rows."
            )
        if r["db_locked_in_worker_log"]:
            found.append(
                f"{where}: {r['db_locked_in_worker_log']} `database is locked` errors in the "
                "worker log (SQLite write contention)."
            )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCY))
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run")
    parser.add_argument("--profile", type=float, default=PROFILE_S, help="py-spy seconds (0: off)")
    parser.add_argument("--processes", type=int, default=1, help="`loa worker` processes")
    parser.add_argument("--redis-db", type=int, default=13, help="an empty Redis database")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=None)
    args = parser.parse_args()
    global REDIS_URL
    REDIS_URL = f"redis://127.0.0.1:6379/{args.redis_db}"
    result = run(
        args.targets, tuple(args.concurrency), args.timeout, args.profile, args.processes, args.only
    )
    from bench.report import fanout_section

    print(fanout_section(result))


if __name__ == "__main__":
    main()
