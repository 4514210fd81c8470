"""Pictures, decoded and drawn again: only pixels survive.

An upload is never served as sent. It is decoded by Pillow (restricted to the format its bytes
announce, so Pillow's other parsers, EPS through Ghostscript among them, never see it), turned
upright by its EXIF orientation, converted to sRGB, and encoded anew with no metadata at all:
no EXIF (so no GPS position of the photographer), no XMP, no comments, no ICC profile, no
trailing bytes. The pixel count is checked from the header, before any pixel is decoded, so a
decompression bomb costs a header read. Animated images keep their first frame.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from core.media.inspect.markup import carries_markup
from core.media.inspect.refusal import MediaRefused
from core.media.inspect.sniff import identify
from core.media.inspect.workfiles import outputs
from core.settings import Settings

JPEG_QUALITY = 85

#: Pillow's format name for each format :func:`identify` reports as an image.
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "avif": "AVIF"}
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_GREY_MODES = {"1", "L", "I", "I;16", "I;16L", "I;16B", "F"}


@dataclass(frozen=True)
class ImageInfo:
    """The cleaned original: its size once upright, and ``format`` ``"jpeg"`` or ``"png"``."""

    width: int
    height: int
    format: str


def clean_image(
    src: Path, workdir: Path, *, max_pixels: int = Settings.media_max_pixels
) -> tuple[ImageInfo, Path]:
    """Decode ``src``, refuse what is not a plain picture, write its clean copy into ``workdir``.

    Refusals (:class:`MediaRefused`): ``not_an_image``, ``scriptable`` (SVG, HTML, a polyglot
    with markup, see :mod:`core.media.inspect.markup`), ``too_many_pixels`` (more than
    ``max_pixels``), ``corrupt`` (truncated or undecodable). Nothing is left in ``workdir``
    when it refuses. The copy is ``clean.png`` if the picture has transparency, else
    ``clean.jpg`` (quality 85, progressive).
    """
    pillow_format = _PILLOW_FORMATS[_image_format(src)]
    if carries_markup(src):
        raise MediaRefused("scriptable")
    with outputs(workdir) as made:
        picture = _decoded(src, pillow_format, max_pixels)
        alpha = picture.mode == "RGBA"
        name, fmt = ("clean.png", "png") if alpha else ("clean.jpg", "jpeg")
        target = made.new(name)
        if alpha:
            picture.save(target, "PNG", optimize=False)
        else:
            picture.save(target, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
        return ImageInfo(picture.width, picture.height, fmt), target


def _image_format(src: Path) -> str:
    try:
        found = identify(src)
    except MediaRefused as refused:
        if refused.code == "scriptable":
            raise
        raise MediaRefused("not_an_image") from None
    if found.kind != "image":
        raise MediaRefused("not_an_image")
    return found.format


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise MediaRefused("corrupt")
    if width * height > max_pixels:
        raise MediaRefused("too_many_pixels", f"{width}×{height} > {max_pixels:,}")


def _decoded(src: Path, pillow_format: str, max_pixels: int) -> Image.Image:
    """The first frame, upright, in RGB, RGBA or L, with an empty ``info`` (no metadata)."""
    try:
        with Image.open(src, formats=[pillow_format]) as probe:
            _check_pixels(probe.size, max_pixels)
            probe.verify()
        with Image.open(src, formats=[pillow_format]) as opened:
            _check_pixels(opened.size, max_pixels)
            opened.load()
            upright = ImageOps.exif_transpose(opened)
        picture = _normalised(upright)
        if picture.mode == "RGBA" and picture.getchannel("A").getextrema() == (255, 255):
            picture = picture.convert("RGB")  # an alpha channel nobody uses: a JPEG will do
    except MediaRefused:
        raise
    except Image.DecompressionBombError:
        raise MediaRefused("too_many_pixels") from None
    except Exception:  # a parser of hostile bytes fails in many ways; all of them mean "corrupt"
        raise MediaRefused("corrupt") from None
    picture.info = {}
    return picture


def _normalised(picture: Image.Image) -> Image.Image:
    """RGB(A) in sRGB (through the embedded ICC profile when there is one), or greyscale."""
    alpha = picture.mode in _ALPHA_MODES or "transparency" in picture.info
    if picture.mode in _GREY_MODES and not alpha:
        return picture.convert("L")
    mode = "RGBA" if alpha else "RGB"
    if picture.mode == "P":
        picture = picture.convert(mode)
    icc = picture.info.get("icc_profile")
    if icc and picture.mode in ("RGB", "RGBA", "CMYK"):
        try:
            converted = ImageCms.profileToProfile(
                picture,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile is dropped; the pixels stay as decoded
        if converted is not None:
            return converted
    return picture.convert(mode)
