"""The article columns the public GraphQL types read: nothing else is loaded.

A list page reads 20 rows; loading whole rows costs the body (~3 KB), the search text
(~3 KB) and three JSON columns (moderation spans, the audience's genders and scope) it
never shows, decoded row by row. Left-out columns raise if read (``raiseload``), so a
field that starts reading one fails its tests instead of quietly costing a query a row.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import defaultload, load_only
from sqlalchemy.orm.interfaces import ORMOption

from core.content.models import Article, Audience

#: Read by ``core.graphql.types.article.article_fields`` (the body only when asked).
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


def public_columns(with_body: bool) -> tuple[ORMOption, ...]:
    """Loader options for the public article type; ``with_body``: ``bodyHtml`` is asked."""
    shown = (*SHOWN, Article.body_html) if with_body else SHOWN
    return (
        load_only(*shown, raiseload=True),
        defaultload(Article.audience).load_only(*AUDIENCE_SHOWN, raiseload=True),
    )


def body_of(article: Article) -> str:
    """The article's body, or "" when the read left it out (a list not asking for it)."""
    return "" if "body_html" in inspect(article).unloaded else article.body_html
