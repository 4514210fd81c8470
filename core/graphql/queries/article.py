"""One public article by slug: null unless it is published and inside its window."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from starlette.concurrency import run_in_threadpool

from core.content import queries
from core.graphql.columns import public_row
from core.graphql.loaders import Related, related_rows
from core.graphql.queries.articles import selected_at, selected_names
from core.graphql.request import RequestContext
from core.graphql.types.article import Article, public_article_of_row


async def article(
    info: strawberry.Info[RequestContext, Any],
    slug: Annotated[
        str, strawberry.argument(description="The article's `slug` (from a list or its URL).")
    ],
) -> Article | None:
    rc = info.context
    wanted = selected_names(info)
    own = selected_at(info, ())  # the article's own fields
    loaders = rc.loaders  # built on the event loop's thread, where its futures live

    def read() -> tuple[queries.PlainRow | None, Related]:
        """The article (a plain row) and its related rows, in one session, off the event loop."""
        with rc.read() as session:
            found = queries.get_published_row(session, slug, public_row("bodyHtml" in wanted))
            return found, related_rows(session, [found] if found else [], own, rc.lookups)

    found, related = await run_in_threadpool(read)
    loaders.prime(related)
    return public_article_of_row(found, rc) if found else None
