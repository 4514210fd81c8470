"""Reading the library for an interface: media of articles, albums of a unit (no permission
needed: what reaches a public interface is public by :mod:`core.web.media_access`'s rule)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.media.models import MediaAlbum, MediaAlbumItem, MediaAsset, MediaUse


@dataclass(frozen=True)
class Used:
    role: str
    position: int
    asset: MediaAsset


def media_of_articles(session: Session, article_ids: Collection[int]) -> dict[int, list[Used]]:
    """Every use of media by these articles, in role and position order, assets loaded."""
    out: dict[int, list[Used]] = defaultdict(list)
    if not article_ids:
        return out
    rows = session.execute(
        select(MediaUse.article_id, MediaUse.role, MediaUse.position, MediaAsset)
        .join(MediaAsset, MediaAsset.id == MediaUse.asset_id)
        .where(MediaUse.article_id.in_(article_ids))
        .order_by(MediaUse.article_id, MediaUse.role, MediaUse.position, MediaUse.id)
    ).all()
    for article_id, role, position, asset in rows:
        out[article_id].append(Used(role, position, asset))
    return out


def albums_of_unit(session: Session, unit_id: int) -> list[tuple[MediaAlbum, list[MediaAsset]]]:
    """The unit's albums, newest first, each with its media in order."""
    albums = list(
        session.scalars(
            select(MediaAlbum)
            .where(MediaAlbum.unit_id == unit_id)
            .order_by(MediaAlbum.created_at.desc(), MediaAlbum.id.desc())
        )
    )
    items: dict[int, list[MediaAsset]] = defaultdict(list)
    if albums:
        rows = session.execute(
            select(MediaAlbumItem.album_id, MediaAsset)
            .join(MediaAsset, MediaAsset.id == MediaAlbumItem.asset_id)
            .where(MediaAlbumItem.album_id.in_([a.id for a in albums]))
            .order_by(MediaAlbumItem.album_id, MediaAlbumItem.position)
        ).all()
        for album_id, asset in rows:
            items[album_id].append(asset)
    return [(album, items[album.id]) for album in albums]


def id_by_uid(session: Session, model: type[MediaAsset] | type[MediaAlbum], uid: str) -> int | None:
    """The row id of a media item or an album by its public uid."""
    found = session.scalar(select(model.id).where(model.uid == uid))
    return int(found) if found is not None else None


def asset(session: Session, asset_id: int) -> MediaAsset | None:
    """A library item, with its renditions."""
    return session.get(MediaAsset, asset_id)


def album_assets(session: Session, album_id: int) -> list[MediaAsset]:
    """The media of one album, in order."""
    return list(
        session.scalars(
            select(MediaAsset)
            .join(MediaAlbumItem, MediaAlbumItem.asset_id == MediaAsset.id)
            .where(MediaAlbumItem.album_id == album_id)
            .order_by(MediaAlbumItem.position)
        )
    )


def in_library(session: Session, asset_id: int) -> bool:
    """Whether the asset is in one of its unit's albums (its library), whoever uses it."""
    return bool(session.scalar(select(exists().where(MediaAlbumItem.asset_id == asset_id))))
