"""Facebook fan-out: one national item to 100 Facebook Page targets through the Graph sandbox.

The Graph sandbox (``plugins.facebook.sandbox``, strict: tokens, ``appsecret_proof``, usage
headers) runs in its own uvicorn process and answers each call after ``LATENCY`` seconds;
``loa worker --concurrency N`` (real Redis, db 11) in its own process group. The clock runs
from ``approve`` until every delivery row is ``delivered``; then the sandbox must hold
exactly one post per Page: no loss, no duplicate.

Run: ``python -m bench.fanout_facebook [--targets 100] [--concurrency 8] [--timeout 120]``
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import httpx

from bench.fanout import add_targets, redis_or_explain, states, wait_for_workers
from bench.generate import create_schema
from bench.harness import (
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
from core.delivery.models import DeliveryState
from core.units.sync import Row, sync

REDIS_URL = "redis://127.0.0.1:6379/11"
APP_ID = "100000000000777"
APP_SECRET = "bench-facebook-app-secret-not-real"
TOKEN_PREFIX = "EAABENCH"
LATENCY = 0.2
TARGETS = 100
CONCURRENCY = 8
TIMEOUT = 120.0
HEADING = "## Facebook fan-out (one national item → Facebook Page targets)"
TREE = [Row("2025", "VN", "national", "", "Việt Nam", "Việt Nam", None)]


def sandbox_app() -> Any:
    """The Graph sandbox for ``uvicorn --factory``: each ``EAABENCH<id>`` token opens a Page."""
    from plugins.facebook.sandbox import create_sandbox

    app = create_sandbox(APP_ID, APP_SECRET, demo_prefix=TOKEN_PREFIX)
    app.state.sandbox.latency = float(os.environ.get("BENCH_FB_LATENCY", "0"))
    return app


def prepare(ctx: Context, graph_url: str, targets: int) -> None:
    """The national unit and ``targets`` Facebook Page targets on it, one Page each."""
    with ctx.transaction() as session:
        sync(session, iter(TREE))
    pages = [f"77{i:06d}" for i in range(targets)]
    add_targets(
        ctx,
        "facebook",
        "VN",
        (
            (
                f"Facebook Page {i:03d}",
                {"page_id": page, "app_id": APP_ID, "graph_url": graph_url},
                {"app_secret": APP_SECRET, "page_token": f"{TOKEN_PREFIX}{page}"},
            )
            for i, page in enumerate(pages)
        ),
    )


def new_article(ctx: Context) -> int:
    article = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Thông báo của Chính phủ về lịch nghỉ Tết Nguyên đán",
            "summary": "Cán bộ, công chức, viên chức được nghỉ Tết 9 ngày liên tục.",
            "body_html": "<p>Thời gian nghỉ từ ngày 14 đến hết ngày 22 tháng 2.</p>",
            "unit_code": "VN",
            "audience": {"scope_level": "national"},
            "justification": "Thông báo của Chính phủ gửi mọi Trang của các cơ quan (bench).",
        },
    )
    return article.id


def sandbox_counts(base: str) -> dict[str, int]:
    state = httpx.get(f"{base}/__fake/state", timeout=30).json()
    requests = httpx.get(f"{base}/__fake/requests", timeout=30).json()["requests"]
    pages = {pid.split("_")[0] for pid in state["posts"]}
    return {
        "posts": len(state["posts"]),
        "pages": len(pages),
        "feed_posts": sum(
            1 for r in requests if r["method"] == "POST" and r["path"].endswith("/feed")
        ),
    }


def run(
    targets: int = TARGETS, concurrency: int = CONCURRENCY, timeout: float = TIMEOUT
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "machine": machine(),
        "targets": targets,
        "latency": LATENCY,
        "concurrency": concurrency,
        "redis_url": REDIS_URL,
    }
    conn = redis_or_explain(REDIS_URL)
    conn.flushdb()
    port = free_port()
    graph_url = f"http://127.0.0.1:{port}"
    url = sqlite_url("fanout_facebook", fresh=True)
    env = loa_env(url, REDIS_URL, BENCH_FB_LATENCY=str(LATENCY))
    sandbox = uvicorn("fb-sandbox", "bench.fanout_facebook:sandbox_app", env, port, ready="/")
    create_schema(url).dispose()
    ctx = build_context(settings_for(url, REDIS_URL), redis=conn)
    worker = None
    try:
        prepare(ctx, graph_url, targets)
        article_id = new_article(ctx)
        worker = loa_process("fb-worker", ["worker", "--concurrency", str(concurrency)], env)
        wait_for_workers(conn, worker, concurrency)
        started = time.perf_counter()
        actions.approve(ctx, SYSTEM, article_id)
        seen: dict[str, int] = {}
        while time.perf_counter() - started < timeout:
            seen = states(ctx, article_id)
            if seen.get(DeliveryState.DELIVERED, 0) >= targets:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        if worker is not None:
            worker.stop()
        counts = sandbox_counts(graph_url)
        sandbox.stop()
        ctx.close()
        conn.flushdb()
    delivered = seen.get(DeliveryState.DELIVERED, 0)
    result.update(
        delivered=delivered,
        states=seen,
        wall_s=wall,
        rate=delivered / wall if wall else 0.0,
        **{f"sandbox_{k}": v for k, v in counts.items()},
    )
    log(f"facebook fan-out: {delivered}/{targets} in {wall:.1f}s; sandbox {counts}")
    save("fanout_facebook", result)
    return result


def section(result: dict[str, Any], command: str) -> str:
    m = result["machine"]
    return "\n".join(
        [
            HEADING,
            "",
            f"One national article approved for {result['targets']} Facebook Page targets; the "
            f"Graph sandbox (its own uvicorn process) answers each call after "
            f"{result['latency'] * 1000:.0f} ms; `loa worker --concurrency "
            f"{result['concurrency']}`, real Redis (`{result['redis_url']}`), SQLite. Wall time "
            "from `approve` until every delivery is `delivered`. Each delivery is one "
            "`POST /{page-id}/feed` (text and link).",
            "",
            "| targets | delivered | wall s | deliveries/s | Pages with a post | posts "
            "| feed POSTs | load avg at start |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {result['targets']} | {result['delivered']} | {result['wall_s']:.1f} "
            f"| {result['rate']:.1f} | {result['sandbox_pages']} | {result['sandbox_posts']} "
            f"| {result['sandbox_feed_posts']} | {m['loadavg_at_start'][0]:.1f} |",
            "",
            f"Machine: {m.get('cpus', '?')} CPUs, shared with other sessions' work while this ran"
            " (the figure is a floor, not a capacity). Command: `" + command + "`.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    args = parser.parse_args()
    result = run(args.targets, args.concurrency, args.timeout)
    command = (
        f"python -m bench.fanout_facebook --targets {args.targets} "
        f"--concurrency {args.concurrency} --timeout {args.timeout:g}"
    )
    put_section(HEADING, section(result, command))


if __name__ == "__main__":
    main()
