"""YouTube fan-out: one video uploaded to 10 YouTube channel targets, with the peak worker memory.

The YouTube sandbox (``plugins/youtube/sandbox.py``) runs in its own uvicorn process; ``loa
worker --concurrency N`` (real Redis, db 14) in its own process group. An article carries a
real MP4 (ffmpeg's test pattern) stored through Loa's media pipeline; approving it queues one
delivery per target, and each worker streams the stored file to the sandbox over the
resumable protocol in 8 MiB chunks. The clock runs from ``approve`` until every delivery is
``delivered``; then the sandbox must hold exactly one video per channel, each with the file's
SHA-256. Peak memory is each worker process's ``VmHWM`` (reset when the workers are up).

Run: ``python -m bench.fanout_youtube [--targets 10] [--concurrency 4] [--seconds 10 40 80]``
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

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
from core.actions import media
from core.auth.permissions import SYSTEM
from core.context import Context, build_context
from core.delivery.models import DeliveryState
from core.units.sync import Row, sync

REDIS_URL = "redis://127.0.0.1:6379/14"
CLIENT_ID = "bench.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-bench-sandbox-secret"
TARGETS = 10
CONCURRENCY = 4
#: Lengths of the test videos (about 0.5 MB a second): the peak must not follow the size.
SECONDS = (10, 40, 80)
TIMEOUT = 120.0
COMMUNE = "14758"
TREE = [
    Row("2025", "VN", "national", "", "Việt Nam", "Việt Nam", None),
    Row("2025", "38", "province", "Tỉnh", "Tỉnh Thanh Hóa", "Thanh Hóa", "VN"),
    Row("2025", COMMUNE, "commune", "Phường", "Phường Hàm Rồng", "Hàm Rồng", "38"),
]
HEADING = "## YouTube fan-out (`bench/fanout_youtube.py`)"


def sandbox_app() -> Starlette:
    """The YouTube sandbox, for ``uvicorn --factory``."""
    from plugins.youtube.sandbox import create_sandbox

    return create_sandbox(CLIENT_ID, CLIENT_SECRET)


def make_video(path: Path, seconds: int) -> Path:
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
            "-i", f"testsrc=duration={seconds}:size=1280x720:rate=25",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-b:v", "4M", "-minrate", "4M",
            "-maxrate", "4M", "-bufsize", "2M", "-x264-params", "nal-hrd=cbr", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def prepare(ctx: Context, sandbox: str, targets: int) -> None:
    with ctx.transaction() as session:
        sync(session, iter(TREE))

    def target(i: int) -> tuple[str, dict[str, str], dict[str, str]]:
        channel = f"UCbench-{i:02d}"
        token = httpx.post(f"{sandbox}/__fake/grant", json={"channel_id": channel}, timeout=10)
        settings = {
            "client_id": CLIENT_ID,
            "api_base": sandbox,
            "token_url": f"{sandbox}/token",
            "channel_id": channel,
        }
        secrets = {"client_secret": CLIENT_SECRET, "refresh_token": token.json()["refresh_token"]}
        return f"YouTube {i:02d}", settings, secrets

    add_targets(ctx, "youtube", COMMUNE, (target(i) for i in range(targets)))


def new_article(ctx: Context, video: Path) -> int:
    article = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Hướng dẫn đăng ký tiêm chủng mở rộng (video)",
            "summary": "Trạm y tế phường hướng dẫn đăng ký tiêm chủng cho trẻ.",
            "body_html": "<p>Người dân xem video hướng dẫn từng bước.</p>",
            "unit_code": COMMUNE,
        },
    )
    asset = media.upload(ctx, SYSTEM, COMMUNE, video, "huong-dan.mp4", title="Hướng dẫn")
    media.attach(ctx, SYSTEM, article.id, asset.id, "video")
    return int(article.id)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the worker pool's forked workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def reset_peak(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def run(targets: int, concurrency: int, seconds: int) -> dict[str, Any]:
    conn = redis_or_explain(REDIS_URL)
    result: dict[str, Any] = {"machine": machine(), "targets": targets, "concurrency": concurrency}
    port = free_port()
    sandbox = f"http://127.0.0.1:{port}"
    url = sqlite_url("fanout_youtube", fresh=True)
    server = uvicorn("youtube-sandbox", "bench.fanout_youtube:sandbox_app", loa_env(url), port,
                     ready="/__fake/state")  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="loa-bench-yt-"))
    try:
        create_schema(url).dispose()
        ctx = build_context(settings_for(url, REDIS_URL), redis=conn)
        try:
            prepare(ctx, sandbox, targets)
            video = make_video(work / "video.mp4", seconds)
            digest = hashlib.sha256(video.read_bytes()).hexdigest()
            result["video_bytes"] = video.stat().st_size
            article_id = new_article(ctx, video)
            conn.flushdb()  # db 14 is this benchmark's own
            env = loa_env(url, REDIS_URL)
            worker = loa_process(
                "youtube-worker", ["worker", "--concurrency", str(concurrency)], env
            )
            try:
                wait_for_workers(conn, worker, concurrency)
                pids = [*descendants(worker.pid), worker.pid]
                rest = {p: memory(p).get("VmRSS", 0) for p in pids}
                for p in pids:
                    reset_peak(p)
                started = time.perf_counter()
                actions.approve(ctx, SYSTEM, article_id)
                seen: dict[str, int] = {}
                while time.perf_counter() - started < TIMEOUT:
                    seen = states(ctx, article_id)
                    if seen.get(DeliveryState.DELIVERED, 0) >= targets:
                        break
                    time.sleep(0.2)
                wall = time.perf_counter() - started
                peaks = {p: memory(p).get("VmHWM", 0) for p in pids}
            finally:
                worker.stop()
        finally:
            ctx.close()
        held = httpx.get(f"{sandbox}/__fake/state", timeout=30).json()["videos"]
        channels = sorted(v["snippet"]["channelId"] for v in held.values())
        result.update(
            wall_s=wall,
            states=seen,
            delivered=seen.get(DeliveryState.DELIVERED, 0),
            sandbox_videos=len(held),
            one_per_channel=channels == sorted(set(channels)) and len(channels) == targets,
            digests_match=all(v["sha256"] == digest for v in held.values()),
            rss_at_rest_max=max(rest.values()),
            peak_rss_max=max(peaks.values()),
            peak_over_rest_max=max(peaks[p] - rest[p] for p in pids),
            peak_rss_by_process=sorted(peaks.values(), reverse=True),
        )
    finally:
        server.stop()
        conn.flushdb()
    return result


def _mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def section(runs: list[dict[str, Any]], command: str) -> str:
    first = runs[0]
    rows = [
        f"| {r['video_bytes'] / 1e6:.1f} MB | {r['targets']} | {r['wall_s']:.1f} s "
        f"| {r['delivered']} | {r['sandbox_videos']} "
        f"| {'yes' if r['one_per_channel'] and r['digests_match'] else 'NO'} "
        f"| {_mb(r['rss_at_rest_max'])} | {_mb(r['peak_rss_max'])} "
        f"| {_mb(r['peak_over_rest_max'])} |"
        for r in runs
    ]
    return "\n".join(
        [
            HEADING,
            "",
            f"`{command}` on {first['machine'].get('cpus', '?')} CPUs (shared with other "
            "sessions' test runs while measured: the machine was loaded). One article with an "
            "MP4 (ffmpeg's test pattern at 4 Mbit/s, stored by Loa's media pipeline) approved "
            f"for {first['targets']} YouTube targets, each its own channel on the sandbox; "
            f"`loa worker --concurrency {first['concurrency']}`; resumable upload in 8 MiB "
            "chunks streamed from the media store. A fresh database and worker per row.",
            "",
            "| video | targets | time (approve → all delivered) | delivered "
            "| videos on the sandbox | one per channel, same SHA-256 | worker RSS at rest "
            "| peak worker RSS | largest rise of one worker |",
            "|---:|---:|---:|---:|---:|---|---:|---:|---:|",
            *rows,
            "",
            "Peak worker RSS is the largest `VmHWM` among the worker's processes, reset once the "
            "workers were up; the rise is one process's peak over its own RSS at rest, which "
            "includes its first job's imports and caches. The file is never held whole: a "
            "worker holds a few copies of one 8 MiB chunk at most (read buffer, request body, "
            "socket write), so the rise grows with the video up to one chunk and then stops.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=TARGETS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--seconds", type=int, nargs="+", default=list(SECONDS), help="lengths of test videos"
    )
    args = parser.parse_args()
    runs = []
    for seconds in args.seconds:
        result = run(args.targets, args.concurrency, seconds)
        log(f"{result['video_bytes'] / 1e6:.1f} MB: {result['delivered']}/{args.targets} in "
            f"{result['wall_s']:.1f}s; peak worker RSS {_mb(result['peak_rss_max'])}")  # fmt: skip
        runs.append(result)
    command = "python -m bench.fanout_youtube"
    save("fanout_youtube", {"command": command, "runs": runs})
    put_section(HEADING, section(runs, command))


if __name__ == "__main__":
    main()
