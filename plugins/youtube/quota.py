"""YouTube's daily quota as core's costs and allowances (``core.Costed``).

Two models, chosen per target (``quota_model``): ``bucketed``, the current calculator (100
``videos.insert`` a day in their own bucket, 10,000 units for the rest) and ``units``, the
older table (an insert costs 1,600 of the 10,000 units). The day is Pacific: it resets at
midnight in Los Angeles. YouTube has no endpoint that says what is left, so the allowance
is the whole day's and core subtracts what its deliveries to the target spent since the
last reset (``Allowance.since``). The quota belongs to the Google project: targets that
share one project should split it (``daily_units``, ``daily_inserts``).
"""

from __future__ import annotations

import datetime as dt

from core import Allowance, Cost, Rendered, Target
from plugins.youtube.limits import COSTS, LEGACY_INSERT_UNITS, day_start, next_reset

UNITS = "quota_units"
INSERTS = "video_inserts"


class QuotaMixin:
    def estimate_cost(self, rendered: Rendered, target: Target) -> Cost:
        """An upload (the dearest of a delivery's calls) and its thumbnail."""
        units = COSTS["thumbnails.set"] if rendered.payload.get("thumbnail") else 0
        if target.settings.get("quota_model", "bucketed") == "units":
            amounts = {UNITS: float(units + LEGACY_INSERT_UNITS)}
            note = f"videos.insert {LEGACY_INSERT_UNITS} units"
        else:
            amounts = {INSERTS: 1.0, UNITS: float(units)}
            note = "videos.insert: 1 of the day's inserts"
        if units:
            note += f" + thumbnails.set {units} units"
        return Cost(amounts, note=note)

    async def allowance(self, target: Target) -> Allowance:
        now = dt.datetime.now(dt.UTC)
        left = {UNITS: float(target.settings.get("daily_units", 10_000))}
        if target.settings.get("quota_model", "bucketed") != "units":
            left[INSERTS] = float(target.settings.get("daily_inserts", 100))
        return Allowance(left=left, since=day_start(now), resets_at=next_reset(now))
