"""From an uploaded file to the files Loa keeps: checked, cleaned, sized (``core.media.inspect``).

Pure work on paths in a scratch directory; nothing is stored and no row is written here,
so a refusal at any step leaves nothing behind but the scratch directory the caller removes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.media import inspect
from core.media.models import MediaKind
from core.settings import Settings
from core.text import fold

#: Suffix of a stored file by its content type (keys say what the bytes are).
SUFFIXES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
}
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass(frozen=True)
class File:
    """A file to keep: its rendition name, where it is now, and what it is."""

    name: str
    path: Path
    content_type: str
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def suffix(self) -> str:
        return SUFFIXES.get(self.content_type, "bin")


@dataclass
class Prepared:
    kind: MediaKind
    content_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    pages: int | None = None
    text: str = ""
    files: list[File] = field(default_factory=list)

    @property
    def original(self) -> File:
        return self.files[0]


def video_type(container: str) -> str:
    """A content type for an ffprobe container name (``mov,mp4,m4a,3gp,3g2,mj2``…)."""
    names = set(container.lower().split(","))
    if names & {"webm", "matroska"}:
        return "video/webm"
    if "mp4" in names or "mov" in names:
        return "video/mp4"
    return "video/mp4"


def _sized(prefix: str, image: Path, work: Path) -> list[File]:
    """A still (poster, thumbnail) and its web widths, each rendition named under ``prefix``."""
    return [
        File(f"{prefix}-{r.name}", r.path, r.content_type, r.width, r.height)
        for r in inspect.image_renditions(image, work)
    ]


def prepare(path: Path, work: Path, settings: Settings) -> Prepared:
    """Check ``path`` by its bytes and make every file to keep; MediaRefused if it is refused."""
    kind = MediaKind(inspect.sniff(path))
    if kind is MediaKind.IMAGE:
        info, clean = inspect.clean_image(path, work, max_pixels=settings.media_max_pixels)
        content_type = IMAGE_FORMATS.get(info.format.upper(), "image/jpeg")
        files = [File("original", clean, content_type, info.width, info.height)]
        files += [
            File(r.name, r.path, r.content_type, r.width, r.height)
            for r in inspect.image_renditions(clean, work)
        ]
        return Prepared(kind, content_type, width=info.width, height=info.height, files=files)
    if kind is MediaKind.VIDEO:
        video = inspect.probe_video(
            path,
            max_seconds=settings.media_max_video_seconds,
            max_pixels=settings.media_max_pixels,
        )
        content_type = video_type(video.container)
        poster = inspect.video_poster(path, work)
        files = [
            File("original", path, content_type, video.width, video.height),
            File("poster", poster, "image/jpeg", video.width, video.height),
            *_sized("poster", poster, work),
        ]
        return Prepared(
            kind,
            content_type,
            width=video.width,
            height=video.height,
            duration=video.duration,
            files=files,
        )
    doc, clean_pdf, thumbnail = inspect.inspect_pdf(path, work)
    files = [
        File("original", clean_pdf, "application/pdf"),
        File("thumbnail", thumbnail, "image/jpeg"),
        *_sized("thumbnail", thumbnail, work),
    ]
    return Prepared(kind, "application/pdf", pages=doc.pages, text=fold(doc.text), files=files)
