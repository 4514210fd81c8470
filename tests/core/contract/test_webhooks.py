"""Inbound webhooks through the test plugin: verified by the plugin, processed once by core.

The test plugin signs like Facebook (``X-Hub-Signature-256``, HMAC-SHA256 of the raw body
under the app secret) and answers ``hub.challenge`` subscription checks.
"""

from __future__ import annotations

import json
import logging

from loa_testchannel.routes import EVENTS
from loa_testchannel.webhooks import signature
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.interactions.models import Comment, CommentState

PROFANE = "Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài"


def _post(client, target_id: int, events: list[dict], secret: str = "s3cr3t-app", **kw):
    body = json.dumps({"events": events}, ensure_ascii=False).encode()
    headers = {"x-hub-signature-256": signature(secret, body), "content-type": "application/json"}
    return client.post(f"/hooks/testchannel/{target_id}", content=body, headers=headers, **kw)


def _comment(event_id: str, comment_id: str, message: str) -> dict[str, str]:
    return {
        "id": event_id,
        "type": "comment",
        "comment_id": comment_id,
        "post_id": "post-1",
        "from_id": "fb-user-9",
        "from_name": "Người dân",
        "message": message,
    }


def _comments(ctx) -> dict[str, Comment]:
    with ctx.sessions() as session:
        return {c.remote_id: c for c in session.scalars(select(Comment))}


def test_the_subscription_check_echoes_the_challenge(client, target) -> None:
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": ""}
    ok = client.get(
        f"/hooks/testchannel/{target.id}", params={**query, "hub.verify_token": "verify-me"}
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = client.get(f"/hooks/testchannel/{target.id}", params={**query, "hub.verify_token": "x"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text


def test_comments_are_moderated_and_recorded_once(ctx, client, target) -> None:
    events = [_comment("ev-1", "c-1", "Cảm ơn xã đã thông báo"), _comment("ev-2", "c-2", PROFANE)]
    first = _post(client, target.id, events)
    assert first.status_code == 200 and first.json() == {"received": 2, "duplicates": 0}
    again = _post(client, target.id, events)  # the platform redelivers
    assert again.json() == {"received": 0, "duplicates": 2}
    found = _comments(ctx)
    assert set(found) == {"c-1", "c-2"}
    assert found["c-1"].state == CommentState.VISIBLE
    assert found["c-2"].state == CommentState.HIDDEN and found["c-2"].reason == "moderation"
    assert "fb-user-9" not in found["c-1"].author_pseudonym  # pseudonymised like polled ones


def test_a_bad_signature_is_refused_and_nothing_is_recorded(ctx, client, target, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    refused = _post(client, target.id, [_comment("ev-3", "c-3", "bí mật 4711")], secret="wrong")
    assert refused.status_code == 403
    assert _comments(ctx) == {}
    assert "4711" not in caplog.text and "s3cr3t-app" not in caplog.text


def test_messages_and_status_changes_are_typed_events(ctx, client, target) -> None:
    EVENTS.clear()
    message = {
        "id": "ev-4",
        "type": "message",
        "message_id": "m-1",
        "from_id": "zu-1",
        "message": "Xin hỏi lịch tiêm",
    }
    status = {"id": "ev-5", "type": "status", "post_id": "post-1", "status": "removed"}
    assert _post(client, target.id, [message, status]).json()["received"] == 2
    assert _comments(ctx)["m-1"].remote_item_id == ""
    assert (
        "webhook.status",
        {"target": target.id, "remote_id": "post-1", "status": "removed"},
    ) in EVENTS
    with ctx.sessions() as session:
        audited = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "webhook.status")
        )
    assert audited == 1


def test_a_hook_of_another_plugin_or_no_target_is_not_found(client, target) -> None:
    assert client.post(f"/hooks/portal/{target.id}", content=b"{}").status_code == 404
    assert client.post("/hooks/testchannel/999999", content=b"{}").status_code == 404


def test_a_body_over_the_limit_is_refused(ctx, client, target) -> None:
    big = [_comment("ev-big", "c-big", "x" * (ctx.settings.max_body_bytes + 10))]
    assert _post(client, target.id, big).status_code == 413
    assert _comments(ctx) == {}


def test_a_malformed_event_is_a_bad_request(ctx, client, target) -> None:
    assert _post(client, target.id, [{"id": "ev-6", "type": "poke"}]).status_code == 400
