"""The small lookups of the public read path (a unit's subtree, a category's id), cached.

Every public list names a unit by code and a category by slug; both change rarely and
only through events that also move the public response cache's content generation
(``unit.*``, ``category.*``). A :class:`Lookups` keeps what it resolved until that
generation moves on, so a list request runs its one listing statement and nothing else.
Without a generation (``Lookups()``) nothing is kept: every call asks the database.

A unit's subtree is resolved to ids once: "this unit and its descendants" becomes
``articles.unit_id IN (ids)``, which the listing index answers in order (a commune is
one id), instead of a join on ``units.path LIKE 'prefix%'`` per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.models import Category
from core.units.lookups import unit_by_code
from core.units.models import Unit

#: Above this many units a subtree is matched by its path prefix instead of an id list.
MAX_SUBTREE_IDS = 200
#: Entries kept per kind before the cache starts over (codes and slugs are few; bounds abuse).
MAX_ENTRIES = 4096


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


class Lookups:
    """Subtrees and category ids, kept while ``generation()`` returns the same number."""

    def __init__(self, generation: Callable[[], int] | None = None) -> None:
        self.generation = generation
        self._seen: int | None = None
        self._subtrees: dict[str, Subtree] = {}
        self._categories: dict[str, int | None] = {}
        self._lock = threading.Lock()  # resolvers run in a thread pool

    def _current(self) -> int | None:
        """The generation now (None: keep nothing); drops what an older one resolved."""
        if self.generation is None:
            return None
        seen = self.generation()
        with self._lock:
            if seen != self._seen:
                self._seen = seen
                self._subtrees.clear()
                self._categories.clear()
        return seen

    def subtree(self, session: Session, code: str) -> Subtree:
        seen = self._current()
        found = self._subtrees.get(code) if seen is not None else None
        if found is None:
            found = subtree_of(session, code)
            self._keep(self._subtrees, code, found, seen)
        return found

    def category_id(self, session: Session, slug: str) -> int | None:
        seen = self._current()
        if seen is not None and slug in self._categories:
            return self._categories[slug]
        found = category_id_of(session, slug)
        if found is not None:  # an unknown slug may be created: never kept
            self._keep(self._categories, slug, found, seen)
        return found

    def _keep(self, table: dict[str, Any], key: str, value: object, seen: int | None) -> None:
        """Keep ``value`` if the generation it was read under is still the current one."""
        with self._lock:
            if seen is None or seen != self._seen or self.generation is None:
                return
            if seen != self.generation():
                return
            if len(table) >= MAX_ENTRIES:
                table.clear()
            table[key] = value
