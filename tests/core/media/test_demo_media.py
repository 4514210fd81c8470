"""`loa demo` seeds real media (photos, a video, a PDF, an album): in GraphQL and feeds."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlalchemy import func, select

from core.demo import seed
from core.media.models import MediaAsset, MediaKind, MediaUse

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"

ARTICLES = """
query {
  articles(unit: "14932", first: 10) {
    edges {
      node {
        slug
        cover { url srcset alt caption image { width height } }
        gallery { url alt }
        videos { duration poster { url } }
        attachments { url pages }
      }
    }
  }
}"""

LIBRARY = """
query { mediaLibrary(unit: "14932") { albums { title images { url alt } videos { duration } } } }
"""


def _gql(web: Any, query: str) -> dict[str, Any]:
    body = web.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def seeded(ctx, web, tree) -> Any:
    report = seed(ctx, photo_size=(480, 270))
    assert report == {"articles": 30, "notes": 0}
    return web


def test_the_demo_has_library_covers_and_an_album_in_the_public_graphql(ctx, seeded):
    with ctx.sessions() as session:
        kinds = dict(
            session.execute(select(MediaAsset.kind, func.count()).group_by(MediaAsset.kind)).all()
        )
        covers = session.scalar(select(func.count()).where(MediaUse.role == "cover"))
    # 4 photos per commune, and the demo commune's two banners (core.demo_gov)
    assert kinds == {MediaKind.IMAGE: 14, MediaKind.VIDEO: 3, MediaKind.DOCUMENT: 3}
    assert covers == 30
    nodes = [e["node"] for e in _gql(seeded, ARTICLES)["articles"]["edges"]]
    assert len(nodes) == 10
    for node in nodes:
        cover = node["cover"]
        assert cover["alt"] and cover["caption"], node
        assert ".webp 320w" in cover["srcset"] and cover["image"]["width"] == 480
        r = seeded.get(cover["url"].removeprefix("http://loa.test"))
        assert r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff"  # a JPEG
    assert any(n["gallery"] for n in nodes)
    assert any(n["attachments"] and n["attachments"][0]["pages"] == 1 for n in nodes)
    assert any(n["videos"] and n["videos"][0]["duration"] > 2 for n in nodes)
    [album] = _gql(seeded, LIBRARY)["mediaLibrary"]["albums"]
    assert album["title"] == "Hình ảnh quê hương"
    assert len(album["images"]) == 4 and all(i["alt"] for i in album["images"])
    assert len(album["videos"]) == 1


def test_the_demo_feeds_enclose_the_cover_image_and_a_rerun_adds_no_media(ctx, seeded):
    rss = ET.fromstring(seeded.get("/feeds/14932/rss.xml").content)
    items = rss.findall("channel/item")
    assert items
    for item in items:
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.get("type") == "image/jpeg"
        url = enclosure.get("url")
        r = seeded.get(url.removeprefix("http://loa.test"))
        assert r.status_code == 200 and int(enclosure.get("length")) == len(r.content)
        media = item.find(f"{MEDIA}content")
        assert media.get("url") == url and media.get("medium") == "image"
        assert media.findtext(f"{MEDIA}description")
    atom = ET.fromstring(seeded.get("/feeds/14932/atom.xml").content)
    for entry in atom.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='enclosure']")
        assert link is not None and link.get("type") == "image/jpeg" and int(link.get("length"))
    feed = json.loads(seeded.get("/feeds/14932/feed.json").content)
    assert all(i["image"].startswith("http://loa.test/media/sha256/") for i in feed["items"])
    with ctx.sessions() as session:
        before = session.scalar(select(func.count()).select_from(MediaAsset))
    assert seed(ctx)["articles"] == 0
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MediaAsset)) == before


def test_without_ffmpeg_the_demo_says_so_and_has_no_video(ctx, library, tree, monkeypatch, caplog):
    monkeypatch.setattr("core.demo_media.FFMPEG", "no-such-ffmpeg-here")
    with caplog.at_level("WARNING", logger="loa.demo"):
        report = seed(ctx, photo_size=(320, 180))
    assert report == {"articles": 30, "notes": 1}
    assert "ffmpeg is not installed: the demo has no video" in caplog.text
    with ctx.sessions() as session:
        kinds = set(session.scalars(select(MediaAsset.kind).order_by(MediaAsset.id)))
        covers = session.scalar(select(func.count()).where(MediaUse.role == "cover"))
    assert kinds == {MediaKind.IMAGE, MediaKind.DOCUMENT} and covers == 30
