"""``mediaItems(unit:)``: a unit's uploads for its editors to pick from (management schema)."""

from __future__ import annotations

from typing import Any

import strawberry

from core.actions import media as actions
from core.graphql.request import RequestContext
from core.graphql.types.media import Urls
from core.graphql.types.media_item import MediaItem, media_item


def media_items(
    info: strawberry.Info[RequestContext, Any],
    unit: str,
    kind: str | None = None,
    first: int = 50,
) -> list[MediaItem]:
    rc = info.context
    assert rc.actor is not None
    found = actions.library_items(rc.ctx, rc.actor, unit, kind, first)
    urls = Urls(rc.ctx.settings.base_url, rc.ctx.sealer)  # drafts' media: signed
    return [media_item(asset, urls) for asset in found]


@strawberry.type
class MediaItemsQuery:
    media_items: list[MediaItem] = strawberry.field(
        resolver=media_items, description="A unit's uploads, newest first (image, video, document)."
    )
