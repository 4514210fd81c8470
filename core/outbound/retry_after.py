"""How long a platform asks to be left alone: an HTTP ``Retry-After`` (RFC 9110 §10.2.3).

Part of the plugins' public API (``core.retry_after``): every channel reads it from a 429 or 503.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.utils import parsedate_to_datetime


def retry_after(
    headers: Mapping[str, str], default: float, now: dt.datetime | None = None
) -> float:
    """Seconds to wait: ``Retry-After`` as delay-seconds or as an HTTP date, never negative;
    ``default`` when the header is missing or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())
