"""An article as editors see it: any status, its revision, audience and deliveries.

It is named ``Article`` in the management schema; the public schema never sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy import select

from core.content.models import Article as ArticleModel
from core.content.models import Status
from core.delivery.models import ChannelTarget as TargetModel
from core.delivery.models import Delivery as DeliveryModel
from core.graphql.errors import argument_id, names_something
from core.graphql.request import RequestContext
from core.graphql.types.article import ArticleFields, article_fields
from core.graphql.types.delivery import Delivery
from core.graphql.types.moderation import ArticleModeration, article_moderation
from core.graphql.types.workflow import ApprovalStep, FieldChange, RevisionInfo
from core.units.models import Unit as UnitModel

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
class ChannelPlan:
    """What one chosen channel will not enforce or accept, shown before approval."""

    target_id: int
    target_name: str
    plugin: str
    unenforceable: list[str] = strawberry.field(
        description="Audience fields this item restricts that the channel cannot enforce."
    )
    problems: list[str]


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
        from core.units.models import Unit as UnitRow
        from core.workflow import steps as approval

        with info.context.read() as session:
            rows = approval.steps_of(session, self.pk)
            codes = dict(
                session.execute(
                    select(UnitRow.id, UnitRow.code).where(
                        UnitRow.id.in_({r.unit_id for r in rows})
                    )
                ).all()
            )
        return [
            ApprovalStep.of(r, codes.get(r.unit_id, ""), approval.is_open(r, rows)) for r in rows
        ]

    @strawberry.field(description="Every saved revision, oldest first.")
    def revisions(self, info: strawberry.Info[RequestContext, Any]) -> list[RevisionInfo]:
        from core.content.revisions import history

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
        from core.content.revisions import diff, revision

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
        from core.content.revisions import diff, revision
        from core.workflow.models import ApprovalStep as StepRow

        with info.context.read() as session:
            step = session.get(StepRow, argument_id(step_id, "stepId"))
            if step is None or step.article_id != self.pk:
                return []
            base = step.revision or 1
            before = revision(session, self.pk, base).data
            after = revision(session, self.pk, self.pending_revision or self.revision).data
        return [FieldChange.of(c) for c in diff(before, after)]

    @strawberry.field(description="Every delivery of this article, oldest first.")
    def deliveries(self, info: strawberry.Info[RequestContext, Any]) -> list[Delivery]:
        with info.context.read() as session:
            rows = session.execute(
                select(DeliveryModel, TargetModel)
                .join(TargetModel, TargetModel.id == DeliveryModel.target_id)
                .where(DeliveryModel.article_id == self.pk)
                .order_by(DeliveryModel.id)
            ).all()
        return [Delivery.of(d, t) for d, t in rows]

    @strawberry.field(description="Each chosen channel, with what it cannot enforce or accept.")
    def channel_plan(self, info: strawberry.Info[RequestContext, Any]) -> list[ChannelPlan]:
        from core.delivery.plan import plan

        ctx = info.context.ctx
        with info.context.read() as session:
            article = session.get(ArticleModel, self.pk)
            assert article is not None
            unit = session.get(UnitModel, article.unit_id)
            plans = plan(ctx, session, article, unit.code if unit else "")
        return [
            ChannelPlan(
                target_id=p.target.id,
                target_name=p.target.name,
                plugin=p.target.plugin,
                unenforceable=list(p.unenforceable),
                problems=list(p.problems),
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
