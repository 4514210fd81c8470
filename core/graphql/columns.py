"""The article columns the public GraphQL types read: nothing else is loaded.

A list page reads 20 rows; loading whole rows costs the body (~3 KB), the search text
(~3 KB) and three JSON columns (moderation spans, the audience's genders and scope) it
never shows, decoded row by row. The public list and detail read these columns as plain
rows (:func:`public_row`), not ORM objects: an ORM object per row, with its identity
map entry and loader options, cost a third of a cold list's CPU. A field that starts
reading another column fails at once (a row has no such attribute).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from core.content.models import Article, Audience

#: Read by ``core.graphql.types.article.row_fields`` (the body only when asked).
SHOWN = (
    Article.id,
    Article.uid,
    Article.slug,
    Article.title,
    Article.summary,
    Article.cover_url,
    Article.cover_caption,
    Article.source,
    Article.author_name,
    Article.kind,
    Article.published_at,
    Article.updated_at,
    Article.category_id,
    Article.unit_id,
    Article.agency_id,
)
AUDIENCE_SHOWN = (Audience.visible_until, Audience.interactions_allowed)


def public_row(with_body: bool) -> tuple[Any, ...]:
    """The columns of a public read; ``with_body``: ``bodyHtml`` is asked."""
    shown = (*SHOWN, Article.body_html) if with_body else SHOWN
    return (*shown, *AUDIENCE_SHOWN)


def body_of(article: Article) -> str:
    """The article's body, or "" when the read left it out (a list not asking for it)."""
    return "" if "body_html" in inspect(article).unloaded else article.body_html
