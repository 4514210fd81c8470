"""Templates of recurring items (issue 16): a unit's editors keep an item's fields under a
name (NFC, unique per unit whatever the case, capped), list them, start from them, rename
and delete them; another unit's are out of reach; every change is audited."""

from __future__ import annotations

import unicodedata

import pytest

from core.actions import templates
from core.actions.autosave import autosave
from core.auth.models import Role
from core.errors import Forbidden, NotFound, ValidationFailed
from tests.core.auth.conftest import audit_rows
from tests.support.pipeline import COMMUNE

FIELDS = {
    "title": "Thông báo lịch cắt điện",
    "summary": "Điện lực thông báo lịch cắt điện.",
    "body_html": '<p>Cắt điện từ 7 giờ.<script>alert(1)</script><a href="javascript:x">x</a></p>',
    "kind": "notice",
    "category": None,
    "topic": "other",
    "target_ids": [],
    "source": "Điện lực Cẩm Thủy",
    "author_name": "Phòng Kinh tế",
    "audience": {
        "scope_level": "commune",
        "scope_units": [COMMUNE],
        "genders": [],
        "interactions_allowed": False,
        "visible_from": "2026-12-01T08:00:00+07:00",
    },
}


def test_an_editor_saves_lists_renames_and_deletes_the_units_templates(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    decomposed = unicodedata.normalize("NFD", "Cắt  điện   hằng tháng")
    saved = templates.save_template(ctx, editor, COMMUNE, decomposed, FIELDS)
    assert saved.name == "Cắt điện hằng tháng"  # NFC, spaces collapsed
    assert unicodedata.is_normalized("NFC", saved.data["title"])
    assert (
        "<script>" not in saved.data["body_html"] and "javascript:" not in saved.data["body_html"]
    )
    assert saved.data["source"] == "Điện lực Cẩm Thủy"
    assert saved.data["audience"]["interactions_allowed"] is False
    assert "visible_from" not in saved.data["audience"]  # one occurrence's dates are not kept
    assert [t.name for t in templates.templates_for(ctx, editor)] == ["Cắt điện hằng tháng"]
    assert templates.template(ctx, editor, saved.id).data == saved.data

    renamed = templates.rename_template(ctx, editor, saved.id, "Lịch cắt điện")
    assert renamed.name == "Lịch cắt điện"
    templates.delete_template(ctx, editor, saved.id)
    assert templates.templates_for(ctx, editor) == []
    with pytest.raises(NotFound):
        templates.template(ctx, editor, saved.id)
    assert [len(audit_rows(ctx, f"template.{a}")) for a in ("create", "rename", "delete")] == [
        1,
        1,
        1,
    ]


def test_names_are_unique_per_unit_whatever_their_case_and_capped(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    neighbour = people("xa-ben", Role.EDITOR, "14950")
    first = templates.save_template(ctx, editor, COMMUNE, "Lịch tuần", FIELDS)
    with pytest.raises(ValidationFailed) as taken:
        templates.save_template(ctx, editor, COMMUNE, "  lịch TUẦN ", FIELDS)
    assert taken.value.fields == {"name": templates.TAKEN}
    # Another commune may use the same name.
    templates.save_template(ctx, neighbour, "14950", "Lịch tuần", FIELDS)
    second = templates.save_template(ctx, editor, COMMUNE, "Họp tháng", FIELDS)
    with pytest.raises(ValidationFailed):
        templates.rename_template(ctx, editor, second.id, "LỊCH TUẦN")
    for bad in ("", "   ", "x" * (templates.NAME_LIMIT + 1)):
        with pytest.raises(ValidationFailed) as refused:
            templates.save_template(ctx, editor, COMMUNE, bad, FIELDS)
        assert "name" in refused.value.fields
    with pytest.raises(ValidationFailed) as long_title:
        templates.save_template(ctx, editor, COMMUNE, "Dài", {**FIELDS, "title": "t" * 501})
    assert "title" in long_title.value.fields
    assert [t.name for t in templates.templates_for(ctx, editor)] == ["Họp tháng", "Lịch tuần"]
    assert first.id != second.id


def test_another_units_templates_are_out_of_reach(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    saved = templates.save_template(ctx, editor, COMMUNE, "Lịch tuần", FIELDS)
    neighbour = people("xa-ben", Role.EDITOR, "14950")
    approver = people("lanh-dao", Role.APPROVER, COMMUNE)
    assert templates.templates_for(ctx, neighbour) == []
    assert templates.templates_for(ctx, approver) == []
    for who in (neighbour, approver):
        with pytest.raises(Forbidden):
            templates.template(ctx, who, saved.id)
        with pytest.raises(Forbidden):
            templates.rename_template(ctx, who, saved.id, "Của tôi")
        with pytest.raises(Forbidden):
            templates.delete_template(ctx, who, saved.id)
    with pytest.raises(Forbidden):
        templates.save_template(ctx, neighbour, COMMUNE, "Chen vào", FIELDS)
    # The province's admin looks after its communes' templates.
    admin = people("quan-tri-tinh", Role.ADMIN, "38")
    assert [t.unit_code for t in templates.templates_for(ctx, admin)] == [COMMUNE]
    templates.rename_template(ctx, admin, saved.id, "Lịch công tác tuần")
    templates.delete_template(ctx, admin, saved.id)
    assert templates.templates_for(ctx, editor) == []


def test_an_item_started_from_a_template_is_a_new_draft(ctx, people) -> None:
    editor = people("bien-tap", Role.EDITOR, COMMUNE)
    saved = templates.save_template(ctx, editor, COMMUNE, "Lịch tuần", FIELDS)
    data = {**templates.template(ctx, editor, saved.id).data, "unit_code": COMMUNE}
    item = autosave(ctx, editor, None, None, data)
    assert item.created and item.revision == 1
    assert templates.template(ctx, editor, saved.id).data == saved.data  # the template stays
