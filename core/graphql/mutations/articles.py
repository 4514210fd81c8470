"""Article mutations: parse the input, call the action, shape the outcome. Nothing else.

Permission checks, validation and state rules live in ``core.actions.content``;
their expected failures come back as members of ``ArticlePayload``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from core.actions import content as actions
from core.auth.actions import step_up
from core.auth.errors import SignInFailed
from core.auth.permissions import Actor, StepUpRequired
from core.content.models import Article as ArticleModel
from core.content.queries import article_id_by_uid
from core.errors import LoaError, NotFound
from core.graphql.errors import argument_id
from core.graphql.request import RequestContext
from core.graphql.types.inputs import ArticleInput, article_data
from core.graphql.types.managed_article import managed_article
from core.graphql.types.payloads import ArticlePayload, ArticleResult, failure

Info = strawberry.Info[RequestContext, Any]


def stepped_up(rc: RequestContext, code: str | None) -> Actor:
    """The request's actor, stepped up by ``code`` when one is given (checked, never reused)."""
    assert rc.actor is not None
    if not code:
        return rc.actor
    try:
        return step_up(rc.ctx, rc.actor, code, rc.address)
    except SignInFailed as exc:
        raise StepUpRequired(exc.message) from None


#: ``actions.create`` reads every content field before the row is flushed; absent means empty.
CREATE_DEFAULTS = {"summary": "", "body_html": "", "source": "", "author_name": ""}


def _pk(rc: RequestContext, uid: strawberry.ID) -> int:
    with rc.read() as session:
        found = article_id_by_uid(session, str(uid))
    if found is None:
        raise NotFound(f"no article with id {uid}")
    return found


def _run(info: Info, act: Callable[[RequestContext], ArticleModel]) -> ArticlePayload:
    rc = info.context
    try:
        article = act(rc)
    except LoaError as exc:
        return failure(exc)
    return ArticleResult(article=managed_article(article, rc))


def create_article(info: Info, input: ArticleInput) -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        return actions.create(rc.ctx, rc.actor, {**CREATE_DEFAULTS, **article_data(input)})

    return _run(info, act)


def update_article(info: Info, id: strawberry.ID, input: ArticleInput) -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        return actions.update(rc.ctx, rc.actor, _pk(rc, id), article_data(input))

    return _run(info, act)


def approve_article(
    info: Info,
    id: strawberry.ID,
    totp_code: Annotated[
        str | None,
        strawberry.argument(description="A fresh TOTP code: needed for national-scope items."),
    ] = None,
) -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        return actions.approve(rc.ctx, stepped_up(rc, totp_code), _pk(rc, id))

    return _run(info, act)


def retract_article(info: Info, id: strawberry.ID, reason: str = "") -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        return actions.retract(rc.ctx, rc.actor, _pk(rc, id), reason)

    return _run(info, act)


def retract_article_from_target(
    info: Info,
    id: strawberry.ID,
    target_id: Annotated[
        strawberry.ID, strawberry.argument(description="The channel target to leave.")
    ],
    reason: str = "",
) -> ArticlePayload:
    """Take a live item down from one of its channels; the others keep it."""

    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        target = argument_id(target_id, "target_id")
        return actions.retract_from(rc.ctx, rc.actor, _pk(rc, id), target, reason)

    return _run(info, act)
