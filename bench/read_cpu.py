"""CPU per uncached public read, in process: the read path's cost without wrk's noise.

``bench.read_path`` measures requests per second under ``wrk``; on a shared two-core
machine those figures swing with the load. This one sends ``--requests`` unique cold
requests (a GraphQL comment makes each body unique, unit and category vary per
request, as in ``bench.read_path``) through the whole ASGI app with
``httpx.ASGITransport`` and reports the process's CPU time per request
(``time.process_time``: every thread of this process, the thread pool included; the
least of ``--rounds`` rounds, the least disturbed by other work on the machine), then
optionally a cProfile of the same requests (thread hops made inline, so one thread
does all the work), its top frames and its share per library.

Run: ``python -m bench.read_cpu [--requests 300] [--rounds 3] [--profile 25]
[--database-url URL]``
(default: the SQLite corpus of ``bench.read_path``, plus ``LOA_BENCH_DATABASE_URL`` if set).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench import generate
from bench.harness import databases, log, settings_for
from bench.read_path import ARTICLE_QUERY, LIST_QUERY, ensure_corpus

#: Library of a profiled frame, by a fragment of its file's path (first match wins).
LIBRARIES = (
    ("graphql-core", "/graphql/"),
    ("strawberry", "/strawberry/"),
    ("sqlalchemy", "/sqlalchemy/"),
    ("psycopg", "/psycopg"),
    ("starlette/anyio/httpx", "/starlette/"),
    ("starlette/anyio/httpx", "/anyio/"),
    ("starlette/anyio/httpx", "/httpx/"),
    ("starlette/anyio/httpx", "/httpcore/"),
    ("loa", "/core/"),
    ("stdlib/C", "/lib/python3"),
    ("stdlib/C", "~"),
)


@dataclass
class Scenario:
    name: str
    bodies: Callable[[int], bytes]
    check: Callable[[dict[str, Any]], None]


def _body(query: str, n: int) -> bytes:
    return json.dumps({"query": f"{query} #cold-{n}"}, ensure_ascii=False).encode()


def _check_list(doc: dict[str, Any]) -> None:
    assert not doc.get("errors"), doc
    edges = doc["data"]["articles"]["edges"]
    assert len(edges) == 20, len(edges)
    assert all(e["node"]["category"]["name"] and e["node"]["unit"]["name"] for e in edges)


def _check_article(doc: dict[str, Any]) -> None:
    assert not doc.get("errors"), doc
    assert doc["data"]["article"]["bodyHtml"], doc


def scenarios(corpus: generate.Corpus, slugs: list[str]) -> list[Scenario]:
    units = [corpus.hot_commune, corpus.province]
    pairs = [(u, c) for c in corpus.categories for u in units]
    return [
        Scenario(
            "list-cold",
            lambda n: _body(LIST_QUERY % pairs[n % len(pairs)], n),
            _check_list,
        ),
        Scenario(
            "article-cold",
            lambda n: _body(ARTICLE_QUERY % slugs[n % len(slugs)], n),
            _check_article,
        ),
    ]


async def _send(client: httpx.AsyncClient, scenario: Scenario, start: int, n: int) -> None:
    for i in range(start, start + n):
        response = await client.post(
            "/graphql", content=scenario.bodies(i), headers={"content-type": "application/json"}
        )
        assert response.status_code == 200, response.text
        scenario.check(response.json())


def _inline_thread_hops() -> Callable[[], None]:
    """Run Loa's ``run_in_threadpool`` calls inline (cProfile sees one thread); returns undo."""
    import sys

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    patched = [
        (module, module.run_in_threadpool)
        for name, module in list(sys.modules.items())
        if name.startswith("core.") and hasattr(module, "run_in_threadpool")
    ]
    for module, _ in patched:
        module.run_in_threadpool = inline  # type: ignore[attr-defined]

    def undo() -> None:
        for module, original in patched:
            module.run_in_threadpool = original  # type: ignore[attr-defined]

    return undo


def library_shares(profile: cProfile.Profile) -> dict[str, float]:
    """Share of own (tottime) CPU per library."""
    stats = pstats.Stats(profile)
    shares: Counter[str] = Counter()
    total = 0.0
    for (path, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += tottime
        label = next((lib for lib, part in LIBRARIES if part in path), "other")
        shares[label] += tottime
    return {k: round(100 * v / total, 1) for k, v in shares.most_common()} if total else {}


def calls_of(profile: cProfile.Profile) -> int:
    stats = pstats.Stats(profile)
    return int(stats.total_calls)  # type: ignore[attr-defined]


async def measure(database_url: str, requests: int, rounds: int, top: int) -> dict[str, Any]:
    from core.app import create_app
    from core.context import build_context

    corpus, slugs = ensure_corpus(database_url, regenerate=False)
    settings = settings_for(database_url)
    ctx = build_context(settings)
    app = create_app(settings, ctx=ctx, embedded_worker=False)
    transport = httpx.ASGITransport(app=app)
    result: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        for scenario in scenarios(corpus, slugs):
            await _send(client, scenario, 10**6, 20)  # warm: imports, pools, lookups
            cpu_ms = []
            for r in range(rounds):
                started = time.process_time()
                await _send(client, scenario, r * requests, requests)
                cpu_ms.append((time.process_time() - started) * 1000 / requests)
            entry: dict[str, Any] = {
                "cpu_ms_per_request": round(min(cpu_ms), 3),
                "rounds_ms": [round(c, 2) for c in cpu_ms],
            }
            if top:
                hops = _inline_thread_hops()
                profile = cProfile.Profile(time.process_time)  # CPU, not waits
                profile.enable()
                await _send(client, scenario, 2 * 10**6, requests)
                profile.disable()
                hops()
                entry["calls_per_request"] = calls_of(profile) // requests
                entry["library_share_pct"] = library_shares(profile)
                stats = pstats.Stats(profile).sort_stats("tottime")
                entry["profile"] = stats
            result[scenario.name] = entry
    ctx.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="cProfile top frames (0: none)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    backends = [("given", args.database_url)] if args.database_url else databases("read")
    with open("/proc/loadavg") as f:
        log(f"load average {' '.join(f.read().split()[:3])}")
    for label, url in backends:
        found = asyncio.run(measure(url, args.requests, args.rounds, args.profile))
        for name, entry in found.items():
            log(
                f"{label} {name}: {entry['cpu_ms_per_request']:.2f} ms CPU per request "
                f"(least of rounds {entry['rounds_ms']})"
            )
            if args.profile:
                log(f"  calls/request {entry['calls_per_request']}; {entry['library_share_pct']}")
                entry["profile"].print_stats(args.profile)


if __name__ == "__main__":
    main()
