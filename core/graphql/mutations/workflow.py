"""Workflow mutations: submit, decide a step, restore a revision, change the policy. Thin."""

from __future__ import annotations

import enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from core.actions import content, workflow
from core.content.models import Article as ArticleModel
from core.errors import LoaError, NotFound, ValidationFailed
from core.graphql.errors import names_something, row_id
from core.graphql.mutations.articles import _pk, _run, stepped_up
from core.graphql.request import RequestContext
from core.graphql.types.managed_article import managed_article
from core.graphql.types.payloads import ArticlePayload, ArticleResult, failure
from core.graphql.types.workflow import PolicyRule

Info = strawberry.Info[RequestContext, Any]


@strawberry.enum
class StepDecision(enum.Enum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


def submit_article(
    info: Info, id: strawberry.ID, justification: str | None = None
) -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        return workflow.submit(rc.ctx, rc.actor, _pk(rc, id), justification).article

    return _run(info, act)


def decide_step(
    info: Info,
    step_id: strawberry.ID,
    decision: StepDecision,
    comment: str = "",
    totp_code: Annotated[
        str | None,
        strawberry.argument(description="A fresh TOTP code: needed for national-scope items."),
    ] = None,
) -> ArticlePayload:
    rc = info.context
    step = row_id(step_id)
    if step is None:
        return failure(NotFound(f"no approval step with id {step_id}"))
    try:
        outcome = workflow.decide(rc.ctx, stepped_up(rc, totp_code), step, decision.value, comment)
    except LoaError as exc:
        return failure(exc)
    return ArticleResult(article=managed_article(outcome.article, rc))


def restore_revision(info: Info, id: strawberry.ID, number: int) -> ArticlePayload:
    def act(rc: RequestContext) -> ArticleModel:
        assert rc.actor is not None
        pk = _pk(rc, id)
        with names_something("number"):  # a revision that does not exist: bad input
            return content.restore(rc.ctx, rc.actor, pk, number)

    return _run(info, act)


def set_approval_rule(info: Info, applies_to: str, steps: JSON) -> PolicyRule:
    rc = info.context
    assert rc.actor is not None
    if not isinstance(steps, list):
        raise ValidationFailed({"steps": "must be a list of step objects"})
    stored = workflow.set_rule(rc.ctx, rc.actor, applies_to, steps)
    return PolicyRule(applies_to=applies_to, steps=cast(JSON, stored))


@strawberry.type
class WorkflowMutation:
    submit_article: ArticlePayload = strawberry.mutation(resolver=submit_article)
    decide_step: ArticlePayload = strawberry.mutation(
        resolver=decide_step,
        description="Approve, request changes on, or reject one approval step, with a comment.",
    )
    restore_revision: ArticlePayload = strawberry.mutation(
        resolver=restore_revision, description="Save an old revision's content as a new one."
    )
    set_approval_rule: PolicyRule = strawberry.mutation(
        resolver=set_approval_rule,
        description="Replace the steps a scope (scope:<level>) or a plugin (plugin:<name>) needs.",
    )
