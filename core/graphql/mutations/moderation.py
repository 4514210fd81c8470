"""Moderation mutations: clear a held item, judge comments, manage a unit's terms. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry

from core.actions import moderation_policy as policy_actions
from core.actions import screening
from core.auth.permissions import Actor
from core.content.models import Article as ArticleModel
from core.errors import LoaError, NotFound
from core.graphql.errors import row_id
from core.graphql.mutations.articles import _pk, _run
from core.graphql.request import RequestContext
from core.graphql.types.moderation import (
    AuthorBlock,
    Comment,
    InboundPolicy,
    UnitTerm,
    UnitTermInput,
)
from core.graphql.types.payloads import (
    ArticlePayload,
    ForbiddenError,
    NotFoundError,
    TransitionError,
    ValidationError,
    failure,
)
from core.interactions import actions as comments
from core.interactions import recorded

Info = strawberry.Info[RequestContext, Any]
T = TypeVar("T")


@strawberry.type
class CommentResult:
    comment: Comment


@strawberry.type
class AuthorBlockResult:
    block: AuthorBlock


@strawberry.type
class UnitTermResult:
    term: UnitTerm


@strawberry.type
class InboundPolicyResult:
    policy: InboundPolicy


@strawberry.type
class ConflictError:
    message: str


CommentPayload = Annotated[
    CommentResult | ValidationError | NotFoundError | ForbiddenError | TransitionError,
    strawberry.union("CommentPayload"),
]
AuthorBlockPayload = Annotated[
    AuthorBlockResult | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("AuthorBlockPayload"),
]
UnitTermPayload = Annotated[
    UnitTermResult | ValidationError | NotFoundError | ForbiddenError | ConflictError,
    strawberry.union("UnitTermPayload"),
]

InboundPolicyPayload = Annotated[
    InboundPolicyResult | ValidationError | ForbiddenError,
    strawberry.union("InboundPolicyPayload"),
]


def _actor(rc: RequestContext) -> Actor:
    assert rc.actor is not None  # the management app authenticates before any resolver runs
    return rc.actor


def _id(value: strawberry.ID, what: str) -> int:
    number = row_id(value)
    if number is None:
        raise NotFound(f"no {what} with id {value}")
    return number


def _attempt(act: Callable[[], T], wrap: Callable[[T], Any]) -> Any:
    try:
        return wrap(act())
    except LoaError as exc:
        if exc.code == "CONFLICT":
            return ConflictError(message=exc.message)
        return failure(exc)


def clear_article_moderation(info: Info, id: strawberry.ID) -> ArticlePayload:
    """A moderator lets a held item go on (for its current content only)."""

    def act(rc: RequestContext) -> ArticleModel:
        return screening.clear_moderation(rc.ctx, _actor(rc), _pk(rc, id))

    return _run(info, act)


def approve_comment(info: Info, id: strawberry.ID) -> CommentPayload:
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: comments.approve(rc.ctx, actor, _id(id, "comment")),
        lambda c: CommentResult(comment=Comment.of(c)),
    )


def hide_comment(info: Info, id: strawberry.ID) -> CommentPayload:
    """Hide on the channel (pushed by the target's next read job, enqueued at once)."""
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: comments.hide(rc.ctx, actor, _id(id, "comment")),
        lambda c: CommentResult(comment=Comment.of(c)),
    )


def record_channel_comment(
    info: Info,
    target_id: strawberry.ID,
    article_id: strawberry.ID,
    text: str,
    author_name: str = "",
) -> CommentPayload:
    """An operator records what a citizen sent back on a channel Loa cannot read (S0.3):
    moderated and queued like a comment read from the channel."""
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: recorded.record(
            rc.ctx, actor, _id(target_id, "channel target"), _pk(rc, article_id), text, author_name
        ),
        lambda c: CommentResult(comment=Comment.of(c)),
    )


def block_comment_author(
    info: Info, id: strawberry.ID, hours: float, reason: str = ""
) -> AuthorBlockPayload:
    """Hide what this comment's author wrote and will write on that target, for ``hours``."""
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: comments.block_author(
            rc.ctx,
            actor,
            _id(id, "comment"),
            hours,
            reason,
        ),
        lambda b: AuthorBlockResult(block=AuthorBlock.of(b)),
    )


def add_unit_term(info: Info, input: UnitTermInput) -> UnitTermPayload:
    rc = info.context
    actor = _actor(rc)
    data = {
        "kind": input.kind,
        "term": input.term,
        "category": input.category,
        "severity": input.severity,
        "flags": ",".join(input.flags),
    }
    return _attempt(
        lambda: screening.add_term(rc.ctx, actor, input.unit_code, data),
        lambda t: UnitTermResult(term=UnitTerm.of(t, input.unit_code)),
    )


def remove_unit_term(info: Info, id: strawberry.ID) -> UnitTermPayload:
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: screening.remove_term(rc.ctx, actor, _id(id, "unit term")),
        lambda t: UnitTermResult(term=UnitTerm.of(t, "")),
    )


def set_inbound_moderation_policy(
    info: Info, unit_code: str, intensifiers: str
) -> InboundPolicyPayload:
    """How the unit handles intensifiers in citizens' text: allow, review (default) or block."""
    rc = info.context
    actor = _actor(rc)
    return _attempt(
        lambda: policy_actions.set_inbound_policy(rc.ctx, actor, unit_code, intensifiers),
        lambda p: InboundPolicyResult(
            policy=InboundPolicy(
                unit_code=unit_code,
                intensifiers=p.intensifiers,
                updated_by=p.updated_by,
                updated_at=p.updated_at,
            )
        ),
    )


@strawberry.type
class ModerationMutation:
    clear_article_moderation: ArticlePayload = strawberry.mutation(
        resolver=clear_article_moderation
    )
    approve_comment: CommentPayload = strawberry.mutation(resolver=approve_comment)
    hide_comment: CommentPayload = strawberry.mutation(resolver=hide_comment)
    block_comment_author: AuthorBlockPayload = strawberry.mutation(resolver=block_comment_author)
    record_channel_comment: CommentPayload = strawberry.mutation(resolver=record_channel_comment)
    add_unit_term: UnitTermPayload = strawberry.mutation(resolver=add_unit_term)
    remove_unit_term: UnitTermPayload = strawberry.mutation(resolver=remove_unit_term)
    set_inbound_moderation_policy: InboundPolicyPayload = strawberry.mutation(
        resolver=set_inbound_moderation_policy
    )
