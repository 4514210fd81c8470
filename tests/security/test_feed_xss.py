"""Hostile text through every feed format: what a reader renders as HTML carries no markup.

Reliability issue 9, item 9: RSS ``<title>`` and ``<description>`` carried plain text only
XML-escaped, so readers (which decode the XML, then render those elements as HTML) rendered
``<img src=x onerror=…>`` as markup. Each payload below goes in as an item's title, summary,
category, author and body; each feed is parsed as XML, the text a reader treats as HTML is
run through an HTML parser, and no element, attribute, comment or script may come through —
and plain-text fields must render as exactly the text that was written.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from core import Item
from plugins.portal.feed_formats import FeedInfo, atom, clean, json_feed, rss

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}creator"

#: The classics of OWASP's XSS filter evasion cheat sheet, and relatives.
CLASSICS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=javascript:alert(&quot;XSS&quot;)>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<SCRIPT/SRC="https://xss.example/xss.js"></SCRIPT>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=https://xss.example/xss.js?< B >",
    "<SCRIPT SRC=//xss.example/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=https://xss.example/scriptlet.html <",
    "\\\";alert('XSS');//",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<IMG LOWSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<BR SIZE=\"&{alert('XSS')}\">",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="Link" Content="<https://xss.example/xss.css>; REL=stylesheet">',
    '<STYLE>BODY{-moz-binding:url("https://xss.example/xssmoz.xml#xss")}</STYLE>',
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<STYLE TYPE=\"text/javascript\">alert('XSS');</STYLE>",
    "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>",
    '<STYLE type="text/css">BODY{background:url("javascript:alert(\'XSS\')")}</STYLE>',
    '<XSS STYLE="behavior: url(xss.htc);">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIw'
    'MDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv">',
    '<SCRIPT a=">" SRC="https://xss.example/xss.js"></SCRIPT>',
    '<SCRIPT =">" SRC="https://xss.example/xss.js"></SCRIPT>',
    '<SCRIPT "a=\'>\'" SRC="https://xss.example/xss.js"></SCRIPT>',
    '<A HREF="http://0x42.0x0000066.0x7.0x93/">XSS</A>',
    "<A HREF=\"javascript:document.location='https://xss.example/'\">XSS</A>",
    "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script><![CDATA[",
    '<?xml-stylesheet href="javascript:alert(1)"?>',
    "<!DOCTYPE html><html><body onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)">',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<object data="javascript:alert(1)">',
    "<form action=javascript:alert(1)><input type=submit>",
    "<isindex action=javascript:alert(1) type=image>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>x</text></a></svg>',
    "Tom & Jerry < Đà Nẵng > Huế \"quote\" 'apos'",
    "<img src=x onerror=\u2028alert(1)>",
    "<scr\x00ipt>alert(1)</script>",
    "\ufeff<script>alert(1)</script>",
    "Thông báo <b>khẩn</b> về dịch bệnh",
]
TAGS = ["img", "svg", "body", "video", "iframe", "input", "details", "select", "textarea"]
HANDLERS = ["onerror", "onload", "onfocus", "onmouseover", "ontoggle", "onanimationstart"]
#: Tag × handler pairs, in every form filters miss (case, slash, no quotes).
GENERATED = [
    form
    for tag, handler in zip(TAGS * 2, HANDLERS * 3, strict=False)
    for form in (
        f"<{tag} src=x {handler}=alert(1)>",
        f"<{tag.upper()}/{handler.upper()}=alert`1`>",
    )
]
PAYLOADS = CLASSICS + GENERATED

#: Elements a sanitised body must never hold, and URL schemes its links must not use.
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math",
    "form", "input", "base", "meta", "link", "body", "html", "template", "noscript",
    "bgsound", "isindex", "xss", "video", "audio", "source", "details", "marquee", "select",
    "textarea",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Render(HTMLParser):
    """What an HTML renderer makes of a string: its elements, attributes, and visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append((f"/{tag}", []))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"decl {decl}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"pi {data}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"decl {data}")


def plain(text: str) -> str:
    """The plain text the feed must show: NFC, without what XML 1.0 cannot carry."""
    return clean(text)


def assert_renders_as_text(markup: str | None, written: str, where: str) -> None:
    """Rendered as HTML, ``markup`` is exactly the plain text written: no markup at all."""
    assert markup is not None, where
    rendered = Render(markup)
    assert rendered.tags == [] and rendered.other == [], (where, written, rendered.tags)
    assert "".join(rendered.text) == plain(written), (where, written)


