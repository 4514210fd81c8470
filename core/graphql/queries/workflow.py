"""Workflow reads: the approval policy, topics, and live items about to expire."""

from __future__ import annotations

from typing import Any

import strawberry

from core.actions import workflow
from core.graphql.request import RequestContext
from core.graphql.types.managed_article import ManagedArticle, managed_article
from core.graphql.types.workflow import PolicyRule, rule_json
from core.workflow.policy import all_rules
from core.workflow.topics import TOPICS

Info = strawberry.Info[RequestContext, Any]


@strawberry.type
class Topic:
    key: str
    label: str


def approval_policy(info: Info) -> list[PolicyRule]:
    """The whole policy: shipped defaults overlaid with what channel admins stored."""
    with info.context.read() as session:
        rules = all_rules(session)
    return [PolicyRule(applies_to=k, steps=rule_json(v)) for k, v in rules.items()]


def topics() -> list[Topic]:
    return [Topic(key=k, label=v) for k, v in TOPICS.items()]


def expiring(info: Info, hours: int = 48) -> list[ManagedArticle]:
    """Live items whose window closes within ``hours``: banners left up are how S3.1 began."""
    import datetime as dt

    rc = info.context
    assert rc.actor is not None
    rows = workflow.expiring(rc.ctx, rc.actor, dt.timedelta(hours=max(1, min(hours, 24 * 60))))
    return [managed_article(a, rc) for a in rows]


@strawberry.type
class WorkflowQuery:
    approval_policy: list[PolicyRule] = strawberry.field(resolver=approval_policy)
    topics: list[Topic] = strawberry.field(resolver=topics)
    expiring: list[ManagedArticle] = strawberry.field(
        resolver=expiring, description="Live items whose viewing window closes soon."
    )
