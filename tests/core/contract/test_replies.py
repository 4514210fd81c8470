"""Replying to a citizen through core: permission, moderation, audit, one job, sent once."""

from __future__ import annotations

import asyncio
import json

import pytest
from loa_testchannel import replies as fake
from sqlalchemy import select

from core import PermanentError, TransientError
from core import sha256_signature as signature
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.errors import Forbidden, ValidationFailed
from core.interactions import replies
from core.interactions.models import Comment, Reply, ReplyState
from tests.core.delivery.conftest import worker  # noqa: F401
from tests.support.pipeline import wait_for


@pytest.fixture
def comment(ctx, client, target) -> Comment:
    """A citizen's comment, received by webhook."""
    event = {
        "id": "ev-r1",
        "type": "comment",
        "comment_id": "c-r1",
        "post_id": "post-1",
        "from_id": "fb-user-1",
        "message": "Khi nào đường liên xã được sửa?",
    }
    body = json.dumps({"events": [event]}).encode()
    headers = {"x-hub-signature-256": signature("s3cr3t-app", body)}
    assert client.post(f"/hooks/testchannel/{target.id}", content=body, headers=headers).is_success
    with ctx.sessions() as session:
        return session.scalars(select(Comment)).one()


def _reply_row(ctx, reply_id: int) -> Reply:
    with ctx.sessions() as session:
        return session.get(Reply, reply_id)


@pytest.fixture(autouse=True)
def _clean() -> None:
    fake.SENT.clear()
    fake.CALLS.clear()
    fake.FAIL_NEXT.clear()


def test_a_reply_is_sent_once_through_the_channel(ctx, comment, worker, tree) -> None:  # noqa: F811
    moderator = Actor("Chủ tịch xã", (Grant(Role.APPROVER, tree["14932"].path),), user_id=None)
    row = replies.reply(ctx, moderator, comment.id, "Dự kiến tháng 8 sẽ sửa xong ạ.")
    wait_for(lambda: _reply_row(ctx, row.id).state == ReplyState.SENT, what="the reply")
    assert list(fake.SENT.values()) == [{"to": "c-r1", "text": "Dự kiến tháng 8 sẽ sửa xong ạ."}]
    assert asyncio.run(replies.send(ctx, row.id, 1)) == "skipped"  # a rerun of the job
    assert [row.key] == fake.CALLS
    with ctx.sessions() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("%reply%"))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["comment.reply", "reply.sent"]


def test_moderation_refuses_a_rude_reply(ctx, comment) -> None:
    with pytest.raises(ValidationFailed) as refused:
        replies.reply(ctx, SYSTEM, comment.id, "Hỏi ngu thế, đ.m")
    assert "moderation" in refused.value.fields["text"]
    with ctx.sessions() as session:
        assert session.scalars(select(Reply).order_by(Reply.id)).all() == []


def test_only_who_moderates_the_target_may_reply(ctx, comment, tree) -> None:
    elsewhere = Actor("Chủ tịch phường", (Grant(Role.APPROVER, tree["00004"].path),))
    with pytest.raises(Forbidden):
        replies.reply(ctx, elsewhere, comment.id, "Cảm ơn bạn.")
    editor = Actor("Biên tập viên", (Grant(Role.EDITOR, tree["14932"].path),))
    with pytest.raises(Forbidden):
        replies.reply(ctx, editor, comment.id, "Cảm ơn bạn.")


def test_an_empty_or_long_reply_is_refused(ctx, comment) -> None:
    for text in ("   ", "x" * (replies.MAX_REPLY + 1)):
        with pytest.raises(ValidationFailed):
            replies.reply(ctx, SYSTEM, comment.id, text)


def test_a_transient_failure_retries_with_the_same_key(ctx, comment, monkeypatch) -> None:
    monkeypatch.setattr("core.delivery.queue.enqueue_reply", lambda *a, **k: True)
    row = replies.reply(ctx, SYSTEM, comment.id, "Cảm ơn bạn đã góp ý.")
    fake.FAIL_NEXT.append(TransientError("busy"))
    assert asyncio.run(replies.send(ctx, row.id, 1)) == ReplyState.RETRYING
    assert asyncio.run(replies.send(ctx, row.id, 2)) == ReplyState.SENT
    assert [row.key, row.key] == fake.CALLS and len(fake.SENT) == 1


def test_a_refusal_by_the_platform_fails_the_reply(ctx, comment, monkeypatch) -> None:
    monkeypatch.setattr("core.delivery.queue.enqueue_reply", lambda *a, **k: True)
    row = replies.reply(ctx, SYSTEM, comment.id, "Cảm ơn bạn đã góp ý.")
    fake.FAIL_NEXT.append(PermanentError("the 7-day window is closed"))
    assert asyncio.run(replies.send(ctx, row.id, 1)) == ReplyState.FAILED
    assert "7-day" in _reply_row(ctx, row.id).error


def test_a_reply_whose_job_redis_lost_is_sent_by_the_sweeper(
    ctx,
    comment,
    worker,  # noqa: F811
    monkeypatch,
) -> None:
    from core.delivery import sweeper

    with monkeypatch.context() as lost:
        lost.setattr("core.delivery.queue.enqueue_reply", lambda *a, **k: False)
        row = replies.reply(ctx, SYSTEM, comment.id, "Cảm ơn bạn đã góp ý.")
    assert _reply_row(ctx, row.id).state == ReplyState.PENDING
    sweeper.sweep(ctx)  # the worker's own sweeps may get there first: either way, once
    wait_for(lambda: _reply_row(ctx, row.id).state == ReplyState.SENT, what="the swept reply")
    assert [row.key] == fake.CALLS
