"""One public article by slug: null unless it is published and inside its window."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.content import queries
from core.graphql.request import RequestContext
from core.graphql.types.article import Article, public_article


def article(
    info: strawberry.Info[RequestContext, Any],
    slug: Annotated[
        str, strawberry.argument(description="The article's `slug` (from a list or its URL).")
    ],
) -> Article | None:
    rc = info.context
    with rc.read() as session:
        found = queries.get_published(session, slug)
    return public_article(found, rc) if found else None
