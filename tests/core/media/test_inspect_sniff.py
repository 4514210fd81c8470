"""The kind of a file comes from its bytes: names and claimed types are never believed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from core.media.inspect import MediaRefused, sniff
from core.media.inspect.sniff import identify
from tests.support.media_files import mp4


def _picture(path: Path, fmt: str) -> Path:
    Image.new("RGB", (16, 16), "red").save(path, fmt)
    return path


def _refused(path: Path) -> str:
    with pytest.raises(MediaRefused) as err:
        sniff(path)
    return err.value.code


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("JPEG", "jpeg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp"), ("AVIF", "avif")],
)
def test_pictures_are_known_by_their_bytes_whatever_their_name(tmp_path, fmt, expected) -> None:
    path = _picture(tmp_path / "upload.mp4", fmt)
    assert sniff(path) == "image"
    assert identify(path).format == expected


def test_pdf_named_jpg_is_a_document(tmp_path) -> None:
    path = tmp_path / "photo.jpg"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(path)
    assert sniff(path) == "document"


def test_videos_are_known_by_their_container(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.pdf", seconds=1)
    assert (sniff(clip), identify(clip).format) == ("video", "mp4")
    mov = tmp_path / "old.jpg"
    mov.write_bytes(b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 32)
    assert identify(mov).format == "mov"
    webm = tmp_path / "x.png"
    webm.write_bytes(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 32)
    assert (sniff(webm), identify(webm).format) == ("video", "webm")
    mkv = tmp_path / "y.png"
    mkv.write_bytes(b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska" + b"\x00" * 32)
    assert identify(mkv).format == "matroska"


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"\xef\xbb\xbf  <!DOCTYPE html><html><body>hi</body></html>",
        "\ufeff<svg onload='alert(1)'/>".encode("utf-16-le"),
        b"#!/bin/sh\nrm -rf /\n",
        b"GIF-ish text then <script>alert(1)</script>",
    ],
)
def test_markup_and_scripts_are_scriptable(tmp_path, content) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(content)
    assert _refused(path) == "scriptable"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"plain text, nothing more\n",
        b"PK\x03\x04" + b"\x00" * 40,  # a ZIP (or DOCX)
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",  # HEIC: Pillow cannot read it
        b"#EXTM3U\n#EXTINF:1,\nhttp://169.254.169.254/latest/meta-data\n",
        b"MZ\x90\x00" + b"\x00" * 60,
    ],
)
def test_anything_else_is_unknown(tmp_path, content) -> None:
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    assert _refused(path) == "unknown_type"


def test_sniff_reads_only_the_head(tmp_path) -> None:
    path = tmp_path / "big.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue() + b"\x00" * 5_000_000)
    assert sniff(path) == "image"
