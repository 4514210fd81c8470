"""How soon a publish is visible in every web process: ``loa serve --workers 2``, real Redis.

Each run publishes one article (through the actions, from this process: another process,
as an editor's request or a worker would be) on the busiest commune, whose public list and
RSS feed both web processes have just answered and cached. From the moment ``approve``
returns (committed), fresh connections, spread by the kernel over the two processes, ask
``/graphql`` and ``/feeds/<unit>/rss.xml`` until :data:`SETTLE` consecutive answers of each
show the article. Visible = the time of the last answer that did not. Goal (issue 19):
within 1 s in every web process.

Run: ``python -m bench.visibility [--runs 5] [--redis-url redis://127.0.0.1:6379/12]``
(the Redis database must be empty; it is emptied after). ``LOA_BENCH_DATABASE_URL``: on
PostgreSQL instead of SQLite (its tables are dropped).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from bench import generate
from bench.fanout import redis_or_explain
from bench.harness import (
    PG_URL_VAR,
    free_port,
    loa_env,
    loa_process,
    log,
    machine,
    median,
    save,
    settings_for,
    sqlite_url,
    wait_http,
)
from bench.read_path import graphql_url as probe_graphql
from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.context import build_context

WORKERS = 2
#: Consecutive answers showing the change, per URL, before a run counts as settled.
SETTLE = 40
#: A run that has not settled after this many seconds is recorded as such.
GIVE_UP_S = 10.0
LIST = '{ articles(unit: "%s", first: 1) { edges { node { slug } } } }'


@dataclass
class Run:
    #: Seconds from the commit to the first answer showing the article, and to the last not.
    first_fresh_s: float
    last_stale_s: float
    stale_answers: int
    answers: int
    settled: bool


_GRAPHQL: dict[str, str] = {}


def graphql_url(base: str) -> str:
    """``/graphql`` of the server at ``base`` (``/graphql/`` where the former redirects)."""
    if base not in _GRAPHQL:
        _GRAPHQL[base] = probe_graphql(int(base.rsplit(":", 1)[1]))
    return _GRAPHQL[base]


def fresh(url: str, unit: str, slug: str, feed: bool) -> bool:
    """One answer on a new connection (so the kernel may pick either process)."""
    with httpx.Client(timeout=10, headers={"connection": "close"}) as client:
        if feed:
            return slug in client.get(f"{url}/feeds/{unit}/rss.xml").text
        body = client.post(graphql_url(url), json={"query": LIST % unit}).json()
        edges = body["data"]["articles"]["edges"]
        return bool(edges) and edges[0]["node"]["slug"] == slug


def one_run(url: str, ctx: Any, unit: str, n: int) -> Run:
    for _ in range(2 * SETTLE):  # both processes answer and cache the current list
        fresh(url, unit, "", feed=False)
    article = actions.create(ctx, SYSTEM, {"title": f"Tin mới số {n}", "unit_code": unit})
    approved = actions.approve(ctx, SYSTEM, article.id)
    committed = time.monotonic()
    first = last_stale = -1.0
    streak = {False: 0, True: 0}
    stale = answers = 0
    while min(streak.values()) < SETTLE and time.monotonic() - committed < GIVE_UP_S:
        for feed in (False, True):
            ok = fresh(url, unit, approved.slug, feed)
            at = time.monotonic() - committed
            answers += 1
            if ok:
                streak[feed] += 1
                first = at if first < 0 else first
            else:
                streak[feed], stale, last_stale = 0, stale + 1, at
    return Run(first, max(last_stale, 0.0), stale, answers, min(streak.values()) >= SETTLE)


def run(runs: int, redis_url: str) -> dict[str, Any]:
    redis = redis_or_explain(redis_url)
    database_url = os.environ.get(PG_URL_VAR) or sqlite_url("visibility", fresh=True)
    corpus = generate.generate(database_url, 200)
    port = free_port()
    env = loa_env(database_url, redis_url)
    server = loa_process(
        "visibility-serve", ["serve", "--port", str(port), "--workers", str(WORKERS)], env
    )
    url = f"http://127.0.0.1:{port}"
    results: list[Run] = []
    try:
        wait_http(server, f"{url}/healthz")
        ctx = build_context(settings_for(database_url, redis_url))
        for n in range(runs):
            results.append(one_run(url, ctx, corpus.hot_commune, n))
            log(f"visibility run {n + 1}/{runs}: {asdict(results[-1])}")
    finally:
        server.stop()
        redis.flushdb()
    worst = max(r.last_stale_s for r in results)
    result = {
        "machine": machine(),
        "command": f"python -m bench.visibility --runs {runs} --redis-url {redis_url}",
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "workers": WORKERS,
        "runs": [asdict(r) for r in results],
        "median_last_stale_s": median([r.last_stale_s for r in results]),
        "worst_last_stale_s": worst,
        "met": all(r.settled for r in results) and worst <= 1.0,
    }
    save("visibility", result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    result = run(args.runs, args.redis_url)
    print(
        f"visible in every process after {result['median_last_stale_s']:.2f} s (median), "
        f"{result['worst_last_stale_s']:.2f} s (worst); goal ≤ 1 s: "
        f"{'met' if result['met'] else 'not met'}"
    )


if __name__ == "__main__":
    main()
