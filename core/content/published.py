"""Published content as plugins read it: the :class:`~core.contract.plugin_context.PublishedContent`
view over the database, and the :class:`~core.contract.plugin_context.PluginContext` built on it.

It lives here, above the context, so that the context (settings, plugins, database, queue) knows
nothing of articles or units: the web app builds the plugins' context with :func:`plugin_context`.
"""

from __future__ import annotations

import datetime as dt

from core.content import queries
from core.content.validation import KINDS
from core.context import Context
from core.contract.channels import Item
from core.contract.plugin_context import PluginContext
from core.units import lookups


class PublishedView:
    """Published, in-window content of one running Loa (blocking: call it from a thread)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def published_items(
        self,
        unit_code: str | None = None,
        include_descendants: bool = True,
        limit: int = 50,
        now: dt.datetime | None = None,
        *,
        category: str | None = None,
        kinds: tuple[str, ...] = (),
    ) -> list[Item]:
        """Published, in-window items, newest first, optionally of one category or some kinds.

        LookupError for an unknown unit, category or kind (a feed of a typo is a 404).
        """
        if unknown := sorted(set(kinds) - KINDS):
            raise LookupError(f"no kind {unknown[0]!r}")
        with self._ctx.sessions() as session:
            if category is not None and queries.category_by_slug(session, category) is None:
                raise LookupError(f"no category {category!r}")
            return queries.published_items(
                session,
                base_url=self._ctx.settings.base_url,
                unit_code=unit_code,
                include_descendants=include_descendants,
                limit=limit,
                now=now,
                category=category,
                kinds=kinds,
            )

    def category_name(self, slug: str) -> str:
        """A category's display name; LookupError if there is none with that slug."""
        with self._ctx.sessions() as session:
            category = queries.category_by_slug(session, slug)
            if category is None:
                raise LookupError(f"no category {slug!r}")
            return category.name

    def unit_name(self, code: str) -> str:
        """The official name of a unit of the current scheme; LookupError if unknown."""
        with self._ctx.sessions() as session:
            return lookups.unit_by_code(session, code).name


def plugin_context(ctx: Context) -> PluginContext:
    """The narrow, typed view plugins get of the running Loa (never the context itself)."""
    return PluginContext(settings=ctx.settings, content=PublishedView(ctx), emit=ctx.emit)
