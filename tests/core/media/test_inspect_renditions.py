"""Renditions: the srcset widths in WebP and JPEG, each the size it says, never upscaled."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.media.inspect import MediaRefused, clean_image, image_renditions
from core.media.inspect.renditions import rendition_widths


def _clean(tmp_path: Path, size: tuple[int, int], mode: str = "RGB") -> Path:
    src = tmp_path / f"src-{size[0]}.png"
    colour = (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)
    Image.new(mode, size, colour).save(src)
    return clean_image(src, tmp_path / f"clean-{size[0]}")[1]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (2400, [320, 640, 960, 1280, 1920]),
        (1920, [320, 640, 960, 1280, 1920]),
        (1000, [320, 640, 960, 1000]),
        (640, [320, 640]),
        (200, [200]),
    ],
)
def test_widths_never_exceed_the_picture(width, expected) -> None:
    assert rendition_widths(width) == expected


def test_each_rendition_decodes_to_its_stated_size_and_type(tmp_path) -> None:
    clean = _clean(tmp_path, (2400, 1350))
    renditions = image_renditions(clean, tmp_path / "r")

    names = [r.name for r in renditions]
    assert names == [f"w{w}.{s}" for w in (320, 640, 960, 1280, 1920) for s in ("jpg", "webp")]
    for r in renditions:
        with Image.open(r.path) as picture:
            assert picture.size == (r.width, r.height)
            assert picture.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[r.content_type]
            assert not {"exif", "xmp", "icc_profile", "comment"} & picture.info.keys()
        assert r.size == r.path.stat().st_size > 0
        assert r.height == round(1350 * r.width / 2400)
    assert {p.name for p in (tmp_path / "r").iterdir()} == set(names)


def test_small_picture_is_never_upscaled(tmp_path) -> None:
    clean = _clean(tmp_path, (200, 120))
    renditions = image_renditions(clean, tmp_path / "r")
    assert [(r.name, r.width, r.height) for r in renditions] == [
        ("w200.jpg", 200, 120),
        ("w200.webp", 200, 120),
    ]
    assert all(Image.open(r.path).size == (200, 120) for r in renditions)


def test_transparent_picture_keeps_alpha_in_webp_and_is_flattened_in_jpeg(tmp_path) -> None:
    clean = _clean(tmp_path, (400, 300), mode="RGBA")
    by_name = {r.name: r for r in image_renditions(clean, tmp_path / "r")}
    with Image.open(by_name["w400.webp"].path) as webp:
        assert webp.mode == "RGBA" and webp.getpixel((10, 10))[3] < 255
    with Image.open(by_name["w400.jpg"].path) as jpeg:
        assert jpeg.mode == "RGB"
        red, green, _ = jpeg.getpixel((10, 10))
        assert red > 200 and green > 100  # half-transparent red over white


def test_unreadable_clean_copy_leaves_nothing(tmp_path) -> None:
    broken = tmp_path / "clean.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    with pytest.raises(MediaRefused) as err:
        image_renditions(broken, tmp_path / "r")
    assert err.value.code == "corrupt"
    assert not any((tmp_path / "r").iterdir())
