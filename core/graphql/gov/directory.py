"""The directory in GraphQL: ``directory(unit, group)``, ``portalFooter(unit)`` (S3.6: who
answers for the content, with phone and e-mail) and ``saveDirectoryEntry``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy.orm import Session

from core.govcontent import directory as actions
from core.govcontent import english
from core.govcontent.models import DirectoryEntry as Row
from core.govcontent.models import Publication
from core.graphql.gov.common import (
    STATE_HELP,
    UNIT_HELP,
    Failures,
    Info,
    View,
    read_unit,
    save_resolver,
)
from core.graphql.gov.common import view as view_of
from core.graphql.types.unit import Unit

GROUP_HELP = "One of: " + ", ".join(f"{k} ({v})" for k, v in actions.GROUPS.items())


@strawberry.type(description="An official or contact (S3.3: name, title, phone, official e-mail).")
class DirectoryEntry:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    group: str = strawberry.field(description=GROUP_HELP)
    group_name: str = strawberry.field(description="The group's Vietnamese name.")
    body: str = strawberry.field(description="The body the person belongs to.")
    name: str = strawberry.field(description="The person's full name. Họ và tên.")
    title: str = strawberry.field(description="Chức vụ.")
    title_en: str = strawberry.field(description="The title in English (42 Art. 7(2)); or empty.")
    body_en: str = strawberry.field(description="The body's English name; may be empty.")
    english_stale: bool = strawberry.field(
        description="The Vietnamese changed after the English was last written: re-translate."
    )
    phone: str = strawberry.field(description="Phone number (điện thoại); empty if none given.")
    email: str = strawberry.field(description="Official (công vụ) e-mail.")
    position: int = strawberry.field(description="Order within its group, lowest first.")
    verified_on: dt.date = strawberry.field(description="When the details were last checked.")
    stale: bool = strawberry.field(description="Not checked for more than 180 days.")
    state: Publication = strawberry.field(description=STATE_HELP)


def shaped(session: Session, rows: list[Row], view: View) -> list[DirectoryEntry]:
    old = {r.id for r in actions.stale(rows, view.now)}
    return [
        DirectoryEntry(
            id=strawberry.ID(r.uid),
            group=r.group,
            group_name=actions.GROUPS[r.group],
            body=r.body,
            name=r.name,
            title=r.title,
            title_en=r.title_en,
            body_en=r.body_en,
            english_stale=english.stale(r),
            phone=r.phone,
            email=r.email,
            position=r.position,
            verified_on=r.verified_on,
            stale=r.id in old,
            state=Publication(r.state),
        )
        for r in rows
    ]


def directory(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    group: Annotated[str | None, strawberry.argument(description=GROUP_HELP)] = None,
) -> list[DirectoryEntry]:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        return shaped(session, actions.entries(session, found, v.actor, group, v.now), v)


@strawberry.type(description="What a portal's footer names (TT 32/2017 Art. 16, S3.6).")
class PortalFooter:
    unit: Unit = strawberry.field(description="The unit whose portal it is.")
    content_responsible: list[DirectoryEntry] = strawberry.field(
        description="The person(s) responsible for the portal's content."
    )
    spokesperson: list[DirectoryEntry] = strawberry.field(
        description="The spokesperson(s) of the unit (người phát ngôn)."
    )


def portal_footer(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> PortalFooter:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        rows = shaped(session, actions.entries(session, found, v.actor, None, v.now), v)
    return PortalFooter(
        unit=Unit.of(found),
        content_responsible=[r for r in rows if r.group == "content_responsible"],
        spokesperson=[r for r in rows if r.group == "spokesperson"],
    )


@strawberry.input(description="Fields of a directory entry; on an edit, only those given change.")
class DirectoryEntryInput:
    group: str | None = strawberry.field(default=strawberry.UNSET, description=GROUP_HELP)
    body: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    title_en: str | None = strawberry.field(default=strawberry.UNSET, description="In English.")
    body_en: str | None = strawberry.field(default=strawberry.UNSET, description="In English.")
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET
    verified_on: dt.date | None = strawberry.field(
        default=strawberry.UNSET, description="Defaults to today for a new entry."
    )


@strawberry.type
class DirectoryEntryResult:
    entry: DirectoryEntry


DirectoryEntryPayload = Annotated[
    DirectoryEntryResult | Failures, strawberry.union("DirectoryEntryPayload")
]


save_directory_entry = save_resolver(
    actions.KIND,
    DirectoryEntryInput,
    DirectoryEntryPayload,
    lambda s, row, v: DirectoryEntryResult(entry=shaped(s, [row], v)[0]),
    "entry",
)
