"""The unit's profile and official channels in GraphQL: ``unitProfile(unit)`` (overview,
history, functions, organisation chart, the procedures link by the unit's code and the list
of official channels Decree 224 has published), ``officialChannels``, and their saves."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy.orm import Session

from core.govcontent import english
from core.govcontent import profile as actions
from core.govcontent.models import OfficialChannel as ChannelRow
from core.govcontent.models import Publication
from core.govcontent.models import UnitProfile as Row
from core.graphql.gov.common import (
    STATE_HELP,
    UNIT_HELP,
    Failures,
    Info,
    View,
    outcome,
    present,
    read_unit,
    save_resolver,
)
from core.graphql.gov.common import view as view_of
from core.graphql.types.media import Image, image_of
from core.graphql.types.unit import Unit
from core.media.models import MediaAsset
from core.units.models import Unit as UnitRow

PLATFORM_HELP = (
    "The channel plugin's name for a platform Loa publishes to (as in `channelTargets`), or one "
    "of: " + ", ".join(actions.OTHER_PLATFORMS)
)


@strawberry.type(description="An official channel of the unit (Decree 224 Art. 10(3); S4.5).")
class OfficialChannel:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    platform: str = strawberry.field(description=PLATFORM_HELP)
    platform_name: str = strawberry.field(description="The platform's display name.")
    name: str = strawberry.field(description="The channel's name on its platform.")
    url: str = strawberry.field(description="The channel's address: an http(s) URL.")
    position: int = strawberry.field(description="Order in the list, lowest first.")
    verified_on: dt.date = strawberry.field(description="When the channel was last checked.")
    state: Publication = strawberry.field(description=STATE_HELP)


def channels(session: Session, rows: list[ChannelRow]) -> list[OfficialChannel]:
    names = actions.platforms(session)
    return [
        OfficialChannel(
            id=strawberry.ID(r.uid),
            platform=r.platform,
            platform_name=names.get(r.platform, r.platform),
            name=r.name,
            url=r.url,
            position=r.position,
            verified_on=r.verified_on,
            state=Publication(r.state),
        )
        for r in rows
    ]


@strawberry.type(description="The unit's overview (S1.2, S3.5 Tổng quan; 224 Art. 9(1)(c)).")
class UnitProfile:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    unit: Unit = strawberry.field(description="The unit it presents.")
    introduction: str = strawberry.field(description="Sanitised HTML.")
    history: str = strawberry.field(description="Sanitised HTML.")
    functions: str = strawberry.field(description="Sanitised HTML: functions and duties.")
    introduction_en: str = strawberry.field(
        description="English introduction and organisation (42 Art. 7(2)); empty if none."
    )
    functions_en: str = strawberry.field(description="English functions and duties; may be empty.")
    english_stale: bool = strawberry.field(
        description="The Vietnamese changed after the English was last written: re-translate."
    )
    org_chart: Image | None = strawberry.field(
        description="The organisation chart (sơ đồ tổ chức); null if none."
    )
    portal_url: str = strawberry.field(
        description="The unit's portal (cổng thông tin); may be empty."
    )
    legal_documents_url: str = strawberry.field(description="Its documents section (S4.2).")
    procedures_url: str = strawberry.field(
        description="Its administrative procedures by its code (S3.5); may come from above."
    )
    official_channels: list[OfficialChannel] = strawberry.field(
        description="Its official channels, as `officialChannels(unit:)` lists them."
    )
    state: Publication = strawberry.field(description=STATE_HELP)


def shaped(session: Session, row: Row, view: View) -> UnitProfile:
    unit = session.get(UnitRow, row.unit_id)
    assert unit is not None
    chart = session.get(MediaAsset, row.org_chart_id) if row.org_chart_id else None
    return UnitProfile(
        id=strawberry.ID(row.uid),
        unit=Unit.of(unit),
        introduction=row.introduction_html,
        history=row.history_html,
        functions=row.functions_html,
        introduction_en=row.introduction_en_html,
        functions_en=row.functions_en_html,
        english_stale=english.stale(row),
        org_chart=image_of(chart, view.urls) if chart is not None else None,
        portal_url=row.portal_url,
        legal_documents_url=row.legal_documents_url,
        procedures_url=actions.procedures_url(session, unit, row),
        official_channels=channels(
            session, actions.channels_of(session, unit, view.actor, view.now)
        ),
        state=Publication(row.state),
    )


def unit_profile(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> UnitProfile | None:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        row = actions.profile_of(session, found, v.actor, v.now)
        return shaped(session, row, v) if row is not None else None


def official_channels(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> list[OfficialChannel]:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        return channels(session, actions.channels_of(session, found, v.actor, v.now))


@strawberry.input(description="The profile's fields; only those given change.")
class UnitProfileInput:
    introduction: str | None = strawberry.UNSET
    history: str | None = strawberry.UNSET
    functions: str | None = strawberry.UNSET
    introduction_en: str | None = strawberry.field(
        default=strawberry.UNSET, description="English introduction and organisation (HTML)."
    )
    functions_en: str | None = strawberry.field(
        default=strawberry.UNSET, description="English functions and duties (HTML)."
    )
    org_chart: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An image of the unit's library."
    )
    portal_url: str | None = strawberry.UNSET
    legal_documents_url: str | None = strawberry.UNSET
    procedures_url: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="May hold {code}: units below without their own get it with their code.",
    )


@strawberry.type
class UnitProfileResult:
    profile: UnitProfile


UnitProfilePayload = Annotated[UnitProfileResult | Failures, strawberry.union("UnitProfilePayload")]


def save_unit_profile(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    input: UnitProfileInput,
) -> UnitProfilePayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor

    def act() -> Any:
        row = actions.save_profile(rc.ctx, actor, unit, present(input))
        with rc.read() as session:
            return UnitProfileResult(profile=shaped(session, row, view_of(info)))

    return outcome(act)


@strawberry.input(description="An official channel's fields; on an edit, only those given.")
class OfficialChannelInput:
    platform: str | None = strawberry.field(default=strawberry.UNSET, description=PLATFORM_HELP)
    name: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET
    verified_on: dt.date | None = strawberry.UNSET


@strawberry.type
class OfficialChannelResult:
    channel: OfficialChannel


OfficialChannelPayload = Annotated[
    OfficialChannelResult | Failures, strawberry.union("OfficialChannelPayload")
]


save_official_channel = save_resolver(
    actions.CHANNEL,
    OfficialChannelInput,
    OfficialChannelPayload,
    lambda s, row, v: OfficialChannelResult(channel=channels(s, [row])[0]),
    "channel",
)
