"""A moderator's work on citizens' comments: the queue, approve, hide, delete, block an author.

Permission: approving content on the unit that owns the channel target (approvers moderate). A
hide (or a delete, where the channel can delete) is recorded at once and pushed to the channel
by the target's next read job, which is enqueued after commit; if Redis loses it, the sweeper's
periodic read pushes it anyway.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.contract.channels import DeletesComments
from core.db import utcnow
from core.delivery import queue as delivery_queue
from core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from core.interactions.labels import record_comment
from core.interactions.models import AuthorBlock, Comment, CommentState
from core.targets.models import ChannelTarget
from core.units.models import Unit

#: Longest author block a moderator may set in one go.
MAX_BLOCK = dt.timedelta(days=365)


def queue(
    ctx: Context,
    actor: Actor,
    state: CommentState = CommentState.HELD,
    target_id: int | None = None,
    limit: int = 50,
    after_id: int = 0,
) -> list[Comment]:
    """Comments in ``state`` on the targets the actor may moderate, oldest first."""
    # One ``require`` cannot filter a list: the same rule (token scopes included), as a query.
    paths = actor.paths(Permission.APPROVE)
    if not paths:
        raise Forbidden(f"{actor.name} may not moderate comments")
    stmt = (
        select(Comment)
        .join(ChannelTarget, ChannelTarget.id == Comment.target_id)
        .join(Unit, Unit.id == ChannelTarget.unit_id)
        .where(Comment.state == state, Comment.id > after_id)
        .where(or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)))
        .order_by(Comment.id)
        .limit(max(1, min(limit, 200)))
    )
    if target_id is not None:
        stmt = stmt.where(Comment.target_id == target_id)
    with ctx.sessions() as session:
        return list(session.scalars(stmt))


def _load(session: Session, actor: Actor, comment_id: int) -> Comment:
    comment = session.scalar(
        select(Comment).where(Comment.id == comment_id).with_for_update(of=Comment)
    )
    if comment is None:
        raise NotFound(f"no comment with id {comment_id}")
    path = session.scalar(
        select(Unit.path)
        .join(ChannelTarget, ChannelTarget.unit_id == Unit.id)
        .where(ChannelTarget.id == comment.target_id)
    )
    require(actor, Permission.APPROVE, path or "/")
    return comment


def _audit(session: Session, actor: Actor, action: str, comment: Comment, **data: object) -> None:
    audit.record(
        session,
        actor=actor.name,
        action=f"comment.{action}",
        subject_type="comment",
        subject_id=comment.id,
        data={"target": comment.target_id, "state": comment.state, **data},
    )


def approve(ctx: Context, actor: Actor, comment_id: int) -> Comment:
    """A held comment may stand."""
    with ctx.transaction() as session:
        comment = _load(session, actor, comment_id)
        if comment.state != CommentState.HELD:
            raise InvalidTransition(f"a comment that is {comment.state} cannot be approved")
        comment.state = CommentState.APPROVED
        comment.decided_at = utcnow()
        comment.decided_by = actor.name
        record_comment(session, comment, approved=True, decided_by=actor.name)
        _audit(session, actor, "approve", comment)
    delivery_queue.enqueue_interactions(ctx, [comment.target_id])  # released where it was held
    return comment


def can_delete(ctx: Context, plugin: str) -> bool:
    """Whether comments on a target of ``plugin`` can be deleted there (``DeletesComments``)."""
    return isinstance(ctx.channels.get(plugin), DeletesComments)


def _take_down(ctx: Context, actor: Actor, comment_id: int, reason: str) -> Comment:
    """Hide a comment (``reason`` moderator) or delete it (``deleted``); pushed by the read job."""
    with ctx.transaction() as session:
        comment = _load(session, actor, comment_id)
        if reason == "deleted":
            target = session.get(ChannelTarget, comment.target_id)
            if target is None or not can_delete(ctx, target.plugin):
                plugin = target.plugin if target else "?"
                raise ValidationFailed({"comment": f"the {plugin} channel cannot delete comments"})
            if comment.reason == "deleted":
                raise InvalidTransition("the comment is already deleted")
        elif comment.state == CommentState.HIDDEN:
            raise InvalidTransition("the comment is already hidden")
        if comment.state == CommentState.HELD or reason == "deleted":
            comment.hidden_on_channel = False  # held there, maybe: hide (or delete) it for good
        comment.state = CommentState.HIDDEN
        comment.reason = reason
        comment.decided_at = utcnow()
        comment.decided_by = actor.name
        record_comment(session, comment, approved=False, decided_by=actor.name)
        _audit(session, actor, "delete" if reason == "deleted" else "hide", comment)
    delivery_queue.enqueue_interactions(ctx, [comment.target_id])
    return comment


def hide(ctx: Context, actor: Actor, comment_id: int) -> Comment:
    """Hide a comment on its channel (held, visible or approved before)."""
    return _take_down(ctx, actor, comment_id, "moderator")


def delete(ctx: Context, actor: Actor, comment_id: int) -> Comment:
    """Delete a comment on its channel for good, where the channel can (``DeletesComments``);
    ``ValidationFailed`` where it cannot (hide it instead)."""
    return _take_down(ctx, actor, comment_id, "deleted")


def block_author(
    ctx: Context, actor: Actor, comment_id: int, hours: float, reason: str = ""
) -> AuthorBlock:
    """Hide this comment's author on its target for ``hours``: what they wrote, and will write."""
    if not 0 < hours <= MAX_BLOCK.total_seconds() / 3600:
        raise ValidationFailed({"hours": f"must be more than 0 and at most {MAX_BLOCK.days * 24}"})
    now = utcnow()
    with ctx.transaction() as session:
        comment = _load(session, actor, comment_id)
        block = AuthorBlock(
            target_id=comment.target_id,
            author_pseudonym=comment.author_pseudonym,
            until=now + dt.timedelta(hours=hours),
            reason=reason[:2000],
            created_by=actor.name,
            created_at=now,
        )
        session.add(block)
        session.execute(
            update(Comment)
            .where(
                Comment.target_id == comment.target_id,
                Comment.author_pseudonym == comment.author_pseudonym,
                Comment.state != CommentState.HIDDEN,
            )
            .values(
                state=CommentState.HIDDEN,
                reason="author_blocked",
                hidden_on_channel=False,  # a held one too: the ban is still owed to the channel
                decided_at=now,
                decided_by=actor.name,
            )
            .execution_options(synchronize_session=False)
        )
        session.flush()
        _audit(session, actor, "block_author", comment, until=block.until.isoformat(), hours=hours)
    delivery_queue.enqueue_interactions(ctx, [comment.target_id])
    return block
