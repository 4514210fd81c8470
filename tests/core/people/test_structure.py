"""A unit's agencies and categories: only its admins (or admins above) change them; names are
NFC and unique in the unit ignoring case and diacritics; every change is audited; the quota
counts only active agencies and the public list only active categories."""

from __future__ import annotations

import unicodedata

import pytest

from core.actions import structure
from core.auth.permissions import SYSTEM
from core.content.queries import all_categories
from core.context import Context
from core.errors import Forbidden, NotFound, ValidationFailed
from core.quota.counts import _agencies
from core.units.lookups import find_unit
from tests.core.auth.conftest import MakeAccount, audit_rows
from tests.core.people.conftest import ActorOf


def test_a_commune_admin_keeps_its_agencies_and_no_one_elses(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    admin = actor_of(make_account("xa-admin", role="admin", unit="14932"))
    editor = actor_of(make_account("bien-tap", role="editor", unit="14932"))
    decomposed = unicodedata.normalize("NFD", "  Văn phòng   UBND xã ")
    made = structure.create_agency(ctx, admin, "14932", decomposed)
    assert made.name == "Văn phòng UBND xã" and unicodedata.is_normalized("NFC", made.name)
    with pytest.raises(ValidationFailed) as taken:
        structure.create_agency(ctx, admin, "14932", "VAN PHONG ubnd xa")
    assert "name" in taken.value.fields
    other = structure.create_agency(ctx, SYSTEM, "14950", "Văn phòng UBND xã")  # another unit
    with pytest.raises(Forbidden):
        structure.create_agency(ctx, editor, "14932", "Công an xã")
    with pytest.raises(Forbidden):
        structure.create_agency(ctx, admin, "14950", "Công an xã")
    with pytest.raises(Forbidden):
        structure.rename_agency(ctx, admin, other.id, "Tên khác")
    with pytest.raises(NotFound):
        structure.rename_agency(ctx, admin, 999_999, "Tên khác")
    with pytest.raises(ValidationFailed):
        structure.create_agency(ctx, admin, "14932", "  !! ")
    structure.create_agency(ctx, admin, "14932", "Công an xã")
    with pytest.raises(ValidationFailed):
        structure.rename_agency(ctx, admin, made.id, "cong an xa")
    renamed = structure.rename_agency(ctx, admin, made.id, "Văn phòng HĐND và UBND xã")
    assert renamed.name == "Văn phòng HĐND và UBND xã"
    assert [a.name for a in structure.list_agencies(ctx, admin, "14932")] == [
        "Công an xã",
        "Văn phòng HĐND và UBND xã",
    ]
    province = actor_of(make_account("tinh-admin", role="admin", unit="38"))
    assert len(structure.list_agencies(ctx, province, "14932")) == 2  # an admin above
    assert next(e.data["name"] for e in audit_rows(ctx, "agency.create")) == "Văn phòng UBND xã"
    [rename] = audit_rows(ctx, "agency.rename")
    assert rename.actor == "xa-admin" and rename.data["before"] == "Văn phòng UBND xã"


def test_a_deactivated_agency_leaves_the_quota_and_can_come_back(
    ctx: Context, tree: dict, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    admin = actor_of(make_account("xa-admin", role="admin", unit="14932"))
    made = structure.create_agency(ctx, admin, "14932", "Trạm y tế xã")
    with ctx.sessions() as session:
        unit = find_unit(session, "14932")
        assert unit is not None
        assert [a[1] for a in _agencies(session, unit)] == ["Trạm y tế xã"]
    assert structure.set_agency_active(ctx, admin, made.id, False).active is False
    with ctx.sessions() as session:
        assert _agencies(session, unit) == []
    assert structure.list_agencies(ctx, admin, "14932")[0].active is False
    structure.set_agency_active(ctx, admin, made.id, True)
    with ctx.sessions() as session:
        assert len(_agencies(session, unit)) == 1
    assert len(audit_rows(ctx, "agency.deactivate")) == 1
    assert len(audit_rows(ctx, "agency.reactivate")) == 1


def test_categories_sections_order_slugs_and_deactivation(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    admin = actor_of(make_account("xa-admin", role="admin", unit="14932"))
    news = structure.create_category(ctx, admin, "14932", "Tin tức - Sự kiện")
    assert news.slug == "tin-tuc-su-kien" and not news.shared
    again = structure.create_category(ctx, SYSTEM, "14950", "Tin tức - Sự kiện")
    assert again.slug == "tin-tuc-su-kien-2"  # slugs are the API's: unique everywhere
    law = structure.create_category(ctx, admin, "14932", "Pháp luật", slug="phap-luat")
    section = structure.create_category(ctx, admin, "14932", "Hỏi đáp", parent_id=law.id)
    with pytest.raises(ValidationFailed):
        structure.create_category(ctx, admin, "14932", "Con", parent_id=section.id)
    with pytest.raises(ValidationFailed):
        structure.create_category(ctx, admin, "14932", "tin tuc - su kien")
    with pytest.raises(ValidationFailed):  # another unit's category is no parent here
        structure.create_category(ctx, admin, "14932", "Mục", parent_id=again.id)
    with pytest.raises(Forbidden):
        structure.rename_category(ctx, admin, again.id, "Khác")
    listed = structure.list_categories(ctx, admin, "14932")
    assert [c.name for c in listed] == ["Tin tức - Sự kiện", "Pháp luật", "Hỏi đáp"]
    structure.move_category(ctx, admin, law.id, -1)
    assert [c.name for c in structure.list_categories(ctx, admin, "14932")] == [
        "Pháp luật",
        "Hỏi đáp",
        "Tin tức - Sự kiện",
    ]
    renamed = structure.rename_category(ctx, admin, news.id, "Tin tức")
    assert renamed.slug == "tin-tuc-su-kien"  # links and API filters keep working
    structure.set_category_active(ctx, admin, news.id, False)
    with ctx.sessions() as session:
        public = [c.slug for c in all_categories(session)]
    assert "tin-tuc-su-kien" not in public and {"phap-luat", "hoi-dap"} <= set(public)
    assert [e.data["slug"] for e in audit_rows(ctx, "category.create")][:2] == [
        "tin-tuc-su-kien",
        "tin-tuc-su-kien-2",
    ]
    assert len(audit_rows(ctx, "category.deactivate")) == 1


def test_shared_categories_are_kept_by_admins_of_the_whole_tree(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    from core.content.models import Category

    with ctx.transaction() as session:
        shared = Category(slug="de-an-06", name="Đề án 06")
        session.add(shared)
        session.flush()
        shared_id = shared.id
    commune = actor_of(make_account("xa-admin", role="admin", unit="14932"))
    nation = actor_of(make_account("tw-admin", role="admin", unit="VN"))
    assert structure.list_categories(ctx, commune, "14932")[0].shared
    with pytest.raises(Forbidden):
        structure.rename_category(ctx, commune, shared_id, "Đề án 06 (mới)")
    with pytest.raises(ValidationFailed):  # a shared name is taken in every unit
        structure.create_category(ctx, commune, "14932", "đề án 06")
    assert structure.rename_category(ctx, nation, shared_id, "Đề án 06/CP").name == "Đề án 06/CP"
