"""The upload endpoints: streamed, bounded by kind, authenticated like the management API."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.context import Context
from core.media.current_store import media_store
from core.media.models import MediaAsset
from tests.support.media import pdf, png, session_for, token_for


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assets(ctx: Context) -> int:
    with ctx.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(MediaAsset)) or 0)


def _forbidden(ctx: Context) -> list[Any]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "auth.forbidden")
                .order_by(AuditEntry.id)
            )
        )


@pytest.fixture
def editor_token(ctx: Context, tree: dict[str, Any]) -> str:
    return token_for(ctx, "bientap-camthuy", tree["14932"].id)


def test_a_units_editor_uploads_a_photo_and_can_preview_it(ctx, web, editor_token, tmp_path):
    body = png(tmp_path / "a.png").read_bytes()
    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "chợ.png", "alt": "Chợ phiên", "caption": "Chợ"},
        content=body,
        headers=_auth(editor_token),
    )
    assert r.status_code == 201, r.text
    asset = r.json()
    assert asset["kind"] == "image" and asset["alt"] == "Chợ phiên"
    assert r.headers["cache-control"] == "no-store"
    preview = next(x for x in asset["renditions"] if x["name"] == "original")
    assert "sig=" in preview["url"]  # a draft's media: signed
    fetched = web.get(preview["url"].removeprefix("http://loa.test"))
    assert fetched.status_code == 200 and fetched.headers["content-type"] == preview["contentType"]


def test_another_units_editor_is_refused_and_audited(ctx, web, tree, tmp_path):
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "a.png"},
        content=png(tmp_path / "a.png").read_bytes(),
        headers=_auth(outsider),
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    assert _assets(ctx) == 0 and list(media_store(ctx).keys()) == []
    [entry] = _forbidden(ctx)
    assert entry.actor.startswith("bientap-badinh") and entry.data["permission"] == "write_content"


def test_no_credentials_no_upload(ctx, web, tree, tmp_path):
    r = web.post("/api/media", params={"unit": "14932"}, content=b"\x89PNG")
    assert r.status_code == 401
    assert _assets(ctx) == 0


def test_a_session_needs_its_csrf_token(ctx, web, editor_token, tmp_path):
    sid, csrf = session_for(ctx, "bientap-camthuy")
    web.cookies.set("loa_session", sid)
    body = png(tmp_path / "a.png").read_bytes()
    r = web.post("/api/media", params={"unit": "14932"}, content=body)
    assert r.status_code == 403
    r = web.post(
        "/api/media", params={"unit": "14932"}, content=body, headers={"X-CSRF-Token": csrf}
    )
    assert r.status_code == 201, r.text


def test_a_read_token_cannot_upload(ctx, web, tree, tmp_path):
    from core.auth.models import ApiToken

    token = token_for(ctx, "doc-only", tree["14932"].id)
    with ctx.transaction() as session:
        for row in session.scalars(select(ApiToken).order_by(ApiToken.id)):
            row.scopes = ["read"]
    r = web.post(
        "/api/media",
        params={"unit": "14932"},
        content=png(tmp_path / "a.png").read_bytes(),
        headers=_auth(token),
    )
    assert r.status_code == 403 and _assets(ctx) == 0


def test_the_edge_body_limit_does_not_cut_media_but_the_kind_limit_does(
    ctx, web, editor_token, tmp_path
):
    # A 2 MB PDF passes although LOA_MAX_BODY_BYTES is 1 MiB: media has limits of its own.
    big = pdf(tmp_path / "big.pdf", "x" * 100)
    with big.open("ab") as fh:
        fh.write(b"%" + b"0" * 2_000_000 + b"\n")
    r = web.post(
        "/api/media",
        params={"unit": "14932"},
        content=big.read_bytes(),
        headers=_auth(editor_token),
    )
    assert r.status_code == 201, r.text
    # …and the image limit stops an image while it streams, declared or not.
    ctx.settings = dataclasses.replace(ctx.settings, media_max_image_bytes=1000)
    r = web.post(
        "/api/media",
        params={"unit": "14932", "kind": "image"},
        content=png(tmp_path / "a.png", 400, 400).read_bytes(),
        headers=_auth(editor_token),
    )
    assert r.status_code == 413 and r.json()["error"]["reason"] == "too_large"

    def chunks():
        yield png(tmp_path / "b.png", 400, 400).read_bytes()

    r = web.post(
        "/api/media",
        params={"unit": "14932", "kind": "image"},
        content=chunks(),
        headers=_auth(editor_token),
    )
    assert r.status_code == 413
    assert _assets(ctx) == 1


def test_other_endpoints_keep_the_edge_limit(ctx, web, editor_token):
    r = web.post(
        "/api/graphql", content=b"{" + b" " * 2_000_000 + b"}", headers=_auth(editor_token)
    )
    assert r.status_code == 413


def test_a_refused_file_is_a_typed_422_and_leaves_nothing(ctx, web, editor_token, tmp_path):
    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "x.svg"},
        content=b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        headers=_auth(editor_token),
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "BAD_USER_INPUT" and r.json()["error"]["reason"]
    assert _assets(ctx) == 0 and list(media_store(ctx).keys()) == []


def test_a_chunked_upload_resumes_and_completes(ctx, web, editor_token, tmp_path):
    data = pdf(tmp_path / "qd.pdf", "Quyet dinh").read_bytes()
    opened = web.post(
        "/api/media/uploads",
        json={"unit": "14932", "filename": "qd.pdf", "size": len(data), "title": "Quyết định"},
        headers=_auth(editor_token),
    )
    assert opened.status_code == 201, opened.text
    uid = opened.json()["id"]
    half = len(data) // 2
    r = web.put(
        f"/api/media/uploads/{uid}",
        content=data[:half],
        headers={**_auth(editor_token), "Content-Range": f"bytes 0-{half - 1}/{len(data)}"},
    )
    assert r.status_code == 200 and r.json()["received"] == half
    # a chunk out of order is refused; the client asks how far it got and resumes
    r = web.put(
        f"/api/media/uploads/{uid}",
        content=data[half + 1 :],
        headers={
            **_auth(editor_token),
            "Content-Range": f"bytes {half + 1}-{len(data) - 1}/{len(data)}",
        },
    )
    assert r.status_code == 409
    assert (
        web.get(f"/api/media/uploads/{uid}", headers=_auth(editor_token)).json()["received"] == half
    )
    early = web.post(f"/api/media/uploads/{uid}/complete", headers=_auth(editor_token))
    assert early.status_code == 400
    uid = web.post(
        "/api/media/uploads",
        json={"unit": "14932", "filename": "qd.pdf", "size": len(data)},
        headers=_auth(editor_token),
    ).json()["id"]
    for start in range(0, len(data), 300):
        end = min(start + 300, len(data)) - 1
        r = web.put(
            f"/api/media/uploads/{uid}",
            content=data[start : end + 1],
            headers={**_auth(editor_token), "Content-Range": f"bytes {start}-{end}/{len(data)}"},
        )
        assert r.status_code == 200, r.text
    done = web.post(f"/api/media/uploads/{uid}/complete", headers=_auth(editor_token))
    assert done.status_code == 201, done.text
    assert done.json()["kind"] == "document" and done.json()["pages"] == 1
    assert not (ctx.settings.var_dir / "media-uploads" / f"{uid}.part").exists()
    assert web.get(f"/api/media/uploads/{uid}", headers=_auth(editor_token)).status_code == 404


def test_an_upload_session_is_its_owners_only(ctx, web, editor_token, tree):
    other = token_for(ctx, "bientap-2", tree["14932"].id)
    uid = web.post(
        "/api/media/uploads",
        json={"unit": "14932", "filename": "v.mp4", "size": 10},
        headers=_auth(editor_token),
    ).json()["id"]
    r = web.put(
        f"/api/media/uploads/{uid}",
        content=b"0123456789",
        headers={**_auth(other), "Content-Range": "bytes 0-9/10"},
    )
    assert r.status_code == 404
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    r = web.post(
        "/api/media/uploads",
        json={"unit": "14932", "filename": "v.mp4", "size": 10},
        headers=_auth(outsider),
    )
    assert r.status_code == 403 and _forbidden(ctx)


def test_an_upload_may_not_announce_more_than_the_largest_kind(ctx, web, editor_token):
    r = web.post(
        "/api/media/uploads",
        json={"unit": "14932", "filename": "v.mp4", "size": 2_000_000_000},
        headers=_auth(editor_token),
    )
    assert r.status_code == 413


def test_a_phone_photo_is_served_without_its_metadata_and_upright(ctx, web, editor_token, tmp_path):
    from tests.support.media_files import phone_photo

    photo = phone_photo(tmp_path / "home.jpg")  # 400×300 stored, EXIF orientation 6, GPS
    assert b"LoaPhone" in photo.read_bytes()
    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "home.jpg", "alt": "Nhà văn hoá"},
        content=photo.read_bytes(),
        headers=_auth(editor_token),
    )
    assert r.status_code == 201, r.text
    asset = r.json()
    assert (asset["width"], asset["height"]) == (300, 400)  # the orientation applied
    for rendition in asset["renditions"]:
        served = web.get(rendition["url"].removeprefix("http://loa.test")).content
        for secret in (b"LoaPhone", b"Secret Model", b"taken at home", b"where: home", b"Exif"):
            assert secret not in served, (rendition["name"], secret)


def test_a_decompression_bomb_is_refused_and_leaves_nothing(ctx, web, editor_token, tmp_path):
    from tests.support.media_files import png_bomb

    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "bomb.png"},
        content=png_bomb(tmp_path / "bomb.png").read_bytes(),
        headers=_auth(editor_token),
    )
    assert r.status_code == 422 and r.json()["error"]["reason"] == "too_many_pixels"
    assert _assets(ctx) == 0 and list(media_store(ctx).keys()) == []


def test_a_jpeg_html_polyglot_is_refused(ctx, web, editor_token, tmp_path):
    from tests.support.media_files import phone_photo

    polyglot = phone_photo(tmp_path / "p.jpg").read_bytes() + b"<html><script>alert(1)</script>"
    r = web.post(
        "/api/media",
        params={"unit": "14932", "filename": "p.jpg"},
        content=polyglot,
        headers=_auth(editor_token),
    )
    assert r.status_code == 422, r.text
    assert _assets(ctx) == 0 and list(media_store(ctx).keys()) == []
