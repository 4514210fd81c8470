"""Approving one item for many targets: the time of the ``approve`` call (outbox + enqueue).

The call submits the draft, writes one step and one delivery row per target in the approval's
transaction and, after the commit, queues the deliveries (one fan-out job above
``FANOUT_AT``). No worker runs: only the call is timed, on the clock and as this process's CPU
time (on a shared machine the CPU time is the steadier figure; PostgreSQL's own work is in its
server processes, not in it). Real Redis, on a database this benchmark uses only if it is
empty, and empties when done (``--redis-db``).

Run: ``python -m bench.approve [--targets 10000] [--runs 3] [--redis-db 13]
[--database-url postgresql://…] [--profile 25] [--no-write]``. ``--database-url`` (or
``LOA_BENCH_DATABASE_URL``) adds a PostgreSQL database, whose tables are dropped and made
afresh; ``--profile N`` prints the N costliest frames of one more, profiled call.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from typing import Any

from bench.fanout import new_article, prepare, redis_or_explain
from bench.generate import create_schema
from bench.harness import PG_URL_VAR, databases, log, machine, save, settings_for, sqlite_url
from bench.report import put_section
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.queue import FANOUT_AT, rq_queue

TARGETS = 10_000
RUNS = 3
GOAL_S = 2.0


def one(ctx: Context, conn: Any, n: int, profile: int = 0) -> dict[str, float]:
    article_id = new_article(ctx, n)
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    actions.approve(ctx, SYSTEM, article_id)
    if profiler is not None:
        profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    queued = rq_queue(ctx).count
    conn.flushdb()  # ours: it was empty when we started
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
    return {"seconds": seconds, "cpu": cpu, "queued": queued}


def run(
    targets: int = TARGETS,
    runs: int = RUNS,
    redis_db: int = 13,
    profile: int = 0,
) -> dict[str, Any]:
    url = f"redis://127.0.0.1:6379/{redis_db}"
    conn = redis_or_explain(url)  # refuses a database that is not empty
    result: dict[str, Any] = {"machine": machine(), "targets": targets, "redis": url, "rows": []}
    try:
        for label, db in databases("approve"):
            if label == "sqlite":
                db = sqlite_url("approve", fresh=True)
            create_schema(db).dispose()
            ctx = build_context(settings_for(db, url), redis=conn)
            try:
                prepare(ctx, "http://127.0.0.1:9", targets)
                times, cpus = [], []
                for i in range(runs):
                    got = one(ctx, conn, i)
                    # Above FANOUT_AT deliveries the approval queues one fan-out job instead.
                    assert got["queued"] == (targets if targets <= FANOUT_AT else 1), got
                    times.append(got["seconds"])
                    cpus.append(got["cpu"])
                    log(
                        f"approve {label} {targets} targets: {got['seconds']:.2f}s, "
                        f"{got['cpu']:.2f}s CPU"
                    )
                if profile:
                    one(ctx, conn, runs, profile)
                result["rows"].append(
                    {
                        "database": label,
                        "median_s": statistics.median(times),
                        "runs": times,
                        "median_cpu_s": statistics.median(cpus),
                        "cpu_runs": cpus,
                    }
                )
            finally:
                ctx.close()
    finally:
        conn.flushdb()
    save("approve", result)
    return result


def section(result: dict[str, Any], command: str) -> str:
    m = result["machine"]
    lines = [
        "## Approve for many targets (`bench/approve.py`)",
        "",
        f"`{command}`: the `approve` call for one item and {result['targets']:,} portal targets "
        f"(outbox rows + one queued job each; no worker runs), {len(result['rows'][0]['runs'])} "
        f"runs, median. Goal: ≤ {GOAL_S:.0f} s. Redis `{result['redis']}` (used only if empty).",
        f"Machine: {m['cpus']} shared cores ({m['cpu_model']}), load average at start "
        f"{' / '.join(f'{x:.2f}' for x in m['loadavg_at_start'])}; {m['date']}.",
        "",
        "| database | median s | runs s | median CPU s | goal met |",
        "|---|---:|---|---:|---|",
    ]
    for row in result["rows"]:
        runs = ", ".join(f"{s:.2f}" for s in row["runs"])
        met = "yes" if row["median_s"] <= GOAL_S else "no"
        lines.append(
            f"| {row['database']} | {row['median_s']:.2f} | {runs} | "
            f"{row['median_cpu_s']:.2f} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--database-url", help=f"a PostgreSQL database to run on as well (or ${PG_URL_VAR})"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print one profiled call's N top frames"
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    if args.database_url:
        os.environ[PG_URL_VAR] = args.database_url
    result = run(args.targets, args.runs, args.redis_db, args.profile)
    if not args.no_write:
        command = "python -m bench.approve" + (
            f" --targets {args.targets}" if args.targets != TARGETS else ""
        )
        if os.environ.get(PG_URL_VAR):
            command = "LOA_BENCH_DATABASE_URL=… " + command
        put_section("## Approve for many targets", section(result, command))


if __name__ == "__main__":
    main()
