"""Date formats the portal contract and the feeds require, from one UTC source.

Core stores UTC; a naive datetime is therefore read as UTC rather than as the
server's local time (which would shift every date by seven hours in Hanoi).
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime


def utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def rfc3339(value: dt.datetime | None) -> str | None:
    """``2025-07-01T02:30:00Z`` (RFC 3339; Atom, JSON Feed, the webhook payload, sitemaps)."""
    if value is None:
        return None
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(value: dt.datetime) -> str:
    """``Tue, 01 Jul 2025 02:30:00 GMT`` (RSS 2.0 ``pubDate``; RFC 822 with 4-digit year)."""
    return format_datetime(utc(value), usegmt=True)
