"""Pictures are decoded and drawn again: upright, no metadata, bombs and polyglots refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile

from core.media.inspect import MediaRefused, clean_image
from tests.support.media_files import GPS, RED, phone_photo, png_bomb


def _empty(workdir: Path) -> bool:
    return not workdir.exists() or not any(workdir.iterdir())


def _refused(src: Path, workdir: Path, **limits: int) -> MediaRefused:
    with pytest.raises(MediaRefused) as err:
        clean_image(src, workdir, **limits)
    assert _empty(workdir), "a refused picture left files behind"
    assert " / " in err.value.message  # Vietnamese / English
    return err.value


def test_phone_photo_is_turned_upright_and_loses_exif_gps_and_every_comment(tmp_path) -> None:
    src = phone_photo(tmp_path / "IMG_0001.jpg", size=(400, 300), orientation=6)
    assert Image.open(src).getexif().get_ifd(0x8825)  # the upload does carry a position

    info, clean = clean_image(src, tmp_path / "work")

    assert (info.width, info.height, info.format) == (300, 400, "jpeg")
    with Image.open(clean) as picture:
        assert picture.format == "JPEG" and picture.size == (300, 400)
        assert dict(picture.getexif()) == {}
        assert not picture.getexif().get_ifd(0x8825)
        assert not {"exif", "xmp", "comment", "icc_profile"} & picture.info.keys()
        assert picture.info.get("progressive")
        # Orientation 6 is "rotate 90° clockwise": the stored top-left is now top-right.
        assert _near(picture.getpixel((picture.width - 5, 5)), RED)
        assert not _near(picture.getpixel((5, 5)), RED)
    raw = clean.read_bytes()
    for leak in (b"LoaPhone", b"Secret Model", b"taken at home", b"where: home", b"Exif"):
        assert leak not in raw


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "AVIF", "GIF"])
def test_other_formats_lose_their_metadata_too(tmp_path, fmt) -> None:
    src = tmp_path / "upload.bin"
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[ExifTags.Base.Make] = "LoaPhone"
    extra = {} if fmt == "GIF" else {"exif": exif}
    Image.new("RGB", (60, 40), (30, 60, 90)).save(src, fmt, comment=b"LoaPhone", **extra)
    if fmt != "GIF":
        assert Image.open(src).getexif().get_ifd(0x8825)

    info, clean = clean_image(src, tmp_path / "work")

    assert (info.width, info.height, info.format) == (60, 40, "jpeg")
    with Image.open(clean) as picture:
        assert dict(picture.getexif()) == {} and "comment" not in picture.info
    assert b"LoaPhone" not in clean.read_bytes()


def test_png_bomb_is_refused_from_its_header_without_decoding(tmp_path, monkeypatch) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", side=30_000)
    assert bomb.stat().st_size < 200_000  # 900 million pixels in a small file
    decoded: list[object] = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))

    assert _refused(bomb, tmp_path / "work").code == "too_many_pixels"
    assert decoded == []  # not one row was inflated: memory stays bounded


def test_picture_over_our_own_limit_is_refused_below_pillows(tmp_path, monkeypatch) -> None:
    # 8000×8000 = 64 MP: above Loa's 50 MP default, below Pillow's own warning (89 MP).
    big = png_bomb(tmp_path / "big.png", side=8000)
    decoded: list[object] = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))

    refused = _refused(big, tmp_path / "work")
    assert refused.code == "too_many_pixels" and "8000×8000" in refused.message
    assert decoded == []


def test_pixel_limit_is_an_argument(tmp_path) -> None:
    src = phone_photo(tmp_path / "small.jpg", size=(100, 100))
    assert _refused(src, tmp_path / "work", max_pixels=9_999).code == "too_many_pixels"
    info, _ = clean_image(src, tmp_path / "work", max_pixels=10_000)
    assert (info.width, info.height) == (100, 100)


@pytest.mark.parametrize("where", ["comment", "appended"])
def test_jpeg_html_polyglot_is_refused(tmp_path, where) -> None:
    page = b"<html><body><script>fetch('/graphql',{credentials:'include'})</script></body></html>"
    src = tmp_path / "polyglot.jpg"
    if where == "comment":
        Image.new("RGB", (64, 64), "white").save(src, "JPEG", comment=page)
    else:
        Image.new("RGB", (64, 64), "white").save(src, "JPEG")
        src.write_bytes(src.read_bytes() + page)
    assert Image.open(src).size == (64, 64)  # a valid picture to Pillow (and to browsers)

    assert _refused(src, tmp_path / "work").code == "scriptable"


@pytest.mark.parametrize("at", [1_200_000, 1_048_576 - 3])  # inside a read, across two
def test_script_tag_deep_inside_a_large_picture_is_refused(tmp_path, at) -> None:
    src = tmp_path / "deep.jpg"
    Image.effect_noise((1500, 1500), 90).convert("RGB").save(src, "JPEG", quality=95)
    data = bytearray(src.read_bytes())
    assert len(data) > at + 100_000  # far from both edges
    data[at : at + 8] = b"<ScRiPt>"
    src.write_bytes(bytes(data))

    assert _refused(src, tmp_path / "work").code == "scriptable"


def test_svg_with_script_is_refused_as_scriptable(tmp_path) -> None:
    svg = tmp_path / "logo.png"
    svg.write_text(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        "<script>alert(document.cookie)</script></svg>"
    )
    assert _refused(svg, tmp_path / "work").code == "scriptable"


def test_pdf_named_jpg_is_not_an_image(tmp_path) -> None:
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    assert _refused(fake, tmp_path / "work").code == "not_an_image"


def test_truncated_jpeg_is_corrupt(tmp_path) -> None:
    src = phone_photo(tmp_path / "whole.jpg", size=(800, 600))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    assert _refused(cut, tmp_path / "work").code == "corrupt"


def test_png_with_transparency_stays_png_and_opaque_alpha_becomes_jpeg(tmp_path) -> None:
    clear = tmp_path / "clear.png"
    picture = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    picture.paste((255, 0, 0, 255), (0, 0, 25, 40))
    picture.save(clear, pnginfo=_text_chunk("Author", "someone"))
    info, out = clean_image(clear, tmp_path / "a")
    assert info.format == "png" and out.suffix == ".png"
    with Image.open(out) as cleaned:
        assert cleaned.mode == "RGBA" and cleaned.getpixel((40, 20))[3] == 0
        assert "Author" not in cleaned.info and b"someone" not in out.read_bytes()

    opaque = tmp_path / "opaque.png"
    Image.new("RGBA", (50, 40), (10, 20, 30, 255)).save(opaque)
    info, out = clean_image(opaque, tmp_path / "b")
    assert info.format == "jpeg" and Image.open(out).mode == "RGB"


def test_cmyk_and_palette_pictures_become_rgb(tmp_path) -> None:
    cmyk = tmp_path / "print.jpg"
    Image.new("CMYK", (30, 30), (0, 255, 255, 0)).save(cmyk, "JPEG")
    gif = tmp_path / "anim.gif"
    frames = [Image.new("P", (30, 30), i) for i in range(3)]
    frames[0].save(gif, save_all=True, append_images=frames[1:])

    for src in (cmyk, gif):
        info, out = clean_image(src, tmp_path / src.stem)
        assert info.format == "jpeg" and Image.open(out).mode == "RGB"
    assert _near(Image.open(tmp_path / "print" / "clean.jpg").getpixel((15, 15)), RED)


def test_icc_profile_is_applied_then_dropped(tmp_path) -> None:
    src = tmp_path / "wide.jpg"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (20, 20), (200, 100, 50)).save(src, "JPEG", icc_profile=profile)
    _, out = clean_image(src, tmp_path / "work")
    with Image.open(out) as cleaned:
        assert "icc_profile" not in cleaned.info
        assert _near(cleaned.getpixel((10, 10)), (200, 100, 50))


def test_text_is_not_an_image(tmp_path) -> None:
    notes = tmp_path / "notes.jpg"
    notes.write_bytes(b"just some notes, not a picture\n")
    assert _refused(notes, tmp_path / "work").code == "not_an_image"


def _near(pixel: object, colour: tuple[int, int, int], slack: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


def _text_chunk(key: str, value: str) -> object:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


def test_refusal_codes_are_known_and_messages_bilingual() -> None:
    from core.media.inspect.refusal import MESSAGES

    with pytest.raises(ValueError):
        MediaRefused("no_such_code")
    assert all(" / " in message for message in MESSAGES.values())


def test_multi_picture_jpeg_keeps_only_its_first_picture(tmp_path) -> None:
    # Phones write MPO: a JPEG followed by more pictures (depth maps, other exposures).
    src = tmp_path / "IMG_0002.jpg"
    first, hidden = Image.new("RGB", (80, 60), "red"), Image.new("RGB", (40, 30), "blue")
    first.save(src, "MPO", save_all=True, append_images=[hidden])
    assert Image.open(src).format == "MPO"

    info, clean = clean_image(src, tmp_path / "work")

    assert (info.width, info.height) == (80, 60)
    with Image.open(clean) as picture:
        assert picture.format == "JPEG" and getattr(picture, "n_frames", 1) == 1
    assert clean.read_bytes().count(b"\xff\xd8") == 1  # one picture in the file


def test_gif_javascript_polyglot_is_refused(tmp_path) -> None:
    # Valid JavaScript that starts with a GIF signature: loaded as a script, it runs.
    src = tmp_path / "avatar.gif"
    src.write_bytes(b"GIF89a/*\x0a\x00\x0a\x00\x00\x00\x00*/=alert(document.domain)//;")
    assert _refused(src, tmp_path / "work").code == "corrupt"
