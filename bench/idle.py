"""``python -m bench idle``: CPU of ``loa demo`` and ``loa worker`` with nothing to do (issue 19).

Each runs in its own process group; after a warm-up, the CPU time (utime + stime from
``/proc/<pid>/stat``) of every process of the group, forked workers and sweeper included,
is read at the start and the end of the window and reported as % of one core.

``loa worker`` needs a real Redis: it uses db ``--redis-db`` (13 by default) of
``--redis`` and only if that db is empty when the run starts; it empties it again at the
end (what is in it is what the run created). ``--root`` measures another checkout of Loa
(e.g. ``git worktree add /tmp/before <commit>``) for a before-and-after figure.
Children run with ``python -P`` so that ``PYTHONPATH``, not the working directory, names the code.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    OUT,
    RESULTS_MD,
    ROOT,
    Process,
    free_port,
    loa_env,
    loa_process,
    log,
    save,
)
from bench.harness import load as load_result
from bench.report import put_section

HEADING = "## Idle CPU (`loa demo`, `loa worker`)"
REDIS = "redis://127.0.0.1:6379"
TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    """utime + stime of every live process in the group (children are in the group too)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:  # fields[0] is field 3 (state); pgrp is field 5
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / TICKS


#: A start-up is over once two windows of this many seconds in a row each use under SETTLED %.
SETTLE_WINDOW, SETTLED, SETTLE_LIMIT = 5.0, 5.0, 180.0


def settle(proc: Process) -> float:
    """Seconds until the process group's start-up work (demo content, sandboxes, media) is over.

    A fixed warm-up measured start-up as idleness on a busy machine (``loa demo`` writes its
    demo content and starts its sandboxes in the first 30–40 s)."""
    started, quiet = time.monotonic(), 0
    while quiet < 2 and time.monotonic() - started < SETTLE_LIMIT:
        before, t = group_cpu_seconds(proc.pid), time.monotonic()
        time.sleep(SETTLE_WINDOW)
        percent = 100 * (group_cpu_seconds(proc.pid) - before) / (time.monotonic() - t)
        quiet = quiet + 1 if percent < SETTLED else 0
    return round(time.monotonic() - started, 1)


def measure(proc: Process, warmup: float, seconds: float) -> float:
    time.sleep(warmup)
    log(f"idle: {proc.name} settled {settle(proc)} s after the warm-up")
    if not proc.alive():
        raise SystemExit(f"{proc.name} died:\n{proc.tail()}")
    start_cpu, start = group_cpu_seconds(proc.pid), time.monotonic()
    time.sleep(seconds)
    used, wall = group_cpu_seconds(proc.pid) - start_cpu, time.monotonic() - start
    return round(100 * used / wall, 2)


def run(root: Path, warmup: float, seconds: float, redis: str, redis_db: int) -> dict[str, Any]:
    import redis as redis_lib

    env_extra = {"PYTHONPATH": str(root)}
    db = OUT / "idle.sqlite"
    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    result: dict[str, Any] = {"root": str(root), "seconds": seconds, "warmup": warmup}

    port = free_port()
    env = loa_env(url, **env_extra, LOA_BASE_URL=f"http://127.0.0.1:{port}")
    demo = loa_process("idle-demo", ["demo", "--port", str(port)], env, safe_path=True)
    try:
        result["demo_percent"] = measure(demo, warmup, seconds)
    finally:
        demo.stop()
    log(f"idle: loa demo {result['demo_percent']}% of a core")

    server = redis_lib.Redis.from_url(f"{redis}/{redis_db}")
    if server.dbsize():
        raise SystemExit(f"Redis db {redis_db} is not empty: not ours, not touched (--redis-db)")
    env = loa_env(url, f"{redis}/{redis_db}", **env_extra)
    worker = loa_process("idle-worker", ["worker"], env, safe_path=True)
    try:
        result["worker_percent"] = measure(worker, warmup, seconds)
    finally:
        worker.stop()
        server.flushdb()  # only what this run put there: the db was empty at the start
    log(f"idle: loa worker {result['worker_percent']}% of a core")
    return result


def section() -> str:
    lines = [
        HEADING,
        "",
        "CPU (utime + stime of the whole process group, from `/proc/<pid>/stat`) with nothing "
        "to do, after the warm-up and once start-up has settled (two 5 s windows in a row under "
        "5%: `loa demo` writes its demo content and starts its sandboxes first), over the "
        "window, as % of one core. Goal: ≤ 1%.",
        "",
        "| code | command | `loa demo` | `loa worker` |",
        "|---|---|---:|---:|",
    ]
    for label in ("before", "after"):
        r = load_result(f"idle-{label}")
        if r:
            lines.append(
                f"| {label} | `{r['command']}` | {r['demo_percent']:.2f}% | "
                f"{r['worker_percent']:.2f}% |"
            )
    lines += [
        "",
        "- *before*: the embedded worker restarted rq's burst mode every 0.1 s in each of its "
        "threads and its scheduler looked every 0.2 s; *after*: each thread blocks in a "
        "BRPOPLPUSH of the queue onto itself (1 s timeout) between bursts, the scheduler looks "
        "once a second, as rq's own does. `--root` names the checkout measured (before: "
        "`git worktree add /tmp/idle-old a5b1b84`).",
        "- `loa worker` uses Redis db 13 (`--redis-db`), only if it is empty at the start, and "
        "empties it at the end. 20 s warm-up, 30 s window; the machine's 2 cores were shared "
        "with other work, which costs wall time, not the CPU time counted here.",
    ]
    return "\n".join([*lines, ""])


def write_section() -> None:
    """Put the idle section into ``bench/RESULTS.md``, leaving the other sections as they are."""
    put_section(HEADING, section())
    log(f"wrote the idle section of {RESULTS_MD}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--redis", default=REDIS)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--label", choices=("before", "after"), default="after")
    args = parser.parse_args(sys.argv[2:])
    result = run(args.root.resolve(), args.warmup, args.seconds, args.redis, args.redis_db)
    result["command"] = f"python -m bench {' '.join(sys.argv[1:])}"
    save(f"idle-{args.label}", result)
    write_section()


if __name__ == "__main__":
    main()
