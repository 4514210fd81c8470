"""The YouTube sandbox's validation of video resources and its error envelope.

As strict as the Data API v3 is (CONTRACT.md §3): unknown properties are refused with
``badRequest``, a missing or over-long title with ``invalidTitle``, and so on; every error
is the API's envelope ``{"error": {"code", "message", "errors": [{"message", "domain",
"reason"}], "status"}}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.responses import JSONResponse

from plugins.youtube.limits import (
    CATEGORIES,
    MAX_DESCRIPTION_BYTES,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    PRIVACY,
)

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_DOMAINS = {
    "quotaExceeded": "youtube.quota",
    "rateLimitExceeded": "usageLimits",
    "userRateLimitExceeded": "usageLimits",
    "authError": "global",
    "required": "global",
    "badRequest": "global",
    "backendError": "global",
    "forbidden": "youtube.common",
    "insufficientPermissions": "global",
}
_MESSAGES = {
    "quotaExceeded": "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
    "rateLimitExceeded": "The request cannot be completed because you have exceeded your rate.",
    "uploadLimitExceeded": "The user has exceeded the number of videos they may upload.",
    "authError": "Request had invalid authentication credentials.",
    "forbidden": "The request is not properly authorized.",
    "backendError": "Backend Error",
}

SNIPPET_FIELDS = frozenset({"title", "description", "tags", "categoryId", "defaultLanguage"})
STATUS_FIELDS = frozenset(
    {
        "privacyStatus",
        "publishAt",
        "embeddable",
        "license",
        "publicStatsViewable",
        "selfDeclaredMadeForKids",
        "containsSyntheticMedia",
    }
)
PARTS = frozenset({"snippet", "status"})


def yt_error(status: int, reason: str, message: str = "", **headers: str) -> JSONResponse:
    text = message or _MESSAGES.get(reason, reason)
    domain = _DOMAINS.get(reason, "youtube.api")
    body = {
        "error": {
            "code": status,
            "message": text,
            "errors": [{"message": text, "domain": domain, "reason": reason}],
            "status": _STATUS_NAMES.get(status, "UNKNOWN"),
        }
    }
    return JSONResponse(body, status_code=status, headers=headers or None)


class Invalid(Exception):
    """A request the API refuses: ``status`` and ``reason`` of its envelope."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.reason, self.message, self.status = reason, message, status

    def response(self) -> JSONResponse:
        return yt_error(self.status, self.reason, self.message)


def parse_part(value: str | None) -> set[str]:
    if not value:
        raise Invalid("required", "Required parameter: part")
    parts = {p.strip() for p in value.split(",") if p.strip()}
    unknown = parts - PARTS - {"id", "contentDetails", "processingDetails"}
    if unknown:
        raise Invalid("unknownPart", f"'{sorted(unknown)[0]}'")
    return parts


def validate_video(
    doc: Any, part: set[str], now: dt.datetime, *, update: bool = False
) -> dict[str, Any]:
    """A video resource as ``videos.insert`` and ``videos.update`` take it, or :class:`Invalid`."""
    if not isinstance(doc, dict):
        raise Invalid("badRequest", "Invalid JSON payload received.")
    allowed = set(part & PARTS) | ({"id"} if update else set())
    for key in doc:
        if key not in allowed | PARTS | {"id", "kind", "etag"}:
            raise Invalid("badRequest", f'Invalid JSON payload received. Unknown name "{key}"')
        if key in PARTS and key not in part:
            raise Invalid("unexpectedPart", f"The request specifies an unexpected part: {key}")
    if update and not doc.get("id"):
        raise Invalid(
            "videoNotFound", "The video that you are trying to update cannot be found.", 404
        )
    snippet = doc.get("snippet")
    if "snippet" in part:
        if not isinstance(snippet, dict):
            raise Invalid(
                "invalidTitle", "The request metadata specifies an invalid or empty video title."
            )
        _snippet(snippet, update)
    status = doc.get("status")
    if status is not None:
        _status(status, now)
    return doc


def _snippet(snippet: dict[str, Any], update: bool) -> None:
    for key in snippet:
        if key not in SNIPPET_FIELDS | {"thumbnails", "channelId", "publishedAt"}:
            raise Invalid("badRequest", f'Invalid JSON payload received. Unknown name "{key}"')
    title = snippet.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_CHARS:
        raise Invalid(
            "invalidTitle", "The request metadata specifies an invalid or empty video title."
        )
    if "<" in title or ">" in title:
        raise Invalid("invalidTitle", "The request metadata specifies an invalid video title.")
    desc = snippet.get("description", "")
    if (
        not isinstance(desc, str)
        or len(desc.encode()) > MAX_DESCRIPTION_BYTES
        or "<" in desc
        or ">" in desc
    ):
        raise Invalid(
            "invalidDescription", "The request metadata specifies an invalid video description."
        )
    tags = snippet.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise Invalid("invalidTags", "The request metadata specifies invalid video keywords.")
    if sum(len(t) + (2 if " " in t else 0) for t in tags) + max(len(tags) - 1, 0) > MAX_TAGS_CHARS:
        raise Invalid("invalidTags", "The request metadata specifies invalid video keywords.")
    category = snippet.get("categoryId")
    if update and category is None:
        raise Invalid(
            "invalidCategoryId", "The request metadata specifies an invalid video category."
        )
    if category is not None and category not in CATEGORIES:
        raise Invalid(
            "invalidCategoryId", "The request metadata specifies an invalid video category."
        )


def _status(status: Any, now: dt.datetime) -> None:
    if not isinstance(status, dict):
        raise Invalid("badRequest", "Invalid JSON payload received.")
    for key in status:
        if key not in STATUS_FIELDS | {"uploadStatus", "madeForKids"}:
            raise Invalid("badRequest", f'Invalid JSON payload received. Unknown name "{key}"')
    privacy = status.get("privacyStatus", "public")
    if privacy not in PRIVACY:
        raise Invalid("invalidVideoMetadata", "The request metadata is invalid.")
    publish_at = status.get("publishAt")
    if publish_at is not None:
        if privacy != "private":
            raise Invalid(
                "invalidPublishAt",
                "The request metadata specifies an invalid scheduled publishing time.",
            )
        try:
            when = dt.datetime.fromisoformat(str(publish_at).replace("Z", "+00:00"))
        except ValueError:
            raise Invalid("invalidPublishAt", "The scheduled publishing time is invalid.") from None
        if when.tzinfo is None or when <= now:
            raise Invalid(
                "invalidPublishAt", "The scheduled publishing time must be in the future."
            )
