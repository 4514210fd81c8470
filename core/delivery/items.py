"""The item a fan-out sends, read once per item revision in a worker process.

An item approved for 10,000 targets is the same item for each of them (but for the target's
approvals, which every delivery still reads itself): reading its unit, category, agency, cover,
media, portal template and audience names again for each one was a third of a delivery's CPU
(issue 19). An entry is keyed by what any change to those moves:

* the article's ``revision`` and ``updated_at`` (an edit, an approved revision);
* the content generation (:meth:`core.context.Context.content_generation`), which every
  committed content, media or portal-template change moves in every process.

Things no event announces (a unit renamed by a boundary sync, a category or agency renamed)
are read again after :data:`TTL` seconds at most. The cache lives in ``ctx.extras``, so it is
one per context (one per worker process), never shared between databases.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.content.models import Article
from core.content.queries import item_for
from core.contract.channels import Item
from core.media.current_store import media_store
from core.media.item_media import StoreSource

if TYPE_CHECKING:
    import datetime as dt

    from core.context import Context

EXTRA = "delivery.items"
#: Items kept (a worker serves a few items at a time; each is small).
SIZE = 64
#: Seconds an entry is trusted for changes no event announces.
TTL = 30.0

_Key = tuple[int, int, "dt.datetime | None", int]


class ItemCache:
    """Items by (article, revision, updated_at, content generation); least recent out first."""

    def __init__(self, size: int = SIZE, ttl: float = TTL) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[_Key, tuple[float, Item]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: _Key) -> Item | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: _Key, item: Item) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl, item)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def delivered_item(ctx: Context, session: Session, article: Article) -> Item:
    """The item as channels see it (no approvals: they are the target's), cached as above."""
    cache: ItemCache = ctx.extras.setdefault(EXTRA, ItemCache())
    try:  # read before the item: a change committed after this moves the key past the entry
        generation = ctx.content_generation()
    except Exception:  # no generation to trust: read the item, keep nothing
        return _read(ctx, session, article)
    key = (article.id, article.revision, article.updated_at, generation)
    item = cache.get(key)
    if item is None:
        item = _read(ctx, session, article)
        cache.put(key, item)
    return item


def _read(ctx: Context, session: Session, article: Article) -> Item:
    return item_for(session, article, ctx.settings.base_url, StoreSource(media_store(ctx)))
