"""Serving stored files: public and immutable once published, signed and expiring before."""

from __future__ import annotations

import time
from typing import Any

from core.actions import content, media
from core.auth.permissions import SYSTEM
from core.context import Context
from core.media.current_store import media_store
from core.media.models import MediaAsset
from core.media.urls import signed_url
from tests.support.media import editor, mp4, pdf, png


def _path(url: str) -> str:
    return url.removeprefix("http://loa.test")


def _photo(ctx: Context, tree: dict[str, Any], tmp_path: Any, seed: int = 0) -> MediaAsset:
    return media.upload(
        ctx,
        editor(tree),
        "14932",
        png(tmp_path / f"p{seed}.png", seed=seed),
        "p.png",
        alt="Ảnh",
        caption="Chú thích",
    )


def _original(asset: MediaAsset) -> str:
    return next(r.key for r in asset.renditions if r.name == "original")


def _published_with(ctx: Context, asset: MediaAsset, role: str = "cover") -> int:
    article = content.create(
        ctx, SYSTEM, {"title": "Tin", "unit_code": "14932", "summary": "", "body_html": ""}
    )
    media.attach(ctx, SYSTEM, article.id, asset.id, role)
    content.approve(ctx, SYSTEM, article.id)
    return article.id


def test_a_drafts_media_needs_a_signed_unexpired_url(ctx, tree, web, tmp_path):
    asset = _photo(ctx, tree, tmp_path)
    key = _original(asset)
    assert web.get(f"/media/{key}").status_code == 404
    good = signed_url("http://loa.test", ctx.sealer, key)
    r = web.get(_path(good))
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
    assert r.content == b"".join(media_store(ctx).read_range(key))
    expired = signed_url("http://loa.test", ctx.sealer, key, now=time.time() - 7200)
    assert web.get(_path(expired)).status_code == 404
    exp = good.split("exp=")[1].split("&")[0]
    assert (
        web.get(f"/media/{key}?exp={int(exp) + 3600}&sig={good.split('sig=')[1]}").status_code
        == 404
    )
    other = _photo(ctx, tree, tmp_path, seed=5)
    moved = _path(good).replace(key, _original(other))  # a signature is for one file only
    assert web.get(moved).status_code == 404


def test_published_media_is_public_and_immutable(ctx, tree, web, tmp_path):
    asset = _photo(ctx, tree, tmp_path)
    key = _original(asset)
    _published_with(ctx, asset)
    r = web.get(f"/media/{key}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["etag"] and r.headers["accept-ranges"] == "bytes"
    assert r.headers["x-content-type-options"] == "nosniff"
    again = web.get(f"/media/{key}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_album_media_is_public(ctx, tree, web, tmp_path):
    asset = _photo(ctx, tree, tmp_path)
    album = media.create_album(ctx, editor(tree), "14932", "Lễ hội")
    assert web.get(f"/media/{_original(asset)}").status_code == 404
    media.add_to_album(ctx, editor(tree), album.id, asset.id)
    assert web.get(f"/media/{_original(asset)}").status_code == 200


def test_range_requests(ctx, tree, web, tmp_path):
    video = media.upload(ctx, editor(tree), "14932", mp4(tmp_path / "v.mp4"), "v.mp4")
    key = _original(video)
    _published_with(ctx, video, "video")
    whole = web.get(f"/media/{key}").content
    size = len(whole)
    r = web.get(f"/media/{key}", headers={"Range": "bytes=10-109"})
    assert r.status_code == 206 and r.content == whole[10:110]
    assert r.headers["content-range"] == f"bytes 10-109/{size}"
    assert r.headers["content-length"] == "100"
    r = web.get(f"/media/{key}", headers={"Range": "bytes=-20"})
    assert r.status_code == 206 and r.content == whole[-20:]
    r = web.get(f"/media/{key}", headers={"Range": f"bytes={size - 5}-"})
    assert r.status_code == 206 and r.content == whole[-5:]
    r = web.get(f"/media/{key}", headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{size}"
    r = web.get(f"/media/{key}", headers={"Range": "bytes=0-1,5-6"})  # several: the whole file
    assert r.status_code == 200 and r.content == whole


def test_documents_are_inline_and_sandboxed(ctx, tree, web, tmp_path):
    doc = media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "Quyết định.pdf")
    key = _original(doc)
    _published_with(ctx, doc, "attachment")
    r = web.get(f"/media/{key}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in r.headers["content-security-policy"].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_unknown_keys_are_404(ctx, tree, web):
    assert web.get("/media/sha256/00/00/" + "0" * 64 + ".jpg").status_code == 404
    assert web.get("/media/../../etc/passwd").status_code == 404


def test_head_answers_the_headers_without_the_body(ctx, tree, web, tmp_path):
    asset = _photo(ctx, tree, tmp_path)
    key = _original(asset)
    _published_with(ctx, asset)
    r = web.head(f"/media/{key}")
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["content-length"]) == media_store(ctx).size(key)
