"""A Relay-style connection of articles: keyset cursors, never offsets."""

from __future__ import annotations

import strawberry

from core.content.queries import Cursor, Page
from core.graphql.request import RequestContext
from core.graphql.types.article import Article, public_article


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ArticleEdge:
    cursor: str
    node: Article


@strawberry.type
class ArticleConnection:
    edges: list[ArticleEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Every match, not only this page.")

    @classmethod
    def of(cls, page: Page, rc: RequestContext) -> ArticleConnection:
        edges = [
            ArticleEdge(
                cursor=Cursor(a.published_at, a.id).encode() if a.published_at else "",
                node=public_article(a, rc),
            )
            for a in page.articles
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=page.total,
        )
