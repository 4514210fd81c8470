"""An item carries its media; a channel declares what it accepts; what cannot fit is refused
with a reason before approval, and the bytes of the chosen rendition reach the channel."""

from __future__ import annotations

from typing import Any

import pytest

from core import Capabilities, ItemMedia, MediaAccepts, MediaRule, MediaUnavailable, Rendition
from core.auth.permissions import SYSTEM
from core.content import actions as content
from core.contract.fit import media_fit
from core.delivery import targets
from core.errors import ValidationFailed
from core.media import actions as media
from tests.support.media import editor, png
from tests.support.pipeline import COMMUNE, new_article


def _medium(role: str, *files: Rendition, **meta: Any) -> ItemMedia:
    first = files[0]
    return ItemMedia(
        uid=f"{role}-1",
        role=role,
        kind=meta.pop("kind", "image"),
        content_type=first.content_type,
        size=first.size,
        renditions=files,
        **meta,
    )


JPEG_BIG = Rendition("original", "image/jpeg", 3_000_000, 4000, 3000)
JPEG_SMALL = Rendition("w1280.jpg", "image/jpeg", 300_000, 1280, 960)
WEBP = Rendition("w1280.webp", "image/webp", 200_000, 1280, 960)


def _codes(problems: Any) -> list[tuple[str, str]]:
    return [(p.role, p.code) for p in problems]


def test_the_widest_rendition_within_the_channels_limits_is_chosen() -> None:
    photo = _medium("cover", JPEG_BIG, JPEG_SMALL, WEBP, width=4000, height=3000)
    rule = MediaRule(types=frozenset({"image/jpeg"}), max_bytes=1_000_000)
    assert photo.choose(rule) == JPEG_SMALL
    assert photo.choose() == JPEG_BIG  # no limit: the original
    assert photo.choose(MediaRule(types=frozenset({"image/png"}))) is None


@pytest.mark.parametrize(
    ("caps", "medium", "expected"),
    [
        (Capabilities(requires_cover=True), None, [("cover", "missing")]),
        (
            Capabilities(media=MediaAccepts(cover=MediaRule(types=frozenset({"image/png"})))),
            _medium("cover", JPEG_SMALL, WEBP),
            [("cover", "type")],
        ),
        (
            Capabilities(media=MediaAccepts(cover=MediaRule(max_bytes=100_000))),
            _medium("cover", JPEG_SMALL, WEBP),
            [("cover", "too_large")],
        ),
        (
            Capabilities(media=MediaAccepts(cover=MediaRule(min_width=2000))),
            _medium("cover", JPEG_SMALL),
            [("cover", "too_small")],
        ),
        (
            Capabilities(media=MediaAccepts(video=MediaRule(max_duration=60))),
            _medium(
                "video",
                Rendition("original", "video/mp4", 1000, 1920, 1080),
                kind="video",
                duration=90.0,
            ),
            [("video", "too_long")],
        ),
        (
            Capabilities(media=MediaAccepts(video=MediaRule(aspect=(0.5, 0.6)))),
            _medium(
                "video",
                Rendition("original", "video/mp4", 1000, 1920, 1080),
                kind="video",
                width=1920,
                height=1080,
            ),
            [("video", "aspect")],
        ),
        (
            Capabilities(media=MediaAccepts(video=MediaRule(min_count=1))),
            None,
            [("video", "missing")],
        ),
    ],
)
def test_what_cannot_fit_is_refused_with_a_reason(caps, medium, expected) -> None:
    refusals, dropped = media_fit([medium] if medium else [], caps)
    assert _codes(refusals) == expected and dropped == []
    assert all(p.message and "(" in p.message for p in refusals)  # Vietnamese, then English


def test_too_many_are_refused_and_a_role_the_channel_does_not_carry_is_dropped() -> None:
    caps = Capabilities(
        media=MediaAccepts(gallery=MediaRule(max_count=1), attachment=MediaRule(max_count=0))
    )
    gallery = [_medium("gallery", JPEG_SMALL), _medium("gallery", JPEG_SMALL)]
    pdf = _medium("attachment", Rendition("original", "application/pdf", 10), kind="document")
    refusals, dropped = media_fit([*gallery, pdf], caps)
    assert _codes(refusals) == [("gallery", "too_many")]
    assert _codes(dropped) == [("attachment", "dropped")]


def test_the_cover_is_asked_for_by_one_flag_only() -> None:
    with pytest.raises(ValueError, match="requires_cover"):
        MediaAccepts(cover=MediaRule(min_count=1))
    assert not hasattr(Capabilities(), "requires_cover_image")


def test_a_medium_built_without_the_store_cannot_be_streamed() -> None:
    photo = _medium("cover", JPEG_SMALL)
    with pytest.raises(MediaUnavailable):
        photo.stream("w1280.jpg")
    with pytest.raises(MediaUnavailable):
        photo.rendition("w9999.jpg")


# --- through the test channel plugin -------------------------------------------------------
def _target(ctx: Any) -> Any:
    return targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Kênh ảnh", "plugin": "testmedia", "unit_code": COMMUNE, "settings": {}},
    )


def _photo(ctx: Any, tree: Any, tmp_path: Any, seed: int, width: int = 64) -> Any:
    return media.upload(
        ctx,
        editor(tree),
        COMMUNE,
        png(tmp_path / f"{seed}.png", width=width, seed=seed),
        f"ảnh {seed}.png",
        alt="Trạm y tế",
        caption="Trạm y tế xã",
    )


def test_approval_waits_for_media_the_channel_accepts(ctx, tree, tmp_path) -> None:
    _target(ctx)
    article = new_article(ctx)
    with pytest.raises(ValidationFailed) as refused:
        content.approve(ctx, SYSTEM, article.id)
    cover = refused.value.fields["cover"]
    assert "Kênh ảnh" in cover and "ảnh bìa" in cover
    media.attach(ctx, SYSTEM, article.id, _photo(ctx, tree, tmp_path, 1).id, "cover")
    for seed in (2, 3, 4):
        media.attach(ctx, SYSTEM, article.id, _photo(ctx, tree, tmp_path, seed).id, "gallery")
    with pytest.raises(ValidationFailed) as refused:
        content.approve(ctx, SYSTEM, article.id)
    assert "tối đa 2" in refused.value.fields["media"] and "cover" not in refused.value.fields
