"""The management API under accounts: IDOR, token scopes and life, step-up, audit reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth import tokens
from core.auth.models import ApiToken
from core.auth.permissions import SYSTEM
from core.context import Context
from core.graphql import management_app
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows


@pytest.fixture
def api(ctx: Context) -> Any:
    client = TestClient(management_app(ctx), raise_server_exceptions=False)

    def call(token: str, query: str, **variables: Any) -> Any:
        r = client.post(
            "/",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        return r.status_code, r.json()

    return call


def token_for(ctx: Context, account: Any, *scopes: str, days: int = 30) -> str:
    from core.auth.actions import actor_for

    with ctx.sessions() as session:
        actor = actor_for(session, account.user_id)
    assert actor is not None
    return tokens.create_token(ctx, actor, "t", list(scopes), days).plaintext


def article(ctx: Context, unit: str, title: str, status: str = "draft") -> Any:
    from core.content.models import Article

    data = {"title": title, "unit_code": unit, "summary": "", "body_html": ""}
    made = actions.create(ctx, SYSTEM, data)
    if status != "draft":  # waiting for approval, whatever route the workflow took there
        with ctx.transaction() as session:
            session.execute(update(Article).where(Article.id == made.id).values(status=status))
    return made


PAYLOAD = (
    "__typename ... on ForbiddenError { message code } ... on ArticleResult { article { id } }"
)


def test_a_commune_editor_cannot_reach_another_communes_draft(
    ctx: Context, api: Any, make_account: MakeAccount
) -> None:
    editor = make_account("bien-tap", role="editor", unit="14932")
    token = token_for(ctx, editor, "read", "write", "publish")
    mine = article(ctx, "14932", "Tin của xã Cẩm Thủy")
    theirs = article(ctx, "14950", "Bản nháp của xã Cẩm Thạch", status="submitted")
    hanoi = article(ctx, "00004", "Bản nháp của phường Ba Đình")

    status, body = api(token, "query($id: ID!) { article(id: $id) { title } }", id=theirs.uid)
    assert status == 200 and body["data"]["article"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    _, body = api(token, "{ articles { totalCount edges { node { title } } } }")
    assert [e["node"]["title"] for e in body["data"]["articles"]["edges"]] == [mine.title]
    for unit in ("14950", "01", "00004"):
        _, body = api(token, "query($u: String) { articles(unit: $u) { totalCount } }", u=unit)
        assert body["data"]["articles"]["totalCount"] == 0, unit
    _, body = api(
        token,
        "query($s: ArticleStatus) { articles(status: $s) { edges { node { id } } } }",
        s="SUBMITTED",
    )
    assert body["data"]["articles"]["edges"] == []
    update_q = (
        "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input) {"
        + PAYLOAD
        + "} }"
    )
    for target in (theirs, hanoi):
        _, body = api(token, update_q, id=target.uid, input={"title": "Sửa trộm"})
        assert body["data"]["updateArticle"]["__typename"] == "ForbiddenError"
    # Moving one's own draft into another commune is changing that commune's content.
    _, body = api(token, update_q, id=mine.uid, input={"unitCode": "14950"})
    assert body["data"]["updateArticle"]["__typename"] == "ForbiddenError"
    create_q = "mutation($input: ArticleInput!) { createArticle(input: $input) {" + PAYLOAD + "} }"
    _, body = api(token, create_q, input={"title": "Giả danh", "unitCode": "14950"})
    assert body["data"]["createArticle"]["__typename"] == "ForbiddenError"
    for mutation in ("approveArticle",):
        _, body = api(
            token, f"mutation($id: ID!) {{ {mutation}(id: $id) {{ {PAYLOAD} }} }}", id=theirs.uid
        )
        assert body["data"][mutation]["__typename"] == "ForbiddenError", body
    _, body = api(token, "{ channelTargets { id } }")
    assert body["data"]["channelTargets"] == []
    _, body = api(token, "{ auditEntries { entries { action } } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with ctx.sessions() as session:
        from core.content.models import Article

        assert session.get(Article, theirs.id).title == "Bản nháp của xã Cẩm Thạch"  # type: ignore[union-attr]
    refused = audit_rows(ctx, "auth.forbidden")
    assert len(refused) >= 7
    assert all(r.actor.startswith("bien-tap (token ") for r in refused)
    assert {r.data["permission"] for r in refused} >= {
        "read_drafts",
        "write_content",
        "approve",
        "read_audit",
    }


def test_a_read_token_cannot_publish(ctx: Context, api: Any, make_account: MakeAccount) -> None:
    boss = make_account("lanh-dao", role="admin", unit="VN")
    read = token_for(ctx, boss, "read")
    item = article(ctx, "14932", "Chờ duyệt", status="submitted")
    _, body = api(
        read, "mutation($id: ID!) { approveArticle(id: $id) {" + PAYLOAD + "} }", id=item.uid
    )
    assert body["data"]["approveArticle"]["__typename"] == "ForbiddenError"
    assert body["data"]["approveArticle"]["code"] == "FORBIDDEN"
    _, body = api(read, "query($id: ID!) { article(id: $id) { status } }", id=item.uid)
    assert body["data"]["article"]["status"] == "SUBMITTED"
    _, body = api(read, "{ me { username scopes } }")
    assert body["data"]["me"] == {
        "username": "lanh-dao (token " + read.split("_")[1] + ")",
        "scopes": ["read_audit", "read_drafts"],
    }
    # Tokens never manage accounts, whatever their scopes.
    full = token_for(ctx, boss, "read", "write", "publish")
    _, body = api(full, 'mutation { resetTotp(username: "x") { __typename } }')
    assert body["data"]["resetTotp"]["__typename"] in ("ForbiddenError", "NotFoundError")
    _, body = api(full, 'mutation { createApiToken(name: "n", scopes: ["read"]) { __typename } }')
    assert body["data"]["createApiToken"]["__typename"] == "ForbiddenError"
    [refusal] = [r for r in audit_rows(ctx, "auth.forbidden") if r.data["permission"] == "approve"]
    assert refusal.unit_path  # on the article's unit: its admins can see it


def test_expired_and_revoked_tokens_are_refused(
    ctx: Context, api: Any, make_account: MakeAccount
) -> None:
    an = make_account("an")
    expired = token_for(ctx, an, "read")
    revoked = token_for(ctx, an, "read")
    with ctx.transaction() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.prefix == expired.split("_")[1])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    from core.auth.actions import actor_for

    with ctx.sessions() as session:
        actor = actor_for(session, an.user_id)
        token_id = session.scalar(
            select(ApiToken.id).where(ApiToken.prefix == revoked.split("_")[1])
        )
    assert api(revoked, "{ me { username } }")[0] == 200
    tokens.revoke_token(ctx, actor, token_id)  # type: ignore[arg-type]
    for token, message in ((expired, "expired"), (revoked, "been revoked")):
        status, body = api(token, "{ me { username } }")
        assert status == 401 and message in body["errors"][0]["message"]
        assert token not in str(body)
    forged = revoked[:-4] + "AAAA"
    assert api(forged, "{ me { username } }")[0] == 401
    reasons = [r.data["reason"] for r in audit_rows(ctx, "token.refused")]
    assert reasons == ["expired", "revoked", "unknown token"]
    assert [r.data["prefix"] for r in audit_rows(ctx, "token.revoke")] == [revoked.split("_")[1]]
    stored = [t.digest for t in tokens.list_tokens(ctx, actor)]  # type: ignore[arg-type]
    assert all(len(d) == 64 and d not in (expired, revoked) for d in stored)


def test_credentials_need_a_fresh_code(
    ctx: Context, api: Any, make_account: MakeAccount, clock: Clock
) -> None:
    chan = make_account("kenh", role="channel_admin", unit="14932")
    token = token_for(ctx, chan, "write")
    q = (
        "mutation($input: ChannelTargetInput!, $code: String) {"
        " createChannelTarget(input: $input, totpCode: $code) { __typename"
        " ... on ForbiddenError { code } ... on ChannelTargetResult { target { hasSecrets } } } }"
    )
    data = {
        "name": "Cổng xã", "plugin": "portal", "unitCode": "14932",
        "settings": {"webhook_url": "http://portal.example/hook"},
        "secrets": {"webhook_secret": "whsec_c2VjcmV0LXdlYmhvb2sta2V5LWZvci10ZXN0cw=="},
    }  # fmt: skip
    _, body = api(token, q, input=data)
    assert body["data"]["createChannelTarget"] == {
        "__typename": "ForbiddenError",
        "code": "STEP_UP_REQUIRED",
    }
    _, body = api(token, q, input=data, code="000000")
    assert body["data"]["createChannelTarget"]["code"] == "STEP_UP_REQUIRED"
    code = chan.code(clock)
    _, body = api(token, q, input=data, code=code)
    assert body["data"]["createChannelTarget"]["target"] == {"hasSecrets": True}
    _, body = api(token, q, input=data, code=code)  # the same code twice
    assert body["data"]["createChannelTarget"]["code"] == "STEP_UP_REQUIRED"
    assert len(audit_rows(ctx, "auth.step_up")) == 1
    assert [r.data["reason"] for r in audit_rows(ctx, "auth.step_up_failed")] == [
        "totp",
        "totp replayed",
    ]


def test_only_an_admin_over_the_account_resets_its_totp(
    ctx: Context, make_account: MakeAccount, api: Any
) -> None:
    from core.auth import actions as auth
    from core.auth.actions import actor_for
    from core.auth.models import User
    from core.auth.permissions import StepUpRequired
    from core.db import utcnow
    from core.errors import NotFound

    an = make_account("an", role="editor", unit="14932")
    other_admin = make_account("hn-admin", role="admin", unit="01")
    province_admin = make_account("th-admin", role="admin", unit="38")
    with ctx.sessions() as session:
        hn = actor_for(session, other_admin.user_id)
        th = actor_for(session, province_admin.user_id)
    with pytest.raises(NotFound):  # outside their reach: as if there were no such account
        auth.reset_totp(ctx, hn, "an")  # type: ignore[arg-type]
    with pytest.raises(StepUpRequired):  # without a fresh code of the admin's own
        auth.reset_totp(ctx, th, "an", "10.0.0.1")  # type: ignore[arg-type]
    fresh = dataclasses.replace(th, stepped_up_at=utcnow())  # type: ignore[type-var]
    auth.reset_totp(ctx, fresh, "an", "10.0.0.1")
    with ctx.sessions() as session:
        user = session.get(User, an.user_id)
        assert user is not None and user.totp_enabled_at is None and user.totp_sealed == ""
    [entry] = audit_rows(ctx, "auth.totp_reset")
    assert entry.actor == "th-admin" and entry.data["address"] == "10.0.0.1"
    # The Thanh Hóa admin sees it in the audit log; the Hà Nội admin does not.
    th_token = token_for(ctx, province_admin, "read")
    hn_token = token_for(ctx, other_admin, "read")
    q = '{ auditEntries(filter: {action: "auth.totp_reset"}) { entries { actor unitPath } } }'
    assert api(th_token, q)[1]["data"]["auditEntries"]["entries"][0]["actor"] == "th-admin"
    assert api(hn_token, q)[1]["data"]["auditEntries"]["entries"] == []


def test_a_failing_channel_call_never_logs_the_secret(
    ctx: Context, tree: Any, caplog: pytest.LogCaptureFixture, api: Any, admin_token: str
) -> None:
    """A client error that carries the credential (as httpx errors carry URLs) is redacted."""
    import asyncio

    from core import Capabilities, Item, Rendered, Target, TransientError
    from core.actions import targets
    from core.delivery import dispatcher
    from core.delivery.models import Delivery

    secret = "EAAG-page-token-ZmFjZWJvb2stc2VjcmV0"

    class Leaky:
        name = "leaky"
        title = "Leaky"
        capabilities = Capabilities(audience=frozenset({"window"}), max_title_chars=200)

        def validate_settings(self, settings: Any, secrets: Any) -> None:
            return None

        def render(self, item: Item, target: Target) -> Rendered:
            return Rendered(payload={"t": item.title}, text=item.title)

        async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Any:
            token = target.secrets["access_token"]
            logging.getLogger("leaky.client").debug("POST /feed?access_token=%s", "[redacted]")
            raise TransientError(f"503 from https://graph.example/feed?access_token={token}")

        async def reconcile(self, target: Target, *, key: str) -> Any:
            return None

    ctx.channels["leaky"] = Leaky()  # type: ignore[assignment]
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Trang",
            "plugin": "leaky",
            "unit_code": "14932",
            "secrets": {"access_token": secret},
        },
    )
    item = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Tin",
            "unit_code": "14932",
            "summary": "",
            "body_html": "",
            "target_ids": [target.id],
        },
    )
    caplog.set_level(logging.DEBUG)
    actions.approve(ctx, SYSTEM, item.id)
    with ctx.sessions() as session:
        delivery = session.scalars(select(Delivery).where(Delivery.article_id == item.id)).one()
    asyncio.run(dispatcher.run(ctx, delivery.id, 1))
    with ctx.sessions() as session:
        row = session.get(Delivery, delivery.id)
        assert row is not None and row.error_message and "503" in row.error_message
        assert secret not in row.error_message
    assert secret not in caplog.text
    _, body = api(
        admin_token,
        "query($id: ID!) { article(id: $id) { deliveries { errorMessage } } }",
        id=item.uid,
    )
    assert "[redacted]" in str(body) and secret not in str(body)
    from core.audit import AuditEntry

    with ctx.sessions() as session:
        assert all(
            secret not in str(e.data)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        )
