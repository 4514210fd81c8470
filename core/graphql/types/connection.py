"""A Relay connection of articles: keyset cursors, never offsets, both directions."""

from __future__ import annotations

import strawberry

from core.content.queries import Cursor, Page
from core.graphql.request import RequestContext
from core.graphql.types.article import Article, public_article_of_row

CURSOR = (
    "A cursor: an opaque string naming a place in the list. Pass it as `after` (or `before`) "
    "to get the page after (before) it. Con trỏ."
)


@strawberry.type(description="Where a page sits in the whole list (Relay PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow (older ones).")
    has_previous_page: bool = strawberry.field(
        description="Items come before this page (newer ones); known when paging with `after`, "
        "`last` or `before`."
    )
    start_cursor: str | None = strawberry.field(
        description=f"The first edge's cursor; null for an empty page. {CURSOR}"
    )
    end_cursor: str | None = strawberry.field(
        description=f"The last edge's cursor; null for an empty page. {CURSOR}"
    )


@strawberry.type(description="One article of a page, with its cursor.")
class ArticleEdge:
    cursor: str = strawberry.field(description=CURSOR)
    node: Article = strawberry.field(description="The article.")


@strawberry.type(description="A page of articles, newest first (Relay connection).")
class ArticleConnection:
    edges: list[ArticleEdge] = strawberry.field(description="The page's articles, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(description="Every match, not only this page.")

    @classmethod
    def of(cls, page: Page, rc: RequestContext) -> ArticleConnection:
        """The page read as plain rows (``list_published(shown=…)``: ``Page.rows``)."""
        edges = [
            ArticleEdge(
                cursor=Cursor(r.published_at, r.id).encode() if r.published_at else "",
                node=public_article_of_row(r, rc),
            )
            for r in page.rows
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )
