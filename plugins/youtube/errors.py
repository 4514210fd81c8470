"""YouTube's answers mapped to core's typed errors, by ``error.errors[].reason`` (CONTRACT.md §5).

Only the status and a reason this module knows are kept in a message: the API's own words
(and whatever else answered at that address) are never copied into a delivery's error.
"""

from __future__ import annotations

import datetime as dt

import httpx

from core import (
    AuthError,
    ChannelError,
    PermanentError,
    RateLimited,
    TransientError,
    retry_after,
)
from plugins.youtube.limits import next_reset

#: Short-term throttling: retried after the platform's delay (or a minute).
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "uploadRateLimitExceeded"})
#: The credentials or the channel need a person: reconnect, grant the scope, open the channel.
AUTH_REASONS = frozenset(
    {
        "authError",
        "forbidden",
        "insufficientPermissions",
        "youtubeSignupRequired",
        "channelClosed",
        "channelSuspended",
        "accountDelegationForbidden",
    }
)
PERMANENT_REASONS = frozenset(
    {
        "badRequest",
        "invalidTitle",
        "invalidDescription",
        "invalidTags",
        "invalidCategoryId",
        "invalidPublishAt",
        "invalidFilename",
        "invalidVideoMetadata",
        "invalidImage",
        "mediaBodyRequired",
        "uploadTooLarge",
        "defaultLanguageNotSet",
        "invalidRecordingDetails",
        "unexpectedPart",
        "unknownPart",
        "required",
        "missingRequiredParameter",
        "invalidValue",
        "commentsDisabled",
        "videoNotFound",
        "commentNotFound",
        "commentThreadNotFound",
        "parentCommentNotFound",
        "channelNotFound",
        "playlistNotFound",
        "operationNotSupported",
        "banWithoutReject",
        "invalidModerationStatus",
        "commentTextRequired",
        "notFound",
        "processingFailure",
    }
)
KNOWN = (
    RATE_REASONS
    | AUTH_REASONS
    | PERMANENT_REASONS
    | {"quotaExceeded", "uploadLimitExceeded", "backendError"}
)
DEFAULT_RETRY_AFTER = 60.0
#: ``uploadLimitExceeded`` is a per-channel daily cap: try again a day later.
UPLOAD_LIMIT_RETRY = 24 * 3600.0


def reason_of(response: httpx.Response) -> str:
    """The first ``errors[].reason`` when this module knows it, else the status phrase."""
    try:
        doc = response.json()
        reason = doc["error"]["errors"][0]["reason"]
    except (ValueError, KeyError, IndexError, TypeError):
        reason = None
    if isinstance(reason, str) and reason in KNOWN:
        return reason
    return response.reason_phrase or "unexpected answer"


def error_for(response: httpx.Response, what: str, now: dt.datetime | None = None) -> ChannelError:
    """The typed error of a non-2xx answer to ``what`` (``videos.insert``…)."""
    status, reason = response.status_code, reason_of(response)
    where = f"YouTube {what} answered {status} {reason}"
    if reason == "quotaExceeded":
        until = next_reset(now or dt.datetime.now(dt.UTC))
        wait = (until - (now or dt.datetime.now(dt.UTC))).total_seconds()
        return RateLimited(f"{where}: the day's quota is spent until Pacific midnight", wait)
    if reason == "uploadLimitExceeded":
        return RateLimited(f"{where}: the channel's daily upload cap", UPLOAD_LIMIT_RETRY)
    if status == 429 or reason in RATE_REASONS:
        return RateLimited(
            f"{where}: rate limited", retry_after(response.headers, DEFAULT_RETRY_AFTER)
        )
    if status == 401 or reason in AUTH_REASONS:
        return AuthError(f"{where}: the channel must be connected again")
    if status >= 500:
        return TransientError(where)
    return PermanentError(where)
