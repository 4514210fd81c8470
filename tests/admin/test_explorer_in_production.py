"""The management GraphQL explorer in production: GraphiQL for a signed-in admin session (its
files too, cached privately, under the house policy with a style nonce), never anonymous."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.app import create_app
from core.context import Context
from core.graphql import ide
from tests.core.auth.conftest import Clock, MakeAccount, sign_in
from tests.security.test_csp import HTML, assert_strict_policy


@pytest.fixture
def prod(ctx: Context) -> Iterator[TestClient]:
    """The app with production settings, over HTTPS (its session cookie is Secure)."""
    settings = dataclasses.replace(ctx.settings, env="prod")
    app = create_app(settings, ctx=dataclasses.replace(ctx, settings=settings))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def test_graphiql_in_production_for_a_signed_in_admin_only(
    prod: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    script = ide.bundle().url("graphiql.js")
    anonymous = prod.get("/api/graphql", headers=HTML)
    assert anonymous.status_code == 401 and "graphiql" not in anonymous.text.lower()
    assert prod.get(script).status_code == 404
    assert prod.get("/graphql", headers=HTML).status_code == 404  # the public one: none

    sign_in(prod, make_account("quan-tri", role="admin"), clock)
    explorer = prod.get("/admin/graphql")
    assert explorer.status_code == 200 and 'id="open-graphiql"' in explorer.text
    page = prod.get("/api/graphql", headers=HTML)
    assert page.status_code == 200 and 'id="loa-graphiql"' in page.text
    assert_strict_policy(page)
    nonce = re.search(r'"styleNonce": "([^"]+)"', page.text)
    assert nonce and f"'nonce-{nonce.group(1)}'" in page.headers["content-security-policy"]
    token = re.search(r'"x-csrf-token": "([^"]+)"', page.text)
    assert token, "GraphiQL is not given the session's CSRF token"
    asked = prod.post(
        "/api/graphql",
        json={"query": "{ me { username } }"},
        headers={"x-csrf-token": token.group(1)},
    )
    assert asked.json() == {"data": {"me": {"username": "quan-tri"}}}
    served = prod.get(script)
    assert served.status_code == 200 and served.headers["cache-control"].startswith("private")

    prod.cookies.clear()  # signed out again: nothing
    assert prod.get(script).status_code == 404
    assert prod.get("/api/graphql", headers=HTML).status_code == 401


def test_an_api_token_gets_no_graphiql_in_production(
    prod: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    from core.auth import actions, tokens

    account = make_account("bien-tap")
    ctx: Context = prod.app.state.loa  # type: ignore[attr-defined]
    with ctx.sessions() as db:
        actor = actions.actor_for(db, account.user_id)
    assert actor is not None
    made = tokens.create_token(ctx, actor, "thử", ["read"], 1, "127.0.0.1")
    bearer = {"authorization": f"Bearer {made.plaintext}", **HTML}
    answer = prod.get("/api/graphql", headers=bearer)
    assert answer.status_code == 404 and "loa-graphiql" not in answer.text
    assert prod.get(ide.bundle().url("graphiql.js"), headers=bearer).status_code == 404
