"""CPU per delivery: N deliveries of one item run one after another in this process.

The 200 deliveries/s goal with two worker processes on 2 cores (issue 19) is a CPU budget:
about 8 ms per delivery all in. Wall-clock rates on a shared machine say little about it, so
this measures the worker's own cost directly: one approved item, ``--targets`` portal targets,
the portal sandbox (its own uvicorn process, so its CPU is not counted) answering at once, and
each delivery run through the job's entry point (:func:`core.delivery.jobs.run_delivery`'s
body) with ``time.process_time()`` around it. The first ``--warmup`` deliveries are not
counted (imports, the lexicon, first connections). ``--profile`` adds a cProfile top list
of the counted deliveries (the profiler's own cost included in that run only).

Run: ``python -m bench.fanout_cpu [--targets 300] [--warmup 20] [--profile]
[--redis-db N]`` (fakeredis without ``--redis-db``), on SQLite, or on PostgreSQL with
``LOA_BENCH_DATABASE_URL`` set (its tables are dropped and made again).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from typing import Any

from sqlalchemy import select

from bench.fanout import SECRET, new_article, prepare, redis_or_explain
from bench.generate import create_schema
from bench.harness import (
    OUT,
    PG_URL_VAR,
    free_port,
    loa_env,
    log,
    settings_for,
    sqlite_url,
    uvicorn,
)
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import build_context
from core.delivery import dispatcher, jobs
from core.delivery.models import Delivery, DeliveryState


def measure(targets: int, warmup: int, profile: bool, redis_db: int | None) -> dict[str, Any]:
    url = os.environ.get(PG_URL_VAR) or sqlite_url("fanout_cpu", fresh=True)
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    env = {**loa_env(sqlite_url("fanout_cpu_sandbox", fresh=False)), "BENCH_SANDBOX_SECRET": SECRET}
    sandbox = uvicorn("sandbox-cpu", "bench.servers:sandbox_app", env, port, ready="/__fake/stats")
    if redis_db is None:
        import fakeredis

        redis: Any = fakeredis.FakeRedis()
        redis_url = None
    else:
        redis_url = f"redis://127.0.0.1:6379/{redis_db}"
        redis = redis_or_explain(redis_url)  # only an empty database: emptied again at the end
    create_schema(url).dispose()
    ctx = build_context(settings_for(url, redis_url), redis=redis)
    try:
        prepare(ctx, sandbox_url, targets)
        article_id = new_article(ctx, 1)
        actions.approve(ctx, SYSTEM, article_id)
        with ctx.sessions() as session:
            ids = list(
                session.scalars(
                    select(Delivery.id)
                    .where(Delivery.article_id == article_id)
                    .order_by(Delivery.id)
                )
            )
        cpu: list[float] = []
        # CPU time, not wall time: waiting for PostgreSQL or the sandbox is not the worker's cost.
        profiler = cProfile.Profile(time.process_time) if profile else None
        for n, delivery_id in enumerate(ids):
            counted = n >= warmup
            if counted and profiler is not None:
                profiler.enable()
            started = time.process_time()
            outcome = jobs.run_async(dispatcher.run(ctx, delivery_id, 1))
            spent = time.process_time() - started
            if counted and profiler is not None:
                profiler.disable()
            if outcome is not dispatcher.Outcome.DELIVERED:
                raise RuntimeError(f"delivery {delivery_id}: {outcome}")
            if counted:
                cpu.append(spent)
        with ctx.sessions() as session:
            delivered = session.scalar(
                select(Delivery.id)
                .where(Delivery.article_id == article_id, Delivery.state != DeliveryState.DELIVERED)
                .limit(1)
            )
        if delivered is not None:
            raise RuntimeError(f"delivery {delivered} is not delivered")
    finally:
        ctx.close()
        sandbox.stop()
        if redis_db is not None:
            redis.flushdb()
    result: dict[str, Any] = {
        "database": url.split(":", 1)[0],
        "targets": targets,
        "counted": len(cpu),
        "cpu_ms_mean": 1000 * statistics.fmean(cpu),
        "cpu_ms_median": 1000 * statistics.median(cpu),
        "load": os.getloadavg()[0],
        "profiled": profile,
    }
    if profiler is not None:
        out = io.StringIO()
        OUT.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(OUT / "fanout_cpu.prof")  # for pstats' callers/callees
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--redis-db", type=int, default=None, help="real Redis (default: fake)")
    args = parser.parse_args()
    result = measure(args.targets, args.warmup, args.profile, args.redis_db)
    if "profile" in result:
        print(result.pop("profile"))
    log(
        f"{result['database']}: {result['counted']} deliveries, CPU per delivery "
        f"{result['cpu_ms_mean']:.2f} ms mean, {result['cpu_ms_median']:.2f} ms median "
        f"(load average {result['load']:.1f}, profiler {'on' if args.profile else 'off'})"
    )


if __name__ == "__main__":
    main()
