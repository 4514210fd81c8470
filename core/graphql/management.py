"""The management schema: editors' reads and every mutation, behind authentication.

Resolvers are thin: they parse, call a ``core.*.actions`` function (which
checks permission) and shape the outcome as a typed payload.
"""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from core.graphql.errors import LoaSchema
from core.graphql.gov.schema import GovManagementQuery, GovMutation, GovQuery
from core.graphql.limits import extensions
from core.graphql.mutations.accounts import AccountMutation
from core.graphql.mutations.articles import (
    approve_article,
    create_article,
    retract_article,
    retract_article_from_target,
    update_article,
)
from core.graphql.mutations.channel_targets import create_channel_target, update_channel_target
from core.graphql.mutations.deliveries import DeliveryMutation
from core.graphql.mutations.media import MediaMutation
from core.graphql.mutations.moderation import ModerationMutation
from core.graphql.mutations.units import UnitPortalPayload, set_unit_portal
from core.graphql.mutations.workflow import WorkflowMutation
from core.graphql.queries import managed_articles
from core.graphql.queries.accounts import AccountQuery
from core.graphql.queries.assisted import AssistMutation, AssistQuery
from core.graphql.queries.categories import categories
from core.graphql.queries.channel_targets import channel_targets
from core.graphql.queries.feedback import FeedbackMutation, FeedbackQuery
from core.graphql.queries.media_items import MediaItemsQuery
from core.graphql.queries.moderation import ModerationQuery
from core.graphql.queries.previews import PreviewQuery
from core.graphql.queries.reports import periodic_report, quota_report
from core.graphql.queries.units import units
from core.graphql.queries.workflow import WorkflowQuery
from core.graphql.storable_text import RefuseUnstorableText
from core.graphql.types.category import Category
from core.graphql.types.managed_article import ManagedArticle
from core.graphql.types.payloads import ArticlePayload, ChannelTargetPayload
from core.graphql.types.report import PeriodicReport, QuotaQuarter
from core.graphql.types.target import ChannelTarget
from core.graphql.types.unit import Unit
from core.settings import Settings


@strawberry.type
class Query(
    AccountQuery,
    WorkflowQuery,
    FeedbackQuery,
    ModerationQuery,
    MediaItemsQuery,
    PreviewQuery,
    AssistQuery,
    GovQuery,
    GovManagementQuery,
):
    article: ManagedArticle | None = strawberry.field(
        resolver=managed_articles.article, description="An article in any status, by id."
    )
    articles: managed_articles.ManagedArticleConnection = strawberry.field(
        resolver=managed_articles.articles
    )
    channel_targets: list[ChannelTarget] = strawberry.field(resolver=channel_targets)
    units: list[Unit] = strawberry.field(resolver=units)
    categories: list[Category] = strawberry.field(resolver=categories)
    quota_report: list[QuotaQuarter] = strawberry.field(resolver=quota_report)
    periodic_report: PeriodicReport = strawberry.field(resolver=periodic_report)


@strawberry.type
class Mutation(
    AccountMutation,
    WorkflowMutation,
    FeedbackMutation,
    ModerationMutation,
    MediaMutation,
    AssistMutation,
    GovMutation,
    DeliveryMutation,
):
    create_article: ArticlePayload = strawberry.mutation(resolver=create_article)
    update_article: ArticlePayload = strawberry.mutation(resolver=update_article)
    approve_article: ArticlePayload = strawberry.mutation(resolver=approve_article)
    retract_article: ArticlePayload = strawberry.mutation(resolver=retract_article)
    retract_article_from_target: ArticlePayload = strawberry.mutation(
        resolver=retract_article_from_target
    )
    create_channel_target: ChannelTargetPayload = strawberry.mutation(
        resolver=create_channel_target
    )
    update_channel_target: ChannelTargetPayload = strawberry.mutation(
        resolver=update_channel_target
    )
    set_unit_portal: UnitPortalPayload = strawberry.mutation(
        resolver=set_unit_portal,
        description="Set where readers of the unit's items land (canonical URLs).",
    )


def management_schema(settings: Settings) -> LoaSchema:
    """Introspection stays on: only authenticated tools reach this schema."""
    return LoaSchema(
        query=Query,
        mutation=Mutation,
        extensions=[*extensions(settings, introspection=True), RefuseUnstorableText],
        config=StrawberryConfig(disable_field_suggestions=settings.is_prod),
    )
