"""The public schema: anonymous and read-only, so it has a Query type and nothing else."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from core.graphql.errors import LoaSchema
from core.graphql.executor import PlainLeafExecutor
from core.graphql.gov.schema import GovQuery
from core.graphql.limits import extensions
from core.graphql.queries.article import article
from core.graphql.queries.articles import articles
from core.graphql.queries.categories import categories
from core.graphql.queries.former_units import former_unit
from core.graphql.queries.media_library import MediaLibraryQuery
from core.graphql.queries.node import node
from core.graphql.queries.units import unit, units
from core.graphql.storable_text import RefuseUnstorableText
from core.graphql.types.article import Article
from core.graphql.types.category import Category
from core.graphql.types.connection import ArticleConnection
from core.graphql.types.node import Node
from core.graphql.types.unit import FormerUnit, Unit
from core.settings import Settings


@strawberry.type(description="Published, in-window content of Loa.")
class Query(MediaLibraryQuery, GovQuery):
    articles: ArticleConnection = strawberry.field(
        resolver=articles,
        description="Published, in-window articles, newest first, a page at a time (Relay "
        "connection). Danh sách tin bài.",
    )
    article: Article | None = strawberry.field(
        resolver=article,
        description="A published article by slug; null if not public. Một tin bài.",
    )
    units: list[Unit] = strawberry.field(
        resolver=units,
        description="Units of the 2025 scheme: the provinces, or the children of `parent`. "
        "Browse here to find a commune's code. Danh sách đơn vị.",
    )
    unit: Unit = strawberry.field(
        resolver=unit, description="One unit by its code: its name for a page header. Đơn vị."
    )
    categories: list[Category] = strawberry.field(
        resolver=categories, description="Every category, by name. Chuyên mục."
    )
    former_unit: FormerUnit = strawberry.field(
        resolver=former_unit,
        description="A pre-2025 unit code and the 2025 units that took it over (old→new map).",
    )
    node: Node | None = strawberry.field(
        resolver=node,
        description="Any object by its global id (Relay); null if it names nothing public.",
    )


def public_schema(settings: Settings) -> LoaSchema:
    return LoaSchema(
        query=Query,
        types=[Article, Unit, Category],
        extensions=[
            *extensions(settings, introspection=not settings.is_prod, cost=True),
            RefuseUnstorableText,
        ],
        config=StrawberryConfig(disable_field_suggestions=settings.is_prod),
        execution_context_class=PlainLeafExecutor,
    )
