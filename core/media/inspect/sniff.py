"""What a file is, from its first bytes: never from its name or the type its sender claims.

Only formats Loa can check are recognised; everything else is ``unknown_type``. Text that looks
like markup (SVG, HTML, XML) or a script is ``scriptable``: an SVG is a program as much as a
picture, so it is never accepted as an image.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import features

from core.media.inspect.markup import has_markup
from core.media.inspect.refusal import MediaRefused

_HEAD = 4096

#: ISO base media brands that mean a still picture (HEIF family), not a movie.
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
#: QuickTime files without an ``ftyp`` box start with one of these atoms.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


@dataclass(frozen=True)
class Sniffed:
    """``kind`` is image | video | document; ``format`` names the container or codec."""

    kind: str
    format: str


def identify(path: Path) -> Sniffed:
    """The kind and format of the file at ``path``; :class:`MediaRefused` when neither is ours."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    found = _binary(head)
    if found is not None:
        return found
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if text.startswith((b"<", b"#!")) or has_markup(head):
        raise MediaRefused("scriptable")
    raise MediaRefused("unknown_type")


def sniff(path: Path) -> str:
    """``"image"``, ``"video"`` or ``"document"``, from the bytes; else :class:`MediaRefused`."""
    return identify(path).kind


def _binary(head: bytes) -> Sniffed | None:
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "webp")
    if head.startswith(b"%PDF-"):
        return Sniffed("document", "pdf")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video", "webm" if b"webm" in head[:64] else "matroska")
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head[4:8] in _QUICKTIME_ATOMS:
        return Sniffed("video", "mov")
    return None


def _iso_media(head: bytes) -> Sniffed:
    """An ISO base media file: AVIF (a picture, if Pillow reads it), HEIC (refused), or video."""
    box = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box, len(head)) - 3, 4)}
    if brands & _AVIF_BRANDS:
        if features.check("avif"):
            return Sniffed("image", "avif")
        raise MediaRefused("unknown_type")
    if brands & _HEIF_BRANDS:
        raise MediaRefused("unknown_type")
    if head[8:12] == b"qt  ":
        return Sniffed("video", "mov")
    return Sniffed("video", "mp4")
