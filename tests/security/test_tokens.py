"""Attack 7 of security issue 8: a read token revoked another token.

Every token operation respects scopes: no scope manages tokens, so a token can neither
create, revoke nor list tokens (a signed-in session with both factors can); the refusal
is audited on the owner's units.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.auth import tokens
from core.auth.actions import actor_for
from core.auth.models import ApiToken
from core.context import Context
from core.errors import Forbidden
from core.graphql import management_app
from tests.core.auth import conftest as auth_fixtures
from tests.core.auth.conftest import MakeAccount, audit_rows

# The account fixtures of tests/core/auth, used here too.
clock, make_account = auth_fixtures.clock, auth_fixtures.make_account


@pytest.fixture
def api(ctx: Context) -> Any:
    client = TestClient(management_app(ctx), raise_server_exceptions=False)

    def call(token: str, query: str, **variables: Any) -> Any:
        r = client.post(
            "/",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        return r.json()

    return call


def _token(ctx: Context, user_id: int, *scopes: str) -> tokens.NewToken:
    with ctx.sessions() as session:
        actor = actor_for(session, user_id)
    assert actor is not None
    return tokens.create_token(ctx, actor, "t", list(scopes), 30)


REVOKE = (
    "mutation($id: ID!) { revokeApiToken(id: $id) { __typename"
    " ... on ForbiddenError { code } ... on ApiTokenRevoked { token { revokedAt } } } }"
)


def test_a_read_token_cannot_revoke_another_token(
    ctx: Context,
    api: Any,
    make_account: MakeAccount,
) -> None:
    an = make_account("an", role="editor", unit="14932")
    read = _token(ctx, an.user_id, "read")
    ci = _token(ctx, an.user_id, "read", "write")  # the CI's token the attacker wants dead
    body = api(read.plaintext, REVOKE, id=str(ci.token.id))
    assert body["data"]["revokeApiToken"] == {"__typename": "ForbiddenError", "code": "FORBIDDEN"}
    with ctx.sessions() as session:
        assert session.get(ApiToken, ci.token.id).revoked_at is None  # type: ignore[union-attr]
    # The CI's token still works.
    assert api(ci.plaintext, "{ me { username } }")["data"]["me"]["username"].startswith("an ")
    refused = [
        r for r in audit_rows(ctx, "auth.forbidden") if r.data["permission"] == "manage_tokens"
    ]
    assert len(refused) == 1 and refused[0].actor.startswith("an (token ")
    assert refused[0].unit_path  # on the owner's units: their admins see it
    assert audit_rows(ctx, "token.revoke") == []


def test_no_token_scope_lists_or_revokes_tokens(
    ctx: Context,
    api: Any,
    make_account: MakeAccount,
) -> None:
    an = make_account("an", role="editor", unit="14932")
    full = _token(ctx, an.user_id, "read", "write", "publish")
    body = api(full.plaintext, "{ apiTokens { prefix } }")
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = api(full.plaintext, REVOKE, id=str(full.token.id))
    assert body["data"]["revokeApiToken"]["__typename"] == "ForbiddenError"
    # The same account, signed in with both factors, manages its tokens.
    with ctx.sessions() as session:
        actor = actor_for(session, an.user_id)
        ids = list(
            session.scalars(
                select(ApiToken.id).where(ApiToken.user_id == an.user_id).order_by(ApiToken.id)
            )
        )
    assert actor is not None and ids == [full.token.id]
    tokens.revoke_token(ctx, actor, full.token.id)
    as_token = tokens.authenticate_token(ctx, _token(ctx, an.user_id, "read").plaintext)
    with pytest.raises(Forbidden):
        tokens.list_tokens(ctx, as_token)
