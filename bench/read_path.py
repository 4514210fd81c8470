"""The public read path: ``/graphql`` under load, against a bare Starlette floor.

Loa runs as ``loa serve`` does (``create_app(load_settings())`` under uvicorn, one
process, ``LOA_ENV=dev``, embedded queue) over the generated corpus; the floor is
a Starlette endpoint answering a fixed JSON body in its own uvicorn process: no
GraphQL server can beat it on this machine. ``wrk -t2 -c16`` drives both.

The public API keeps a 2-second response cache keyed on the exact request body,
so every query runs twice: ``hot`` cycles a small set of bodies (a unit's front
page: mostly cache hits) and ``cold`` makes each body unique with a GraphQL
comment (every request parses, validates, executes and queries the database).

Run: ``python -m bench.read_path [--runs 3] [--duration 10] [--regenerate]``; the archive
at a million (PostgreSQL, minutes to fill): ``python -m bench.read_path --articles 1000000
--pg-only``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import generate
from bench.harness import (
    OUT,
    Process,
    ProfileThread,
    databases,
    free_port,
    loa_env,
    log,
    machine,
    median,
    py_spy,
    save,
    uvicorn,
)
from core.content.models import Article
from core.db import make_engine

WRK_ARGS = ("-t2", "-c16")
LIST_QUERY = (
    '{ articles(unit: "%s", category: "%s", first: 20) { edges { node '
    "{ title slug publishedAt category { name } unit { name } } } } }"
)
ARTICLE_QUERY = (
    '{ article(slug: "%s") { title slug summary bodyHtml publishedAt '
    "category { name } unit { name } } }"
)
SLUG_SAMPLE = 200
#: Connections in the benchmarked app's pool: above wrk's 16 plus the embedded worker's.
POOL_SIZE = 32
#: Seconds of py-spy sampling of the Loa process under cold list load (0: none).
PROFILE_S = 8.0
#: If ``POST /graphql`` is redirected (``307`` to ``/graphql/``, as Starlette's ``Mount`` does),
#: the benchmark posts to ``/graphql/`` and says so.
NOTE_SLASH = (
    "`POST /graphql` answers `307 Temporary Redirect` to `/graphql/` (Starlette `Mount`); the "
    "benchmark posts to `/graphql/` directly. Clients that do not follow redirects fail on "
    "`/graphql`, and those that do pay a second round trip."
)
#: Where a cold body's unique tag goes: a GraphQL comment at the end of the document.
TAG = "@TAG@"


@dataclass
class Scenario:
    name: str
    title: str
    server: str  # "floor" or "loa"
    bodies: list[str]
    unique: bool = False


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


@dataclass
class Outcome:
    scenario: str
    title: str
    samples: list[Sample] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "rps": median([s.rps for s in self.samples]),
            "p50_ms": median([s.p50_ms for s in self.samples]),
            "p99_ms": median([s.p99_ms for s in self.samples]),
            "ratio_to_floor": median(self.ratios) if self.ratios else None,
            "non_2xx": sum(s.non_2xx for s in self.samples),
            "socket_errors": sum(s.socket_errors for s in self.samples),
            "runs": [asdict(s) for s in self.samples],
        }


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "wrk is not installed: the read-path benchmark needs it as its load generator.\n"
            "Install it with: apt-get update && apt-get install -y wrk"
        )
    return path


def body(query: str, tag: bool = False) -> str:
    return json.dumps({"query": query + (f" #{TAG}" if tag else "")}, ensure_ascii=False)


def lua_script(scenario: Scenario) -> Path:
    """A wrk script that POSTs the scenario's bodies in turn (tagged per thread and request)."""

    def quote(text: str) -> str:
        assert "]==]" not in text
        return f"[==[{text}]==]"

    if scenario.unique:
        parts = [b.split(TAG) for b in scenario.bodies]
        table = ",\n".join(f"{{{quote(a)}, {quote(b)}}}" for a, b in parts)
        make = 'local p = bodies[i]; return p[1] .. tid .. "-" .. n .. p[2]'
    else:
        table = ",\n".join(quote(b) for b in scenario.bodies)
        make = "return bodies[i]"
    script = f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {{
{table}
}}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local function next_body()
  n = n + 1
  local i = (n % #bodies) + 1
  {make}
end
function request()
  return wrk.format(nil, nil, nil, next_body())
end
"""
    path = OUT / f"wrk-{scenario.name}.lua"
    path.write_text(script, encoding="utf-8")
    return path


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Sample:
    """Requests/s, latency p50/p99, counts and errors from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return Sample(
        rps=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=total,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in sockets.groups()) if sockets else 0,
    )


