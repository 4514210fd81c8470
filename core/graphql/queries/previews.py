"""Previews of an item on its channels, for any revision: thin over core.delivery.previews."""

from __future__ import annotations

from typing import Any

import strawberry

from core.delivery.previews import previews
from core.graphql.errors import argument_id, names_something
from core.graphql.request import RequestContext
from core.graphql.types.preview import ChannelPreview

Info = strawberry.Info[RequestContext, Any]


def channel_previews(
    info: Info,
    article_id: strawberry.ID,
    revision: int | None = None,
    target_id: strawberry.ID | None = None,
) -> list[ChannelPreview]:
    """Each chosen target's preview (or only ``targetId``'s) of the item at ``revision``."""
    rc = info.context
    assert rc.actor is not None
    target = argument_id(target_id, "targetId") if target_id is not None else None
    with names_something("articleId"):
        found = previews(rc.ctx, rc.actor, str(article_id), revision=revision, target_id=target)
    return [ChannelPreview.of(t, p) for t, p in found]


@strawberry.type
class PreviewQuery:
    channel_previews: list[ChannelPreview] = strawberry.field(
        resolver=channel_previews,
        description="How an item (at a revision) will show on each of its channels, with what"
        " each cannot enforce or carry.",
    )
