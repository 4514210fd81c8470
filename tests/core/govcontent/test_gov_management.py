"""The management API covers every government type: a save mutation each, publish and
withdraw for all (nothing is deleted, C18), and an unused banner slot can be removed."""

from __future__ import annotations

from sqlalchemy import select

from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.govcontent import banners, editing
from core.govcontent.kinds import KINDS
from core.graphql.gov.common import GovContentKind
from core.units.lookups import unit_by_code

MUTATIONS = """{ __schema { mutationType { fields { name } } } }"""
REMOVE = """mutation($key: String!) { removeBannerPlacement(unit: "14932", key: $key) {
  __typename ... on BannerPlacementRemoved { key }
  ... on ValidationError { fields { field message } } ... on ForbiddenError { message } } }"""
SAVE_NAMES = {
    "legal_document": "saveLegalDocument",
    "banner": "saveBanner",
    "schedule_slot": "saveScheduleSlot",
    "directory_entry": "saveDirectoryEntry",
    "unit_profile": "saveUnitProfile",
    "official_channel": "saveOfficialChannel",
    "menu_item": "saveMenuItem",
    "campaign_section": "saveCampaignSection",
}


def test_every_type_has_its_save_and_the_shared_publish_and_withdraw(gql, admin_token):
    names = {
        f["name"] for f in gql(MUTATIONS, admin_token)["data"]["__schema"]["mutationType"]["fields"]
    }
    assert set(SAVE_NAMES) == set(KINDS) == {k.value for k in GovContentKind}
    assert set(SAVE_NAMES.values()) | {"publishGovContent", "withdrawGovContent"} <= names


def test_an_unused_banner_slot_is_removed_a_used_one_is_kept(
    ctx, gql, admin_token, editor_token, upload
):
    banners.define_placement(ctx, SYSTEM, "14932", "cu", "Ô cũ", 700, 200)
    banners.define_placement(ctx, SYSTEM, "14932", "dung", "Ô đang dùng", 700, 200)
    image = upload("png", width=1000, height=250)
    data = {"title": "Chuyển đổi số", "placement": "dung", "image": image.uid}
    editing.save(ctx, SYSTEM, banners.KIND, data, unit_code="14932")
    assert gql(REMOVE, editor_token, key="cu")["data"]["removeBannerPlacement"]["__typename"] == (
        "ForbiddenError"
    )
    used = gql(REMOVE, admin_token, key="dung")["data"]["removeBannerPlacement"]
    assert used["fields"][0]["message"].startswith("1 banner(s) are in this placement")
    missing = gql(REMOVE, admin_token, key="khong-co")["data"]["removeBannerPlacement"]
    assert missing["fields"][0]["field"] == "key"
    done = gql(REMOVE, admin_token, key="cu")["data"]["removeBannerPlacement"]
    assert done == {"__typename": "BannerPlacementRemoved", "key": "cu"}
    with ctx.sessions() as session:
        keys = [p.key for p in banners.placements(session, unit_by_code(session, "14932"))]
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action == "banner_placement.remove")
            .order_by(AuditEntry.id)
        ).all()
    assert keys == ["dung"] and actions == ["banner_placement.remove"]
