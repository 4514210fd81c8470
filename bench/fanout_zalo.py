"""Zalo fan-out: one national item to 100 Zalo OA targets, through the real worker.

The Zalo sandbox (``plugins.zalo.sandbox``, demo tokens) runs in its own uvicorn process and
``loa worker --concurrency N`` (real Redis, db 12) in its own process group. Each delivery is
Zalo's real sequence: read the OA's recent articles (the idempotency check), ``article/create``,
then ``article/verify``, which answers ``-214`` ("being processed") once before the id, so each
delivery waits ``verify_delay`` (0.5 s) once. Broadcasts are off: Loa holds them in Zalo's quiet
hours (22:00–06:00 Vietnam time), which would measure the clock rather than Loa. The clock runs
from ``approve`` until every delivery row is ``delivered``; the sandbox must then hold exactly
one article per OA.

Run: ``python -m bench.fanout_zalo [--targets 100] [--concurrency 8] [--timeout 120]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.fanout import add_targets, redis_or_explain, states, wait_for_workers
from bench.generate import create_schema
from bench.harness import (
    databases,
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
from core.actions import media
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.models import DeliveryState
from core.demo_media import photo
from core.media.models import MediaRole
from core.units.sync import Row, sync

REDIS_URL = "redis://127.0.0.1:6379/12"
TARGETS = 100
CONCURRENCY = 8
TIMEOUT = 120.0
VERIFY_DELAY = 0.5
APP_ID, APP_SECRET, OA_SECRET = "bench-app", "bench-zalo-app-secret", "bench-zalo-oa-secret"
TREE = [Row("2025", "VN", "national", "", "Việt Nam", "Việt Nam", None)]
HEADING = "## Zalo fan-out"


def sandbox_app() -> Any:
    """The Zalo sandbox with demo tokens (``demo-<n>`` is the OA ``oa-<n>``'s)."""
    from plugins.zalo.sandbox import create_sandbox

    return create_sandbox(APP_ID, APP_SECRET, OA_SECRET, ("oa-0",), demo=True)


def prepare(ctx: Context, sandbox_url: str, targets: int) -> None:
    """The nation, and ``targets`` national Zalo OAs (ministries' and agencies' accounts)."""
    with ctx.transaction() as session:
        sync(session, iter(TREE))
    settings = {
        "app_id": APP_ID,
        "api_base": sandbox_url,
        "oauth_base": sandbox_url,
        "verify_delay": VERIFY_DELAY,
    }
    add_targets(
        ctx,
        "zalo",
        "VN",
        (
            (
                f"Zalo OA {i:03d}",
                {**settings, "oa_id": f"oa-{i}"},
                {"app_secret": APP_SECRET, "access_token": f"demo-{i}"},
            )
            for i in range(targets)
        ),
    )


def one_run(
    ctx: Context, conn: Any, sandbox: str, label: str, n: int, targets: int, timeout: float
) -> dict[str, Any]:
    conn.flushdb()
    article = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Hướng dẫn cài đặt và kích hoạt tài khoản định danh điện tử mức 2",
            "summary": "Bộ Công an hướng dẫn người dân kích hoạt tài khoản định danh điện tử.",
            "body_html": "<p>Người dân mang căn cước đến công an cấp xã.</p>"
            "<p>Cán bộ hướng dẫn cài ứng dụng và kích hoạt tại chỗ.</p>",
            "cover_url": "https://example.org/anh/dinh-danh.jpg",
            "cover_caption": "Kích hoạt tài khoản định danh điện tử",
            "unit_code": "VN",
            "justification": "Hướng dẫn chung cho toàn quốc của Bộ Công an (national guidance)",
        },
    )
    with tempfile.TemporaryDirectory(prefix="loa-bench-zalo-") as work:
        cover = photo(
            Path(work) / "dinh-danh.jpg",
            ((30, 90, 160), (200, 220, 240), (60, 120, 60), (90, 70, 40)),
            (1280, 720),
        )
        asset = media.upload(
            ctx,
            SYSTEM,
            "VN",
            cover,
            cover.name,
            alt="Ảnh bìa định danh điện tử",
            caption="Kích hoạt định danh điện tử",
        )
    media.attach(ctx, SYSTEM, article.id, asset.id, MediaRole.COVER)
    env = loa_env(ctx.settings.database_url, REDIS_URL)
    worker = loa_process(f"worker-zalo-{label}-{n}", ["worker", "--concurrency", str(n)], env)
    try:
        wait_for_workers(conn, worker, n)
        log(f"zalo {label} N={n}: workers up; approving for {targets} OA targets")
        started = time.perf_counter()
        actions.approve(ctx, SYSTEM, article.id)
        seen: dict[str, int] = {}
        while time.perf_counter() - started < timeout:
            seen = states(ctx, article.id)
            if seen.get(DeliveryState.DELIVERED, 0) >= targets:
                break
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        worker.stop()
    held = httpx.get(f"{sandbox}/__fake/state", timeout=30).json()["articles"]
    per_oa: dict[str, int] = {}
    for a in held:
        per_oa[a["oa_id"]] = per_oa.get(a["oa_id"], 0) + 1
    delivered = seen.get(DeliveryState.DELIVERED, 0)
    result = {
        "database": label,
        "concurrency": n,
        "targets": targets,
        "delivered": delivered,
        "states": seen,
        "wall_s": wall,
        "rate": delivered / wall if wall else 0.0,
        "sandbox_articles": len(held),
        "oas_with_more_than_one": sum(1 for c in per_oa.values() if c > 1),
    }
    log(f"zalo {label} N={n}: {delivered}/{targets} in {wall:.1f}s; sandbox {len(held)} articles")
    return result


