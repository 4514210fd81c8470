"""A library item as editors see it (management schema): its file facts, texts and previews."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.graphql.types.media import (
    Album,
    Document,
    Image,
    Urls,
    Video,
    document_of,
    image_of,
    video_of,
)
from core.media.models import MediaAlbum, MediaAsset, MediaKind


@strawberry.type(description="An upload in a unit's media library; previews are signed URLs.")
class MediaItem:
    id: strawberry.ID
    kind: str = strawberry.field(description="image, video or document.")
    filename: str
    content_type: str
    size: int
    alt: str
    caption: str
    title: str
    created_at: dt.datetime
    image: Image | None
    video: Video | None
    document: Document | None


def media_item(asset: MediaAsset, urls: Urls) -> MediaItem:
    return MediaItem(
        id=strawberry.ID(asset.uid),
        kind=asset.kind,
        filename=asset.filename,
        content_type=asset.content_type,
        size=asset.size,
        alt=asset.alt,
        caption=asset.caption,
        title=asset.title,
        created_at=asset.created_at,
        image=image_of(asset, urls) if asset.kind == MediaKind.IMAGE else None,
        video=video_of(asset, urls) if asset.kind == MediaKind.VIDEO else None,
        document=document_of(asset, urls) if asset.kind == MediaKind.DOCUMENT else None,
    )


def album_of(album: MediaAlbum, assets: list[MediaAsset], urls: Urls) -> Album:
    return Album(
        id=strawberry.ID(album.uid),
        title=album.title,
        description=album.description,
        all_images=[image_of(a, urls) for a in assets if a.kind == MediaKind.IMAGE],
        all_videos=[video_of(a, urls) for a in assets if a.kind == MediaKind.VIDEO],
    )
