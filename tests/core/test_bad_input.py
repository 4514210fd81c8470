"""Bad input at the HTTP edge (reliability issue 9): typed 4xx answers, no traceback, flat memory.

Both GraphQL endpoints answer every malformed request with a 400 (or 413) in the
GraphQL shape, ``errors[0].extensions.code`` set, and log nothing at ERROR; a
run of bad requests leaves memory where it was; ``/readyz`` tells a database
that was never migrated from one that is ready.
"""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.app import create_app
from core.context import Context
from core.migrate import upgrade
from core.settings import Settings
from tests.conftest import API_TOKEN

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}
ENDPOINTS = ["/graphql", "/api/graphql"]


@pytest.fixture
def client(settings: Settings, ctx: Context, tree: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, ctx=ctx, embedded_worker=False)) as c:
        yield c


def assert_typed(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["message"] and "Traceback" not in response.text
    if code is not None:
        assert error["extensions"]["code"] == code
    return error


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> bool:
    return not [r for r in caplog.records if r.levelno >= 40]


BAD_BODIES = {
    "a string": b'"hello"',
    "null": b"null",
    "a number": b"42",
    "a list": b'[{"query": "{ categories { slug } }"}]',
    "not UTF-8": b'{"query": "{ categories { slug } }", "x": "\xff\xfe"}',
    "UTF-16": '{"query": "{ categories { slug } }"}'.encode("utf-16"),
    "invalid JSON": b'{"query": ',
    "deeply nested": b'{"query": "{ categories { slug } }", "v": '
    + b"[" * 50_000
    + b"]" * 50_000
    + b"}",
    "variables a list": b'{"query": "{ categories { slug } }", "variables": [1]}',
    "variables a string": b'{"query": "{ categories { slug } }", "variables": "{}"}',
    "query a number": b'{"query": 42}',
}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_json_bodies_are_400_with_a_code_and_no_traceback(
    client: TestClient, path: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(
        path, content=body, headers={"content-type": "application/json", **BEARER}
    )
    assert_typed(response, 400, "BAD_REQUEST")
    assert no_errors_logged(caplog)


BAD_PARAMS = {
    "variables not JSON": {"query": "{ categories { slug } }", "variables": "[1"},
    "variables a list": {"query": "{ categories { slug } }", "variables": "[1]"},
    "variables nested": {"query": "{ categories { slug } }", "variables": "[" * 5000},
    "extensions a number": {"query": "{ categories { slug } }", "extensions": "5"},
    "no query": {"variables": "{}"},
}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("params", BAD_PARAMS.values(), ids=BAD_PARAMS.keys())
def test_bad_get_parameters_are_400_with_a_code(
    client: TestClient, path: str, params: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get(path, params=params, headers={"accept": "application/json", **BEARER})
    assert_typed(response, 400)
    assert no_errors_logged(caplog)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_oversized_body_is_413_in_the_graphql_shape(
    settings: Settings, ctx: Context, tree: dict[str, Any], path: str
) -> None:
    small = dataclasses.replace(settings, max_body_bytes=4096)
    app = create_app(small, ctx=dataclasses.replace(ctx, settings=small), embedded_worker=False)
    with TestClient(app) as client:
        query = "{ categories { slug } } #" + "x" * 8192
        response = client.post(path, json={"query": query}, headers=BEARER)
    error = assert_typed(response, 413, "TOO_LARGE")
    assert "4096" in error["message"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_long_query_is_refused_before_it_is_parsed(
    client: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Within the body limit, one token long (a comment): refused on its length, not lexed.
    query = "{ categories { slug } } #" + "x" * 200_000
    response = client.post(path, json={"query": query}, headers=BEARER)
    error = assert_typed(response, 400, "QUERY_TOO_LARGE")
    assert "32768" in error["message"]
    assert no_errors_logged(caplog)


@pytest.mark.parametrize("field", ["unit", "text", "name", "contact", "article"])
def test_feedback_with_a_nul_character_is_refused_not_a_500(
    client: TestClient, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    doc = {"unit": "14932", "text": "Cảm ơn xã", field: "a\x00b"}
    response = client.post("/api/feedback", json=doc)
    assert response.status_code == 422
    assert response.json()["fields"] == {field: "must not contain NUL characters"}
    assert no_errors_logged(caplog)


def test_memory_stays_flat_over_many_bad_requests(client: TestClient) -> None:
    """Distinct long queries and malformed bodies must not pile up in any cache."""

    def bad_run(start: int, count: int) -> None:
        for i in range(start, start + count):
            padding = f"#{i} " + "x" * 100_000
            client.post("/graphql", json={"query": f"{{ categories {{ slug }} }} {padding}"})
            client.post("/graphql", json={"query": f"{{ nope{i} }} {padding}"})
            client.post("/api/graphql", json={"query": f"{{ nope{i} }} {padding}"}, headers=BEARER)
            # Under the length limit, parseable, refused by validation: cached nowhere.
            short = f"#{i} " + "x" * 30_000
            client.post("/graphql", json={"query": f"{{ nope{i} }} {short}"})
            client.post("/api/graphql", json={"query": f"{{ nope{i} }} {short}"}, headers=BEARER)
            client.post(
                "/graphql", content=b"[" * 20_000, headers={"content-type": "application/json"}
            )
            client.post(
                "/graphql", content=b'"hello"', headers={"content-type": "application/json"}
            )

    bad_run(0, 5)  # warm up: imports, pools, first-use caches
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        bad_run(5, 40)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # 40 rounds carry 14 MB of query text; keeping any of it would show at once.
    assert grown < 1_500_000, f"memory grew by {grown} bytes"


def test_readyz_fails_until_the_database_is_migrated(settings: Settings, tmp_path: Path) -> None:
    fresh = dataclasses.replace(settings, database_url=f"sqlite:///{tmp_path}/fresh.db")
    with TestClient(create_app(fresh, embedded_worker=False)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable" and body["database"] == "ok"
        assert body["schema"].startswith("not migrated") and "loa db upgrade" in body["schema"]
    upgrade(fresh)
    with TestClient(create_app(fresh, embedded_worker=False)) as client:
        response = client.get("/readyz")
        assert response.status_code == 200 and response.json()["schema"] == "ok"
