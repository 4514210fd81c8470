"""Menus and campaign sections in GraphQL: ``menu(unit, menu)`` as a two-level tree,
``campaignSections(unit)`` (in-window only), their saves and ``seedDefaultMenu`` (S3.5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from core.govcontent import menus as actions
from core.govcontent.models import CampaignSection as SectionRow
from core.govcontent.models import MenuItem as Row
from core.govcontent.models import Publication
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
from core.graphql.types.media import page

SECTION_HELP = (
    "What the item opens: one of " + ", ".join(sorted(actions.SECTIONS)) + ", or "
    "category:<slug>, campaign:<slug>, schedule:<kind>, profile:<part>; empty with a url."
)


@strawberry.type(description="A menu entry; top-level entries carry their children.")
class MenuItem:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    label: str = strawberry.field(description="The Vietnamese label shown in the menu. Nhãn.")
    label_en: str = strawberry.field(description="The English label; empty if none given.")
    section: str = strawberry.field(description=SECTION_HELP)
    url: str = strawberry.field(
        description="An http(s) link it opens; empty when it opens a section."
    )
    position: int = strawberry.field(description="Order among its siblings, lowest first.")
    state: Publication = strawberry.field(description=STATE_HELP)
    all_children: strawberry.Private[list[MenuItem]]

    @strawberry.field(description="The items under this one, in order.")
    def children(
        self,
        first: Annotated[
            int, strawberry.argument(description="At most this many (up to 100).")
        ] = 15,
    ) -> list[MenuItem]:
        return self.all_children[: page(first)]


def _item(row: Row, children: list[MenuItem]) -> MenuItem:
    return MenuItem(
        id=strawberry.ID(row.uid),
        label=row.label,
        label_en=row.label_en,
        section=row.section,
        url=row.url,
        position=row.position,
        state=Publication(row.state),
        all_children=children,
    )


def tree(rows: list[Row]) -> list[MenuItem]:
    """Top-level items in order, each with its children (an orphan's parent hidden: dropped)."""
    kids: dict[int, list[MenuItem]] = {}
    for r in rows:
        if r.parent_id is not None:
            kids.setdefault(r.parent_id, []).append(_item(r, []))
    return [_item(r, kids.get(r.id, [])) for r in rows if r.parent_id is None]


def menu(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    menu: Annotated[str, strawberry.argument(description="main or top.")] = "main",
    first: Annotated[int, strawberry.argument(description="Top-level items, at most 100.")] = 20,
) -> list[MenuItem]:
    v = view_of(info)
    found = read_unit(info, unit)
    if menu not in actions.MENUS:
        raise ValidationFailed({"menu": f"must be one of {sorted(actions.MENUS)}"})
    with info.context.read() as session:
        return tree(actions.menu_items(session, found, v.actor, menu, v.now))[: page(first)]


@strawberry.type(description="A campaign section (chuyên mục, S2.3), shown inside its window.")
class CampaignSection:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    slug: str = strawberry.field(description="Its address segment, as in `campaign:<slug>`.")
    title: str = strawberry.field(description="Its title. Tên chuyên mục.")
    description: str = strawberry.field(description="What the campaign is about; may be empty.")
    category: str = strawberry.field(description="The category whose articles it lists.")
    visible_from: dt.datetime | None = strawberry.field(
        description="When it starts to show (UTC); null: as soon as published."
    )
    visible_until: dt.datetime | None = strawberry.field(
        description="When it comes down by itself (UTC); null: it stays."
    )
    state: Publication = strawberry.field(description=STATE_HELP)


def sections(session: Session, rows: list[SectionRow], view: View) -> list[CampaignSection]:
    return [
        CampaignSection(
            id=strawberry.ID(r.uid),
            slug=r.slug,
            title=r.title,
            description=r.description,
            category=r.category,
            visible_from=r.visible_from,
            visible_until=r.visible_until,
            state=Publication(r.state),
        )
        for r in rows
    ]


def campaign_sections(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> list[CampaignSection]:
    v = view_of(info)
    found = read_unit(info, unit)
    with info.context.read() as session:
        return sections(session, actions.campaign_sections(session, found, v.actor, v.now), v)


@strawberry.input(description="A menu item's fields; on an edit, only those given change.")
class MenuItemInput:
    menu: str | None = strawberry.field(default=strawberry.UNSET, description="main or top.")
    parent: strawberry.ID | None = strawberry.UNSET
    label: str | None = strawberry.UNSET
    label_en: str | None = strawberry.UNSET
    section: str | None = strawberry.field(default=strawberry.UNSET, description=SECTION_HELP)
    url: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET


@strawberry.input(description="A campaign section's fields; on an edit, only those given.")
class CampaignSectionInput:
    slug: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    visible_from: dt.datetime | None = strawberry.UNSET
    visible_until: dt.datetime | None = strawberry.UNSET


@strawberry.type
class MenuItemResult:
    item: MenuItem


@strawberry.type
class CampaignSectionResult:
    section: CampaignSection


@strawberry.type
class MenuSeeded:
    items: int = strawberry.field(description="Items made; 0 when the unit had a menu.")


MenuItemPayload = Annotated[MenuItemResult | Failures, strawberry.union("MenuItemPayload")]
CampaignSectionPayload = Annotated[
    CampaignSectionResult | Failures, strawberry.union("CampaignSectionPayload")
]
MenuSeededPayload = Annotated[MenuSeeded | Failures, strawberry.union("MenuSeededPayload")]


save_menu_item = save_resolver(
    actions.MENU_ITEM,
    MenuItemInput,
    MenuItemPayload,
    lambda s, row, v: MenuItemResult(item=_item(row, [])),
    "item",
)


save_campaign_section = save_resolver(
    actions.CAMPAIGN_SECTION,
    CampaignSectionInput,
    CampaignSectionPayload,
    lambda s, row, v: CampaignSectionResult(section=sections(s, [row], v)[0]),
    "section",
)


def seed_default_menu(
    info: Info, unit: Annotated[str, strawberry.argument(description=UNIT_HELP)]
) -> MenuSeededPayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor

    def act() -> Any:
        return MenuSeeded(items=actions.seed_default_menu(rc.ctx, actor, unit))

    return outcome(act)
