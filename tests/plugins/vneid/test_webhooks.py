"""Partner mode: the platform pushes its review outcome and citizens' comments, signed; Loa
records a status change once and judges a comment like a polled one."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from core.app import create_app
from core.audit import AuditEntry
from core.delivery.models import DeliveryState
from core.interactions.models import Comment, CommentState
from plugins.vneid.webhooks import HEADER, sign
from tests.plugins.vneid.conftest import API_KEY, delivery, run_open, vneid_target
from tests.plugins.vneid.test_partner import SLUR, fake

HOOK_SECRET = "vneid-hook-secret-0123456789abcdef"


def _statuses(ctx: Any) -> list[dict[str, Any]]:
    with ctx.sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook.status"))
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
        [comment] = session.scalars(select(Comment)).all()
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
