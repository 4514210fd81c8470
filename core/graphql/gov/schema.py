"""The mixins that put government content into the schemas: ``GovQuery`` in both (the public
sees what is published and in its window; an editor of the unit also sees drafts there),
``GovMutation`` in the management schema only."""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.govcontent import editing
from core.govcontent.kinds import KINDS
from core.govcontent.models import Publication
from core.graphql.gov import banners as banner_api
from core.graphql.gov import compliance as compliance_api
from core.graphql.gov import directory as directory_api
from core.graphql.gov import legal as legal_api
from core.graphql.gov import menus as menu_api
from core.graphql.gov import profile as profile_api
from core.graphql.gov import schedules as schedule_api
from core.graphql.gov.common import (
    GovContentKind,
    GovContentState,
    GovContentStatePayload,
    Info,
    outcome,
)


@strawberry.type
class GovQuery:
    legal_documents: legal_api.LegalDocumentConnection = strawberry.field(
        resolver=legal_api.legal_documents,
        description="A unit's legal documents, newest issue date first (S1.2, S3.5, C2).",
    )
    legal_document: legal_api.LegalDocument | None = strawberry.field(
        resolver=legal_api.legal_document, description="A document by id; null if not visible."
    )
    banners: list[banner_api.Banner] = strawberry.field(
        resolver=banner_api.banners, description="A unit's live banners (never an expired one)."
    )
    banner_placements: list[banner_api.BannerPlacement] = strawberry.field(
        resolver=banner_api.banner_placements, description="The banner slots of a unit's portal."
    )
    schedule: schedule_api.ScheduleWeek = strawberry.field(
        resolver=schedule_api.schedule,
        description="A week of work or citizen-reception schedules (S3.3, S3.5).",
    )
    directory: list[directory_api.DirectoryEntry] = strawberry.field(
        resolver=directory_api.directory,
        description="Officials and contacts, by group (S3.3, S3.5 Hệ thống chính trị).",
    )
    portal_footer: directory_api.PortalFooter = strawberry.field(
        resolver=directory_api.portal_footer, description="Who a portal's footer names (S3.6)."
    )
    unit_profile: profile_api.UnitProfile | None = strawberry.field(
        resolver=profile_api.unit_profile, description="A unit's overview and official channels."
    )
    official_channels: list[profile_api.OfficialChannel] = strawberry.field(
        resolver=profile_api.official_channels,
        description="A unit's official channels (Decree 224 Art. 10(3)).",
    )
    menu: list[menu_api.MenuItem] = strawberry.field(
        resolver=menu_api.menu, description="A unit's main or top menu, two levels (S3.5)."
    )
    campaign_sections: list[menu_api.CampaignSection] = strawberry.field(
        resolver=menu_api.campaign_sections,
        description="A unit's campaign sections inside their window (S2.3).",
    )
    disclosure_list: list[compliance_api.DisclosureItem] = strawberry.field(
        resolver=compliance_api.disclosure_list,
        description="The information the unit must publish and where each item stands: its "
        "Danh mục thông tin phải được công khai (Decree 13/2018 Art. 6).",
    )


@strawberry.type
class GovManagementQuery:
    compliance_report: compliance_api.ComplianceReport = strawberry.field(
        resolver=compliance_api.compliance_report,
        description="Which of the information the unit must publish it has, lacks or has in "
        "part, and what to do (editors of the unit or above).",
    )


def _state(
    info: Info, kind: GovContentKind, id: strawberry.ID, publish: bool, reason: str
) -> GovContentStatePayload:
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor
    spec = KINDS[kind.value]

    def act() -> GovContentState:
        if publish:
            row = editing.publish(rc.ctx, actor, spec, str(id))
        else:
            row = editing.withdraw(rc.ctx, actor, spec, str(id), reason)
        return GovContentState(kind=kind, id=strawberry.ID(row.uid), state=Publication(row.state))

    return outcome(act)


@strawberry.type
class GovMutation:
    save_legal_document: legal_api.LegalDocumentPayload = strawberry.mutation(
        resolver=legal_api.save_legal_document,
        description="Create a draft document in `unit`, or edit document `id`.",
    )
    save_banner: banner_api.BannerPayload = strawberry.mutation(
        resolver=banner_api.save_banner, description="Create a draft banner, or edit banner `id`."
    )
    define_banner_placement: banner_api.BannerPlacementPayload = strawberry.mutation(
        resolver=banner_api.define_banner_placement,
        description="Create or resize a banner slot of a unit's portal (manage_channels).",
    )
    remove_banner_placement: banner_api.BannerPlacementRemovedPayload = strawberry.mutation(
        resolver=banner_api.remove_banner_placement,
        description="Remove a banner slot no banner was ever put in (manage_channels).",
    )
    save_schedule_slot: schedule_api.ScheduleSlotPayload = strawberry.mutation(
        resolver=schedule_api.save_schedule_slot, description="Create or edit a schedule slot."
    )
    save_directory_entry: directory_api.DirectoryEntryPayload = strawberry.mutation(
        resolver=directory_api.save_directory_entry, description="Create or edit a contact."
    )
    save_unit_profile: profile_api.UnitProfilePayload = strawberry.mutation(
        resolver=profile_api.save_unit_profile, description="Write the unit's one profile."
    )
    save_official_channel: profile_api.OfficialChannelPayload = strawberry.mutation(
        resolver=profile_api.save_official_channel, description="Create or edit a channel."
    )
    save_menu_item: menu_api.MenuItemPayload = strawberry.mutation(
        resolver=menu_api.save_menu_item, description="Create or edit a menu item."
    )
    save_campaign_section: menu_api.CampaignSectionPayload = strawberry.mutation(
        resolver=menu_api.save_campaign_section, description="Create or edit a campaign section."
    )
    seed_default_menu: menu_api.MenuSeededPayload = strawberry.mutation(
        resolver=menu_api.seed_default_menu,
        description="Give a unit S3.5's default menus, published (none if it has a menu).",
    )

    @strawberry.mutation(description="Publish an item (the editorial board: approve permission).")
    def publish_gov_content(
        self, info: Info, kind: GovContentKind, id: strawberry.ID
    ) -> GovContentStatePayload:
        return _state(info, kind, id, True, "")

    @strawberry.mutation(description="Withdraw a published item from public (never deleted).")
    def withdraw_gov_content(
        self,
        info: Info,
        kind: GovContentKind,
        id: strawberry.ID,
        reason: Annotated[str, strawberry.argument(description="Why, for the audit log.")] = "",
    ) -> GovContentStatePayload:
        return _state(info, kind, id, False, reason)
