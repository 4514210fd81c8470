"""The small lookups of the public read path (a unit's subtree, a category's id, the
category, unit and agency rows a page shows), cached.

Every public list names a unit by code and a category by slug, and shows each article's
category, unit and agency; all of them change rarely and only through events that also
move the public response cache's content generation (``unit.*``, ``category.*``,
``agency.*``). A :class:`Lookups` keeps what it resolved until that generation moves on,
so a list request runs its one listing statement and nothing else.
Without a generation (``Lookups()``) nothing is kept: every call asks the database.

What is kept belongs to one database: a session bound to another engine than the one the
kept entries were read from starts the cache over (two contexts never see each other's rows).

A unit's subtree is resolved to ids once: "this unit and its descendants" becomes
``articles.unit_id IN (ids)``, which the listing index answers in order (a commune is
one id), instead of a join on ``units.path LIKE 'prefix%'`` per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.models import Agency, Category
from core.units.lookups import unit_by_code
from core.units.models import Unit

#: Above this many units a subtree is matched by its path prefix instead of an id list.
MAX_SUBTREE_IDS = 200
#: Entries kept per kind before the cache starts over (codes and slugs are few; bounds abuse).
MAX_ENTRIES = 4096

#: The related tables a public page shows, kept by id.
R = TypeVar("R", Agency, Category, Unit)
V = TypeVar("V")


@dataclass(frozen=True)
class Subtree:
    """A unit and what is under it: its id, its path, and its subtree's ids when few."""

    unit_id: int
    path: str
    #: Every unit id under the path (the unit's included); None when over MAX_SUBTREE_IDS.
    ids: tuple[int, ...] | None


def subtree_of(session: Session, code: str) -> Subtree:
    """The unit ``code`` and its subtree; LookupError when there is no such unit."""
    unit = unit_by_code(session, code)
    ids = session.scalars(
        select(Unit.id).where(Unit.path.startswith(unit.path)).limit(MAX_SUBTREE_IDS + 1)
    ).all()
    return Subtree(unit.id, unit.path, tuple(ids) if len(ids) <= MAX_SUBTREE_IDS else None)


def category_id_of(session: Session, slug: str) -> int | None:
    return session.scalar(select(Category.id).where(Category.slug == slug))


def rows_by_id(session: Session, model: type[R], ids: Collection[int]) -> dict[int, R]:
    """The rows of ``model`` with these ids, in one statement (an id not found is absent)."""
    column: Any = model.id
    return {row.id: row for row in session.scalars(select(model).where(column.in_(ids)))}


class Lookups:
    """Subtrees, category ids and related rows, kept while ``generation()`` returns the
    same number (and the sessions are bound to the same engine)."""

    def __init__(self, generation: Callable[[], int] | None = None) -> None:
        self.generation = generation
        self._seen: int | None = None
        #: The engine what is kept was read from (held: its identity is never reused).
        self._bind: object = None
        self._subtrees: dict[str, Subtree] = {}
        self._categories: dict[str, int | None] = {}
        #: Related rows (detached, fully loaded, only ever read) and values, by kind then id.
        self._by_id: dict[object, dict[int, Any]] = {}
        self._lock = threading.Lock()  # resolvers run in a thread pool

    def _current(self, session: Session) -> int | None:
        """The generation now (None: keep nothing); drops what an older one resolved, or
        what was read from another database."""
        if self.generation is None:
            return None
        seen = self.generation()
        with self._lock:
            if seen != self._seen or session.bind is not self._bind:
                self._seen = seen
                self._bind = session.bind
                self._subtrees.clear()
                self._categories.clear()
                self._by_id.clear()
        return seen

    def subtree(self, session: Session, code: str) -> Subtree:
        seen = self._current(session)
        found = self._subtrees.get(code) if seen is not None else None
        if found is None:
            found = subtree_of(session, code)
            self._keep(self._subtrees, code, found, seen, session)
        return found

    def category_id(self, session: Session, slug: str) -> int | None:
        seen = self._current(session)
        if seen is not None and slug in self._categories:
            return self._categories[slug]
        found = category_id_of(session, slug)
        if found is not None:  # an unknown slug may be created: never kept
            self._keep(self._categories, slug, found, seen, session)
        return found

    def rows(self, session: Session, model: type[R], ids: Collection[int]) -> dict[int, R]:
        """The rows of ``model`` with these ids: the kept ones, the others in one statement.

        The rows are shared by every request of the generation, so callers only read them.
        """
        return self.by_id(session, model, ids, lambda missing: rows_by_id(session, model, missing))

    def by_id(
        self,
        session: Session,
        kind: object,
        ids: Collection[int],
        read: Callable[[list[int]], dict[int, V]],
    ) -> dict[int, V]:
        """Values of ``kind`` by id: the kept ones, and what ``read`` (given the missing ids,
        one statement) finds for the others; ``kind`` names the table (a model, a name)."""
        seen = self._current(session)
        kept: dict[int, Any] = self._by_id.get(kind, {}) if seen is not None else {}
        found = {i: kept[i] for i in ids if i in kept}
        missing = [i for i in ids if i not in found]
        if missing:
            fresh = read(missing)
            found.update(fresh)
            if seen is not None:
                table = self._by_id.setdefault(kind, {})
                for key, value in fresh.items():  # an id not found is never kept
                    self._keep(table, key, value, seen, session)
        return found

    def _keep(
        self, table: dict[Any, Any], key: Any, value: object, seen: int | None, session: Session
    ) -> None:
        """Keep ``value`` if the generation (and database) it was read under is still current."""
        with self._lock:
            if seen is None or seen != self._seen or self.generation is None:
                return
            if session.bind is not self._bind or seen != self.generation():
                return
            if len(table) >= MAX_ENTRIES:
                table.clear()
            table[key] = value
