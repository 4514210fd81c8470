"""Held comments that waited too long: their unit's moderators are alerted, once per comment.

A held insult must not stay public for long unnoticed (issue 17): where a channel cannot hold a
comment (``HoldsComments``), a held one stays visible there until a moderator decides. The
sweeper calls :func:`alert_overdue` (through the delivery upcalls) on every sweep; a comment held
for more than ``LOA_HELD_ALERT_MINUTES`` is marked alerted, audited and ``comment.overdue`` is
emitted after the commit (the notices mail its moderators; the desk's bell shows it). The mark is
a compare-and-set in the same transaction, so two sweepers alert once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from core import audit
from core.context import Context
from core.db import rowcount, utcnow
from core.interactions.models import Comment, CommentState

#: How many overdue comments one sweep alerts at most (the rest wait for the next sweep).
BATCH = 200


def threshold(ctx: Context) -> dt.timedelta:
    """How long a comment may be held before its moderators are alerted."""
    return dt.timedelta(minutes=max(1, ctx.settings.held_alert_minutes))


def is_overdue(ctx: Context, comment: Comment, now: dt.datetime | None = None) -> bool:
    """Whether a held comment has waited longer than the threshold."""
    received = comment.received_at
    if received.tzinfo is None:
        received = received.replace(tzinfo=dt.UTC)
    return comment.state == CommentState.HELD and (now or utcnow()) - received > threshold(ctx)


def alert_overdue(ctx: Context, now: dt.datetime | None = None) -> list[int]:
    """Alert the moderators of every comment held past the threshold and not alerted yet;
    the ids alerted now."""
    now = now or utcnow()
    alerted: list[int] = []
    with ctx.transaction() as session:
        due = session.execute(
            select(Comment.id, Comment.target_id, Comment.received_at)
            .where(
                Comment.state == CommentState.HELD,
                Comment.overdue_alerted_at.is_(None),
                Comment.received_at < now - threshold(ctx),
            )
            .order_by(Comment.id)
            .limit(BATCH)
        ).all()
        for comment_id, target_id, received_at in due:
            claimed = rowcount(
                session.execute(
                    update(Comment)
                    .where(Comment.id == comment_id, Comment.overdue_alerted_at.is_(None))
                    .values(overdue_alerted_at=now)
                    .execution_options(synchronize_session=False)
                )
            )
            if claimed != 1:
                continue
            audit.record(
                session,
                actor="system",
                action="comment.overdue",
                subject_type="comment",
                subject_id=comment_id,
                data={"target": target_id, "held_since": str(received_at)},
            )
            alerted.append(comment_id)
    for comment_id in alerted:
        ctx.emit("comment.overdue", {"id": comment_id})
    return alerted
