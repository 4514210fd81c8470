"""Strict validation of webhook envelopes, as the sandbox receiver applies it.

Written independently of ``channel.render`` on purpose: the sandbox is the
receiver's side of CONTRACT.md, so a drift in what the channel sends shows up
as a 422 in tests instead of passing silently. Unknown fields are refused too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

EVENT_TYPES = frozenset({"article.published", "article.updated", "article.withdrawn"})

_STR = (str,)
_OPT_STR = (str, type(None))
#: field → (accepted types, required)
ARTICLE_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "id": (_STR, True),
    "revision": ((int,), True),
    "slug": (_STR, True),
    "title": (_STR, True),
    "summary": (_STR, True),
    "content_html": (_STR, True),
    "image": ((dict, type(None)), True),
    "category": (_STR, True),
    "unit": ((dict,), True),
    "source": (_STR, True),
    "author": (_STR, True),
    "agency": (_STR, True),
    "url": (_STR, True),
    "published_at": (_OPT_STR, True),
    "updated_at": (_STR, True),
    "visible_from": (_OPT_STR, False),
    "visible_until": (_OPT_STR, False),
    "interactions_allowed": ((bool,), True),
}
_DATES = ("published_at", "updated_at", "visible_from", "visible_until")


class PayloadError(ValueError):
    """The envelope breaks the contract; the message is safe to return to the sender."""


def validate_envelope(doc: Any) -> tuple[str, dict[str, Any]]:
    """Return ``(event type, data)`` or raise :class:`PayloadError`."""
    if not isinstance(doc, dict):
        raise PayloadError("body must be a JSON object")
    _exact_keys(doc, required={"type", "timestamp", "data"}, optional=set(), where="envelope")
    event = doc["type"]
    if event not in EVENT_TYPES:
        raise PayloadError(f"unknown event type {str(event)[:60]!r}")
    _date(doc["timestamp"], "timestamp")
    data = doc["data"]
    if not isinstance(data, dict):
        raise PayloadError("data must be an object")
    if event == "article.withdrawn":
        _exact_keys(data, required={"portal_id"}, optional=set(), where="data")
        _type(data, "portal_id", _STR)
        return event, data
    required = {k for k, (_, req) in ARTICLE_FIELDS.items() if req}
    optional = {k for k, (_, req) in ARTICLE_FIELDS.items() if not req}
    if event == "article.updated":
        required.add("portal_id")
    _exact_keys(data, required=required, optional=optional, where="data")
    for key, (types, _) in ARTICLE_FIELDS.items():
        if key in data:
            _type(data, key, types)
    if event == "article.updated":
        _type(data, "portal_id", _STR)
    for key in ("id", "title", "content_html", "url", "slug"):
        if not data[key].strip():
            raise PayloadError(f"data.{key} must not be empty")
    if not data["url"].startswith(("http://", "https://")):
        raise PayloadError("data.url must be an absolute http(s) URL")
    for key in _DATES:
        if data.get(key) is not None:
            _date(data[key], f"data.{key}")
    _exact_keys(data["unit"], required={"code", "name"}, optional=set(), where="data.unit")
    _type(data["unit"], "code", _STR)
    _type(data["unit"], "name", _STR)
    if data["image"] is not None:
        _exact_keys(data["image"], required={"url", "caption"}, optional=set(), where="data.image")
        _type(data["image"], "url", _STR)
        _type(data["image"], "caption", _STR)
    return event, data


def _exact_keys(obj: dict[str, Any], *, required: set[str], optional: set[str], where: str) -> None:
    missing = sorted(required - obj.keys())
    if missing:
        raise PayloadError(f"{where}: missing required field(s) {', '.join(missing)}")
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        shown = ", ".join(k[:40] for k in unknown[:5])
        raise PayloadError(f"{where}: unknown field(s) {shown}")


def _type(obj: dict[str, Any], key: str, types: tuple[type, ...]) -> None:
    value = obj[key]
    if isinstance(value, bool) and bool not in types:
        raise PayloadError(f"{key} has the wrong type")
    if not isinstance(value, types):
        raise PayloadError(f"{key} has the wrong type")


def _date(value: Any, where: str) -> None:
    """RFC 3339 with an explicit offset (``Z`` or ``+07:00``)."""
    if not isinstance(value, str):
        raise PayloadError(f"{where} must be an RFC 3339 string")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(f"{where} must be an RFC 3339 date-time") from None
    if parsed.tzinfo is None:
        raise PayloadError(f"{where} must carry a UTC offset")
