"""Delivery under chaos: N portal targets, faults, worker kills and a Redis flush; then a retract.

The portal sandbox (its own uvicorn process) is a receiver that does NOT deduplicate by
webhook-id, so every blind re-send would show as a second article. It injects faults at
rates: 5xx, timeouts after the post was stored, 429s, and 503s on the reconcile read.
Two ``loa worker`` processes (real Redis) deliver one approved item; meanwhile whole
worker process groups are killed with SIGKILL (and restarted) and the Redis database is
flushed. When every delivery is final, the item is retracted under the same faults.

Lost: targets whose delivery did not end ``delivered`` or whose site holds no article.
Duplicates: articles a site stored beyond the first, per target. Still live: sites that
hold a published article once every retract delivery is final.

Run: ``python -m bench.chaos [--targets 2000] [--kills 2] [--flushes 1] …``
(``LOA_BENCH_DATABASE_URL`` names a scratch PostgreSQL database; its tables are dropped.)
The last line printed is ``chaos: N targets, L lost, D duplicates, settled in S s;
retract: R still live``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.fanout import SECRET, new_article, prepare, redis_or_explain, wait_for_workers
from bench.generate import create_schema
from bench.harness import (
    PG_URL_VAR,
    RESULTS_MD,
    Process,
    free_port,
    loa_env,
    loa_process,
    log,
    machine,
    save,
    settings_for,
    sqlite_url,
    uvicorn,
)
from bench.report import put_section
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.models import FINAL_STATES, Action, Delivery, DeliveryState

REDIS_URL = "redis://127.0.0.1:6379/13"
HEADING = "## Delivery under chaos"
#: Worker settings of the run: short timeouts so a killed worker's work comes back in a
#: minute (lease = 2 x job timeout; a dead worker's key expires job timeout + 60 s after
#: it took its last job), and an HTTP timeout below the sandbox's late answers.
WORKER_ENV = {
    "LOA_HTTP_TIMEOUT": "1.5",
    "LOA_JOB_TIMEOUT": "10",
    "LOA_SWEEP_INTERVAL": "5",
    "LOA_MAX_ATTEMPTS": "12",
    # Each target holding the item is read for comments once, not every 5 minutes of the run.
    "LOA_INTERACTIONS_INTERVAL": "3600",
}


@dataclass
class Options:
    targets: int = 2000
    workers: int = 2
    concurrency: int = 8
    error_rate: float = 0.10
    timeout_rate: float = 0.06
    rate_limit_rate: float = 0.035
    reconcile_error_rate: float = 0.10
    kills: int = 2
    flushes: int = 1
    latency: float = 0.05
    seed: int = 9
    timeout: float = 900.0
    database_url: str = ""
    redis_url: str = REDIS_URL


class Workers:
    """``loa worker`` processes, each in its own process group, killable with SIGKILL."""

    def __init__(self, env: dict[str, str], concurrency: int) -> None:
        self.env = env
        self.concurrency = concurrency
        self.procs: list[Process] = []
        self.started = 0

    def start(self) -> Process:
        self.started += 1
        args = ["worker", "--concurrency", str(self.concurrency)]
        proc = loa_process(f"chaos-worker-{self.started}", args, self.env)
        self.procs.append(proc)
        return proc

    def kill_one(self, rng: random.Random) -> None:
        victim = rng.choice([p for p in self.procs if p.alive()])
        os.killpg(victim.pid, signal.SIGKILL)  # the pool, its workers and its sweeper at once
        victim.popen.wait(10)
        self.procs.remove(victim)
        log(f"chaos: killed {victim.name} (kill -9 of its process group); starting another")
        self.start()

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()


def rows(ctx: Context, article_id: int, action: Action) -> dict[str, int]:
    with ctx.sessions() as session:
        found = session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.article_id == article_id, Delivery.action == action)
            .group_by(Delivery.state)
        ).all()
    return {str(state): int(count) for state, count in found}


def settle(ctx: Context, article_id: int, action: Action, expected: int, timeout: float) -> float:
    """Seconds until ``expected`` deliveries of ``action`` are final (raises past ``timeout``)."""
    started = time.monotonic()
    next_log = started
    while True:
        seen = rows(ctx, article_id, action)
        final = sum(seen.get(s, 0) for s in FINAL_STATES)
        if final >= expected:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{action}: not settled after {timeout:.0f}s: {seen}")
        if time.monotonic() >= next_log:
            log(f"chaos: {action} {seen}")
            next_log += 10
        time.sleep(0.5)


def holdings(sandbox: str, loa_id: str) -> dict[str, Counter[str]]:
    """Per site, how many articles of this item it stored, by status."""
    sites = httpx.get(f"{sandbox}/__fake/holdings", timeout=60).json()["sites"]
    return {
        name: Counter(a["status"] for a in articles if a["loa_id"] == loa_id)
        for name, articles in sites.items()
    }


def run(opts: Options) -> dict[str, Any]:
    rng = random.Random(opts.seed)
    conn = redis_or_explain(opts.redis_url)
    conn.flushdb()
    url = opts.database_url or sqlite_url("chaos", fresh=True)
    create_schema(url).dispose()
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    sandbox_env = {**loa_env(url), "BENCH_SANDBOX_SECRET": SECRET}
    sandbox_env["BENCH_SANDBOX_LATENCY"] = str(opts.latency)
    sandbox = uvicorn(
        "chaos-sandbox", "bench.servers:sandbox_app", sandbox_env, port, "/__fake/stats"
    )
    ctx = build_context(settings_for(url, opts.redis_url), redis=conn)
    workers = Workers(loa_env(url, opts.redis_url, **WORKER_ENV), opts.concurrency)
    result: dict[str, Any] = {"machine": machine(), "options": asdict(opts), "events": []}
    try:
        httpx.post(f"{sandbox_url}/__fake/dedupe", json={"dedupe": False}, timeout=10)
        chaos = {
            "error_rate": opts.error_rate,
            "timeout_rate": opts.timeout_rate,
            "rate_limit_rate": opts.rate_limit_rate,
            "reconcile_error_rate": opts.reconcile_error_rate,
            "delay": float(WORKER_ENV["LOA_HTTP_TIMEOUT"]) * 2,
            "retry_after": 1,
            "seed": opts.seed,
        }
        httpx.post(f"{sandbox_url}/__fake/chaos", json=chaos, timeout=10).raise_for_status()
        prepare(ctx, sandbox_url, opts.targets)
        article_id = new_article(ctx, 1)
        for _ in range(opts.workers):
            workers.start()
        wait_for_workers(conn, workers.procs[-1], opts.workers * opts.concurrency)
        log(f"chaos: {opts.workers} x {opts.concurrency} workers up; approving")
        started = time.monotonic()
        actions.approve(ctx, SYSTEM, article_id)
        # Faults of the process kind, spread over the first part of the run.
        events = ["kill"] * opts.kills + ["flush"] * opts.flushes
        rng.shuffle(events)
        for event in events:
            time.sleep(rng.uniform(4, 10))
            if event == "kill":
                workers.kill_one(rng)
            else:
                conn.flushdb()
                log("chaos: FLUSHDB of the queue's Redis database")
            result["events"].append([round(time.monotonic() - started, 1), event])
        remaining = opts.timeout - (time.monotonic() - started)
        settle(ctx, article_id, Action.PUBLISH, opts.targets, remaining)
        settled_s = time.monotonic() - started
        published = rows(ctx, article_id, Action.PUBLISH)
        loa_id = _loa_id(ctx, article_id)
        held = holdings(sandbox_url, loa_id)
        stored = [sum(held.get(f"t{i:05d}", Counter()).values()) for i in range(opts.targets)]
        lost = max(
            opts.targets - published.get(DeliveryState.DELIVERED, 0),
            sum(1 for n in stored if n == 0),
        )
        duplicates = sum(max(0, n - 1) for n in stored)
        log(f"chaos: publish settled in {settled_s:.1f}s: {published}")
        actions.retract(ctx, SYSTEM, article_id, reason="chaos run")
        retract_expected = sum(rows(ctx, article_id, Action.RETRACT).values())
        retract_s = settle(ctx, article_id, Action.RETRACT, retract_expected, opts.timeout)
        held = holdings(sandbox_url, loa_id)
        still_live = sum(1 for c in held.values() if c.get("published", 0))
        result.update(
            targets=opts.targets,
            lost=lost,
            duplicates=duplicates,
            settled_s=settled_s,
            publish_states=published,
            retract_states=rows(ctx, article_id, Action.RETRACT),
            retract_s=retract_s,
            still_live=still_live,
            attempts=_attempts(ctx, article_id),
        )
    finally:
        workers.stop()
        sandbox.stop()
        ctx.close()
        conn.flushdb()
    save("chaos", result)
    return result


def _loa_id(ctx: Context, article_id: int) -> str:
    """The id the portal stores for the item (its ``data.id``, the article's uid)."""
    from core.content.models import Article
    from core.content.queries import item_for

    with ctx.sessions() as session:
        article = session.get(Article, article_id)
        assert article is not None
        return item_for(session, article, ctx.settings.base_url).uid


def _attempts(ctx: Context, article_id: int) -> dict[str, int]:
    with ctx.sessions() as session:
        found = session.execute(
            select(Delivery.attempt, func.count())
            .where(Delivery.article_id == article_id, Delivery.action == Action.PUBLISH)
            .group_by(Delivery.attempt)
        ).all()
    return {str(attempt): int(count) for attempt, count in sorted(found)}


def summary(result: dict[str, Any]) -> str:
    return (
        f"chaos: {result['targets']} targets, {result['lost']} lost, {result['duplicates']} "
        f"duplicates, settled in {result['settled_s']:.0f} s; retract: {result['still_live']} "
        "still live"
    )


def section(result: dict[str, Any]) -> str:
    """The ``bench/RESULTS.md`` section (``bench.report`` adds it when a run was saved)."""
    o = result["options"]
    database = "PostgreSQL" if o["database_url"].startswith("postgresql") else "SQLite"
    events = ", ".join(f"{kind} at {at:g} s" for at, kind in result["events"]) or "none"
    return "\n".join(
        [
            f"{HEADING} (`bench/chaos.py`)",
            "",
            f"`{result['command']}`",
            "",
            f"One item approved for {o['targets']:,} portal targets; {database}, real Redis "
            f"(`{o['redis_url']}`), {o['workers']} `loa worker --concurrency {o['concurrency']}` "
            "processes. The sandbox does **not** deduplicate by webhook-id and injects "
            f"{o['error_rate']:.1%} 5xx, {o['timeout_rate']:.1%} timeouts after the post was "
            f"stored, {o['rate_limit_rate']:.1%} 429s on posts and {o['reconcile_error_rate']:.1%}"
            f" 503s on reconcile reads (seed {o['seed']}). Process faults, in seconds from the "
            "`approve` call: "
            f"{events} (a kill is `kill -9` of a worker's process group, then a new worker; a "
            "flush is `FLUSHDB`). Then the item is retracted under the same faults.",
            "",
            f"- Publish: {result['publish_states']}; attempts per delivery {result['attempts']}.",
            f"- Retract: {result['retract_states']}, settled in {result['retract_s']:.0f} s.",
            "- A kill can take rq's scheduler with it (the worker holding its lock): retries "
            "then wait in the scheduled registry until the sweeper re-enqueues them, 30 s past "
            "their time (`jobs.SCHEDULER_GRACE`); the plateaus of `retrying` in the log are that.",
            f"- Date: {result['machine']['date']}; load average at start "
            f"{result['machine']['loadavg_at_start'][0]:.2f} on {result['machine']['cpus']} "
            "shared cores.",
            "",
            "```",
            summary(result),
            "```",
            "",
        ]
    )


def write_section(result: dict[str, Any]) -> None:
    """Put this run's section into ``bench/RESULTS.md``, leaving the other sections as they are."""
    put_section(HEADING, section(result), after="## Delivery fan-out")
    log(f"wrote the chaos section of {RESULTS_MD}")


def main() -> None:
    defaults = Options()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, value in asdict(defaults).items():
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=type(value), default=value)
    args = parser.parse_args()
    opts = Options(**vars(args))
    opts.database_url = opts.database_url or os.environ.get(PG_URL_VAR, "")
    result = run(opts)
    env = f"{PG_URL_VAR}={opts.database_url} " if opts.database_url.startswith("postgres") else ""
    result["command"] = f"{env}python -m bench chaos {' '.join(sys.argv[1:])}".rstrip()
    save("chaos", result)
    write_section(result)
    print(summary(result))


if __name__ == "__main__":
    main()
