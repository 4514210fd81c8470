"""YouTube's limits and quota costs, shared by the channel and its sandbox (CONTRACT.md §3-4).

The quota day is Pacific time: it resets at midnight in ``America/Los_Angeles``, which is
15:00 in Hà Nội in winter and 14:00 in summer.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_BYTES = 5_000
MAX_TAGS_CHARS = 500
MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024
MAX_VIDEO_BYTES = 256 * 1024**3
#: Resumable chunks must be multiples of this, except the last.
CHUNK_QUANTUM = 256 * 1024
PRIVACY = frozenset({"public", "unlisted", "private"})
#: YouTube's assignable video categories (``videoCategories.list`` for VN, the usual ones).
CATEGORIES = frozenset(
    {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"}
)
#: "News & Politics", the category of a government office's bulletins.
NEWS_CATEGORY = "25"

#: Cost in units of each call, by quota model. ``bucketed`` (the current calculator):
#: ``videos.insert`` comes out of its own bucket of inserts per day; ``units`` (the older
#: table): it costs 1,600 of the shared units.
COSTS = {
    "videos.list": 1,
    "channels.list": 1,
    "playlistItems.list": 1,
    "commentThreads.list": 1,
    "comments.list": 1,
    "videos.update": 50,
    "videos.delete": 50,
    "thumbnails.set": 50,
    "comments.insert": 50,
    "comments.setModerationStatus": 50,
}
LEGACY_INSERT_UNITS = 1_600
QUOTA_MODELS = frozenset({"bucketed", "units"})


def insert_cost(model: str) -> dict[str, int]:
    """What one ``videos.insert`` spends, by bucket name."""
    return {"inserts": 1} if model == "bucketed" else {"units": LEGACY_INSERT_UNITS}


def pacific_day(now: dt.datetime) -> dt.date:
    return now.astimezone(PACIFIC).date()


def next_reset(now: dt.datetime) -> dt.datetime:
    """The next Pacific midnight, in UTC."""
    local = now.astimezone(PACIFIC)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), PACIFIC)
    return tomorrow.astimezone(dt.UTC)


def day_start(now: dt.datetime) -> dt.datetime:
    """The last Pacific midnight, in UTC."""
    local = now.astimezone(PACIFIC)
    return dt.datetime.combine(local.date(), dt.time(), PACIFIC).astimezone(dt.UTC)