def run_wrk(wrk: str, url: str, script: Path, seconds: float) -> Sample:
    argv = [wrk, *WRK_ARGS, f"-d{seconds:g}s", "--latency", "-s", str(script), url]
    import subprocess

    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return parse_wrk(done.stdout)


# --- the scenarios and their checks -----------------------------------------------------------


def scenarios(corpus: generate.Corpus, slugs: list[str]) -> list[Scenario]:
    hot, province = corpus.hot_commune, corpus.province
    lists = [LIST_QUERY % (hot, c) for c in corpus.categories]
    province_lists = [LIST_QUERY % (province, c) for c in corpus.categories]
    singles = [ARTICLE_QUERY % s for s in slugs]
    return [
        Scenario("floor", "floor: bare Starlette, fixed JSON", "floor", [body(lists[0])]),
        Scenario("list-hot", "(a) 20 newest, commune × category, hot", "loa",
                 [body(q) for q in lists]),
        Scenario(
            "list-cold", "(a) 20 newest, commune × category, cold", "loa",
            [body(q, tag=True) for q in lists], unique=True,
        ),
        Scenario(
            "list-province-cold", "(a′) 20 newest, province + 99 communes × category, cold",
            "loa", [body(q, tag=True) for q in province_lists], unique=True,
        ),
        Scenario("article-hot", "(b) one article by slug with body, hot", "loa",
                 [body(q) for q in singles[:20]]),
        Scenario(
            "article-cold", "(b) one article by slug with body, cold", "loa",
            [body(q, tag=True) for q in singles], unique=True,
        ),
    ]  # fmt: skip


def check(url: str, scenario: Scenario) -> None:
    """Every body the scenario sends answers correctly: no errors, 20 edges, the right rows."""
    with httpx.Client(timeout=30) as client:
        for raw in scenario.bodies:
            sent = raw.replace(TAG, "check")
            response = client.post(url, content=sent, headers={"content-type": "application/json"})
            if response.status_code != 200:
                raise AssertionError(f"{scenario.name}: HTTP {response.status_code} for {sent}")
            doc = response.json()
            if scenario.server == "floor":
                continue
            if doc.get("errors"):
                raise AssertionError(f"{scenario.name}: errors {doc['errors']} for {sent}")
            data = doc["data"]
            if "articles" in data:
                edges = data["articles"]["edges"]
                if len(edges) != 20:
                    raise AssertionError(f"{scenario.name}: {len(edges)} edges for {sent}")
                dates = [e["node"]["publishedAt"] for e in edges]
                if dates != sorted(dates, reverse=True):
                    raise AssertionError(f"{scenario.name}: not newest first for {sent}")
                if not all(
                    e["node"]["category"]["name"] and e["node"]["unit"]["name"] for e in edges
                ):
                    raise AssertionError(f"{scenario.name}: missing category/unit names")
            else:
                article = data["article"]
                wanted = json.loads(sent)["query"].split('"')[1]
                if article is None or article["slug"] != wanted or not article["bodyHtml"]:
                    raise AssertionError(f"{scenario.name}: wrong article for {sent}")


# --- one backend --------------------------------------------------------------------------------


