"""Attacks on the HTTP edge (security issue 8): caching, Host, query cost, rate, bodies, feedback.

Each test replays what the issue reported against the whole app (``create_app``),
the way a client on the network meets it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from core.actions import content as actions
from core.app import create_app
from core.auth.permissions import SYSTEM
from core.context import Context
from core.settings import Settings
from tests.conftest import API_TOKEN

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


def app_for(settings: Settings, ctx: Context, **changes: Any) -> Any:
    if changes:
        settings = dataclasses.replace(settings, **changes)
        ctx = dataclasses.replace(ctx, settings=settings)
    return create_app(settings, ctx=ctx, embedded_worker=False)


@pytest.fixture
def client(settings: Settings, ctx: Context, tree: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(app_for(settings, ctx), follow_redirects=False) as c:
        yield c


@contextmanager
def counting_sql(ctx: Context) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)


# --- Cache-Control on management answers -------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/api/graphql", BEARER),  # a signed-in answer
        ("POST", "/api/graphql", {}),  # a refusal
        ("GET", "/api/reports/quota.csv?unit=38", BEARER),
        ("GET", "/api/reports/nope.csv?unit=38", BEARER),
        ("GET", "/admin/login", {}),
        ("GET", "/admin/no-such-page", {}),
    ],
)
def test_management_answers_are_never_stored(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    body = {"json": {"query": "{ categories { slug } }"}} if method == "POST" else {}
    response = client.request(method, path, headers=headers, **body)
    assert response.headers["cache-control"] == "no-store"


# --- Host header --------------------------------------------------------------------------------


def test_an_untrusted_host_is_refused_and_never_reflected(client: TestClient) -> None:
    evil = {"Host": "evil.example"}
    for path in ("/admin", "/admin/", "/graphql?query={categories{slug}}", "/healthz"):
        response = client.get(path, headers=evil)
        assert response.status_code == 400
        assert "evil.example" not in response.headers.get("location", "")
    # A trusted Host still gets its redirect, relative: no Host is echoed into a Location.
    redirect = client.get("/admin", headers={"Host": "loa.test"})
    assert redirect.status_code in (302, 303, 307) and redirect.headers["location"] == "/admin/"


def test_trusted_hosts_default_to_the_public_url() -> None:
    prod = Settings(env="prod", base_url="https://loa.thanhhoa.gov.vn")
    assert prod.allowed_hosts == ("loa.thanhhoa.gov.vn",)
    dev = Settings(base_url="http://127.0.0.1:8000")
    assert set(dev.allowed_hosts) == {"127.0.0.1", "localhost"}
    named = Settings(base_url="https://a.vn", trusted_hosts=("a.vn", "b.vn"))
    assert named.allowed_hosts == ("a.vn", "b.vn")


# --- cost of a public query --------------------------------------------------------------------


def test_150_aliases_are_refused_before_any_sql(client: TestClient, ctx: Context) -> None:
    query = "{ " + " ".join(f"a{i}: articles(first: 100) {{ totalCount }}" for i in range(150))
    with counting_sql(ctx) as statements:
        response = client.post("/graphql", json={"query": query + " }"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "150 aliases" in error["message"]
    assert statements == []


def test_fragment_fan_out_is_refused_by_the_field_count(client: TestClient) -> None:
    # Each fragment spreads the one before twice: 2**10 selections in a few dozen tokens.
    fragments = ["fragment F0 on Category { slug name }"] + [
        f"fragment F{i} on Category {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 11)
    ]
    query = "{ categories { ...F10 } } " + " ".join(fragments)
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "fields" in error["message"]


def test_large_pages_times_fields_are_refused_by_cost(client: TestClient, ctx: Context) -> None:
    page = "articles(first: 100) { edges { node { title summary unit { code name } } } }"
    query = "{ " + " ".join(f"p{i}: {page}" for i in range(10)) + " }"
    with counting_sql(ctx) as statements:
        response = client.post("/graphql", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "objects" in error["message"]
    assert statements == []
    # A variable page size counts as the largest page unless its default says otherwise.
    one = "query($n: Int = 5) { " + page.replace("100", "$n") + " }"
    assert client.post("/graphql", json={"query": one}).status_code == 200


def test_cost_weighs_each_field_by_the_pages_above_it(
    settings: Settings, ctx: Context, tree: dict[str, Any]
) -> None:
    # articles 1 + edges 1 + node n + title n: 42 for the default page of 20.
    with TestClient(app_for(settings, ctx, graphql_max_cost=45)) as client:

        def status(arguments: str) -> int:
            query = f"{{ articles{arguments} {{ edges {{ node {{ title }} }} }} }}"
            return client.post("/graphql", json={"query": query}).status_code

        assert status("") == 200  # the field's default page (20): 42
        assert status("(first: 21)") == 200  # 44
        assert status("(first: 22)") == 400  # 46
        by_variable = "query($n: Int!) { articles(first: $n) { edges { node { title } } } }"
        response = client.post("/graphql", json={"query": by_variable, "variables": {"n": 1}})
        assert response.status_code == 400  # a variable may be the largest page: 202


def test_an_ordinary_front_page_is_within_every_limit(client: TestClient) -> None:
    query = """query($first: Int!, $unit: String) { articles(first: $first, unit: $unit) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id title publishedAtLocal cover { url }
        category { slug name } unit { code name level } agency { name } } } }
      units { code name } categories { slug name } }"""
    response = client.post("/graphql", json={"query": query, "variables": {"first": 20}})
    assert response.status_code == 200 and "errors" not in response.json()


# --- per-client rate on /graphql ---------------------------------------------------------------


def test_public_graphql_is_rate_limited_per_client(
    settings: Settings, ctx: Context, tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(settings, ctx, graphql_rate_limit=3)
    query = {"query": "{ categories { slug } }"}
    with TestClient(app, client=("203.0.113.7", 4000)) as one:
        assert [one.post("/graphql", json=query).status_code for _ in range(3)] == [200] * 3
        refused = one.post("/graphql", json=query)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 60
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert one.get("/graphql", params=query).status_code == 429  # GET counts too
    with TestClient(app, client=("203.0.113.8", 4000)) as other:  # another client is not held
        assert other.post("/graphql", json=query).status_code == 200

        def down(*_: Any, **__: Any) -> Any:
            raise ConnectionError("redis is down")

        monkeypatch.setattr(ctx.redis, "pipeline", down)  # the counter never takes reads down
        assert [other.post("/graphql", json=query).status_code for _ in range(5)] == [200] * 5


# --- request bodies: bounded before they are read ----------------------------------------------


CHUNK = 64 * 1024


def asgi_post(app: Any, path: str, *, chunks: int, declared: int | None) -> tuple[int, int, bytes]:
    """POST ``chunks`` chunks of 64 KiB as a signed-in client would (a bearer token, a form to
    the admin); return (status, chunks the app pulled, response body)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        if pulled > chunks:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    form = path.startswith("/admin")
    kind = b"application/x-www-form-urlencoded" if form else b"application/json"
    headers = [(b"host", b"loa.test"), (b"content-type", kind)]
    headers.append((b"authorization", BEARER["Authorization"].encode()))
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("loa.test", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], pulled, body


