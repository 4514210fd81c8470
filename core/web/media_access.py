"""Who may fetch a stored file: anyone, once a published item, an album or published government
content (a legal document's PDF, a live banner, a profile's chart) shows it; otherwise only the
holder of a signed URL.

Keys are content-addressed, so several assets can share one file: it is public as soon as
any of them is (the bytes are the same). A key no rendition names is unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.content.models import Article, Audience
from core.content.queries import published_clause
from core.media.models import MediaAlbumItem, MediaAsset, MediaRendition, MediaUse


@dataclass(frozen=True)
class Served:
    """What serving needs to know of a stored file."""

    key: str
    content_type: str
    kind: str
    filename: str
    public: bool


def public_assets(session: Session, asset_ids: list[int], now: dt.datetime) -> set[int]:
    """Those of ``asset_ids`` a published, in-window item uses or an album holds."""
    if not asset_ids:
        return set()
    used = session.scalars(
        select(MediaUse.asset_id)
        .join(Article, Article.id == MediaUse.article_id)
        .join(Audience, Audience.article_id == Article.id)
        .where(MediaUse.asset_id.in_(asset_ids), published_clause(now))
    )
    listed = session.scalars(
        select(MediaAlbumItem.asset_id).where(MediaAlbumItem.asset_id.in_(asset_ids))
    )
    from core.govcontent.media import public_gov_assets  # legal documents, banners, profiles

    return set(used) | set(listed) | public_gov_assets(session, asset_ids, now)


def is_public(session: Session, asset_id: int, now: dt.datetime) -> bool:
    return bool(public_assets(session, [asset_id], now))


def lookup(session: Session, key: str, now: dt.datetime) -> Served | None:
    """The file ``key`` names, and whether it is public; None if no rendition names it."""
    rows = session.execute(
        select(MediaRendition.asset_id, MediaRendition.content_type, MediaAsset.kind)
        .join(MediaAsset, MediaAsset.id == MediaRendition.asset_id)
        .where(MediaRendition.key == key)
        .order_by(MediaRendition.id)
    ).all()
    if not rows:
        return None
    ids = [r.asset_id for r in rows]
    filename = session.scalar(select(MediaAsset.filename).where(MediaAsset.id == ids[0])) or ""
    public = bool(public_assets(session, ids, now))
    return Served(key, rows[0].content_type, rows[0].kind, filename, public)