def ensure_corpus(
    database_url: str, regenerate: bool, articles: int = generate.ARTICLES
) -> tuple[generate.Corpus, list[str]]:
    """The corpus on ``database_url`` (generated if missing or asked), and a sample of its slugs."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            count = conn.scalar(select(func.count()).select_from(Article))
    except Exception:
        count = 0
    finally:
        engine.dispose()
    if regenerate or count != articles:
        if database_url.startswith("sqlite"):
            for suffix in ("", "-wal", "-shm"):
                Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        if articles > generate.BULK_ABOVE and not database_url.startswith("sqlite"):
            generate.bulk_generate(database_url, articles)
        else:
            generate.generate(database_url, articles)
    corpus = generate.corpus_of(database_url)
    step = max(1, len(corpus.slugs) // SLUG_SAMPLE)
    return corpus, corpus.slugs[::step][:SLUG_SAMPLE]


def bench_backend(
    wrk: str,
    label: str,
    database_url: str,
    runs: int,
    seconds: float,
    regenerate: bool,
    profile_s: float = 0.0,
    articles: int = generate.ARTICLES,
) -> dict[str, Any]:
    corpus, slugs = ensure_corpus(database_url, regenerate, articles)
    plan = scenarios(corpus, slugs)
    floor_port, loa_port = free_port(), free_port()
    env = loa_env(database_url)
    servers: list[Process] = []
    try:
        servers.append(uvicorn("floor", "bench.servers:floor_app", env, floor_port))
        pooled = {**env, "BENCH_POOL_SIZE": str(POOL_SIZE)}
        servers.append(uvicorn(f"loa-{label}", "bench.servers:loa_app", pooled, loa_port))
        urls = {
            "floor": f"http://127.0.0.1:{floor_port}/graphql",
            "loa": graphql_url(loa_port),
        }
        notes = [NOTE_SLASH] if urls["loa"].endswith("/") else []
        notes.append(
            f"The table runs Loa with a {POOL_SIZE}-connection pool (`BENCH_POOL_SIZE`, through "
            "`create_app(settings, ctx=…)`): with the shipped 5 + 10, a first run of this "
            "benchmark stalled (`QueuePool limit of size 5 overflow 10 reached, connection "
            "timed out, timeout 30` from the `articles` resolver, every request after it "
            "timing out); later runs did not reproduce it, see the next line."
        )
        scripts = {s.name: lua_script(s) for s in plan}
        for s in plan:
            check(urls[s.server], s)
        log(f"{label}: responses verified; warming up")
        for s in plan:
            run_wrk(wrk, urls[s.server], scripts[s.name], 3)
        outcomes = {s.name: Outcome(s.name, s.title) for s in plan}
        for r in range(runs):
            floor_rps = 0.0
            for s in plan:  # interleaved: the machine's noise falls on every scenario alike
                sample = run_wrk(wrk, urls[s.server], scripts[s.name], seconds)
                outcomes[s.name].samples.append(sample)
                if s.name == "floor":
                    floor_rps = sample.rps
                outcomes[s.name].ratios.append(sample.rps / floor_rps if floor_rps else 0.0)
                log(
                    f"{label} run {r + 1}/{runs} {s.name:20s} {sample.rps:9.1f} req/s "
                    f"p50 {sample.p50_ms:7.2f} ms p99 {sample.p99_ms:7.2f} ms"
                )
        for s in plan:
            check(urls[s.server], s)  # still correct after the load
        profiled = None
        if profile_s and py_spy():  # untimed: py-spy steals CPU from what it samples
            sampler = ProfileThread(servers[1].pid, profile_s, f"read-{label}", delay=1)
            sampler.start()
            run_wrk(wrk, urls["loa"], scripts["list-cold"], profile_s + 2)
            sampler.join()
            profiled = sampler.frames
    finally:
        for proc in servers:
            proc.stop()
    stock = stock_probe(wrk, label, env, plan, seconds)
    shipped = ", ".join(f"{name} {v['rps']:.0f} req/s" for name, v in stock["samples"].items())
    notes.append(
        f"Loa as shipped (`loa serve`'s default pool: 5 + 10 overflow), same load, one "
        f"{seconds:g} s run per scenario after the table: {shipped}; "
        f"{stock['pool_timeouts']} `QueuePool limit … reached` errors in its log."
    )
    if stock["pool_timeouts"]:
        notes.append(
            "The shipped pool ran dry: a request holds its pooled connection across its "
            "DataLoader awaits, and a checkout beyond the pool blocks the event loop "
            "synchronously (up to 30 s), stalling the whole process."
        )
    return {
        "database": label,
        "scenarios": {name: o.summary() for name, o in outcomes.items()},
        "queries": {"list": LIST_QUERY, "article": ARTICLE_QUERY},
        "corpus": {
            "hot_commune": corpus.hot_commune,
            "province": corpus.province,
            "articles": len(corpus.slugs),
        },
        "notes": notes,
        "stock": stock,
        "profile": {"scenario": "list-cold", "seconds": profile_s, "frames": profiled},
    }


def graphql_url(port: int) -> str:
    """``/graphql``, or ``/graphql/`` where the former only redirects there."""
    url = f"http://127.0.0.1:{port}/graphql"
    probe = httpx.post(url, json={"query": "{ __typename }"}, timeout=10)
    return url + "/" if probe.status_code in (307, 308) else url


def stock_probe(
    wrk: str, label: str, env: dict[str, str], plan: list[Scenario], seconds: float
) -> dict[str, Any]:
    """``loa serve`` exactly as shipped, under the same load: does it keep answering?"""
    port = free_port()
    proc = uvicorn(f"loa-stock-{label}", "bench.servers:loa_app", env, port)
    samples: dict[str, Any] = {}
    try:
        for s in plan:
            if s.server != "loa":
                continue
            try:
                sample = run_wrk(wrk, graphql_url(port), OUT / f"wrk-{s.name}.lua", seconds)
            except (AttributeError, ValueError):  # wrk printed no latency: nothing completed
                sample = Sample(0.0, 0.0, 0.0, 0, 0, 0)
            samples[s.name] = asdict(sample)
    finally:
        proc.stop()
    errors = proc.log_path.read_text(errors="replace").count("QueuePool limit")
    log(
        f"{label} stock loa serve: {errors} pool timeouts; "
        + ", ".join(f"{k} {v['rps']:.0f} req/s" for k, v in samples.items())
    )
    return {"samples": samples, "pool_timeouts": errors}


def run(
    runs: int = 3,
    seconds: float = 10,
    regenerate: bool = False,
    profile_s: float = PROFILE_S,
    articles: int = generate.ARTICLES,
    pg_only: bool = False,
) -> dict[str, Any]:
    wrk = require_wrk()
    started = time.monotonic()
    result: dict[str, Any] = {
        "machine": machine(),
        "command": f"wrk {' '.join(WRK_ARGS)} -d{seconds:g}s --latency -s <script>",
        "runs": runs,
        "seconds": seconds,
        "backends": [],
    }
    backends = [
        (label, url) for label, url in databases("read") if label != "sqlite" or not pg_only
    ]
    if not backends:
        sys.exit("--pg-only needs LOA_BENCH_DATABASE_URL (a scratch PostgreSQL database)")
    for label, url in backends:
        result["backends"].append(
            bench_backend(wrk, label, url, runs, seconds, regenerate, profile_s, articles)
        )
    result["elapsed_s"] = round(time.monotonic() - started, 1)
    save("read_path" if articles == generate.ARTICLES else f"read_path_{articles}", result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus first")
    parser.add_argument("--profile", type=float, default=PROFILE_S, help="py-spy seconds (0: off)")
    parser.add_argument(
        "--articles",
        type=int,
        default=generate.ARTICLES,
        help="archive size; above 100,000 PostgreSQL is filled by the bulk path (minutes)",
    )
    parser.add_argument("--pg-only", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    result = run(
        args.runs, args.duration, args.regenerate, args.profile, args.articles, args.pg_only
    )
    from bench.report import read_path_section

    print(read_path_section(result))


if __name__ == "__main__":
    main()
