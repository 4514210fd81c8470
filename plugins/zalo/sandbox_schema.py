"""The sandbox's strict checks of article and broadcast bodies, as Zalo refuses them (-201/-210).

Lengths are counted in NFC characters; unknown fields are refused (a lenient fake hides bugs).
"""

from __future__ import annotations

import unicodedata
from typing import Any

TITLE_MAX, AUTHOR_MAX, DESCRIPTION_MAX = 150, 50, 300
#: Body limits of this sandbox (CONTRACT.md §3: assumed, not published by Zalo).
BODY_BLOCKS_MAX, TEXT_BLOCK_MAX = 100, 10_000
ARTICLE_FIELDS = frozenset(
    {
        "type",
        "title",
        "author",
        "description",
        "cover",
        "body",
        "related_medias",
        "tracking_link",
        "status",
        "comment",
    }
)
REQUIRED = ("type", "title", "author", "description", "cover", "body")
COVER_FIELDS = {
    "photo": {"cover_type", "photo_url", "status"},
    "video": {"cover_type", "video_id", "cover_view", "status"},
}
BLOCK_FIELDS = {
    "text": {"type", "content"},
    "image": {"type", "url", "caption"},
    "video": {"type", "url", "thumb"},
    "product": {"type", "id"},
}
TARGET_VALUES = {
    "ages": {str(n) for n in range(8)},
    "gender": {"0", "1", "2"},
    "locations": {"0", "1", "2"},
    "cities": {str(n) for n in range(63)},
    "platform": {"1", "2", "3"},
}
MAX_BROADCAST_ARTICLES = 5


class Refused(ValueError):
    """A body Zalo would refuse: ``code`` (-201 invalid, -210 over a limit) and a message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _len(text: Any) -> int:
    return len(unicodedata.normalize("NFC", text)) if isinstance(text, str) else -1


def _text(body: dict[str, Any], name: str, limit: int, required: bool = True) -> None:
    value = body.get(name)
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        raise Refused(-201, f"{name} is invalid")
    if _len(value) > limit:
        raise Refused(-210, f"{name} exceeds {limit} characters")


def check_article(body: Any, *, update: bool = False) -> None:
    if not isinstance(body, dict):
        raise Refused(-201, "body is invalid")
    allowed = ARTICLE_FIELDS | ({"id"} if update else set())
    unknown = set(body) - allowed
    if unknown:
        raise Refused(-201, f"{sorted(unknown)[0]} is not a field")
    for name in REQUIRED + (("id",) if update else ()):
        if name not in body:
            raise Refused(-201, f"{name} is required")
    if body["type"] != "normal":
        raise Refused(-201, "type is invalid")
    _text(body, "title", TITLE_MAX)
    _text(body, "author", AUTHOR_MAX)
    _text(body, "description", DESCRIPTION_MAX)
    for flag in ("status", "comment"):
        if flag in body and body[flag] not in ("show", "hide"):
            raise Refused(-201, f"{flag} is invalid")
    cover = body["cover"]
    if not isinstance(cover, dict) or cover.get("cover_type") not in COVER_FIELDS:
        raise Refused(-201, "cover is invalid")
    if set(cover) - COVER_FIELDS[cover["cover_type"]]:
        raise Refused(-201, "cover has an unknown field")
    if cover["cover_type"] == "photo" and not str(cover.get("photo_url", "")).startswith("http"):
        raise Refused(-201, "cover.photo_url is invalid")
    blocks = body["body"]
    if not isinstance(blocks, list) or not blocks:
        raise Refused(-201, "body is invalid")
    if len(blocks) > BODY_BLOCKS_MAX:
        raise Refused(-210, f"body exceeds {BODY_BLOCKS_MAX} blocks")
    for block in blocks:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_FIELDS or set(block) - BLOCK_FIELDS[kind]:
            raise Refused(-201, "body block is invalid")
        if kind == "text":
            _text(block, "content", TEXT_BLOCK_MAX)
        if kind == "image" and not str(block.get("url", "")).startswith("http"):
            raise Refused(-201, "body image url is invalid")


def check_broadcast(body: Any) -> tuple[dict[str, str], list[str]]:
    """The target and the article ids of a broadcast body, or ``Refused``."""
    try:
        if set(body) != {"recipient", "message"} or set(body["recipient"]) != {"target"}:
            raise Refused(-201, "recipient is invalid")
        target = body["recipient"]["target"]
        attachment = body["message"]["attachment"]
        payload = attachment["payload"]
        if attachment["type"] != "template" or payload["template_type"] != "media":
            raise Refused(-233, "message type invalid")
        elements = payload["elements"]
    except (KeyError, TypeError):
        raise Refused(-201, "message is invalid") from None
    if not isinstance(target, dict) or set(target) - set(TARGET_VALUES):
        raise Refused(-201, "target is invalid")
    for name, value in target.items():
        if not isinstance(value, str) or not set(value.split(",")) <= TARGET_VALUES[name]:
            raise Refused(-201, f"target.{name} is invalid")
    if not isinstance(elements, list) or not elements:
        raise Refused(-201, "elements is invalid")
    if len(elements) > MAX_BROADCAST_ARTICLES:
        raise Refused(-210, f"a broadcast carries at most {MAX_BROADCAST_ARTICLES} articles")
    ids = []
    for element in elements:
        if not isinstance(element, dict) or element.get("media_type") != "article":
            raise Refused(-233, "only article attachments can be broadcast")
        if set(element) != {"media_type", "attachment_id"}:
            raise Refused(-201, "element is invalid")
        ids.append(str(element["attachment_id"]))
    return target, ids
