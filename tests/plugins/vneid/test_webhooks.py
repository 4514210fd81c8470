"""Partner mode: the platform pushes its review outcome and citizens' comments, signed; Loa
records a status change once and judges a comment like a polled one."""

from __future__ import annotations

import json
from typing import Any

import httpx
from loa_testchannel.routes import EVENTS
from sqlalchemy import select
from starlette.testclient import TestClient

from core import sha256_signature as sign
from core.app import create_app
from core.audit import AuditEntry
from core.auth.models import User
from core.delivery import outbox
from core.delivery.models import DeliveryState, Placement
from core.graphql import management_app
from core.interactions.models import Comment, CommentState
from plugins.vneid.webhooks import HEADER
from tests.plugins.vneid.conftest import API_KEY, delivery, run_open, vneid_target
from tests.plugins.vneid.test_partner import SLUR, fake
from tests.support.media import token_for

HOOK_SECRET = "vneid-hook-secret-0123456789abcdef"


def _statuses(ctx: Any) -> list[dict[str, Any]]:
    with ctx.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "webhook.status").order_by(AuditEntry.id)
        )
        return [dict(r.data) for r in rows]


def test_review_outcome_and_comments_arrive_by_signed_webhook(
    ctx, tree, sandbox, serve, publish_item
) -> None:
    target = vneid_target(
        ctx,
        settings={"mode": "partner", "api_url": sandbox.url},
        secrets={"api_key": API_KEY, "webhook_secret": HOOK_SECRET},
    )
    loa = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    hook = f"{loa.url}/hooks/vneid/{target.id}"
    fake(sandbox, "webhook", {"url": hook, "secret": HOOK_SECRET})
    publish_item()
    run_open(ctx)
    d = delivery(ctx, "publish")
    assert d.state == DeliveryState.DELIVERED

    fake(sandbox, f"review/{d.remote_id}", {"decision": "reject", "reason": "Ảnh mờ"})
    assert _statuses(ctx) == [{"remote_id": d.remote_id, "status": "rejected"}]
    fake(
        sandbox,
        "interactions",
        {"announcement_id": d.remote_id, "author_ref": "c9", "author_name": "Kẻ Xấu", "text": SLUR},
    )
    with ctx.sessions() as session:
        [comment] = session.scalars(select(Comment).order_by(Comment.id)).all()
    assert comment.state == CommentState.HIDDEN and comment.article_id == d.article_id

    # A forged or replayed-with-another-body request is refused.
    body = json.dumps(
        {
            "events": [
                {
                    "id": "x",
                    "type": "announcement.status",
                    "announcement_id": d.remote_id,
                    "status": "approved",
                }
            ]
        }
    )
    forged = httpx.post(hook, content=body, headers={HEADER: sign("wrong", body.encode())})
    assert forged.status_code == 403
    assert _statuses(ctx) == [{"remote_id": d.remote_id, "status": "rejected"}]


def test_a_rejection_after_the_delivery_was_recorded_shows_as_refused(
    ctx, tree, sandbox, serve, publish_item, admin_token
) -> None:
    """Review → rejected after Loa recorded the announcement as created: the editor sees the
    delivery refused with the reviewers' reason, the item no longer live there, and the
    channel admins and the item's editors are told."""
    token_for(ctx, "bien-tap-cam-thuy", tree["14932"].id, "editor")
    with ctx.sessions() as session:
        editor_id = session.scalar(select(User.id).where(User.username == "bien-tap-cam-thuy"))
    target = vneid_target(
        ctx,
        settings={"mode": "partner", "api_url": sandbox.url},
        secrets={"api_key": API_KEY, "webhook_secret": HOOK_SECRET},
    )
    loa = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    fake(sandbox, "webhook", {"url": f"{loa.url}/hooks/vneid/{target.id}", "secret": HOOK_SECRET})
    article = publish_item()
    run_open(ctx)
    d = delivery(ctx, "publish")
    assert d.state == DeliveryState.DELIVERED
    EVENTS.clear()

    reason = "Hình ảnh đại diện không phù hợp với nội dung tin"
    fake(sandbox, f"review/{d.remote_id}", {"decision": "reject", "reason": reason})

    query = (
        "query($id: ID!) { article(id: $id) {"
        " deliveries { action state errorKind errorMessage } } }"
    )
    with TestClient(management_app(ctx)) as api:
        body = api.post(
            "/",
            json={"query": query, "variables": {"id": article.uid}},
            headers={"Authorization": f"Bearer {admin_token}"},
        ).json()
    [shown] = body["data"]["article"]["deliveries"]
    assert (shown["action"], shown["state"], shown["errorKind"]) == ("publish", "failed", "refused")
    assert reason in shown["errorMessage"] and "không còn hiển thị" in shown["errorMessage"]
    with ctx.transaction() as session:
        placement = session.scalars(select(Placement)).one()
        assert placement.live is False
        # An edit of the item is not sent to an announcement the Ministry does not show.
        assert outbox.update_live(session, session.get(type(article), article.id)) == []
    [told] = [p for name, p in EVENTS if name == "delivery.refused"]
    assert told["reason"] == reason and editor_id in told["recipients"]
