"""Uploads checked by their content, never by their name: pure functions on files.

The media library (``core.media``) calls these on a file it has streamed to disk, and stores
only what they write. Each either returns what it found and the clean files it made in the
work directory it is given, or raises :class:`MediaRefused` (a typed code and a Vietnamese /
English message) and leaves nothing there. No database, no settings read: limits come as
keyword arguments whose defaults are the settings' defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.media.inspect.image import ImageInfo, clean_image
from core.media.inspect.refusal import MediaRefused, MediaToolMissing
from core.media.inspect.renditions import Rendition, image_renditions
from core.media.inspect.sniff import sniff
from core.media.inspect.video import VideoInfo, probe_video, video_poster

if TYPE_CHECKING:
    from core.media.inspect.pdf import DocumentInfo, inspect_pdf


def __getattr__(name: str) -> Any:
    """The PDF checks, imported on first use: pypdf (and the font tools it brings) hold about
    26 MiB, which every web process would carry from start-up for the rare PDF upload."""
    if name in ("DocumentInfo", "inspect_pdf"):
        from core.media.inspect import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DocumentInfo",
    "ImageInfo",
    "MediaRefused",
    "MediaToolMissing",
    "Rendition",
    "VideoInfo",
    "clean_image",
    "image_renditions",
    "inspect_pdf",
    "probe_video",
    "sniff",
    "video_poster",
]
