"""The pull side: feeds parse back, carry the items, keep Vietnamese intact.

Core's Context is stood in for by a tiny object with the two attributes the
handlers use, so these tests do not depend on the database.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from core import PluginContext
from plugins.portal.feeds import feed_routes

BASE = "https://loa.example.vn"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class FakeSettings:
    base_url: str = BASE


@dataclass
class FakeContext:
    items: dict[str, list[Any]]
    settings: FakeSettings = field(default_factory=FakeSettings)
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def published_items(
        self, unit_code: str | None, include_descendants: bool = True, limit: int = 50
    ) -> list[Any]:
        self.calls.append((unit_code, include_descendants, limit))
        if unit_code is None:
            return [i for items in self.items.values() for i in items][:limit]
        if unit_code not in self.items:
            raise LookupError(unit_code)
        return self.items[unit_code][:limit]

    def unit_name(self, code: str) -> str:
        raise LookupError(code)  # the name then comes from the items, as with an old core


@pytest.fixture
def feeds(serve, make_item):
    nfd_title = unicodedata.normalize("NFD", "Họp dân về đường liên xã")
    items = [
        make_item(
            uid="item-2",
            title=nfd_title,
            summary="Tóm tắt <b>không</b> phải HTML & vẫn an toàn\x0b",
            body_html='<p>Nội dung <a href="/x">liên kết</a></p><script>alert(1)</script>',
            url="/tin/hop-dan",
            published_at=dt.datetime(2025, 7, 2, 1, 0),
            updated_at=dt.datetime(2025, 7, 2, 1, 5),
            category="Thông báo",
        ),
        make_item(),
    ]
    ctx = FakeContext(items={"10105": items, "99999": []})
    app = Starlette(routes=feed_routes(PluginContext(ctx.settings, ctx, emit=lambda *a: None)))
    server = serve(app)
    return server, ctx


def _get(server, path: str, **kw) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", **kw)


def test_rss(feeds):
    server, ctx = feeds
    r = _get(server, "/feeds/10105/rss.xml")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(r.content).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Tin tức — Xã Tân Lập"
    items = channel.findall("item")
    assert len(items) == 2
    first = items[0]
    assert first.findtext("title") == unicodedata.normalize("NFC", "Họp dân về đường liên xã")
    assert first.findtext("link") == f"{BASE}/tin/hop-dan"
    assert first.findtext("guid") == "item-2"
    assert first.find("guid").get("isPermaLink") == "false"
    assert parsedate_to_datetime(first.findtext("pubDate")) == dt.datetime(
        2025, 7, 2, 1, 0, tzinfo=dt.UTC
    )
    assert first.findtext("pubDate").endswith("GMT")
    # Readers render <description> as HTML: the plain text arrives HTML-escaped, shown as typed.
    assert first.findtext("description") == (
        "Tóm tắt &lt;b&gt;không&lt;/b&gt; phải HTML &amp; vẫn an toàn"
    )
    assert first.findtext(CONTENT).startswith("<p>Nội dung")
    assert first.findtext("category") == "Thông báo"
    assert items[1].findtext("link") == "https://loa.example.vn/tin/thong-bao-lich-tiem-chung"
    assert b"<script>" not in r.content  # escaped as text
    assert ctx.calls[-1] == ("10105", True, 50)


def test_atom(feeds):
    server, _ = feeds
    r = _get(server, "/feeds/10105/atom.xml")
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{BASE}/feeds/10105/atom.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    e = entries[0]
    assert e.findtext(f"{ATOM}id") == "tag:loa.example.vn,2025:loa/item-2"
    assert e.find(f"{ATOM}link").get("href") == f"{BASE}/tin/hop-dan"
    for tag in ("published", "updated"):
        value = e.findtext(f"{ATOM}{tag}")
        assert value.endswith("Z")
        assert dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    assert e.findtext(f"{ATOM}updated") == "2025-07-02T01:05:00Z"
    content = e.find(f"{ATOM}content")
    assert content.get("type") == "html" and "<script>" not in content.text  # sanitised again
    assert e.find(f"{ATOM}category").get("term") == "Thông báo"
    assert feed.findtext(f"{ATOM}updated") == "2025-07-02T01:05:00Z"


def test_json_feed(feeds):
    server, _ = feeds
    r = _get(server, "/feeds/10105/feed.json")
    assert r.headers["content-type"] == "application/feed+json; charset=utf-8"
    doc = json.loads(r.content.decode("utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == f"{BASE}/feeds/10105/feed.json"
    first = doc["items"][0]
    assert first["id"] == "item-2" and first["url"] == f"{BASE}/tin/hop-dan"
    assert first["title"] == unicodedata.normalize("NFC", "Họp dân về đường liên xã")
    assert first["date_published"] == "2025-07-02T01:00:00Z"
    assert first["tags"] == ["Thông báo"]
    assert doc["items"][1]["image"] == "https://loa.example.vn/media/cover.jpg"
    assert "Họp dân".encode() in r.content  # UTF-8, not \\u escapes


def test_sitemap(feeds):
    server, ctx = feeds
    r = _get(server, "/sitemap.xml")
    urlset = ET.fromstring(r.content)
    locs = [u.findtext(f"{SM}loc") for u in urlset.findall(f"{SM}url")]
    assert locs == [f"{BASE}/tin/hop-dan", "https://loa.example.vn/tin/thong-bao-lich-tiem-chung"]
    assert urlset.find(f"{SM}url").findtext(f"{SM}lastmod") == "2025-07-02T01:05:00Z"
    assert ctx.calls[-1][0] is None


def test_empty_feed_is_still_valid(feeds):
    server, _ = feeds
    for kind in ("rss.xml", "atom.xml"):
        ET.fromstring(_get(server, f"/feeds/99999/{kind}").content)
    assert json.loads(_get(server, "/feeds/99999/feed.json").content)["items"] == []


def test_unknown_unit_or_format_is_404(feeds):
    server, _ = feeds
    assert _get(server, "/feeds/00000/rss.xml").status_code == 404
    assert _get(server, "/feeds/10105/feed.yaml").status_code == 404
    assert _get(server, "/feeds/%3Cx%3E/rss.xml").status_code == 404


def test_etag_gives_304(feeds):
    server, _ = feeds
    first = _get(server, "/feeds/10105/atom.xml")
    etag = first.headers["etag"]
    again = _get(server, "/feeds/10105/atom.xml", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
