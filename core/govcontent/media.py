"""The media library as government content uses it: which assets a row may name, and which
assets published rows make public (so ``/media/<key>`` serves them to anyone, inline for PDFs).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from core.govcontent.models import Banner, LegalDocument, Publication, UnitProfile
from core.media.models import MediaAsset, MediaKind
from core.units.models import Unit


def usable_asset(session: Session, uid: str, unit: Unit, kind: MediaKind, field: str) -> int:
    """The id of library item ``uid`` of ``kind`` in ``unit``'s library or an ancestor's.

    Another unit's asset is refused as unknown, so ids of other units' libraries leak nothing.
    """
    row = session.execute(
        select(MediaAsset.id, MediaAsset.kind, Unit.path)
        .join(Unit, Unit.id == MediaAsset.unit_id)
        .where(MediaAsset.uid == str(uid))
    ).first()
    if row is None or not unit.path.startswith(row.path):
        raise ValidationFailed({field: f"no media item {uid} in this unit's library"})
    if row.kind != kind:
        raise ValidationFailed({field: f"must be a {kind.value}, not a {row.kind}"})
    return int(row.id)


def public_gov_assets(session: Session, asset_ids: Collection[int], now: dt.datetime) -> set[int]:
    """Those of ``asset_ids`` a published legal document, live banner or profile shows."""
    if not asset_ids:
        return set()
    live = Publication.PUBLISHED
    documents = select(LegalDocument.file_id).where(
        LegalDocument.state == live, LegalDocument.file_id.in_(asset_ids)
    )
    banners = select(Banner.image_id).where(
        Banner.state == live,
        Banner.image_id.in_(asset_ids),
        or_(Banner.visible_from.is_(None), Banner.visible_from <= now),
        or_(Banner.visible_until.is_(None), Banner.visible_until > now),
    )
    charts = select(UnitProfile.org_chart_id).where(
        UnitProfile.state == live, UnitProfile.org_chart_id.in_(asset_ids)
    )
    found: set[int] = set()
    for query in (documents, banners, charts):
        found.update(i for i in session.scalars(query) if i is not None)
    return found
