"""Per-request DataLoaders: a page of N articles costs one query per related table, not N.

Each loader batches the ids asked for in one tick of the event loop into a
single ``IN (...)`` select, in a short session of its own. A list resolver
that already knows which ids its page needs reads them with :func:`related_rows`
(in the page's own session) and hands them over with :meth:`Loaders.prime`,
so the field resolvers find their rows resolved and answer synchronously (an
awaited loader per field costs more than the SQL on a 20-item page). The public
endpoint's :class:`~core.content.lookups.Lookups` keeps those rows per content
generation, so a warm page reads only its articles.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader

from core.content.lookups import Lookups, rows_by_id
from core.content.models import Agency, Article, Category
from core.content.queries import portal_templates
from core.media.reads import Used, media_of_articles
from core.units.models import Unit

M = TypeVar("M", Agency, Category, Unit)
T = TypeVar("T")
Reader = Callable[[], AbstractContextManager[Session]]


def _select(read: Reader, model: type[M], ids: Collection[int]) -> dict[int, M]:
    with read() as session:
        return rows_by_id(session, model, ids)


def _by_id(read: Reader, model: type[M]) -> Callable[[list[int]], Awaitable[list[M | None]]]:
    async def load(ids: list[int]) -> list[M | None]:
        rows = _select(read, model, set(ids))
        return [rows.get(i) for i in ids]

    return load


@dataclass(frozen=True)
class Loaders:
    read: Reader
    category: DataLoader[int, Category | None]
    unit: DataLoader[int, Unit | None]
    agency: DataLoader[int, Agency | None]
    #: Media each article uses (core.media.reads.Used), by article id.
    media: DataLoader[int, list[Used]]
    #: The portal URL template that applies to a unit (its own or its nearest ancestor's).
    url_template: DataLoader[int, str]

    @classmethod
    def build(cls, read: Reader) -> Loaders:
        return cls(
            read=read,
            category=DataLoader(load_fn=_by_id(read, Category)),
            unit=DataLoader(load_fn=_by_id(read, Unit)),
            agency=DataLoader(load_fn=_by_id(read, Agency)),
            media=DataLoader(load_fn=_media(read)),
            url_template=DataLoader(load_fn=_portal(read)),
        )

    def prime(self, related: Related) -> None:
        """Hand the loaders what :func:`related_rows` read (on the event loop's thread)."""
        for name, rows in related.items():
            loader: DataLoader[int, Any] = getattr(self, name)
            loader.prime_many(rows)


#: Related rows of a page, by loader name ("category", "unit", "agency", "url_template"),
#: then by id.
Related = dict[str, dict[int, Any]]
_RELATED: tuple[tuple[str, type[Agency] | type[Category] | type[Unit], str], ...] = (
    ("category", Category, "category_id"),
    ("unit", Unit, "unit_id"),
    ("agency", Agency, "agency_id"),
)


def related_rows(
    session: Session,
    articles: Collection[Article | Row[Any]],
    wanted: Collection[str],
    lookups: Lookups | None = None,
) -> Related:
    """The related rows ``wanted`` (the articles' own field names) of ``articles`` (or plain
    rows), one query per table at most: none for the rows ``lookups`` keeps (the public
    endpoint's). When ``url`` is wanted, the units' portal templates too (kept the same way).

    Runs anywhere (a worker thread, inside the page's own session); :meth:`Loaders.prime`
    then hands them to the loaders, so the field resolvers answer without another query.
    """
    keeper = lookups if lookups is not None else _NOTHING_KEPT
    found: Related = {}
    for name, model, key in _RELATED:
        ids = {getattr(a, key) for a in articles} - {None}
        if name in wanted and ids:
            rows: dict[int, Any] = keeper.rows(session, model, ids)
            found[name] = {i: rows.get(i) for i in ids}
    units = {a.unit_id for a in articles}
    if "url" in wanted and units:  # Article.url: the unit's (or an ancestor's) portal template
        found["url_template"] = keeper.by_id(  # kept under the reader's own identity
            session, portal_templates, units, lambda missing: portal_templates(session, missing)
        )
    return found


#: Keeps nothing: every call asks the database (the management API's reads).
_NOTHING_KEPT = Lookups()


def _media(read: Reader) -> Callable[[list[int]], Awaitable[list[list[Used]]]]:
    async def load(ids: list[int]) -> list[list[Used]]:
        with read() as session:
            found = media_of_articles(session, set(ids))
        return [found.get(i, []) for i in ids]

    return load


def _portal(read: Reader) -> Callable[[list[int]], Awaitable[list[str]]]:
    async def load(ids: list[int]) -> list[str]:
        with read() as session:
            found = portal_templates(session, set(ids))
        return [found.get(i, "") for i in ids]

    return load


def resolve_value(loader: DataLoader[int, T], key: int, shape: Callable[[T], Any]) -> Any:
    """Like :func:`resolve` for a loader of plain values (never None)."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled():
        return shape(future.result())

    async def later() -> Any:
        return shape(await loader.load(key))

    return later()


def resolve(loader: DataLoader[int, M | None], key: int | None, shape: Callable[[M], T]) -> Any:
    """``shape(row)`` now if the row is already loaded, else an awaitable of it (or None)."""
    if key is None:
        return None
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled():
        row = future.result()
        return shape(row) if row is not None else None
    return _later(loader, key, shape)


async def _later(loader: DataLoader[int, M | None], key: int, shape: Callable[[M], T]) -> T | None:
    row = await loader.load(key)
    return shape(row) if row is not None else None
