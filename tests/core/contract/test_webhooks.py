"""Inbound webhooks through the test plugin: verified by the plugin, processed once by core.

The test plugin signs like Facebook (``X-Hub-Signature-256``, HMAC-SHA256 of the raw body
under the app secret) and answers ``hub.challenge`` subscription checks.
"""

from __future__ import annotations

import json
import logging

from loa_testchannel.routes import EVENTS
from sqlalchemy import func, select

from core import sha256_signature as signature
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
        return {c.remote_id: c for c in session.scalars(select(Comment).order_by(Comment.id))}


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


def _delivered(ctx, target, remote_id: str) -> tuple[int, int]:
    """An item Loa delivered to the target as ``remote_id``: (article id, delivery id)."""
    from core.delivery.models import Action, Delivery, DeliveryState, Placement
    from tests.support.pipeline import new_article

    article = new_article(ctx)
    with ctx.transaction() as session:
        d = Delivery(
            article_id=article.id,
            target_id=target.id,
            action=Action.PUBLISH,
            state=DeliveryState.DELIVERED,
            remote_id=remote_id,
        )
        session.add(d)
        session.add(Placement(article_id=article.id, target_id=target.id, remote_id=remote_id))
        session.flush()
        return article.id, d.id


def _account(ctx, tree, name: str, unit: str, role: str) -> int:
    from core.auth.models import User
    from tests.support.media import token_for

    token_for(ctx, name, tree[unit].id, role)
    with ctx.sessions() as session:
        return session.scalar(select(User.id).where(User.username == name))


def test_a_refusal_after_delivery_fails_the_delivery_and_tells_its_people(
    ctx, client, target, tree
) -> None:
    from core.delivery import outbox
    from core.delivery.models import Delivery, DeliveryState, Placement

    EVENTS.clear()
    admin = _account(ctx, tree, "kenh-tinh", "38", "channel_admin")  # the province above
    editor = _account(ctx, tree, "bien-tap-xa", "14932", "editor")
    elsewhere = _account(ctx, tree, "bien-tap-khac", "14950", "editor")
    article_id, delivery_id = _delivered(ctx, target, "post-9")
    _, untouched = _delivered(ctx, target, "post-10")
    news = {"id": "ev-7", "type": "status", "post_id": "post-9", "status": "approved"}
    assert _post(client, target.id, [news]).json()["received"] == 1
    with ctx.sessions() as session:  # a status that is only news changes no delivery
        assert session.get(Delivery, delivery_id).state == DeliveryState.DELIVERED

    refused = {
        "id": "ev-8",
        "type": "status",
        "post_id": "post-9",
        "status": "rejected",
        "refused": True,
        "reason": "Ảnh đại diện không rõ nét",
    }
    assert _post(client, target.id, [refused]).json()["received"] == 1
    assert _post(client, target.id, [refused]).json()["duplicates"] == 1  # redelivered: once
    with ctx.sessions() as session:
        d = session.get(Delivery, delivery_id)
        assert (d.state, d.error_kind) == (DeliveryState.FAILED, "refused")
        assert "Ảnh đại diện không rõ nét" in d.error_message
        assert "không còn hiển thị" in d.error_message  # plain Vietnamese for the editor
        placement = session.scalars(select(Placement).where(Placement.remote_id == "post-9")).one()
        assert placement.live is False
        assert session.get(Delivery, untouched).state == DeliveryState.DELIVERED
        audited = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "delivery.refused")
            .order_by(AuditEntry.id)
        ).all()
        assert [a.data["reason"] for a in audited] == ["Ảnh đại diện không rõ nét"]
        # An edit of the item no longer goes to a channel that does not show it.
        from core.content.models import Article

        assert outbox.update_live(session, session.get(Article, article_id)) == []
    told = [p for name, p in EVENTS if name == "delivery.refused"]
    assert len(told) == 1
    assert told[0]["id"] == delivery_id and told[0]["article"] == article_id
    assert told[0]["reason"] == "Ảnh đại diện không rõ nét"
    assert admin in told[0]["recipients"] and editor in told[0]["recipients"]
    assert elsewhere not in told[0]["recipients"]


def test_a_refusal_of_a_post_loa_does_not_hold_changes_nothing(ctx, client, target) -> None:
    EVENTS.clear()
    event = {"id": "ev-9", "type": "status", "post_id": "nope", "status": "x", "refused": True}
    assert _post(client, target.id, [event]).json()["received"] == 1
    assert [name for name, _ in EVENTS if name == "delivery.refused"] == []
