"""CPU per cached ("hot") ``/graphql`` answer, in-process, against the bare Starlette floor.

``bench.read_path`` measures hot answers over HTTP with wrk, on a machine whose load swings
the numbers several-fold between runs. This counts CPU time instead (``time.process_time``)
of a stream of identical requests sent straight into each ASGI app, so it isolates what
Loa's own stack costs per cache hit (middlewares, routing, rate limit, cache lookup,
ETag) from the server, the sockets and the neighbours. The floor is the same app
``bench.read_path`` uses (``bench.servers.floor_app``). The HTTP server's own cost per
request (uvicorn + httptools: tens of µs) is in neither figure, so the ratio here is lower
than wrk's for the same code.

``--served`` measures the same through HTTP: each app under uvicorn (as ``bench.read_path``
runs them), driven by wrk with the one body, and the CPU time (utime + stime) its server
process spent per answered request; a loaded machine slows both servers' clocks, not their
CPU per request, so this ratio holds still where wrk's requests per second do not.

Run: ``python -m bench.hot_path [--requests 5000] [--profile 25] [--served 5 [--redis-url URL]]``
(the 10,000-article SQLite corpus of ``bench.read_path`` in ``bench/out``; the rate limiter
counts every request, as in production). The body is the list of ``bench.read_path``'s hot
scenario (20 edges).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import generate
from bench.harness import free_port, loa_env, log, settings_for, sqlite_url, uvicorn
from bench.idle import group_cpu_seconds
from bench.read_path import LIST_QUERY, Scenario, lua_script, require_wrk, run_wrk

ASGI = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
#: The corpus of ``bench.read_path`` (made on first use, a minute): its answers, its sizes.
CORPUS = "read"


def scope_of(body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *(headers or []),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


async def ask(app: ASGI, body: bytes) -> tuple[int, bytes]:
    """One request straight into ``app``: its status and body."""
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope_of(body), receive, send)
    return status, b"".join(chunks)


async def cpu_per_request(app: ASGI, body: bytes, n: int) -> float:
    """Microseconds of CPU per request over ``n`` requests (after 200 to warm up)."""
    for _ in range(200):
        await ask(app, body)
    started = time.process_time()
    for _ in range(n):
        await ask(app, body)
    return (time.process_time() - started) / n * 1e6


def loa_app() -> tuple[ASGI, bytes]:
    from core.app import create_app

    url = sqlite_url(CORPUS, fresh=False)
    try:
        corpus = generate.corpus_of(url)
    except Exception:
        corpus = generate.generate(sqlite_url(CORPUS, fresh=True))
    app = create_app(settings_for(url), embedded_worker=False)
    query = LIST_QUERY % (corpus.hot_commune, corpus.categories[0])
    return app, json.dumps({"query": query}).encode()


async def measure(n: int, profile: int) -> dict[str, Any]:
    from bench.servers import floor_app

    loa, body = loa_app()
    status, answer = await ask(loa, body)
    if status != 200 or b'"errors"' in answer:
        raise SystemExit(f"Loa answered {status}: {answer[:300]!r}")
    floor = floor_app()
    result: dict[str, Any] = {"requests": n, "loa_us": [], "floor_us": []}
    for _ in range(3):  # interleaved rounds: a burst of load elsewhere hits both
        result["floor_us"].append(round(await cpu_per_request(floor, body, n), 1))
        result["loa_us"].append(round(await cpu_per_request(loa, body, n), 1))
    loa_us, floor_us = min(result["loa_us"]), min(result["floor_us"])
    result["ratio"] = round(floor_us / loa_us, 3)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            await ask(loa, body)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        result["profile"] = out.getvalue()
    return result


def peak_rss_mib(pid: int) -> float:
    """``VmHWM`` of a process: the most memory it held at once."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def served(seconds: float, redis_url: str | None = None) -> dict[str, Any]:
    """Server CPU µs per request and req/s of floor and Loa under wrk, three interleaved rounds.

    ``redis_url``: Loa as a production web process (shared Redis, no in-process worker nor
    fakeredis, whose imports alone hold ~36 MiB); without it, the one-process embedded default.
    """
    _, body = loa_app()
    wrk = require_wrk()
    env = loa_env(sqlite_url(CORPUS, fresh=False), redis_url)
    script = lua_script(Scenario("hot-one", "one hot body", "loa", [body.decode()]))
    servers = {
        name: (uvicorn(f"hot-{name}", f"bench.servers:{name}_app", env, port), port)
        for name, port in (("floor", free_port()), ("loa", free_port()))
    }
    result: dict[str, Any] = {name: {"cpu_us": [], "rps": []} for name in servers}
    try:
        for _, port in servers.values():  # warm-up
            run_wrk(wrk, f"http://127.0.0.1:{port}/graphql", script, 2)
        for _ in range(3):
            for name, (proc, port) in servers.items():
                before = group_cpu_seconds(proc.pid)
                sample = run_wrk(wrk, f"http://127.0.0.1:{port}/graphql", script, seconds)
                spent = group_cpu_seconds(proc.pid) - before
                result[name]["cpu_us"].append(round(spent / sample.requests * 1e6, 1))
                result[name]["rps"].append(round(sample.rps))
        for name, (proc, _) in servers.items():
            result[name]["peak_rss_mib"] = peak_rss_mib(proc.pid)
    finally:
        for proc, _ in servers.values():
            proc.stop()
    result["ratio"] = round(min(result["floor"]["cpu_us"]) / min(result["loa"]["cpu_us"]), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--profile", type=int, default=0, help="cProfile rows to print (0: none)")
    parser.add_argument("--served", type=float, default=0, help="wrk seconds per round (0: off)")
    parser.add_argument(
        "--redis-url", help="serve Loa with this Redis (a database the run may fill; keys expire)"
    )
    args = parser.parse_args()
    if args.served:
        found = served(args.served, args.redis_url)
        log(
            f"served hot /graphql, server CPU per request: Loa {found['loa']['cpu_us']} µs "
            f"({found['loa']['rps']} req/s, peak RSS {found['loa']['peak_rss_mib']} MiB), floor "
            f"{found['floor']['cpu_us']} µs ({found['floor']['rps']} req/s); floor ÷ Loa (best "
            f"of 3) = {found['ratio']}"
        )
    result = asyncio.run(measure(args.requests, args.profile))
    log(
        f"hot /graphql CPU per request: Loa {result['loa_us']} µs, floor {result['floor_us']} µs;"
        f" floor ÷ Loa (best of 3) = {result['ratio']}"
    )
    if args.profile:
        print(result["profile"])


if __name__ == "__main__":
    main()
