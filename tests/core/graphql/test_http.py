"""The HTTP face of /graphql: GET and POST, clear 4xx for bad requests, limits, no mutations."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.content import queries
from core.context import Context
from core.graphql import public_app

Gql = Callable[..., Any]


def test_get_and_post_answer_the_same(public: TestClient, make_article: Any) -> None:
    make_article("Tin một")
    query = "{ articles(first: 5) { totalCount edges { node { title } } } }"
    by_get = public.get("/", params={"query": query})
    by_post = public.post("/", json={"query": query})
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.json() == by_post.json()
    assert by_get.json()["data"]["articles"]["edges"][0]["node"]["title"] == "Tin một"
    with_vars = public.get(
        "/",
        params={
            "query": "query($n: Int!) { articles(first: $n) { totalCount } }",
            "variables": '{"n": 1}',
        },
    )
    assert with_vars.json() == {"data": {"articles": {"totalCount": 1}}}


def test_graphiql_on_html_get(public: TestClient) -> None:
    response = public.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def test_public_schema_has_no_mutation_type(public: TestClient, gql: Gql) -> None:
    schema = gql(public, "{ __schema { mutationType { name } subscriptionType { name } } }")
    assert schema == {"data": {"__schema": {"mutationType": None, "subscriptionType": None}}}
    response = public.post("/", json={"query": "mutation { createArticle { id } }"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize("path", ["public", "management"])
def test_mutation_over_get_is_refused(
    path: str, public: TestClient, management: TestClient, admin_token: str
) -> None:
    client = public if path == "public" else management
    response = client.get(
        "/",
        params={"query": 'mutation { approveArticle(id: "x") { __typename } }'},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert response.status_code in (400, 405)
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"query": 42}', "application/json"),
        (b'{"query": "{ units { code } }", "variables": [1]}', "application/json"),
        (b"query=1", "application/x-www-form-urlencoded"),
        (b"{}", "application/json"),
    ],
)
def test_malformed_requests_are_400_with_errors(
    public: TestClient, body: bytes, content_type: str
) -> None:
    response = public.post("/", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ articles(first: 5) { edges { node { title }", "GRAPHQL_PARSE_FAILED"),
        ("{ articles { nope } }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ articles(first: "x") { totalCount } }', "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_malformed_queries_are_400_with_a_code(public: TestClient, query: str, code: str) -> None:
    response = public.post("/", json={"query": query})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code


def test_bad_variables_are_bad_user_input(public: TestClient) -> None:
    response = public.post(
        "/",
        json={"query": "query($n: Int!) { articles(first: $n) { totalCount } }", "variables": {}},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_depth_limit(public: TestClient, ctx: Context) -> None:
    assert ctx.settings.graphql_max_depth == 10
    deep = "{ articles { edges { node { unit { code } } } } }"
    assert public.post("/", json={"query": deep}).status_code == 200
    # The public schema itself is shallow (depth 5): test the limit with a lower setting.
    shallow = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, graphql_max_depth=3)
    )
    with TestClient(public_app(shallow), raise_server_exceptions=False) as client:
        response = client.post("/", json={"query": deep})
    assert response.status_code == 400
    assert "exceeds maximum operation depth of 3" in response.json()["errors"][0]["message"]


def test_token_limit(public: TestClient, ctx: Context) -> None:
    query = "{ " + " ".join(f"c{i}: categories {{ slug }}" for i in range(600)) + " }"
    response = public.post("/", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "Document contains more than 2000 tokens" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_unexpected_errors_are_masked_and_logged(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("password=hunter2 at db.internal")

    monkeypatch.setattr(queries, "list_published", broken)
    with TestClient(public_app(ctx), raise_server_exceptions=False) as client:
        response = client.post("/", json={"query": "{ articles { totalCount } }"})
    assert response.status_code == 200
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "hunter2" in caplog.text


def test_introspection_and_suggestions_off_in_prod(ctx: Context) -> None:
    prod = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, env="prod"))
    with TestClient(public_app(prod), raise_server_exceptions=False) as client:
        response = client.post("/", json={"query": "{ __schema { types { name } } }"})
        assert response.status_code == 400
        assert "introspection" in response.json()["errors"][0]["message"].lower()
        typo = client.post("/", json={"query": "{ categorie { slug } }"})
        assert "Did you mean" not in typo.text
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 404
