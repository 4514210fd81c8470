"""Media in GraphQL: multipart uploads, library mutations, and the public shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content, media
from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.context import Context
from tests.support.media import editor, mp4, pdf, png, session_for, token_for

UPLOAD = """
mutation($file: Upload!, $unit: String!, $alt: String!, $caption: String!) {
  uploadMedia(file: $file, unit: $unit, alt: $alt, caption: $caption) {
    __typename
    ... on MediaResult { media { id kind alt caption size image { width height url srcset } } }
    ... on ForbiddenError { message }
    ... on ValidationError { message fields { field message } }
  }
}"""


def _multipart(web: Any, path: Any, headers: dict[str, str], unit: str = "14932") -> Any:
    operations = {
        "query": UPLOAD,
        "variables": {"file": None, "unit": unit, "alt": "Đình làng", "caption": "Lễ hội"},
    }
    return web.post(
        "/api/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (path.name, path.read_bytes(), "application/octet-stream")},
        headers=headers,
    )


def _gql(web: Any, query: str, token: str | None = None, path: str = "/api/graphql", **v: Any):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = web.post(path, json={"query": query, "variables": v}, headers=headers)
    return r.json()


@pytest.fixture
def token(ctx: Context, tree: dict[str, Any]) -> str:
    return token_for(ctx, "bientap-camthuy", tree["14932"].id)


def test_a_multipart_upload_makes_a_library_item(ctx, web, token, tmp_path):
    r = _multipart(web, png(tmp_path / "dinh.png"), {"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    result = r.json()["data"]["uploadMedia"]
    assert result["__typename"] == "MediaResult", result
    item = result["media"]
    assert item["kind"] == "image" and item["alt"] == "Đình làng"
    assert "sig=" in item["image"]["url"]  # not public yet: signed
    fetched = web.get(item["image"]["url"].removeprefix("http://loa.test"))
    assert fetched.status_code == 200


def test_a_multipart_upload_by_session_needs_csrf(ctx, web, token, tmp_path):
    sid, csrf = session_for(ctx, "bientap-camthuy")
    web.cookies.set("loa_session", sid)
    r = _multipart(web, png(tmp_path / "a.png"), {})
    assert r.status_code == 403
    r = _multipart(web, png(tmp_path / "a.png"), {"X-CSRF-Token": csrf})
    assert r.json()["data"]["uploadMedia"]["__typename"] == "MediaResult", r.text


def test_another_units_editor_cannot_upload_and_is_audited(ctx, web, tree, tmp_path):
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    r = _multipart(web, png(tmp_path / "a.png"), {"Authorization": f"Bearer {outsider}"})
    assert r.json()["data"]["uploadMedia"]["__typename"] == "ForbiddenError"
    with ctx.sessions() as session:
        entries = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "auth.forbidden")
                .order_by(AuditEntry.id)
            )
        )
    assert entries and entries[0].data["via"] == "api"


def test_a_refused_file_is_a_validation_error(ctx, web, token, tmp_path):
    bogus = tmp_path / "x.png"
    bogus.write_bytes(b"<html><script>alert(1)</script></html>")
    r = _multipart(web, bogus, {"Authorization": f"Bearer {token}"})
    result = r.json()["data"]["uploadMedia"]
    assert result["__typename"] == "ValidationError" and result["fields"][0]["field"] == "file"


ATTACH = """
mutation($article: ID!, $media: ID!, $role: MediaRole!) {
  attachMedia(article: $article, media: $media, role: $role) {
    __typename
    ... on ArticleResult { article { cover { url alt } gallery { alt } } }
    ... on ValidationError { fields { field message } }
    ... on ForbiddenError { message }
  }
}"""

PUBLIC = """
query($slug: String!) {
  article(slug: $slug) {
    cover { url url320: url(width: 300) caption alt image { width height srcset } }
    gallery { url caption }
    videos { duration poster { url } sources { url type width height } }
    attachments { url title size pages thumbnail { url } }
  }
}"""


def test_media_attached_through_graphql_shows_in_the_public_article(
    ctx, web, token, tree, tmp_path
):
    article = content.create(
        ctx, SYSTEM, {"title": "Lễ hội đình", "unit_code": "14932", "summary": "", "body_html": ""}
    )
    photo = media.upload(
        ctx, editor(tree), "14932", png(tmp_path / "p.png"), "p.png", alt="Đình", caption="Lễ"
    )
    video = media.upload(ctx, editor(tree), "14932", mp4(tmp_path / "v.mp4"), "v.mp4")
    doc = media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "Kế hoạch.pdf")
    for asset, role in ((photo, "COVER"), (video, "VIDEO"), (doc, "ATTACHMENT")):
        body = _gql(web, ATTACH, token, article=article.uid, media=asset.uid, role=role)
        assert body["data"]["attachMedia"]["__typename"] == "ArticleResult", body
    assert "sig=" in body["data"]["attachMedia"]["article"]["cover"]["url"]
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    body = _gql(web, ATTACH, outsider, article=article.uid, media=photo.uid, role="GALLERY")
    assert body["data"]["attachMedia"]["__typename"] == "ForbiddenError"
    hidden = _gql(web, PUBLIC, path="/graphql", slug=article.slug)
    assert hidden.get("data") and hidden["data"]["article"] is None, hidden
    content.approve(ctx, SYSTEM, article.id)
    shown = _gql(web, PUBLIC, path="/graphql", slug=article.slug)["data"]["article"]
    cover = shown["cover"]
    assert cover["alt"] == "Đình" and cover["caption"] == "Lễ"
    assert cover["image"]["width"] == 64 and "sig=" not in cover["url"]
    assert web.get(cover["url"].removeprefix("http://loa.test")).status_code == 200
    assert web.get(cover["url320"].removeprefix("http://loa.test")).status_code == 200
    [clip] = shown["videos"]
    assert clip["duration"] > 0 and clip["sources"][0]["type"] == "video/mp4"
    assert web.get(clip["poster"]["url"].removeprefix("http://loa.test")).status_code == 200
    [attachment] = shown["attachments"]
    assert attachment["pages"] == 1 and attachment["title"] == "Kế hoạch"
    r = web.get(attachment["url"].removeprefix("http://loa.test"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"


def test_a_cover_given_by_url_still_works(ctx, web, tree):
    article = content.create(
        ctx,
        SYSTEM,
        {
            "title": "Tin cũ",
            "unit_code": "14932",
            "summary": "",
            "body_html": "",
            "cover_url": "https://example.org/a.jpg",
            "cover_caption": "Ảnh cũ",
        },
    )
    content.approve(ctx, SYSTEM, article.id)
    shown = _gql(web, PUBLIC, path="/graphql", slug=article.slug)["data"]["article"]
    assert shown["cover"]["url"] == "https://example.org/a.jpg"
    assert shown["cover"]["caption"] == "Ảnh cũ" and shown["cover"]["image"] is None


LIBRARY = """
query($unit: String!) {
  mediaLibrary(unit: $unit) { unit albums { id title images { url alt } videos { duration } } }
}"""

ALBUM = """
mutation($unit: String!, $title: String!) {
  createAlbum(unit: $unit, title: $title) { __typename ... on AlbumResult { album { id } } }
}"""

ADD = """
mutation($album: ID!, $media: ID!) {
  addToAlbum(album: $album, media: $media) {
    __typename ... on AlbumResult { album { images { alt } } }
  }
}"""


def test_the_public_media_library(ctx, web, token, tree, tmp_path):
    photo = media.upload(ctx, editor(tree), "14932", png(tmp_path / "p.png"), "p.png", alt="Chợ")
    album = _gql(web, ALBUM, token, unit="14932", title="Chợ phiên")["data"]["createAlbum"]
    album_id = album["album"]["id"]
    added = _gql(web, ADD, token, album=album_id, media=photo.uid)["data"]["addToAlbum"]
    assert added["album"]["images"] == [{"alt": "Chợ"}]
    library = _gql(web, LIBRARY, path="/graphql", unit="14932")["data"]["mediaLibrary"]
    [shown] = library["albums"]
    assert shown["title"] == "Chợ phiên" and shown["images"][0]["alt"] == "Chợ"
    assert web.get(shown["images"][0]["url"].removeprefix("http://loa.test")).status_code == 200
    unknown = _gql(web, LIBRARY, path="/graphql", unit="nowhere")
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


DELETE = """
mutation($id: ID!) {
  deleteMedia(id: $id) { __typename ... on TransitionError { message } ... on Deleted { id } }
}"""


def test_update_and_delete_through_graphql(ctx, web, token, tree, tmp_path):
    photo = media.upload(ctx, editor(tree), "14932", png(tmp_path / "p.png"), "p.png")
    body = _gql(
        web,
        'mutation($id: ID!) { updateMedia(id: $id, alt: "Cổng làng") { __typename '
        "... on MediaResult { media { alt } } } }",
        token,
        id=photo.uid,
    )
    assert body["data"]["updateMedia"]["media"]["alt"] == "Cổng làng"
    album = media.create_album(ctx, editor(tree), "14932", "A")
    media.add_to_album(ctx, editor(tree), album.id, photo.id)
    body = _gql(web, DELETE, token, id=photo.uid)
    assert body["data"]["deleteMedia"]["__typename"] == "TransitionError"
    media.remove_from_album(ctx, editor(tree), album.id, photo.id)
    body = _gql(web, DELETE, token, id=photo.uid)
    assert body["data"]["deleteMedia"] == {"__typename": "Deleted", "id": photo.uid}
    body = _gql(web, DELETE, token, id="nothing")
    assert body["data"]["deleteMedia"]["__typename"] == "NotFoundError"


def test_a_multipart_upload_may_pass_the_edge_limit_of_json_bodies(ctx, web, token, tmp_path):
    big = pdf(tmp_path / "big.pdf", "Ke hoach")
    with big.open("ab") as fh:  # 2 MB of trailing comment: over LOA_MAX_BODY_BYTES (1 MiB)
        fh.write(b"%" + b"0" * 2_000_000 + b"\n")
    operations = {
        "query": 'mutation($file: Upload!) { uploadMedia(file: $file, unit: "14932") '
        "{ __typename ... on MediaResult { media { kind document { pages } } } } }",
        "variables": {"file": None},
    }
    r = web.post(
        "/api/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("big.pdf", big.read_bytes(), "application/pdf")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["uploadMedia"]["media"]["kind"] == "document"


ITEMS = """
query($unit: String!, $kind: String) {
  mediaItems(unit: $unit, kind: $kind) { id kind alt image { url } document { pages } }
}"""


def test_editors_list_their_units_library_and_no_other(ctx, web, token, tree, tmp_path):
    photo = media.upload(ctx, editor(tree), "14932", png(tmp_path / "p.png"), "p.png", alt="A")
    doc = media.upload(ctx, editor(tree), "14932", pdf(tmp_path / "d.pdf"), "d.pdf")
    items = _gql(web, ITEMS, token, unit="14932")["data"]["mediaItems"]
    assert [i["id"] for i in items] == [doc.uid, photo.uid]
    assert "sig=" in items[1]["image"]["url"]
    only = _gql(web, ITEMS, token, unit="14932", kind="document")["data"]["mediaItems"]
    assert [i["id"] for i in only] == [doc.uid]
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    refused = _gql(web, ITEMS, outsider, unit="14932")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with ctx.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.forbidden"))
    assert entry is not None and entry.data["permission"] == "read_drafts"
    bad = _gql(web, ITEMS, token, unit="14932", kind="audio")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
