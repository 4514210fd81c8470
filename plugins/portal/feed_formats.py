"""RSS 2.0, Atom (RFC 4287), JSON Feed 1.1 and sitemap documents from core Items.

Built with ``xml.etree`` and ``json`` rather than by string formatting, so that
escaping is never forgotten; text is NFC and stripped of characters XML 1.0
cannot carry, because one stray control character makes a whole feed
unparseable for every portal importer that reads it.

Plain text stays plain text in every format, because readers render some elements as HTML:

* RSS 2.0 has no content types, and readers treat ``<title>`` and ``<description>`` (and in
  practice every text element) as HTML. Plain text is HTML-escaped inside them, so after
  the XML layer is decoded what a reader renders is text (``&lt;img…`` shows as ``<img…``);
* Atom says so explicitly: ``type="text"`` for titles and summaries;
* JSON Feed's ``title`` and ``summary`` are plain text by its specification.

HTML fields (RSS ``content:encoded``, Atom ``content``, JSON Feed ``content_html``) carry the
body sanitised again here (core's nh3 allowlist): it was sanitised when saved, and a feed is
the wrong place to trust that every path that wrote the row did so.

A cover image from the media library travels as the file itself, so readers and portals
need not scrape the page: an RSS ``enclosure`` (and Media RSS ``media:content`` with its
size and alt text), an Atom ``link rel="enclosure"`` and JSON Feed's ``image``, all naming
its public JPEG rendition (:class:`core.ItemImage`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from core import Item, ItemImage, sanitise_html
from plugins.portal.dates import rfc822, rfc3339, utc

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"

ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("content", CONTENT_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("media", MEDIA_NS)

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """NFC, without characters that XML 1.0 forbids."""
    return _NOT_XML.sub("", unicodedata.normalize("NFC", text))


def html_text(text: str) -> str:
    """Plain text as the HTML that renders as exactly that text (for RSS elements)."""
    return html.escape(clean(text), quote=False)


def safe_html(body: str) -> str:
    """The body HTML, sanitised with the allowlist it was saved under (no script, no handler)."""
    return sanitise_html(clean(body))


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    base_url: str
    unit_code: str
    unit_name: str
    self_url: str

    @property
    def title(self) -> str:
        return clean(f"Tin tức — {self.unit_name}")

    @property
    def description(self) -> str:
        return clean(f"Tin tức, thông báo của {self.unit_name} (mã {self.unit_code})")


def absolute(base_url: str, url: str) -> str:
    """Feed readers resolve nothing: every link must be absolute."""
    return url if urlsplit(url).scheme in ("http", "https") else urljoin(base_url + "/", url)


def _date(item: Item) -> dt.datetime:
    return utc(item.published_at or item.updated_at)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        el.text = clean(text)
    return el


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _default_ns_root(tag: str, namespace: str, **attrs: str) -> ET.Element:
    """A root whose children are unprefixed: ``<feed xmlns="…Atom">``, as readers expect.

    ElementTree's ``default_namespace`` refuses unqualified attributes (``href``),
    so the declaration is written as a plain attribute and tags stay local.
    """
    return ET.Element(tag, {"xmlns": namespace, **attrs})


def _updated(items: Sequence[Item]) -> dt.datetime:
    return max((utc(i.updated_at) for i in items), default=dt.datetime.now(dt.UTC))


def rss(info: FeedInfo, items: Sequence[Item]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", html_text(info.title))
    _sub(channel, "link", info.base_url + "/")
    _sub(channel, "description", html_text(info.description))
    _sub(channel, "language", "vi")
    _sub(channel, "lastBuildDate", rfc822(_updated(items)))
    _sub(channel, "generator", "Loa")
    _sub(channel, f"{{{ATOM_NS}}}link", href=info.self_url, rel="self", type="application/rss+xml")
    for item in items:
        entry = _sub(channel, "item")
        _sub(entry, "title", html_text(item.title))
        _sub(entry, "link", absolute(info.base_url, item.url))
        _sub(entry, "description", html_text(item.summary))
        _sub(entry, f"{{{CONTENT_NS}}}encoded", safe_html(item.body_html))
        _sub(entry, "guid", item.uid, isPermaLink="false")
        _sub(entry, "pubDate", rfc822(_date(item)))
        if item.category:
            _sub(entry, "category", html_text(item.category))
        if item.author or item.agency:
            _sub(entry, f"{{{DC_NS}}}creator", html_text(item.author or item.agency))
        if item.cover_image:
            _rss_cover(entry, info, item.cover_image)
    return _xml(root)


def _rss_cover(entry: ET.Element, info: FeedInfo, image: ItemImage) -> None:
    url = absolute(info.base_url, image.url)
    _sub(entry, "enclosure", url=url, length=str(image.size), type=image.content_type)
    sizes = {k: str(v) for k, v in (("width", image.width), ("height", image.height)) if v}
    media = _sub(
        entry,
        f"{{{MEDIA_NS}}}content",
        url=url,
        type=image.content_type,
        medium="image",
        fileSize=str(image.size),
        **sizes,
    )
    if image.alt:
        _sub(media, f"{{{MEDIA_NS}}}description", image.alt, type="plain")


def _tag_uri(info: FeedInfo, uid: str) -> str:
    """A permanent entry id (RFC 4151 tag URI) that survives a change of URL."""
    host = urlsplit(info.base_url).hostname or "localhost"
    return f"tag:{host},2025:loa/{uid}"


def atom(info: FeedInfo, items: Sequence[Item]) -> bytes:
    root = _default_ns_root("feed", ATOM_NS, **{"xml:lang": "vi"})
    a = _sub

    a(root, "id", _tag_uri(info, f"feed/{info.unit_code}"))
    a(root, "title", info.title, type="text")
    a(root, "subtitle", info.description, type="text")
    a(root, "updated", rfc3339(_updated(items)))
    a(root, "link", href=info.self_url, rel="self", type="application/atom+xml")
    a(root, "link", href=info.base_url + "/", rel="alternate", type="text/html")
    a(a(root, "author"), "name", info.unit_name)
    a(root, "generator", "Loa")
    for item in items:
        entry = a(root, "entry")
        a(entry, "id", _tag_uri(info, item.uid))
        a(entry, "title", item.title, type="text")
        a(entry, "link", href=absolute(info.base_url, item.url), rel="alternate")
        a(entry, "published", rfc3339(_date(item)))
        a(entry, "updated", rfc3339(item.updated_at))
        if item.author or item.agency:
            a(a(entry, "author"), "name", item.author or item.agency)
        if item.category:
            a(entry, "category", term=item.category)
        if item.cover_image:
            a(
                entry,
                "link",
                href=absolute(info.base_url, item.cover_image.url),
                rel="enclosure",
                type=item.cover_image.content_type,
                length=str(item.cover_image.size),
            )
        a(entry, "summary", item.summary, type="text")
        a(entry, "content", safe_html(item.body_html), type="html")
    return _xml(root)


def json_feed(info: FeedInfo, items: Sequence[Item]) -> bytes:
    doc: dict[str, Any] = {
        "version": JSONFEED_VERSION,
        "title": info.title,
        "home_page_url": info.base_url + "/",
        "feed_url": info.self_url,
        "description": info.description,
        "language": "vi",
        "authors": [{"name": clean(info.unit_name)}],
        "items": [],
    }
    for item in items:
        entry: dict[str, Any] = {
            "id": item.uid,
            "url": absolute(info.base_url, item.url),
            "title": clean(item.title),
            "summary": clean(item.summary),
            "content_html": safe_html(item.body_html),
            "date_published": rfc3339(_date(item)),
            "date_modified": rfc3339(item.updated_at),
        }
        if item.cover_image:
            entry["image"] = absolute(info.base_url, item.cover_image.url)
        elif item.cover_url:
            entry["image"] = absolute(info.base_url, item.cover_url)
        if item.author or item.agency:
            entry["authors"] = [{"name": clean(item.author or item.agency)}]
        if item.category:
            entry["tags"] = [clean(item.category)]
        doc["items"].append(entry)
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def sitemap(base_url: str, items: Sequence[Item]) -> bytes:
    root = _default_ns_root("urlset", SITEMAP_NS)
    for item in items:
        url = _sub(root, "url")
        _sub(url, "loc", absolute(base_url, item.url))
        _sub(url, "lastmod", rfc3339(item.updated_at))
    return _xml(root)
