"""Media in GraphQL: images with sizes for ``srcset``, videos with poster and sources, documents.

An image's renditions are WebP and JPEG at several widths (never upscaled); ``url(width:)``
picks the smallest at least that wide. URLs are public in the public schema (only published
items' and albums' media reach it) and signed, expiring, in the management schema, where
drafts' media are shown (see :mod:`core.media.urls`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Annotated

import strawberry

from core.media.models import MediaAsset
from core.media.models import MediaRendition as RenditionRow
from core.media.urls import public_url, signed_url
from core.secrets import Sealer

_WIDTH = re.compile(r"^w(\d+)\.(webp|jpg)$")
#: The most items one media list gives, whatever ``first`` asks.
MAX_PAGE = 100


def page(first: int) -> int:
    """``first`` as a slice bound: 0 to :data:`MAX_PAGE`."""
    return max(0, min(first, MAX_PAGE))


@strawberry.enum(description="The file format of an image's renditions.")
class ImageFormat(enum.Enum):
    WEBP = strawberry.enum_value("webp", description="WebP: smaller; every current browser.")
    JPEG = strawberry.enum_value("jpg", description="JPEG: for the oldest clients and e-mail.")


#: The ``first`` argument of a media list.
FIRST = strawberry.argument(description=f"How many to give at most (up to {MAX_PAGE}).")
WIDTH = strawberry.argument(description="Wanted width in CSS pixels; null: the widest.")
FORMAT = strawberry.argument(description="The file format of the renditions.")


@dataclass(frozen=True)
class Urls:
    """Makes the URL of a stored file: public, or signed for the management API's callers."""

    base_url: str
    sealer: Sealer | None = None

    def of(self, key: str) -> str:
        if self.sealer is None:
            return public_url(self.base_url, key)
        return signed_url(self.base_url, self.sealer, key)


@dataclass(frozen=True)
class Sized:
    width: int
    fmt: str
    key: str


def _sized(renditions: list[RenditionRow], prefix: str) -> list[Sized]:
    out = []
    for r in renditions:
        name = r.name.removeprefix(f"{prefix}-") if prefix else r.name
        if prefix and not r.name.startswith(f"{prefix}-"):
            continue
        match = _WIDTH.match(name)
        if match:
            out.append(Sized(int(match.group(1)), match.group(2), r.key))
    return sorted(out, key=lambda s: s.width)


@strawberry.type(description="An image: cleaned, without metadata, in sizes for srcset.")
class Image:
    width: int | None = strawberry.field(description="Pixels wide (the largest rendition).")
    height: int | None = strawberry.field(description="Pixels high (the largest rendition).")
    alt: str = strawberry.field(description="Text alternative for screen readers (alt).")
    caption: str = strawberry.field(description="Caption shown with it. Chú thích.")
    sizes: strawberry.Private[list[Sized]]
    fallback: strawberry.Private[str]
    urls: strawberry.Private[Urls]

    @strawberry.field(description="The smallest rendition at least `width` wide (else the widest).")
    def url(
        self,
        width: Annotated[int | None, WIDTH] = None,
        format: Annotated[ImageFormat, FORMAT] = ImageFormat.JPEG,
    ) -> str:
        sizes = [s for s in self.sizes if s.fmt == format.value]
        if not sizes:
            return self.urls.of(self.fallback)
        if width is None:
            return self.urls.of(sizes[-1].key)
        wide_enough = [s for s in sizes if s.width >= width]
        return self.urls.of((wide_enough or sizes)[-1 if not wide_enough else 0].key)

    @strawberry.field(description="`url width` pairs of every size, for an img srcset.")
    def srcset(self, format: Annotated[ImageFormat, FORMAT] = ImageFormat.WEBP) -> str:
        return ", ".join(
            f"{self.urls.of(s.key)} {s.width}w" for s in self.sizes if s.fmt == format.value
        )


