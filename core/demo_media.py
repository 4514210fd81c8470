"""The demo's media, made at seed time: photos, one short video, one PDF, and an album.

Nothing binary is committed: the photos are drawn with Pillow (a sky, hills and a field in
the light of a different hour each), the video is ffmpeg's test pattern (skipped, and said
so, where ffmpeg is missing) and the PDF is written by pypdf. Every file goes through the
library's own upload action, so the demo shows what Loa makes of an upload: cleaned
originals, ``srcset`` renditions, a poster frame, a thumbnail and extracted text.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from core.actions import media
from core.auth.permissions import SYSTEM
from core.context import Context
from core.media.models import MediaAsset, MediaRole

log = logging.getLogger("loa.demo")

#: (file name, colours of sky top, sky bottom, hills, field, alt text, caption)
PHOTOS = [
    (
        "ruong-lua.jpg",
        ((70, 130, 200), (190, 220, 240), (60, 110, 70), (150, 190, 60)),
        "Cánh đồng lúa xanh trải dài dưới bầu trời trong xanh",
        "Cánh đồng lúa vụ chiêm xuân của xã",
    ),
    (
        "hoang-hon.jpg",
        ((250, 120, 60), (255, 200, 120), (90, 60, 70), (170, 120, 60)),
        "Hoàng hôn buông xuống trên dãy núi phía tây xã",
        "Hoàng hôn trên dãy núi phía tây",
    ),
    (
        "song-ma.jpg",
        ((110, 160, 210), (220, 235, 245), (50, 90, 80), (70, 130, 160)),
        "Dòng sông chảy qua làng, hai bên là đồi cây xanh",
        "Sông Mã đoạn chảy qua địa bàn xã",
    ),
    (
        "ban-mai.jpg",
        ((150, 170, 220), (250, 225, 200), (80, 100, 90), (120, 160, 90)),
        "Sương sớm trên những ngọn đồi chè lúc bình minh",
        "Đồi chè trong sương sớm",
    ),
]
#: The program the clip is made with (a test names a missing one).
FFMPEG = "ffmpeg"
VIDEO_TITLE = "Phóng sự: ngày hội chuyển đổi số"
PDF_TITLE = "Quyết định ban hành kế hoạch chuyển đổi số năm 2026"
ALBUM_TITLE = "Hình ảnh quê hương"


@dataclass
class DemoMedia:
    """What was put into a unit's library."""

    photos: list[MediaAsset] = field(default_factory=list)
    video: MediaAsset | None = None
    document: MediaAsset | None = None
    notes: list[str] = field(default_factory=list)


def photo(path: Path, colours: tuple[tuple[int, int, int], ...], size: tuple[int, int]) -> Path:
    """A landscape: a sky gradient, a line of hills and a field, as a JPEG."""
    from PIL import Image, ImageDraw

    top, bottom, hills, land = colours
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = height * 3 // 5
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    ridge = [
        (x, horizon - (height // 8) * abs(((x * 3) % width) / width - 0.5))
        for x in range(0, width + 1, width // 16)
    ]
    draw.polygon([(0, height), *ridge, (width, height)], fill=hills)
    for y in range(horizon + height // 10, height):
        t = (y - horizon) / (height - horizon)
        draw.line([(0, y), (width, y)], fill=tuple(round(c * (0.8 + 0.3 * t)) for c in land))
    image.save(path, "JPEG", quality=88)
    return path


def video(path: Path) -> Path | None:
    """Three seconds of ffmpeg's test pattern with a tone, or None without ffmpeg."""
    ffmpeg = shutil.which(FFMPEG)
    if ffmpeg is None:
        return None
    subprocess.run(  # noqa: S603 - a fixed program and our own arguments, no shell
        [
            ffmpeg, "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=duration=3:size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-c:a", "aac", "-shortest",
            "-movflags", "+faststart", str(path),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip
    return path


def document(path: Path) -> Path:
    """A one-page PDF with a title line (pypdf writes it; Helvetica, so ASCII text)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    lines = [
        "UY BAN NHAN DAN XA",
        "QUYET DINH ban hanh ke hoach chuyen doi so nam 2026",
        "Dieu 1. Ban hanh kem theo Quyet dinh nay Ke hoach chuyen doi so.",
        "Dieu 2. Quyet dinh co hieu luc ke tu ngay ky.",
    ]
    text = "BT /F1 14 Tf 60 780 Td 20 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
    content = DecodedStreamObject()
    content.set_data(text.encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _upload(ctx: Context, unit_code: str, path: Path, **texts: str) -> MediaAsset:
    return media.upload(ctx, SYSTEM, unit_code, path, path.name, **texts)


def seed_library(ctx: Context, unit_code: str, size: tuple[int, int] = (1600, 900)) -> DemoMedia:
    """Photos, a video and a PDF in the unit's library, and an album of the photos and video."""
    out = DemoMedia()
    work = Path(tempfile.mkdtemp(prefix="loa-demo-"))
    try:
        for name, colours, alt, caption in PHOTOS:
            path = photo(work / name, colours, size)
            out.photos.append(_upload(ctx, unit_code, path, alt=alt, caption=caption))
        clip = video(work / "ngay-hoi-chuyen-doi-so.mp4")
        if clip is None:
            out.notes.append("ffmpeg is not installed: the demo has no video")
        else:
            out.video = _upload(
                ctx, unit_code, clip, title=VIDEO_TITLE, caption="Ngày hội chuyển đổi số của xã"
            )
        out.document = _upload(
            ctx, unit_code, document(work / "quyet-dinh-chuyen-doi-so.pdf"), title=PDF_TITLE
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    album = media.create_album(
        ctx, SYSTEM, unit_code, ALBUM_TITLE, "Ảnh và video về cuộc sống của người dân trong xã."
    )
    for asset in [*out.photos, *([out.video] if out.video else [])]:
        media.add_to_album(ctx, SYSTEM, album.id, asset.id)
    return out


def dress(ctx: Context, library: DemoMedia, article_id: int, number: int) -> None:
    """Give a draft demo article its cover (every one), a gallery, a video or a document."""

    def attach(asset: MediaAsset, role: MediaRole) -> None:
        media.attach(ctx, SYSTEM, article_id, asset.id, role)

    photos = library.photos
    attach(photos[number % len(photos)], MediaRole.COVER)
    if number % 6 == 4:
        for extra in (photos[(number + 1) % len(photos)], photos[(number + 2) % len(photos)]):
            attach(extra, MediaRole.GALLERY)
    if number % 6 == 5 and library.video is not None:
        attach(library.video, MediaRole.VIDEO)
    if number % 6 == 1 and library.document is not None:
        attach(library.document, MediaRole.ATTACHMENT)
