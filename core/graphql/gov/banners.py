"""Banners in GraphQL: ``banners(unit, placement)`` (live and in-window only), the unit's
placements, ``defineBannerPlacement`` and ``saveBanner``. A banner's image offers only the
renditions that fit its placement (S3.4: banners must not be too large).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.govcontent import banners as actions
from core.govcontent.models import Banner as Row
from core.govcontent.models import BannerPlacement as PlacementRow
from core.govcontent.models import Publication
from core.govcontent.visibility import visible_to
from core.graphql.gov.common import (
    STATE_HELP,
    UNIT_HELP,
    Failures,
    Info,
    View,
    outcome,
    read_unit,
    save_resolver,
)
from core.graphql.gov.common import view as view_of
from core.graphql.types.media import Image, image_of
from core.media.models import MediaAsset
from core.units.models import Unit


@strawberry.type(description="A named slot of a portal's layout that shows banners.")
class BannerPlacement:
    key: str = strawberry.field(description="Its key in the unit: `banners(placement:)` takes it.")
    name: str = strawberry.field(description="Its display name, e.g. for editors.")
    max_width: int = strawberry.field(description="Pixels: no rendition offered is wider.")
    max_height: int = strawberry.field(description="Pixels: no rendition offered is taller.")

    @classmethod
    def of(cls, row: PlacementRow) -> BannerPlacement:
        return cls(key=row.key, name=row.name, max_width=row.max_width, max_height=row.max_height)


@strawberry.type(description="A banner: an image with a link, shown inside its window (S3.1).")
class Banner:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    title: str = strawberry.field(description="The banner's title. Tiêu đề.")
    link_url: str = strawberry.field(description="Where a click leads; empty: no link.")
    placement: BannerPlacement = strawberry.field(description="The slot it shows in.")
    image: Image = strawberry.field(description="Only the sizes that fit the placement.")
    visible_from: dt.datetime | None = strawberry.field(
        description="When it starts to show (UTC); null: as soon as published."
    )
    visible_until: dt.datetime | None = strawberry.field(description="It comes down by itself.")
    position: int = strawberry.field(description="Order within its placement, lowest first.")
    state: Publication = strawberry.field(description=STATE_HELP)


def fitted(asset: MediaAsset, placement: PlacementRow, view: View) -> Image:
    image = image_of(asset, view.urls)
    fitting = actions.fits(asset, placement)
    keys = {r.key for r in fitting}
    image.sizes = [s for s in image.sizes if s.key in keys]
    if fitting:
        largest = fitting[-1]
        image.fallback, image.width, image.height = largest.key, largest.width, largest.height
    return image


def shaped(session: Session, rows: list[Row], view: View) -> list[Banner]:
    assets = {
        a.id: a
        for a in session.scalars(
            select(MediaAsset).where(MediaAsset.id.in_({r.image_id for r in rows}))
        )
    }
    places = {
        p.id: p
        for p in session.scalars(
            select(PlacementRow).where(PlacementRow.id.in_({r.placement_id for r in rows}))
        )
    }
    return [
        Banner(
            id=strawberry.ID(r.uid),
            title=r.title,
            link_url=r.link_url,
            placement=BannerPlacement.of(places[r.placement_id]),
            image=fitted(assets[r.image_id], places[r.placement_id], view),
            visible_from=r.visible_from,
            visible_until=r.visible_until,
            position=r.position,
            state=Publication(r.state),
        )
        for r in rows
    ]


def banners(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    placement: Annotated[
        str | None, strawberry.argument(description="A placement key; none: every placement.")
    ] = None,
) -> list[Banner]:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        stmt = (
            select(Row)
            .join(PlacementRow, PlacementRow.id == Row.placement_id)
            .where(Row.unit_id == found.id, visible_to(v.actor, Row, found.path, v.now))
        )
        if placement is not None:
            stmt = stmt.where(PlacementRow.key == placement)
        rows = list(session.scalars(stmt.order_by(PlacementRow.key, Row.position, Row.id)))
        return shaped(session, rows, v)


def banner_placements(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> list[BannerPlacement]:
    found: Unit = read_unit(info, unit)
    with info.context.read() as session:
        return [BannerPlacement.of(p) for p in actions.placements(session, found)]


@strawberry.input(description="Fields of a banner; on an edit, only those given change.")
class BannerInput:
    title: str | None = strawberry.UNSET
    placement: str | None = strawberry.field(default=strawberry.UNSET, description="Its key.")
    image: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An image of the unit's library, with alt text."
    )
    link_url: str | None = strawberry.UNSET
    visible_from: dt.datetime | None = strawberry.UNSET
    visible_until: dt.datetime | None = strawberry.UNSET
    position: int | None = strawberry.UNSET


@strawberry.type
class BannerResult:
    banner: Banner


@strawberry.type
class BannerPlacementResult:
    placement: BannerPlacement


BannerPayload = Annotated[BannerResult | Failures, strawberry.union("BannerPayload")]
BannerPlacementPayload = Annotated[
    BannerPlacementResult | Failures, strawberry.union("BannerPlacementPayload")
]


save_banner = save_resolver(
    actions.KIND,
    BannerInput,
    BannerPayload,
    lambda s, row, v: BannerResult(banner=shaped(s, [row], v)[0]),
    "banner",
)


def define_banner_placement(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    key: str,
    name: str,
    max_width: int,
    max_height: int,
) -> BannerPlacementPayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor

    def act() -> BannerPlacementResult:
        row = actions.define_placement(rc.ctx, actor, unit, key, name, max_width, max_height)
        return BannerPlacementResult(placement=BannerPlacement.of(row))

    return outcome(act)


@strawberry.type(description="A banner placement that was removed.")
class BannerPlacementRemoved:
    key: str = strawberry.field(description="The key of the placement removed.")


BannerPlacementRemovedPayload = Annotated[
    BannerPlacementRemoved | Failures, strawberry.union("BannerPlacementRemovedPayload")
]


def remove_banner_placement(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    key: Annotated[str, strawberry.argument(description="The placement's key.")],
) -> BannerPlacementRemovedPayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor

    def act() -> BannerPlacementRemoved:
        actions.remove_placement(rc.ctx, actor, unit, key)
        return BannerPlacementRemoved(key=key)

    return outcome(act)
