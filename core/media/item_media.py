"""The media of published items as channels get them: rows made into contract values, bytes
streamed from the media store.

Channels see :class:`core.contract.media.ItemMedia` only; this module is where the library's
rows (assets, renditions, uses) become those values, and where a rendition's key becomes an
async stream of the store's chunks, read off the event loop (stores are synchronous).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Iterator

from sqlalchemy.orm import Session

from core.contract.media import ROLES, ItemMedia, MediaSource, Rendition
from core.media.reads import media_of_articles
from core.media.storage.base import MediaStore


class StoreSource:
    """A :class:`MediaSource` over a :class:`MediaStore`: each chunk read in a thread."""

    def __init__(self, store: MediaStore) -> None:
        self._store = store

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        chunks: Iterator[bytes] = await asyncio.to_thread(self._store.read_range, key)
        while True:
            chunk = await asyncio.to_thread(next, chunks, None)
            if chunk is None:
                return
            yield chunk


def item_media(
    session: Session, article_ids: Collection[int], source: MediaSource | None = None
) -> dict[int, tuple[ItemMedia, ...]]:
    """Every article's media (by article id), in role and position order; with ``source``
    their bytes can be streamed, without it (feeds) only their metadata is there."""
    out = {}
    for article_id, uses in media_of_articles(session, article_ids).items():
        out[article_id] = tuple(
            ItemMedia(
                uid=u.asset.uid,
                role=u.role,
                kind=u.asset.kind,
                content_type=u.asset.content_type,
                size=u.asset.size,
                renditions=tuple(
                    Rendition(r.name, r.content_type, r.size, r.width, r.height, key=r.key)
                    for r in u.asset.renditions
                ),
                width=u.asset.width,
                height=u.asset.height,
                duration=u.asset.duration,
                pages=u.asset.pages,
                alt=u.asset.alt,
                caption=u.asset.caption,
                title=u.asset.title,
                filename=u.asset.filename,
                position=u.position,
                source=source,
            )
            for u in sorted(uses, key=lambda u: (ROLES.index(u.role), u.position))
        )
    return out
