"""The media library's actions: who may upload and use media, what is refused, what is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from core.actions import content, media
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.context import Context
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.media.cleanup import cleanup_unused
from core.media.current_store import media_store
from core.media.models import MediaAsset, MediaRendition, MediaUse
from core.retention import daily
from tests.support.media import editor, mp4, pdf, png

pytestmark = pytest.mark.usefixtures("library")


def _count(ctx: Context, model: Any) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _keys(ctx: Context) -> list[str]:
    return list(media_store(ctx).keys())


def _draft(ctx: Context, unit: str = "14932") -> int:
    article = content.create(
        ctx, SYSTEM, {"title": "Lịch tiêm chủng", "unit_code": unit, "summary": "", "body_html": ""}
    )
    return article.id


def test_an_image_upload_keeps_cleaned_renditions_under_content_keys(ctx, tree, tmp_path):
    photo = png(tmp_path / "anh.png")
    asset = media.upload(ctx, editor(tree), "14932", photo, "ảnh chợ.png", alt="Chợ Cẩm Thủy")
    assert asset.kind == "image" and asset.width == 64 and asset.height == 48
    assert asset.alt == "Chợ Cẩm Thủy" and asset.filename == "ảnh chợ.png"
    names = {r.name for r in asset.renditions}
    assert "original" in names and any(n.endswith(".webp") for n in names)
    assert all(r.key.startswith("sha256/") for r in asset.renditions)
    assert sorted(_keys(ctx)) == sorted({r.key for r in asset.renditions})
    with ctx.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "media.upload"))
    assert entry is not None and entry.data["unit"] == "14932"


def test_the_same_bytes_twice_are_stored_once(ctx, tree, tmp_path):
    first = media.upload(ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png")
    second = media.upload(ctx, editor(tree), "14932", png(tmp_path / "b.png"), "b.png")
    assert first.id != second.id
    assert {r.key for r in first.renditions} == {r.key for r in second.renditions}
    assert len(_keys(ctx)) == len(first.renditions)
    media.delete(ctx, editor(tree), first.id)  # the other asset still needs the files
    assert len(_keys(ctx)) == len(first.renditions)
    media.delete(ctx, editor(tree), second.id)
    assert _keys(ctx) == []


def test_video_and_document_uploads(ctx, tree, tmp_path):
    video = media.upload(ctx, editor(tree), "14932", mp4(tmp_path / "v.mp4"), "clip.mp4")
    assert video.kind == "video" and video.duration and video.duration > 0
    assert video.content_type == "video/mp4"
    assert {"original", "poster"} <= {r.name for r in video.renditions}
    doc = media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "qd-12.pdf")
    assert doc.kind == "document" and doc.pages == 1 and doc.title == "qd-12"
    assert "quyet dinh so 12" in doc.text  # folded for search
    assert {"original", "thumbnail"} <= {r.name for r in doc.renditions}


def test_another_units_editor_cannot_upload_attach_or_delete(ctx, tree, tmp_path):
    outsider = editor(tree, "00004")
    with pytest.raises(Forbidden):
        media.upload(ctx, outsider, "14932", png(tmp_path / "a.png"), "a.png", alt="x")
    assert _count(ctx, MediaAsset) == 0 and _keys(ctx) == []
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "b.png"), "b.png", alt="a", caption="c"
    )
    with pytest.raises(Forbidden):
        media.delete(ctx, outsider, asset.id)
    with pytest.raises(Forbidden):
        media.set_alt_caption(ctx, outsider, asset.id, alt="defaced")
    own = _draft(ctx, "00004")  # the outsider's own article cannot take the other unit's media
    with pytest.raises(ValidationFailed) as refused:
        media.attach(ctx, outsider, own, asset.id, "cover")
    assert "media" in refused.value.fields
    with pytest.raises(Forbidden):
        media.attach(ctx, outsider, _draft(ctx), asset.id, "cover")
    assert _count(ctx, MediaUse) == 0


def test_a_refused_file_leaves_nothing_behind(ctx, tree, tmp_path, monkeypatch):
    bogus = tmp_path / "x.png"
    bogus.write_bytes(b"<svg onload=alert(1)></svg>")
    with pytest.raises(ValidationFailed) as refused:
        media.upload(ctx, editor(tree), "14932", bogus, "x.png")
    assert refused.value.fields["file"] and refused.value.reason  # type: ignore[attr-defined]
    assert _count(ctx, MediaAsset) == 0 and _keys(ctx) == []


def test_a_failure_after_storing_deletes_what_it_stored(ctx, tree, tmp_path, monkeypatch):
    import tempfile

    import core.audit

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    kept = media.upload(ctx, editor(tree), "14932", png(tmp_path / "k.png", seed=1), "k.png")
    before = sorted(_keys(ctx))

    real_record = core.audit.record

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(core.audit, "record", broken)
    with pytest.raises(RuntimeError):
        media.upload(ctx, editor(tree), "14932", png(tmp_path / "n.png", seed=2), "n.png")
    monkeypatch.setattr(core.audit, "record", real_record)
    assert sorted(_keys(ctx)) == before  # the new files went, the old ones stayed
    assert [a for a in _assets(ctx)] == [kept.id]
    assert list(scratch.iterdir()) == []  # the scratch directories went too


def _assets(ctx: Context) -> list[int]:
    with ctx.sessions() as session:
        return list(session.scalars(select(MediaAsset.id).order_by(MediaAsset.id)))


def test_size_limit_per_kind(ctx, tree, tmp_path):
    import dataclasses

    ctx.settings = dataclasses.replace(ctx.settings, media_max_image_bytes=100)
    with pytest.raises(media.MediaRejected) as refused:
        media.upload(ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png")
    assert refused.value.reason == "too_large"
    assert _count(ctx, MediaAsset) == 0 and _keys(ctx) == []
    # a document of the same size is within its own limit
    media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "d.pdf")


def test_images_in_articles_need_alt_and_caption(ctx, tree, tmp_path):
    article = _draft(ctx)
    bare = media.upload(ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png")
    with pytest.raises(ValidationFailed) as refused:
        media.attach(ctx, editor(tree), article, bare.id, "cover")
    assert "alt" in refused.value.fields
    media.set_alt_caption(ctx, editor(tree), bare.id, alt="Cầu Cẩm Thủy")
    with pytest.raises(ValidationFailed) as refused:
        media.attach(ctx, editor(tree), article, bare.id, "gallery")
    assert "caption" in refused.value.fields
    media.set_alt_caption(ctx, editor(tree), bare.id, caption="Cầu mới thông xe")
    media.attach(ctx, editor(tree), article, bare.id, "cover")
    with pytest.raises(ValidationFailed) as refused:  # in use: the alt text cannot be emptied
        media.set_alt_caption(ctx, editor(tree), bare.id, alt="")
    assert "alt" in refused.value.fields
    doc = media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "d.pdf")
    with pytest.raises(ValidationFailed):  # a document is no cover
        media.attach(ctx, editor(tree), article, doc.id, "cover")
    media.attach(ctx, editor(tree), article, doc.id, "attachment")


def test_alt_and_caption_are_moderated_with_the_item(ctx, tree, tmp_path):
    article = _draft(ctx)
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="Ảnh", caption="Ảnh"
    )
    media.attach(ctx, editor(tree), article, asset.id, "cover")
    media.set_alt_caption(ctx, editor(tree), asset.id, caption="đồ vcl")
    with ctx.sessions() as session:
        from core.content.models import Article

        row = session.get(Article, article)
        assert row is not None and row.moderation != "allow"
        assert any(s["field"].startswith("media.cover") for s in row.moderation_spans)
    with pytest.raises(Exception) as refused:
        content.approve(ctx, SYSTEM, article)
    assert getattr(refused.value, "code", "") in ("CONTENT_BLOCKED", "CONTENT_HELD")


def test_media_in_use_cannot_be_deleted(ctx, tree, tmp_path):
    article = _draft(ctx)
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="a", caption="c"
    )
    media.attach(ctx, editor(tree), article, asset.id, "gallery")
    with pytest.raises(InvalidTransition):
        media.delete(ctx, editor(tree), asset.id)
    assert _count(ctx, MediaAsset) == 1 and _keys(ctx)
    media.detach(ctx, editor(tree), article, asset.id, "gallery")
    album = media.create_album(ctx, editor(tree), "14932", "Hội xuân")
    media.add_to_album(ctx, editor(tree), album.id, asset.id)
    with pytest.raises(InvalidTransition):
        media.delete(ctx, editor(tree), asset.id)
    media.remove_from_album(ctx, editor(tree), album.id, asset.id)
    media.delete(ctx, editor(tree), asset.id)
    assert _count(ctx, MediaAsset) == 0 and _count(ctx, MediaRendition) == 0
    assert _keys(ctx) == []


def test_a_live_items_media_are_fixed(ctx, tree, tmp_path):
    article = _draft(ctx)
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="a", caption="c"
    )
    content.approve(ctx, SYSTEM, article)
    with pytest.raises(InvalidTransition):
        media.attach(ctx, editor(tree), article, asset.id, "gallery")


def test_cleanup_removes_only_unused_old_uploads(ctx, tree, tmp_path):
    old_unused = media.upload(ctx, editor(tree), "14932", png(tmp_path / "1.png", seed=1), "1.png")
    old_used = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "2.png", seed=2), "2.png", alt="a", caption="c"
    )
    old_listed = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "3.png", seed=3), "3.png", alt="a"
    )
    media.attach(ctx, editor(tree), _draft(ctx), old_used.id, "cover")
    album = media.create_album(ctx, editor(tree), "14932", "Hội xuân")
    media.add_to_album(ctx, editor(tree), album.id, old_listed.id)
    with ctx.transaction() as session:
        for asset in session.scalars(select(MediaAsset).order_by(MediaAsset.id)):
            asset.created_at = asset.created_at - dt.timedelta(days=8)
    recent = media.upload(ctx, editor(tree), "14932", png(tmp_path / "4.png", seed=4), "4.png")
    gone = {r.key for r in old_unused.renditions}
    assert daily(ctx, force=True)["media_cleaned"] == 1
    assert _assets(ctx) == [old_used.id, old_listed.id, recent.id]
    assert not gone & set(_keys(ctx))
    assert {r.key for r in recent.renditions} <= set(_keys(ctx))
    assert cleanup_unused(ctx) == 0  # a second run finds nothing


def test_cover_image_required_by_a_channel_is_checked_before_approval(ctx, tree, tmp_path):
    from dataclasses import replace

    from core.targets.models import ChannelTarget

    portal = ctx.channel("portal")
    caps = replace(portal.capabilities, requires_cover=True)
    ctx.channels = {**ctx.channels, "portal": _WithCaps(portal, caps)}
    with ctx.transaction() as session:
        session.add(
            ChannelTarget(unit_id=tree["14932"].id, plugin="portal", name="Cổng xã", settings={})
        )
    article = _draft(ctx)
    with pytest.raises(ValidationFailed) as refused:
        content.approve(ctx, SYSTEM, article)
    assert "cover" in refused.value.fields
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="a", caption="c"
    )
    media.attach(ctx, SYSTEM, article, asset.id, "cover")
    assert content.approve(ctx, SYSTEM, article).status in ("published", "scheduled", "approved")


class _WithCaps:
    def __init__(self, channel: Any, caps: Any) -> None:
        self._channel = channel
        self.capabilities = caps

    def __getattr__(self, name: str) -> Any:
        return getattr(self._channel, name)


def test_a_live_items_media_texts_are_fixed_too(ctx, tree, tmp_path):
    article = _draft(ctx)
    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="a", caption="c"
    )
    media.attach(ctx, editor(tree), article, asset.id, "cover")
    content.approve(ctx, SYSTEM, article)
    with pytest.raises(InvalidTransition):  # the public caption would change unapproved
        media.set_alt_caption(ctx, editor(tree), asset.id, caption="Chú thích mới")
    with ctx.sessions() as session:
        row = session.get(MediaAsset, asset.id)
        assert row is not None and row.caption == "c"


def test_album_texts_must_pass_moderation(ctx, tree, tmp_path):
    from core.errors import ModerationBlocked

    asset = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "a.png"), "a.png", alt="đồ vcl", caption="c"
    )
    album = media.create_album(ctx, editor(tree), "14932", "Hội xuân")
    with pytest.raises(ModerationBlocked):
        media.add_to_album(ctx, editor(tree), album.id, asset.id)
    media.set_alt_caption(ctx, editor(tree), asset.id, alt="Hội xuân")
    media.add_to_album(ctx, editor(tree), album.id, asset.id)
    with pytest.raises(ModerationBlocked):  # once public, a change is judged before it shows
        media.set_alt_caption(ctx, editor(tree), asset.id, caption="vcl")
