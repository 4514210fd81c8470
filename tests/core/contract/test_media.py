"""An item carries its media; a channel declares what it accepts; what cannot fit is refused
with a reason before approval, and the bytes of the chosen rendition reach the channel."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest
from loa_testchannel.media import STREAMED
from sqlalchemy import select

from core import Capabilities, ItemMedia, MediaAccepts, MediaRule, MediaUnavailable, Rendition
from core.actions import content, media, targets
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.contract.fit import media_fit
from core.delivery import dispatcher, outbox
from core.delivery.models import Action, Delivery, DeliveryState
from core.errors import ValidationFailed
from core.media.current_store import media_store
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


def test_the_channel_gets_the_bytes_of_the_rendition_it_chose(ctx, tree, tmp_path) -> None:
    STREAMED.clear()
    target = _target(ctx)
    article = new_article(ctx)
    photo = _photo(ctx, tree, tmp_path, 7, width=96)
    media.attach(ctx, SYSTEM, article.id, photo.id, "cover")
    content.approve(ctx, SYSTEM, article.id)
    with ctx.sessions() as session:
        delivery = session.scalar(select(Delivery).where(Delivery.target_id == target.id))
    assert delivery is not None
    asyncio.run(dispatcher.run(ctx, delivery.id, 1))
    with ctx.sessions() as session:
        assert session.get(Delivery, delivery.id).state == DeliveryState.DELIVERED
    [(uid, name, size, digest)] = STREAMED[delivery.idempotency_key]
    chosen = next(r for r in photo.renditions if r.name == name)
    assert uid == photo.uid and chosen.content_type == "image/jpeg"  # the channel takes JPEG
    assert name == "w96.jpg" or chosen.width == max(
        r.width or 0 for r in photo.renditions if r.content_type == "image/jpeg"
    )
    stored = b"".join(media_store(ctx).read_range(chosen.key))
    assert size == len(stored) and digest == hashlib.sha256(stored).hexdigest()


def test_media_that_do_not_fit_at_render_fail_the_delivery_without_a_send(ctx, tree) -> None:
    STREAMED.clear()
    article = new_article(ctx)
    content.approve(ctx, SYSTEM, article.id)  # no target needed a cover then
    target = _target(ctx)  # a channel that requires one, added after approval
    with ctx.transaction() as session:
        row = session.get(Article, article.id)
        assert row is not None
        [delivery_id] = outbox.add(session, row, [target.id], Action.PUBLISH)
    asyncio.run(dispatcher.run(ctx, delivery_id, 1))
    with ctx.sessions() as session:
        done = session.get(Delivery, delivery_id)
    assert done is not None and done.state == DeliveryState.FAILED
    assert done.error_kind == "media" and "ảnh bìa" in done.error_message
    assert STREAMED == {}  # publish never ran
