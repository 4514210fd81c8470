"""Articles in any status, for editors: one by id, or a page filtered by status and unit.

Thin: the read permission is checked in ``core.content.reads``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.content import reads
from core.content.models import Status
from core.graphql.errors import names_something
from core.graphql.request import RequestContext
from core.graphql.types.managed_article import ManagedArticle, managed_article

Info = strawberry.Info[RequestContext, Any]


@strawberry.type
class ManagedArticleEdge:
    cursor: str
    node: ManagedArticle


@strawberry.type
class ManagedPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ManagedArticleConnection:
    edges: list[ManagedArticleEdge]
    page_info: ManagedPageInfo
    total_count: int


def article(info: Info, id: strawberry.ID) -> ManagedArticle | None:
    rc = info.context
    assert rc.actor is not None
    with rc.read() as session:
        found = reads.get_article(session, rc.actor, str(id))
    return managed_article(found, rc) if found is not None else None


def articles(
    info: Info,
    status: Status | None = None,
    unit: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> ManagedArticleConnection:
    """Newest first, only on units the caller may read drafts of (checked in core.content.reads)."""
    rc = info.context
    assert rc.actor is not None
    with rc.read() as session, names_something("unit"):
        page = reads.list_articles(
            session, rc.actor, status=status, unit=unit, first=first, after=after
        )
    edges = [
        ManagedArticleEdge(cursor=c, node=managed_article(a, rc))
        for a, c in zip(page.articles, page.cursors, strict=True)
    ]
    return ManagedArticleConnection(
        edges=edges,
        page_info=ManagedPageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=page.total,
    )