def assert_safe_html(markup: str | None, where: str) -> None:
    rendered = Render(markup or "")
    for tag, attrs in rendered.tags:
        assert tag.lstrip("/") not in FORBIDDEN_TAGS, (where, tag)
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", (where, tag, name)
            squeezed = "".join((value or "").split()).lower()
            assert not squeezed.startswith(BAD_SCHEMES), (where, tag, name, value)
    assert not [o for o in rendered.other if not o.startswith("comment")], (where, rendered.other)


def hostile_items() -> list[Item]:
    at = dt.datetime(2026, 7, 1, 2, 30, tzinfo=dt.UTC)
    return [
        Item(
            uid=f"item-{n}",
            slug=f"item-{n}",
            title=payload,
            summary=f"Tóm tắt: {payload}",
            body_html=f"<p>Nội dung</p>{payload}",
            url=f"/tin/item-{n}",
            cover_url="",
            cover_caption="",
            source="",
            author=payload,
            agency="",
            category=payload,
            unit_code="38",
            unit_name="Thanh Hóa",
            revision=1,
            published_at=at,
            updated_at=at,
        )
        for n, payload in enumerate(PAYLOADS)
    ]


INFO = FeedInfo(
    base_url="https://loa.example.vn",
    unit_code="38",
    unit_name="Tỉnh <b onmouseover=alert(1)>Thanh Hóa</b>",
    self_url="https://loa.example.vn/feeds/38/rss.xml",
)


def test_the_payload_list_is_the_size_the_issue_counted() -> None:
    assert len(PAYLOADS) >= 113
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_rss_plain_text_renders_as_text_and_html_is_sanitised() -> None:
    items = hostile_items()
    channel = ET.fromstring(rss(INFO, items)).find("channel")
    assert channel is not None
    assert_renders_as_text(channel.findtext("title"), INFO.title, "channel title")
    assert_renders_as_text(channel.findtext("description"), INFO.description, "channel")
    entries = channel.findall("item")
    assert len(entries) == len(items)
    for item, entry in zip(items, entries, strict=True):
        # Readers decode the XML, then render these elements as HTML.
        assert_renders_as_text(entry.findtext("title"), item.title, "title")
        assert_renders_as_text(entry.findtext("description"), item.summary, "description")
        assert_renders_as_text(entry.findtext("category"), item.category, "category")
        assert_renders_as_text(entry.findtext(DC), item.author, "dc:creator")
        assert_safe_html(entry.findtext(CONTENT), "content:encoded")


def test_atom_marks_plain_text_as_text_and_sanitises_html() -> None:
    items = hostile_items()
    feed = ET.fromstring(atom(INFO, items))
    for tag in ("title", "subtitle"):
        element = feed.find(f"{ATOM}{tag}")
        assert element is not None and element.get("type") == "text", tag
    entries = feed.findall(f"{ATOM}entry")
    for item, entry in zip(items, entries, strict=True):
        for tag, written in (("title", item.title), ("summary", item.summary)):
            element = entry.find(f"{ATOM}{tag}")
            assert element is not None and element.get("type") == "text", tag
            assert element.text == plain(written)  # a reader shows text="text" as is
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert_safe_html(content.text, "atom content")


def test_json_feed_keeps_text_plain_and_html_sanitised() -> None:
    items = hostile_items()
    doc = json.loads(json_feed(INFO, items))
    for item, entry in zip(items, doc["items"], strict=True):
        assert entry["title"] == plain(item.title)  # plain text by the JSON Feed spec
        assert entry["summary"] == plain(item.summary)
        assert_safe_html(entry["content_html"], "content_html")


@pytest.mark.parametrize("payload", ["<b>đậm</b> & <i>nghiêng</i>", "Tom & Jerry"])
def test_safe_markup_in_a_body_survives(payload: str) -> None:
    """Sanitising is not stripping: an editor's bold and italics still reach the portal."""
    item = hostile_items()[0]
    entry = json.loads(json_feed(INFO, [Item(**{**item.__dict__, "body_html": payload})]))
    assert (
        unicodedata.normalize("NFC", payload).replace("&", "&amp;")
        == entry["items"][0]["content_html"]
    )


def _iter_reader_html(feed: bytes) -> Iterator[str]:
    channel = ET.fromstring(feed).find("channel")
    assert channel is not None
    for entry in channel.findall("item"):
        yield entry.findtext("description") or ""


def test_no_payload_reaches_an_rss_reader_as_markup() -> None:
    """The issue's count: how many of the payloads a reader would render as markup (was all)."""
    unsafe = [html for html in _iter_reader_html(rss(INFO, hostile_items())) if Render(html).tags]
    assert unsafe == []