def run(
    targets: int = TARGETS, concurrency: int = CONCURRENCY, timeout: float = TIMEOUT
) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "targets": targets, "runs": []}
    conn = redis_or_explain(REDIS_URL)
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    env = loa_env(sqlite_url("fanout_zalo", fresh=False))
    sandbox = uvicorn("sandbox-zalo", "bench.fanout_zalo:sandbox_app", env, port, ready="/")
    try:
        for label, url in databases("fanout_zalo"):
            if label == "sqlite":
                url = sqlite_url("fanout_zalo", fresh=True)
            create_schema(url).dispose()
            ctx = build_context(settings_for(url, REDIS_URL), redis=conn)
            try:
                prepare(ctx, sandbox_url, targets)
                run_ = one_run(ctx, conn, sandbox_url, label, concurrency, targets, timeout)
                result["runs"].append(run_)
            finally:
                ctx.close()
    finally:
        sandbox.stop()
        conn.flushdb()
    save("fanout_zalo", result)
    return result


def section(result: dict[str, Any], command: str) -> str:
    m = result["machine"]
    lines = [
        HEADING,
        "",
        f"One national item to {result['targets']} Zalo OA targets (issue 14): `{command}`. "
        f"Machine: {m.get('cpus', '?')} CPUs, shared with other sessions' test runs while this "
        "ran, so the times are pessimistic. Each delivery: recent-articles check, "
        f"`article/create`, `article/verify` answering -214 once ({VERIFY_DELAY} s wait) then "
        "the id; no broadcast (quiet hours would measure the clock).",
        "",
        "| database | workers | delivered | time (s) | deliveries/s | sandbox articles "
        "| OAs with >1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        lines.append(
            f"| {r['database']} | {r['concurrency']} | {r['delivered']}/{r['targets']} | "
            f"{r['wall_s']:.1f} | {r['rate']:.1f} | {r['sandbox_articles']} | "
            f"{r['oas_with_more_than_one']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    args = parser.parse_args()
    result = run(args.targets, args.concurrency, args.timeout)
    command = "python -m bench.fanout_zalo" + (
        f" --targets {args.targets}" if args.targets != TARGETS else ""
    )
    put_section(HEADING, section(result, command), after="## Delivery fan-out")
    if os.environ.get("BENCH_QUIET") is None:
        print(section(result, command))


if __name__ == "__main__":
    main()
