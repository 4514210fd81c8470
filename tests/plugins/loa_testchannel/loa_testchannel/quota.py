"""A rationed test channel (the YouTube pattern): every post costs quota units out of a daily
allowance that resets at midnight UTC, and the channel leaves the counting to core's ledger
(``Allowance.since``). Setting ``daily_units`` sets the allowance.

Like the rest of the test plugin it imports only ``core``'s public API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core import Allowance, Capabilities, Cost, Item, Remote, Rendered, Target

#: What each post costs, in quota units.
POST_UNITS = 1600
POSTED: dict[str, dict[str, Any]] = {}


def day_start(now: dt.datetime | None = None) -> dt.datetime:
    now = now or dt.datetime.now(dt.UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class QuotaTestChannel:
    name = "testquota"
    title = "Test channel with a daily quota"
    capabilities = Capabilities(audience=frozenset({"window"}))

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        if not isinstance(settings.get("daily_units", 0), int):
            raise ValueError("daily_units must be a whole number")

    def render(self, item: Item, target: Target) -> Rendered:
        return Rendered(payload={"title": item.title}, text=item.title)

    def estimate_cost(self, rendered: Rendered, target: Target) -> Cost:
        return Cost({"quota_units": POST_UNITS}, note="videos.insert")

    async def allowance(self, target: Target) -> Allowance:
        start = day_start()
        return Allowance(
            left={"quota_units": float(target.settings.get("daily_units", 10_000))},
            since=start,
            resets_at=start + dt.timedelta(days=1),
        )

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        POSTED[key] = dict(rendered.payload)
        return Remote(key)

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        return remote

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        POSTED.pop(remote.remote_id, None)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        return Remote(key) if key in POSTED else None