@pytest.mark.parametrize("path", ["/graphql", "/api/graphql", "/admin/login", "/api/feedback"])
def test_a_large_body_is_refused_without_being_read(
    settings: Settings,
    ctx: Context,
    tree: dict[str, Any],
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_for(settings, ctx, max_body_bytes=256 * 1024)
    hundred_mb = 1600 * CHUNK
    # Declared: refused before a byte is read.
    status, pulled, body = asgi_post(app, path, chunks=1600, declared=hundred_mb)
    assert status == 413 and pulled == 0
    assert b"TOO_LARGE" in body
    # Streamed without a length (or lying about it): reading stops at the limit.
    for declared in (None, 10):
        status, pulled, body = asgi_post(app, path, chunks=1600, declared=declared)
        assert status == 413 and b"TOO_LARGE" in body
        assert pulled <= 256 * 1024 // CHUNK + 1
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_a_live_server_answers_413_before_the_body_is_sent(
    settings: Settings, ctx: Context, tree: dict[str, Any], serve: Callable[[Any], Any]
) -> None:
    server = serve(app_for(settings, ctx))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000000\r\n\r\n" + b" " * CHUNK
        )
        answer = sock.recv(65536)  # the rest of the 100 MB is never sent
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"TOO_LARGE" in answer or b"content-length" in answer.lower()


# --- /api/feedback -----------------------------------------------------------------------------


def test_feedback_stops_reading_at_32_kib(settings: Settings, ctx: Context, tree: Any) -> None:
    app = app_for(settings, ctx)  # the global limit (1 MiB) is not what stops it
    status, pulled, body = asgi_post(app, "/api/feedback", chunks=100, declared=None)
    assert status == 413 and pulled == 1  # the first 64 KiB chunk already passes 32 KiB
    assert b'"TOO_LARGE"' in body


def test_feedback_refuses_nested_json_with_a_400(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    nested = b"[" * 10_000 + b"]" * 10_000
    response = client.post(
        "/api/feedback", content=nested, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == "BAD_REQUEST"
    assert "nested" in response.json()["message"]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_feedback_does_not_reveal_unpublished_slugs(client: TestClient, ctx: Context) -> None:
    draft = actions.create(
        ctx, SYSTEM, {"title": "Dự thảo chưa công bố", "unit_code": "14932", "body_html": ""}
    )
    live = actions.approve(
        ctx, SYSTEM, actions.create(ctx, SYSTEM, {"title": "Tin đã đăng", "unit_code": "14932"}).id
    )

    def send(slug: str) -> Any:
        return client.post(
            "/api/feedback", json={"unit": "14932", "text": "Cảm ơn xã", "article": slug}
        )

    unpublished, missing = send(draft.slug), send("khong-co-bai-nay")
    assert unpublished.status_code == missing.status_code == 422
    assert unpublished.json()["fields"]["article"] == missing.json()["fields"]["article"].replace(
        "khong-co-bai-nay", draft.slug
    )
    assert send(live.slug).status_code == 201
