"""Approving one item for many targets: the time of the ``approve`` call (outbox + enqueue).

The call writes one delivery row per target in the approval's transaction and, after the commit,
puts one job per delivery on the queue. No worker runs: only the call is timed. Real Redis, on a
database this benchmark uses only if it is empty, and empties when done (``--redis-db``).

Run: ``python -m bench.approve [--targets 10000] [--runs 3] [--redis-db 13]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from bench.fanout import new_article, prepare, redis_or_explain
from bench.generate import create_schema
from bench.harness import databases, log, machine, save, settings_for, sqlite_url
from bench.report import put_section
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.queue import FANOUT_AT, rq_queue

TARGETS = 10_000
RUNS = 3
GOAL_S = 2.0


def one(ctx: Context, conn: Any, n: int) -> dict[str, float]:
    article_id = new_article(ctx, n)
    started = time.perf_counter()
    actions.approve(ctx, SYSTEM, article_id)
    seconds = time.perf_counter() - started
    queued = rq_queue(ctx).count
    conn.flushdb()  # ours: it was empty when we started
    return {"seconds": seconds, "queued": queued}


def run(targets: int = TARGETS, runs: int = RUNS, redis_db: int = 13) -> dict[str, Any]:
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
                times = []
                for i in range(runs):
                    got = one(ctx, conn, i)
                    # Above FANOUT_AT deliveries the approval queues one fan-out job instead.
                    assert got["queued"] == (targets if targets <= FANOUT_AT else 1), got
                    times.append(got["seconds"])
                    log(f"approve {label} {targets} targets: {got['seconds']:.2f}s")
                result["rows"].append(
                    {"database": label, "median_s": statistics.median(times), "runs": times}
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
        "| database | median s | runs s | goal met |",
        "|---|---:|---|---|",
    ]
    for row in result["rows"]:
        runs = ", ".join(f"{s:.2f}" for s in row["runs"])
        met = "yes" if row["median_s"] <= GOAL_S else "no"
        lines.append(f"| {row['database']} | {row['median_s']:.2f} | {runs} | {met} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()
    result = run(args.targets, args.runs, args.redis_db)
    if not args.no_write:
        command = "python -m bench.approve" + (
            f" --targets {args.targets}" if args.targets != TARGETS else ""
        )
        if os.environ.get("LOA_BENCH_DATABASE_URL"):
            command = "LOA_BENCH_DATABASE_URL=… " + command
        put_section("## Approve for many targets", section(result, command))


if __name__ == "__main__":
    main()
