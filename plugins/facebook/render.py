"""An item as a Facebook Page post: its message, link, media and first comment.

The message is plain text (Facebook shows no HTML), NFC, and names the source, author,
agency and website (S4.6). Media: photos (the cover, then the gallery, at most 10) are
uploaded unpublished and attached to one post; a video is uploaded by the Resumable Upload
API and published with the message as its description; with neither, the item's URL is the
post's link. When the item quotes a source (S1.4), a first comment carries the source and
the canonical link.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import nh3

from core import (
    ContentRefused,
    Item,
    MediaAccepts,
    MediaFile,
    MediaRule,
    Preview,
)
from plugins.facebook.audience import compile_audience

MAX_MESSAGE = 63_206
MAX_PHOTOS = 10
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
PHOTO = MediaRule(types=PHOTO_TYPES, max_bytes=4_000_000)
VIDEO = MediaRule(types=frozenset({"video/mp4"}), max_bytes=1_000_000_000, max_count=1)
MEDIA = MediaAccepts(
    cover=PHOTO,
    gallery=MediaRule(types=PHOTO_TYPES, max_bytes=4_000_000, max_count=MAX_PHOTOS - 1),
    video=VIDEO,
    attachment=MediaRule(max_count=0),
)
_BREAKS = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/h[1-6]|/tr)\s*>")
_BLANK = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\xa0]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def plain(body_html: str) -> str:
    """What a reader sees of the body: tags dropped, one blank line between blocks."""
    marked = _BREAKS.sub("\n\n", body_html or "")
    text = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags={"script", "style"}))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK.sub("\n\n", "\n".join(lines)).strip()


def attribution(item: Item) -> str:
    parts = [f"Nguồn: {nfc(item.source)}" if item.source else ""]
    byline = " · ".join(p for p in (nfc(item.author), nfc(item.agency)) if p)
    if byline:
        parts.append(byline)
    if item.url:
        parts.append(item.url)
    return "\n".join(p for p in parts if p)


def message_of(item: Item) -> str:
    blocks = [nfc(item.title), nfc(item.summary), nfc(plain(item.body_html)), attribution(item)]
    return "\n\n".join(b for b in blocks if b)


def build(
    item: Item, *, first_comment: bool, region_keys: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], tuple[MediaFile, ...], Preview]:
    message = message_of(item)
    if len(message) > MAX_MESSAGE:
        raise ContentRefused(
            f"Bài dài {len(message)} ký tự, Facebook nhận tối đa {MAX_MESSAGE}"
            f" (the post is {len(message)} characters; Facebook takes at most {MAX_MESSAGE})."
        )
    videos = item.media_in("video")
    photos = (*item.media_in("cover"), *item.media_in("gallery"))[:MAX_PHOTOS]
    files: tuple[MediaFile, ...] = ()
    kind = "text"
    if videos:
        chosen = videos[0].choose(VIDEO)
        if chosen is not None:
            kind, files = "video", (MediaFile(videos[0], chosen),)
    if kind == "text" and photos:
        picked = [(m, m.choose(PHOTO)) for m in photos]
        files = tuple(MediaFile(m, r) for m, r in picked if r is not None)
        kind = "photos" if files else "text"
    audience = compile_audience(item.audience, item.unit_code, region_keys)
    notes = list(audience.notes)
    if kind == "video" and photos:
        notes.append("Bài có video: ảnh không được đăng kèm (a video post carries no photos).")
    comment = None
    if first_comment and item.source and item.url:
        comment = nfc(f"Nguồn: {item.source}\nXem bài gốc: {item.url}")
    payload = {
        "kind": kind,
        "title": nfc(item.title),
        "message": message,
        "link": item.url if kind == "text" and item.url else "",
        "targeting": audience.targeting,
        "feed_targeting": audience.feed_targeting,
        "visible_from": item.audience.visible_from.isoformat()
        if item.audience.visible_from
        else None,
        "first_comment": comment,
    }
    preview = Preview(
        html="".join(f"<p>{html.escape(p)}</p>" for p in message.split("\n\n"))
        + (f"<p><em>{html.escape(comment)}</em></p>" if comment else ""),
        fields={"message": message, "link": str(payload["link"]), "first_comment": comment or ""},
        notes=tuple(notes),
    )
    return payload, files, preview
