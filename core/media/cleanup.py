"""Removing what nobody uses: unused old uploads, and stored files no row references.

Keys are content-addressed, so two assets (two units uploading the same photo) can
share a stored file: a file is deleted only once no rendition names its key. Run by the
daily maintenance (:mod:`core.retention`), after ``LOA_MEDIA_UNUSED_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from sqlalchemy import exists, select

from core import audit
from core.auth.permissions import SYSTEM
from core.context import Context
from core.db import utcnow
from core.media.current_store import media_store
from core.media.models import MediaAlbumItem, MediaAsset, MediaRendition, MediaUse

log = logging.getLogger("loa.media")


def discard_keys(ctx: Context, keys: Iterable[str]) -> list[str]:
    """Delete the stored files of ``keys`` that no rendition references; the deleted keys."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    with ctx.sessions() as session:
        kept = set(session.scalars(select(MediaRendition.key).where(MediaRendition.key.in_(keys))))
    store = media_store(ctx)
    gone = []
    for key in keys:
        if key in kept:
            continue
        try:
            store.delete(key)
            gone.append(key)
        except Exception as exc:  # the next cleanup tries again; the row is gone already
            log.warning("could not delete stored media %s (%s)", key, type(exc).__name__)
    return gone


def cleanup_unused(ctx: Context, now: dt.datetime | None = None) -> int:
    """Delete uploads older than ``LOA_MEDIA_UNUSED_DAYS`` that no article or album uses."""
    now = now or utcnow()
    before = now - dt.timedelta(days=ctx.settings.media_unused_days)
    with ctx.transaction() as session:
        assets = list(
            session.scalars(
                select(MediaAsset).where(
                    MediaAsset.created_at < before,
                    ~exists().where(MediaUse.asset_id == MediaAsset.id),
                    ~exists().where(MediaAlbumItem.asset_id == MediaAsset.id),
                )
            )
        )
        keys = [r.key for a in assets for r in a.renditions]
        for asset in assets:
            session.delete(asset)
        if assets:
            audit.record(
                session,
                actor=SYSTEM.name,
                action="media.cleanup",
                data={"deleted": [a.id for a in assets], "before": before.isoformat()},
            )
    discard_keys(ctx, keys)
    return len(assets)
