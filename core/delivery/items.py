"""The item a fan-out sends, read once per item revision in a worker process.

An item approved for 10,000 targets is the same item for each of them (but for the target's
approvals, which every delivery still reads itself): reading its unit, category, agency, cover,
media, site URL template and audience names again for each one was a third of a delivery's CPU
(issue 19). An entry (:mod:`core.delivery.kept`) is keyed by what any change to those moves:

* the article's ``revision`` and ``updated_at`` (an edit, an approved revision);
* the content generation, which every committed content, media or site-URL-template change
  moves in every process.

Things no event announces (a unit renamed by a boundary sync, a category or agency renamed)
are read again after :data:`TTL` seconds at most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.content.models import Article
from core.content.queries import item_for
from core.contract.channels import Item
from core.delivery.kept import kept
from core.media.current_store import media_store
from core.media.item_media import StoreSource

if TYPE_CHECKING:
    from core.context import Context

EXTRA = "delivery.items"
#: Items kept (a worker serves a few items at a time; each is small).
SIZE = 64
#: Seconds an entry is trusted for changes no event announces.
TTL = 30.0


def delivered_item(ctx: Context, session: Session, article: Article) -> Item:
    """The item as channels see it (no approvals: they are the target's), kept as above."""

    def read() -> Item:
        return item_for(session, article, ctx.settings.base_url, StoreSource(media_store(ctx)))

    key = (article.id, article.revision, article.updated_at)
    return kept(ctx, EXTRA, key, read, SIZE, TTL)
