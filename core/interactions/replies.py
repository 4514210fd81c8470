"""Replying to a citizen through the channel they wrote on: checked, moderated, sent once.

``reply`` is the action (one permission check: who may moderate the target's comments may
answer them; the text is judged by the same moderation engine as everything Loa
publishes and must be allowed outright; the reply row and its audit record are written in
one transaction; the send is a job). ``send`` is the job's work: a compare-and-set on the
row's attempt makes a rerun a no-op, so the channel is asked once per attempt and a reply
already sent is never sent again. An unknown outcome is not retried blindly: the reply
waits for a person (``unknown``), as no platform offers a way to look a reply up by key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor
from core.connections.targets import call_target
from core.context import Context
from core.contract.channels import (
    AuthError,
    ChannelError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
)
from core.contract.replies import Replies
from core.db import rowcount, utcnow
from core.delivery import backoff, queue
from core.errors import ValidationFailed
from core.interactions.actions import _load
from core.interactions.models import Comment, Reply, ReplyState
from core.moderation import Decision, Direction, moderate
from core.screening.lexicons import unit_lexicon
from core.secrets import SecretError, redact
from core.targets.models import ChannelTarget

MAX_REPLY = 2000  # the tightest platform's messages allow 2,000 characters; others more


def _text(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw or "").strip()
    if not text:
        raise ValidationFailed({"text": "a reply needs some text"})
    if len(text) > MAX_REPLY:
        raise ValidationFailed({"text": f"at most {MAX_REPLY} characters"})
    return text


def check_outbound(session: Session, unit_id: int, text: str) -> None:
    """What the office says to a citizen is published: the strict outbound policy must allow
    it outright; ``ValidationFailed`` naming the words otherwise."""
    verdict = moderate(text, unit_lexicon(session, unit_id), Direction.OUTBOUND)
    if verdict.decision is not Decision.ALLOW:
        words = ", ".join(text[s.start : s.end] for s in verdict.spans)
        raise ValidationFailed({"text": f"moderation refuses this reply ({words})"})


def can_reply(ctx: Context, target: ChannelTarget) -> bool:
    return isinstance(ctx.channels.get(target.plugin), Replies)


def reply(ctx: Context, actor: Actor, comment_id: int, text: str) -> Reply:
    """Queue a reply to a recorded comment or message; ``ValidationFailed`` if refused."""
    text = _text(text)
    with ctx.transaction() as session:
        comment = _load(session, actor, comment_id)  # APPROVE on the target's unit
        target = session.get(ChannelTarget, comment.target_id)
        assert target is not None
        if not can_reply(ctx, target):
            raise ValidationFailed({"comment": f"the {target.plugin} channel cannot reply"})
        check_outbound(session, target.unit_id, text)
        row = accept(session, actor, comment, target, text)
    queue.enqueue_reply(ctx, row.id, 1)
    return row


def accept(
    session: Session, actor: Actor, comment: Comment, target: ChannelTarget, text: str
) -> Reply:
    """The reply's row and audit record in the caller's transaction (checked and moderated
    by the caller); the caller enqueues its first attempt after the commit."""
    if len(text) > MAX_REPLY:
        raise ValidationFailed({"text": f"at most {MAX_REPLY} characters"})
    row = Reply(
        comment_id=comment.id,
        target_id=target.id,
        key=uuid.uuid4().hex,
        text=text,
        created_by=actor.name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.name,
        action="comment.reply",
        subject_type="comment",
        subject_id=comment.id,
        data={"reply": row.id, "target": target.id, "text": text},
    )
    return row


def _claim(ctx: Context, reply_id: int, attempt: int) -> bool:
    with ctx.transaction() as session:
        claimed = rowcount(
            session.execute(
                update(Reply)
                .where(
                    Reply.id == reply_id,
                    Reply.attempt == attempt - 1,
                    Reply.state.in_([ReplyState.PENDING, ReplyState.RETRYING]),
                )
                .values(state=ReplyState.SENDING, attempt=attempt)
                .execution_options(synchronize_session=False)
            )
        )
    return claimed == 1


def _finish(ctx: Context, reply_id: int, state: ReplyState, **values: object) -> None:
    with ctx.transaction() as session:
        row = session.get(Reply, reply_id, with_for_update=True)
        assert row is not None
        for name, value in {"state": state, **values}.items():
            setattr(row, name, value)
        audit.record(
            session,
            actor="system",
            action=f"reply.{state.value}",
            subject_type="comment",
            subject_id=row.comment_id,
            data={"reply": row.id, "attempt": row.attempt, "error": row.error},
        )
    ctx.emit(f"reply.{state.value}", {"id": reply_id})


async def send(ctx: Context, reply_id: int, attempt: int) -> str:
    """The job's work for one attempt; the state the reply ends this attempt in."""
    if not _claim(ctx, reply_id, attempt):
        return "skipped"
    with ctx.sessions() as session:
        row = session.get(Reply, reply_id)
        assert row is not None
        comment = session.get(Comment, row.comment_id)
        target_row = session.get(ChannelTarget, row.target_id)
    channel = ctx.channels.get(target_row.plugin) if target_row is not None else None
    if comment is None or target_row is None or not isinstance(channel, Replies):
        _finish(ctx, reply_id, ReplyState.FAILED, error="the channel or comment is gone")
        return ReplyState.FAILED
    secrets: dict[str, str] = {}
    try:
        target = call_target(ctx, target_row)
        secrets = dict(target.secrets)
        remote = await channel.reply(target, to=comment.remote_id, text=row.text, key=row.key)
    except (PermanentError, AuthError, SecretError) as exc:
        _finish(ctx, reply_id, ReplyState.FAILED, error=redact(str(exc), secrets)[:2000])
        return ReplyState.FAILED
    except OutcomeUnknown as exc:
        _finish(ctx, reply_id, ReplyState.UNKNOWN, error=redact(str(exc), secrets)[:2000])
        return ReplyState.UNKNOWN
    except ChannelError as exc:
        error = redact(str(exc), secrets)[:2000]
        if attempt >= ctx.settings.max_attempts:
            _finish(ctx, reply_id, ReplyState.FAILED, error=f"gave up: {error}")
            return ReplyState.FAILED
        wait = exc.retry_after if isinstance(exc, RateLimited) else backoff.delay(attempt)
        _finish(ctx, reply_id, ReplyState.RETRYING, error=error)
        queue.enqueue_reply(ctx, reply_id, attempt + 1, at=utcnow() + dt.timedelta(seconds=wait))
        return ReplyState.RETRYING
    _finish(ctx, reply_id, ReplyState.SENT, remote_id=remote.remote_id[:300], sent_at=utcnow())
    return ReplyState.SENT


def enqueue_owed(ctx: Context, limit: int = 500) -> int:
    """Queue again every reply still owed (the sweeper: Redis may have lost its job).

    A job of the same attempt still queued or scheduled keeps its id, so nothing runs twice;
    a reply a worker holds (``sending``) is left to that worker.
    """
    with ctx.sessions() as session:
        owed = session.execute(
            select(Reply.id, Reply.attempt)
            .where(Reply.state.in_([ReplyState.PENDING, ReplyState.RETRYING]))
            .order_by(Reply.id)
            .limit(limit)
        ).all()
    return sum(queue.enqueue_reply(ctx, reply_id, attempt + 1) for reply_id, attempt in owed)
