"""The sizes a picture is served in: made once, from the clean copy, never larger than it.

Widths are the usual ``srcset`` steps up to Full HD, which also covers what channels accept
(social networks show at most about 2048 px; news feeds and web portals show a column).
Each width is written as WebP (the modern format every current browser reads) and as JPEG
(for channels and old readers that take nothing else). A picture narrower than a step gets
its own width as its largest rendition instead: nothing is upscaled, so nothing is blurred
or bloated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core.media.inspect.refusal import MediaRefused
from core.media.inspect.workfiles import outputs

WIDTHS: tuple[int, ...] = (320, 640, 960, 1280, 1920)
WEBP_QUALITY = 80
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Rendition:
    """One file to serve: ``name`` like ``w640.webp``; ``size`` in bytes."""

    name: str
    path: Path
    content_type: str
    width: int
    height: int
    size: int


def rendition_widths(width: int) -> list[int]:
    """The widths made for a picture ``width`` pixels wide, smallest first."""
    chosen = {w for w in WIDTHS if w <= width}
    if width < WIDTHS[-1]:
        chosen.add(width)
    return sorted(chosen)


def image_renditions(clean: Path, workdir: Path) -> list[Rendition]:
    """Every width of :func:`rendition_widths` in WebP and JPEG, written into ``workdir``.

    ``clean`` is the output of :func:`core.media.inspect.clean_image`. Widths are made from
    the largest down, each from the one before (at most halving), which keeps Lanczos quality
    and costs one full-size decode. On failure nothing is left in ``workdir``.
    """
    made_list: list[Rendition] = []
    with outputs(workdir) as made:
        try:
            with Image.open(clean, formats=["JPEG", "PNG"]) as original:
                full = original.size
                widths = rendition_widths(full[0])
                original.draft(original.mode, _size(full, widths[-1]))  # JPEG: decode smaller
                current = original.copy()
                current.info = {}
        except Exception:  # the clean copy is ours, so this is a bug or a broken disk
            raise MediaRefused("corrupt") from None
        for width in reversed(widths):
            size = _size(full, width)
            if size != current.size:
                current = current.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            for suffix, content_type in (("webp", "image/webp"), ("jpg", "image/jpeg")):
                path = made.new(f"w{width}.{suffix}")
                _save(current, path, suffix)
                made_list.append(
                    Rendition(path.name, path, content_type, size[0], size[1], path.stat().st_size)
                )
    return sorted(made_list, key=lambda r: (r.width, r.name))


def _size(size: tuple[int, int], width: int) -> tuple[int, int]:
    """``size`` scaled to ``width``, keeping the aspect ratio (at least one pixel high)."""
    return width, max(1, round(size[1] * width / size[0]))


def _save(picture: Image.Image, path: Path, suffix: str) -> None:
    if suffix == "webp":
        picture.save(path, "WEBP", quality=WEBP_QUALITY, method=4)
        return
    if picture.mode in ("RGBA", "LA"):
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    picture.save(path, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
