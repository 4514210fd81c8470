"""Every government content type by name: what the generic publish/withdraw mutations and the
sweeper's take-down walk over."""

from __future__ import annotations

import datetime as dt

from core.context import Context
from core.govcontent import banners, directory, editing, legal, menus, profile, schedules
from core.govcontent.editing import Kind

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        legal.KIND,
        banners.KIND,
        schedules.KIND,
        directory.KIND,
        profile.PROFILE,
        profile.CHANNEL,
        menus.MENU_ITEM,
        menus.CAMPAIGN_SECTION,
    )
}


def expire_due(ctx: Context, now: dt.datetime | None = None) -> list[str]:
    """Banners and campaign sections whose window closed: recorded as taken down (S3.1)."""
    return editing.expire_due(ctx, list(KINDS.values()), now)
