"""An article as editors see it: any status, its revision, audience and deliveries.

It is named ``Article`` in the management schema; the public schema never sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from core.content.models import Article as ArticleModel
from core.content.models import Status
from core.content.revisions import diff, history, revision
from core.delivery.costs import Weighed
from core.delivery.plan import plan_for
from core.delivery.reads import deliveries_of
from core.graphql.errors import argument_id, names_something
from core.graphql.request import RequestContext
from core.graphql.types.article import ArticleFields, article_fields
from core.graphql.types.delivery import Delivery
from core.graphql.types.moderation import ArticleModeration, article_moderation
from core.graphql.types.workflow import ApprovalStep, FieldChange, RevisionInfo
from core.units.lookups import unit_codes
from core.workflow import steps as approval

#: Registers the enum with strawberry (in place) under its GraphQL name.
strawberry.enum(Status, name="ArticleStatus")


@strawberry.type
class Audience:
    age_min: int | None
    age_max: int | None
    genders: list[str]
    scope_level: str
    scope_units: list[str]
    visible_from: dt.datetime | None
    visible_until: dt.datetime | None
    interactions_allowed: bool


@strawberry.type
class CostLine:
    """One rationed amount: what the item will use and what the channel has left."""

    name: str = strawberry.field(description="quota_units, broadcasts…: the channel's names.")
    amount: float
    left: float | None = strawberry.field(description="None: the channel does not limit it.")


@strawberry.type
class ChannelCost:
    lines: list[CostLine]
    would_wait: bool = strawberry.field(
        description="Sending now would exceed what is left: the delivery would wait for the reset."
    )
    resets_at: dt.datetime | None
    note: str

    @classmethod
    def of(cls, w: Weighed) -> ChannelCost:
        return cls(
            lines=[
                CostLine(name=k, amount=float(v), left=w.left.get(k))
                for k, v in w.cost.amounts.items()
            ],
            would_wait=bool(w.over),
            resets_at=w.resets_at,
            note=w.cost.note,
        )


@strawberry.type
class ChannelPlan:
    """What one chosen channel will not enforce or accept, shown before approval."""

    target_id: int
    target_name: str
    plugin: str
    unenforceable: list[str] = strawberry.field(
        description="Audience fields this item restricts that the channel cannot enforce."
    )
    problems: list[str]
    cost: ChannelCost | None = strawberry.field(
        description="A rationed channel's cost of this item and what is left (else null)."
    )
    cost_note: str = strawberry.field(description="Why the cost could not be told, if so.")


@strawberry.type(name="Article")
class ManagedArticle(ArticleFields):
    status: Status
    revision: int
    pending_revision: int | None = strawberry.field(
        description="An edit of the live item waiting for its approvals, if any."
    )
    topic: str
    justification: str
    release_together: bool
    created_at: dt.datetime
    audience: Audience
    pk: strawberry.Private[int]

    @strawberry.field(description="Moderation's verdict on the item's text, with every span.")
    def moderation(self, info: strawberry.Info[RequestContext, Any]) -> ArticleModeration:
        return article_moderation(info.context, self.pk)

    @strawberry.field(description="The approvals this item needs, and where each stands.")
    def steps(self, info: strawberry.Info[RequestContext, Any]) -> list[ApprovalStep]:
        with info.context.read() as session:
            rows = approval.steps_of(session, self.pk)
            codes = unit_codes(session, {r.unit_id for r in rows})
        open_ = {id(r) for r in approval.open_steps(rows)}
        return [ApprovalStep.of(r, codes.get(r.unit_id, ""), id(r) in open_) for r in rows]

    @strawberry.field(description="Every saved revision, oldest first.")
    def revisions(self, info: strawberry.Info[RequestContext, Any]) -> list[RevisionInfo]:
        with info.context.read() as session:
            rows = history(session, self.pk)
        return [
            RevisionInfo(
                number=r.number,
                content_hash=r.content_hash,
                author=r.author,
                created_at=r.created_at,
            )
            for r in rows
        ]

    @strawberry.field(
        description="What changed between two revisions (default: the live one and the newest)."
    )
    def diff(
        self,
        info: strawberry.Info[RequestContext, Any],
        from_revision: int | None = None,
        to_revision: int | None = None,
    ) -> list[FieldChange]:
        newest = self.pending_revision or self.revision
        with info.context.read() as session:
            with names_something("fromRevision"):
                before = revision(session, self.pk, from_revision or self.revision).data
            with names_something("toRevision"):
                after = revision(session, self.pk, to_revision or newest).data
        return [FieldChange.of(c) for c in diff(before, after)]

    @strawberry.field(description="For reviewers: what changed since this step was last approved.")
    def changes_since_approval(
        self, info: strawberry.Info[RequestContext, Any], step_id: strawberry.ID
    ) -> list[FieldChange]:
        with info.context.read() as session:
            step = approval.step_of(session, self.pk, argument_id(step_id, "stepId"))
            if step is None:
                return []
            base = step.revision or 1
            before = revision(session, self.pk, base).data
            after = revision(session, self.pk, self.pending_revision or self.revision).data
        return [FieldChange.of(c) for c in diff(before, after)]

    @strawberry.field(description="Every delivery of this article, oldest first.")
    def deliveries(self, info: strawberry.Info[RequestContext, Any]) -> list[Delivery]:
        with info.context.read() as session:
            rows = deliveries_of(session, self.pk)
        return [Delivery.of(d, t) for d, t in rows]

    @strawberry.field(description="Each chosen channel, with what it cannot enforce or accept.")
    def channel_plan(self, info: strawberry.Info[RequestContext, Any]) -> list[ChannelPlan]:
        with info.context.read() as session:
            plans = plan_for(info.context.ctx, session, self.pk)
        return [
            ChannelPlan(
                target_id=p.target.id,
                target_name=p.target.name,
                plugin=p.target.plugin,
                unenforceable=list(p.unenforceable),
                problems=list(p.problems),
                cost=ChannelCost.of(p.cost) if p.cost else None,
                cost_note=p.cost_note,
            )
            for p in plans
        ]


def managed_article(article: ArticleModel, rc: RequestContext) -> ManagedArticle:
    a = article.audience
    return ManagedArticle(
        **article_fields(article, rc),
        status=Status(article.status),
        revision=article.revision,
        pending_revision=article.pending_revision,
        topic=article.topic,
        justification=article.justification,
        release_together=article.release_together,
        created_at=article.created_at,
        audience=Audience(
            age_min=a.age_min,
            age_max=a.age_max,
            genders=list(a.genders or []),
            scope_level=a.scope_level,
            scope_units=list(a.scope_units or []),
            visible_from=a.visible_from,
            visible_until=a.visible_until,
            interactions_allowed=a.interactions_allowed,
        ),
        pk=article.id,
    )
