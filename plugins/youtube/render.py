"""An item as a YouTube video resource: title and description within YouTube's limits,
privacy and ``publishAt``, the video rendition to upload and the cover as its thumbnail.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from core import ContentRefused, Item, MediaFile, MediaRule, Preview, Rendered, Target
from plugins.youtube.limits import (
    MAX_DESCRIPTION_BYTES,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    NEWS_CATEGORY,
)

VIDEO_TYPES = frozenset(
    {"video/mp4", "video/quicktime", "video/webm", "video/x-msvideo", "video/mpeg", "video/3gpp"}
)
THUMBNAIL_TYPES = frozenset({"image/jpeg", "image/png"})
#: Channels that have not verified a phone number upload at most 15 minutes.
UNVERIFIED_MAX_SECONDS = 15 * 60
#: Scheduling needs a margin: a publishAt must still be in the future when the upload ends.
SCHEDULE_MARGIN = dt.timedelta(minutes=15)
_TAG = re.compile(r"<[^>]*>")
NO_AUDIENCE_NOTE = (
    "YouTube không nhắm được đối tượng theo tuổi, giới tính hay địa bàn, và API không tắt được "
    "bình luận: video hiển thị cho mọi người (YouTube cannot target by age, gender or area and "
    "its API cannot switch comments off: the video is shown to everyone)"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(text: str) -> str:
    """YouTube refuses ``<`` and ``>`` in titles and descriptions: typographic angles instead."""
    return text.replace("<", "‹").replace(">", "›")


def _plain(body_html: str) -> str:
    text = re.sub(r"</(p|div|li|h\d)>|<br\s*/?>", "\n", body_html, flags=re.I)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _cut_bytes(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, cut at a character, ending with an ellipsis when cut."""
    if len(text.encode()) <= limit:
        return text
    raw = text.encode()[: limit - len("…".encode())]
    return raw.decode("utf-8", "ignore").rstrip() + "…"


def description(item: Item) -> tuple[str, bool]:
    """Summary, body text and the item's link, within 5,000 bytes; whether it was cut."""
    link = f"\n\n{item.url}" if item.url else ""
    parts = [nfc(item.summary), _plain(nfc(item.body_html))]
    text = _clean("\n\n".join(p for p in parts if p))
    cut = _cut_bytes(text, MAX_DESCRIPTION_BYTES - len(link.encode()))
    return cut + link, cut != text


def tags(item: Item, marker: str = "") -> list[str]:
    found = [t for t in (_clean(nfc(item.category)), _clean(nfc(item.agency))) if t]
    found = [t[:100] for t in dict.fromkeys(found)]
    if marker:
        found.append(marker)
    while sum(len(t) for t in found) + len(found) > MAX_TAGS_CHARS:
        found.pop(0)
    return found


def status(item: Item, settings: Mapping[str, Any], now: dt.datetime) -> dict[str, Any]:
    privacy = str(settings.get("privacy", "public"))
    doc: dict[str, Any] = {"privacyStatus": privacy, "selfDeclaredMadeForKids": False}
    start = item.audience.visible_from
    if start is not None and start > now + SCHEDULE_MARGIN and privacy == "public":
        doc = {
            **doc,
            "privacyStatus": "private",
            "publishAt": start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    return doc


def render_item(
    item: Item, target: Target, video_rule: MediaRule, cover_rule: MediaRule
) -> Rendered:
    videos = item.media_in("video")
    if not videos:
        raise ContentRefused("YouTube cần một video (YouTube needs a video)")
    video = videos[0]
    chosen = video.choose(video_rule)
    if chosen is None:
        raise ContentRefused(
            f"không có bản video nào YouTube nhận (no rendition of {video.uid} fits)"
        )
    verified = bool(target.settings.get("verified", False))
    if not verified and (video.duration or 0) > UNVERIFIED_MAX_SECONDS:
        raise ContentRefused(
            "kênh chưa xác minh chỉ đăng được video tối đa 15 phút "
            "(an unverified channel uploads videos of at most 15 minutes)"
        )
    files = [MediaFile(video, chosen)]
    covers = item.media_in("cover")
    thumb = covers[0].choose(cover_rule) if covers else None
    if covers and thumb is not None:
        files.append(MediaFile(covers[0], thumb))
    notes: list[str] = [NO_AUDIENCE_NOTE]
    title = _clean(nfc(item.title).strip())
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
        notes.append("tiêu đề bị cắt còn 100 ký tự (title cut to 100 characters)")
    desc, cut = description(item)
    if cut:
        notes.append("mô tả bị cắt còn 5.000 byte (description cut to 5,000 bytes)")
    if any(c in f"{item.title}{item.summary}{_plain(item.body_html)}" for c in "<>"):
        notes.append("dấu < > được thay bằng ‹ › (angle brackets replaced)")
    resource = {
        "snippet": {
            "title": title,
            "description": desc,
            "tags": tags(item),
            "categoryId": str(target.settings.get("category_id", NEWS_CATEGORY)),
            "defaultLanguage": "vi",
        },
        "status": status(item, target.settings, dt.datetime.now(dt.UTC)),
    }
    payload = {
        "part": "snippet,status",
        "resource": resource,
        "video": {
            "uid": video.uid,
            "rendition": chosen.name,
            "size": chosen.size,
            "type": chosen.content_type,
        },
        "thumbnail": {"uid": covers[0].uid, "rendition": thumb.name} if covers and thumb else None,
    }
    when = resource["status"].get("publishAt")
    if when:
        notes.append(f"lên lịch công khai lúc {when} (scheduled to go public at {when})")
    preview = Preview(
        html=(
            f"<figure><figcaption><strong>{html.escape(title)}</strong></figcaption>"
            f"<p>{html.escape(desc).replace(chr(10), '<br>')}</p></figure>"
        ),
        fields={
            "title": title,
            "description": desc,
            "privacy": resource["status"]["privacyStatus"],
        },
        notes=tuple(notes),
    )
    return Rendered(payload=payload, text=f"{title}\n\n{desc}", preview=preview, files=tuple(files))
