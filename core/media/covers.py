"""The cover image of published items, as feeds and channels carry it: one JPEG rendition.

Feeds enclose one file per entry, and every feed reader and channel takes JPEG, so the
cover is its widest JPEG rendition up to :data:`FEED_WIDTH` (large enough for a card, small
enough for a phone on 3G); an image too small to have one falls back to its cleaned original.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.contract.channels import ItemImage
from core.media.models import MediaAsset, MediaRendition, MediaRole, MediaUse
from core.media.urls import public_url

#: The widest rendition a feed encloses.
FEED_WIDTH = 1280


def _feed_file(asset: MediaAsset) -> MediaRendition | None:
    jpegs = [
        r
        for r in asset.renditions
        if r.name.startswith("w") and r.content_type == "image/jpeg" and r.width
    ]
    fitting = [r for r in jpegs if (r.width or 0) <= FEED_WIDTH]
    if fitting:
        return max(fitting, key=lambda r: r.width or 0)
    return next((r for r in asset.renditions if r.name == "original"), None)


def cover_images(
    session: Session, article_ids: Collection[int], base_url: str
) -> dict[int, ItemImage]:
    """Each article's library cover (by article id); articles without one are absent."""
    if not article_ids:
        return {}
    rows = session.execute(
        select(MediaUse.article_id, MediaAsset)
        .join(MediaAsset, MediaAsset.id == MediaUse.asset_id)
        .where(MediaUse.article_id.in_(article_ids), MediaUse.role == MediaRole.COVER)
    ).all()
    out = {}
    for article_id, asset in rows:
        file = _feed_file(asset)
        if file is not None:
            out[article_id] = ItemImage(
                url=public_url(base_url, file.key),
                content_type=file.content_type,
                size=file.size,
                width=file.width,
                height=file.height,
                alt=asset.alt,
            )
    return out
