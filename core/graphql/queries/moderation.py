"""Moderation reads: the comment queue (with spans) and the terms that apply to a unit."""

from __future__ import annotations

from typing import Any

import strawberry

from core.actions import screening
from core.content.queries import article_uids
from core.errors import ValidationFailed
from core.graphql.errors import argument_id
from core.graphql.request import RequestContext
from core.graphql.types.moderation import Comment, UnitTerm
from core.interactions import actions as comments
from core.interactions.models import CommentState

Info = strawberry.Info[RequestContext, Any]


def moderation_queue(
    info: Info,
    state: str = "held",
    target_id: strawberry.ID | None = None,
    first: int = 50,
    after: strawberry.ID | None = None,
) -> list[Comment]:
    """Comments in ``state`` (held by default) on targets the caller moderates, oldest first."""
    rc = info.context
    assert rc.actor is not None
    if state not in set(CommentState):
        raise ValidationFailed({"state": "must be visible, held, hidden or approved"})
    rows = comments.queue(
        rc.ctx,
        rc.actor,
        CommentState(state),
        target_id=argument_id(target_id, "targetId") if target_id is not None else None,
        limit=first,
        after_id=argument_id(after, "after") if after is not None else 0,
    )
    ids = {c.article_id for c in rows if c.article_id is not None}
    with rc.read() as session:
        uids = article_uids(session, ids)
    return [Comment.of(c, uids.get(c.article_id or 0)) for c in rows]


def unit_terms(info: Info, unit_code: str) -> list[UnitTerm]:
    """The unit's own entries and those it inherits from the units above it."""
    rc = info.context
    assert rc.actor is not None
    return [UnitTerm.of(t, code) for t, code in screening.list_terms(rc.ctx, rc.actor, unit_code)]


@strawberry.type
class ModerationQuery:
    moderation_queue: list[Comment] = strawberry.field(resolver=moderation_queue)
    unit_terms: list[UnitTerm] = strawberry.field(resolver=unit_terms)