def image_of(
    asset: MediaAsset,
    urls: Urls,
    prefix: str = "",
    width: int | None = None,
    height: int | None = None,
) -> Image:
    """The image of an image asset, or (``prefix`` poster/thumbnail) of a video or document."""
    fallback = next(
        (r.key for r in asset.renditions if r.name == (prefix or "original")), asset.original_key
    )
    return Image(
        width=asset.width if width is None else width,
        height=asset.height if height is None else height,
        alt=asset.alt,
        caption=asset.caption,
        sizes=_sized(list(asset.renditions), prefix),
        fallback=fallback,
        urls=urls,
    )


@strawberry.type(description="One file of a video, for a <source> element.")
class VideoSource:
    url: str = strawberry.field(description="The file's URL (immutable; cache it).")
    type: str = strawberry.field(description="Its media type, e.g. `video/mp4`.")
    width: int | None = strawberry.field(description="Pixels wide.")
    height: int | None = strawberry.field(description="Pixels high.")


@strawberry.type(description="A probed video with a poster frame.")
class Video:
    id: strawberry.ID = strawberry.field(description="The media item's UUID.")
    title: str = strawberry.field(description="Title. Tiêu đề.")
    caption: str = strawberry.field(description="Caption shown with it. Chú thích.")
    duration: float = strawberry.field(description="Seconds.")
    poster: Image | None = strawberry.field(description="A frame to show before it plays.")
    all_sources: strawberry.Private[list[VideoSource]]

    @strawberry.field(description="The files of the video, best first.")
    def sources(self, first: Annotated[int, FIRST] = 4) -> list[VideoSource]:
        return self.all_sources[: page(first)]


def video_of(asset: MediaAsset, urls: Urls) -> Video:
    original = next(r for r in asset.renditions if r.name == "original")
    has_poster = any(r.name == "poster" for r in asset.renditions)
    return Video(
        id=strawberry.ID(asset.uid),
        title=asset.title,
        caption=asset.caption,
        duration=asset.duration or 0.0,
        poster=image_of(asset, urls, "poster") if has_poster else None,
        all_sources=[
            VideoSource(
                url=urls.of(original.key),
                type=original.content_type,
                width=original.width,
                height=original.height,
            )
        ],
    )


@strawberry.type(description="A PDF document, readable in the browser.")
class Document:
    id: strawberry.ID = strawberry.field(description="The media item's UUID.")
    url: str = strawberry.field(description="The PDF, served inline (opens in the browser).")
    title: str = strawberry.field(description="Title. Tiêu đề.")
    size: int = strawberry.field(description="Bytes.")
    pages: int | None = strawberry.field(description="Number of pages, when known.")
    thumbnail: Image | None = strawberry.field(description="An image of its first page.")


def document_of(asset: MediaAsset, urls: Urls) -> Document:
    has_thumbnail = any(r.name == "thumbnail" for r in asset.renditions)
    return Document(
        id=strawberry.ID(asset.uid),
        url=urls.of(asset.original_key),
        title=asset.title,
        size=asset.size,
        pages=asset.pages,
        thumbnail=image_of(asset, urls, "thumbnail", None, None) if has_thumbnail else None,
    )


@strawberry.type(description="A public album of a unit's photos and videos.")
class Album:
    id: strawberry.ID = strawberry.field(description="The album's UUID.")
    title: str = strawberry.field(description="Title. Tiêu đề.")
    description: str = strawberry.field(description="What the album is about. Mô tả.")
    all_images: strawberry.Private[list[Image]]
    all_videos: strawberry.Private[list[Video]]

    @strawberry.field(description="Its photos, in order.")
    def images(self, first: Annotated[int, FIRST] = 50) -> list[Image]:
        return self.all_images[: page(first)]

    @strawberry.field(description="Its video clips, in order.")
    def videos(self, first: Annotated[int, FIRST] = 20) -> list[Video]:
        return self.all_videos[: page(first)]
