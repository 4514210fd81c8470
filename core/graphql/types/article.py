"""The public shape of an article: published content only, never workflow state.

Related rows (category, unit, agency) come through the request's DataLoaders,
so a page of articles costs one query per related table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import strawberry

from core.content.models import Article as ArticleModel
from core.graphql.loaders import Loaders, resolve
from core.graphql.request import RequestContext
from core.graphql.types.agency import Agency
from core.graphql.types.category import Category
from core.graphql.types.unit import Unit

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Info = strawberry.Info[RequestContext, Any]


@strawberry.type
class Cover:
    url: str
    caption: str


@strawberry.type(description="A published article. Times are ISO 8601 in UTC.")
class Article:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    slug: str
    title: str
    summary: str
    body_html: str = strawberry.field(description="Sanitised HTML.")
    cover: Cover | None
    source: str
    author: str
    published_at: dt.datetime | None
    updated_at: dt.datetime
    visible_until: dt.datetime | None
    url: str
    interactions_allowed: bool
    category_id: strawberry.Private[int | None]
    unit_id: strawberry.Private[int]
    agency_id: strawberry.Private[int | None]
    loaders: strawberry.Private[Loaders]

    @strawberry.field(description="publishedAt in Asia/Ho_Chi_Minh, ISO 8601 with offset.")
    def published_at_local(self) -> str | None:
        return self.published_at.astimezone(LOCAL_TZ).isoformat() if self.published_at else None

    # Sync resolvers that return a row's shape at once when the page prefetched it, or an
    # awaitable from the DataLoader otherwise (graphql-core awaits what it is given).
    @strawberry.field
    def category(self) -> Category | None:
        return resolve(self.loaders.category, self.category_id, Category.of)

    @strawberry.field
    def unit(self) -> Unit:
        return resolve(self.loaders.unit, self.unit_id, Unit.of)

    @strawberry.field
    def agency(self) -> Agency | None:
        return resolve(self.loaders.agency, self.agency_id, Agency.of)


def article_fields(article: ArticleModel, rc: RequestContext) -> dict[str, Any]:
    """The constructor arguments of :class:`Article`, shared by the management type."""
    audience = article.audience
    cover = (
        Cover(url=article.cover_url, caption=article.cover_caption) if article.cover_url else None
    )
    return {
        "id": strawberry.ID(article.uid),
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body_html": article.body_html,
        "cover": cover,
        "source": article.source,
        "author": article.author_name,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "visible_until": audience.visible_until if audience else None,
        "url": f"{rc.ctx.settings.base_url}/articles/{article.slug}",
        "interactions_allowed": audience.interactions_allowed if audience else True,
        "category_id": article.category_id,
        "unit_id": article.unit_id,
        "agency_id": article.agency_id,
        "loaders": rc.loaders,
    }


def public_article(article: ArticleModel, rc: RequestContext) -> Article:
    return Article(**article_fields(article, rc))
