"""Real media files made in the tests (Pillow, ffmpeg, pypdf): no binary is committed."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

#: Hà Nội, as a photographer's phone would record it.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (21.0, 1.0, 42.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 51.0, 15.0),
}
RED = (255, 0, 0)


def need(tool: str) -> None:
    """Skip without ``tool`` on a laptop; fail in CI, which must have it."""
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            raise AssertionError(f"CI must have {tool} (Debian package ffmpeg / poppler-utils)")
        pytest.skip(f"{tool} is not installed")


def phone_photo(path: Path, size: tuple[int, int] = (400, 300), orientation: int = 6) -> Path:
    """A JPEG as a phone writes it: EXIF with camera, GPS and an orientation, a comment, XMP.

    Its stored top-left corner is red, so where that corner ends up shows the rotation.
    """
    picture = Image.new("RGB", size, (40, 120, 200))
    picture.paste(RED, (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "LoaPhone"
    exif[ExifTags.Base.Model] = "Secret Model 9"
    exif[ExifTags.IFD.GPSInfo] = GPS
    picture.save(
        path,
        "JPEG",
        exif=exif,
        comment=b"taken at home",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">where: home</x:xmpmeta>',
    )
    return path


def png_bomb(path: Path, side: int = 30_000) -> Path:
    """A ``side``×``side`` 1-bit PNG of zeros: about 112 MB of pixels in a few KB of file.

    Written chunk by chunk with zlib, so making it costs the test no memory either.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" * (1 + (side + 7) // 8)
    squeeze = zlib.compressobj(9)
    idat = b"".join(squeeze.compress(row) for _ in range(side)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def mp4(path: Path, seconds: float = 2, size: str = "320x240", audio: bool = True) -> Path:
    """An H.264 MP4 of ffmpeg's test pattern (with a sine tone unless ``audio`` is False)."""
    need("ffmpeg")
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi"]
    args += ["-i", f"testsrc=duration={seconds}:size={size}:rate=25"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=duration={seconds}", "-c:a", "aac"]
    args += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-shortest", "-f", "mp4", str(path)]
    subprocess.run(args, check=True, stdin=subprocess.DEVNULL)
    return path


def audio_only_mp4(path: Path) -> Path:
    need("ffmpeg")
    tone = ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", *tone, "-f", "mp4", str(path)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return path


def text_page(writer: PdfWriter, text: str) -> None:
    """Add a Letter page that shows ``text`` in Helvetica (extractable)."""
    page = writer.add_blank_page(612, 792)
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
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)


def action(kind: str, **entries: object) -> DictionaryObject:
    """A PDF action dictionary, e.g. ``action("/JavaScript", JS="app.alert(1)")``."""
    made = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for key, value in entries.items():
        made[NameObject(f"/{key}")] = TextStringObject(value) if isinstance(value, str) else value
    return made


def link(rect: tuple[float, float, float, float], act: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/A"): act,
        }
    )
