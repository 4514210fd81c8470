"""The public shape of an article: published content only, never workflow state.

Related rows (category, unit, agency) come through the request's DataLoaders,
so a page of articles costs one query per related table.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import strawberry

from core.content.models import Article as ArticleModel
from core.content.urls import canonical_url
from core.graphql.columns import body_of
from core.graphql.loaders import Loaders, resolve, resolve_value
from core.graphql.request import RequestContext
from core.graphql.types.agency import Agency
from core.graphql.types.category import Category
from core.graphql.types.media import (
    FIRST,
    WIDTH,
    Document,
    Image,
    ImageFormat,
    Urls,
    Video,
    document_of,
    image_of,
    page,
    video_of,
)
from core.graphql.types.node import Node, global_id
from core.graphql.types.unit import Unit
from core.media.models import MediaAsset

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Info = strawberry.Info[RequestContext, Any]


@strawberry.type(description="The item's representative image. Ảnh đại diện.")
class Cover:
    caption: str = strawberry.field(description="The caption shown under it. Chú thích.")
    alt: str = strawberry.field(description="Text alternative for screen readers (alt).")
    image: Image | None = strawberry.field(
        description="The image from the media library; null for a cover given by URL."
    )
    given_url: strawberry.Private[str]

    @strawberry.field(description="The cover's URL; with `width`, the size nearest above it.")
    def url(
        self,
        width: Annotated[int | None, WIDTH] = None,
    ) -> str:
        return self.image.url(width) if self.image is not None else self.given_url

    @strawberry.field(
        description="`url width` pairs for an img srcset (the image's); empty for a URL cover."
    )
    def srcset(
        self,
        format: Annotated[
            ImageFormat, strawberry.argument(description="The file format of every size.")
        ] = ImageFormat.WEBP,
    ) -> str:
        return self.image.srcset(format) if self.image is not None else ""


@strawberry.type(description="Fields every view of an article shares (public and management).")
class ArticleFields:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    slug: str = strawberry.field(
        description="The article's address segment, unique: `article(slug:)` finds it."
    )
    title: str = strawberry.field(description="Headline. Tiêu đề.")
    summary: str = strawberry.field(description="Lead paragraph, plain text. Tóm tắt (sapo).")
    body_html: str = strawberry.field(description="Sanitised HTML, safe to insert as is. Nội dung.")
    source: str = strawberry.field(description="Where the content comes from (S4.6). Nguồn.")
    author: str = strawberry.field(description="The author's name. Tác giả.")
    kind: str = strawberry.field(
        description="What the item is: `article` (news), `notice` (thông báo), `banner`, "
        "`section` (a campaign section) or `document`. Filter with `articles(kinds:)`."
    )
    published_at: dt.datetime | None = strawberry.field(
        description="When it was published (UTC). Ngày đăng."
    )
    updated_at: dt.datetime = strawberry.field(description="Last change (UTC).")
    visible_until: dt.datetime | None = strawberry.field(
        description="When it comes down by itself; null: it stays. Hết hạn."
    )
    interactions_allowed: bool = strawberry.field(
        description="Whether readers may comment or react on channels that allow it."
    )
    category_id: strawberry.Private[int | None]
    unit_id: strawberry.Private[int]
    agency_id: strawberry.Private[int | None]
    loaders: strawberry.Private[Loaders]
    row_id: strawberry.Private[int]
    given_cover: strawberry.Private[Cover | None]
    urls: strawberry.Private[Urls]
    base_url: strawberry.Private[str]

    @strawberry.field(
        description="Its canonical page: the unit portal's URL template filled with the slug, "
        "or Loa's own `/articles/<slug>` page when the unit has none. Địa chỉ chính thức."
    )
    def url(self) -> str:
        def fill(template: str) -> str:
            return canonical_url(self.base_url, self.slug, template)

        return resolve_value(self.loaders.url_template, self.unit_id, fill)

    @strawberry.field(description="publishedAt in Asia/Ho_Chi_Minh, ISO 8601 with offset.")
    def published_at_local(self) -> str | None:
        return self.published_at.astimezone(LOCAL_TZ).isoformat() if self.published_at else None

    # Sync resolvers that return a row's shape at once when the page prefetched it, or an
    # awaitable from the DataLoader otherwise (graphql-core awaits what it is given).
    @strawberry.field(description="Its category, if any. Chuyên mục.")
    def category(self) -> Category | None:
        return resolve(self.loaders.category, self.category_id, Category.of)

    @strawberry.field(description="The administrative unit it belongs to. Đơn vị.")
    def unit(self) -> Unit:
        return resolve(self.loaders.unit, self.unit_id, Unit.of)

    @strawberry.field(description="The agency that writes and answers for it (S4.6). Cơ quan.")
    def agency(self) -> Agency | None:
        return resolve(self.loaders.agency, self.agency_id, Agency.of)

    async def _uses(self, role: str) -> list[MediaAsset]:
        return [u.asset for u in await self.loaders.media.load(self.row_id) if u.role == role]

    @strawberry.field(description="The representative image (S0.5); null if there is none.")
    async def cover(self) -> Cover | None:
        for asset in await self._uses("cover"):
            image = image_of(asset, self.urls)
            return Cover(caption=asset.caption, alt=asset.alt, image=image, given_url="")
        return self.given_cover

    # Each list takes ``first`` (its size in the public query cost, core.graphql.limits).
    @strawberry.field(description="The article's photos, in order.")
    async def gallery(self, first: Annotated[int, FIRST] = 20) -> list[Image]:
        found = await self._uses("gallery")
        return [image_of(a, self.urls) for a in found[: page(first)]]

    @strawberry.field(description="The article's video clips, in order.")
    async def videos(self, first: Annotated[int, FIRST] = 5) -> list[Video]:
        return [video_of(a, self.urls) for a in (await self._uses("video"))[: page(first)]]

    @strawberry.field(description="Documents attached to the article (PDF, read inline).")
    async def attachments(self, first: Annotated[int, FIRST] = 10) -> list[Document]:
        found = await self._uses("attachment")
        return [document_of(a, self.urls) for a in found[: page(first)]]


@strawberry.type(
    description="A published article (news, notice, banner…). Times are ISO 8601 in UTC. Tin bài."
)
class Article(Node, ArticleFields):
    id: strawberry.ID = strawberry.field(
        description="Global id (Relay): pass it to `node(id:)`. Mã toàn cục."
    )

    @strawberry.field(description="The article's UUID, as earlier versions gave it in `id`.")
    def uid(self) -> str:
        return self.uuid

    uuid: strawberry.Private[str] = ""


def article_fields(article: ArticleModel, rc: RequestContext) -> dict[str, Any]:
    """The constructor arguments of :class:`Article`, shared by the management type."""
    audience = article.audience
    return _fields(
        article,
        rc,
        body_html=body_of(article),
        visible_until=audience.visible_until if audience else None,
        interactions_allowed=audience.interactions_allowed if audience else True,
    )


def row_fields(row: Any, rc: RequestContext) -> dict[str, Any]:
    """:func:`article_fields` of a public read's plain row (``core.graphql.columns.public_row``).

    A list not asking for ``bodyHtml`` leaves the body out of the row (never shown, then).
    """
    body = row.body_html if "body_html" in row._fields else ""
    return _fields(
        row,
        rc,
        body_html=body,
        visible_until=row.visible_until,
        interactions_allowed=row.interactions_allowed,
    )


def _fields(
    article: Any,
    rc: RequestContext,
    *,
    body_html: str,
    visible_until: dt.datetime | None,
    interactions_allowed: bool,
) -> dict[str, Any]:
    cover = (
        Cover(caption=article.cover_caption, alt="", image=None, given_url=article.cover_url)
        if article.cover_url
        else None
    )
    # The management API shows drafts: their media only through signed, expiring URLs.
    signer = rc.ctx.sealer if rc.actor is not None else None
    return {
        "id": strawberry.ID(article.uid),
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body_html": body_html,
        "source": article.source,
        "author": article.author_name,
        "kind": article.kind,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "visible_until": visible_until,
        "interactions_allowed": interactions_allowed,
        "category_id": article.category_id,
        "unit_id": article.unit_id,
        "agency_id": article.agency_id,
        "loaders": rc.loaders,
        "row_id": article.id,
        "given_cover": cover,
        "urls": Urls(rc.ctx.settings.base_url, signer),
        "base_url": rc.ctx.settings.base_url,
    }


def public_article(article: ArticleModel, rc: RequestContext) -> Article:
    return _public(article_fields(article, rc), article.uid)


def public_article_of_row(row: Any, rc: RequestContext) -> Article:
    """:func:`public_article` of a plain row (see :func:`row_fields`)."""
    return _public(row_fields(row, rc), row.uid)


def _public(fields: dict[str, Any], uid: str) -> Article:
    return Article(**{**fields, "id": global_id("Article", uid), "uuid": uid})
