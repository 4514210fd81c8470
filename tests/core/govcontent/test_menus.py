"""Menus and campaign sections: S3.5's default menu seeded and editable, sections with windows."""

from __future__ import annotations

import datetime as dt

from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.govcontent import editing, menus
from core.govcontent.kinds import expire_due

MENU = """query($menu: String!) { menu(unit: "14932", menu: $menu) {
  id label labelEn section children { label section } } }"""
SEED = """mutation { seedDefaultMenu(unit: "14932") {
  __typename ... on MenuSeeded { items } ... on ForbiddenError { message } } }"""
SAVE_ITEM = """
mutation($id: ID, $input: MenuItemInput!) { saveMenuItem(unit: "14932", id: $id, input: $input) {
  __typename ... on ValidationError { fields { field } } ... on MenuItemResult { item { id } }
} }"""
SECTIONS = """{ campaignSections(unit: "14932") { slug title category } }"""


def test_the_default_menu_of_s35_is_seeded_once_and_editable(ctx, gql, admin_token, editor_token):
    assert gql(SEED, editor_token)["data"]["seedDefaultMenu"]["__typename"] == "ForbiddenError"
    made = gql(SEED, admin_token)["data"]["seedDefaultMenu"]["items"]
    assert made > 15
    assert gql(SEED, admin_token)["data"]["seedDefaultMenu"]["items"] == 0  # once
    main = gql(MENU, menu="main")["data"]["menu"]
    labels = [m["label"] for m in main]
    assert labels[:5] == [
        "Tổng quan",
        "Hệ thống chính trị",
        "Lịch tiếp công dân",
        "Thủ tục hành chính",
        "Văn bản pháp quy",
    ]
    assert [c["label"] for c in main[0]["children"]] == [
        "Giới thiệu",
        "Lịch sử hình thành",
        "Chức năng, nhiệm vụ",
    ]
    top = gql(MENU, menu="top")["data"]["menu"]
    assert [m["labelEn"] for m in top] == ["Home", "Introduction", "Directory", "Sitemap"]
    tourism = next(m for m in main if m["section"] == "category:du-lich-le-hoi")
    edited = gql(SAVE_ITEM, admin_token, id=tourism["id"], input={"label": "Du lịch"})
    assert edited["data"]["saveMenuItem"]["__typename"] == "MenuItemResult"
    editing.withdraw(ctx, SYSTEM, menus.MENU_ITEM, main[-1]["id"], "gộp vào Liên hệ")
    after = [m["label"] for m in gql(MENU, menu="main")["data"]["menu"]]
    assert "Du lịch" in after and "Liên hệ góp ý" not in after


def test_menu_items_open_a_section_or_a_url(gql, editor_token):
    bad = gql(SAVE_ITEM, editor_token, input={"menu": "side", "label": "X", "section": "../etc"})
    assert {f["field"] for f in bad["data"]["saveMenuItem"]["fields"]} == {"menu", "section"}
    empty = gql(SAVE_ITEM, editor_token, input={"menu": "main", "label": "Trống"})
    assert {f["field"] for f in empty["data"]["saveMenuItem"]["fields"]} == {"section"}
    assert gql(MENU, menu="side")["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_campaign_section_shows_inside_its_window_only(ctx, gql):
    now = utcnow()
    for title, start, end in (
        ("Đề án 06", now - dt.timedelta(days=1), now + dt.timedelta(days=30)),
        ("Tết an toàn 2026", now - dt.timedelta(days=60), now + dt.timedelta(seconds=0.5)),
        ("Bầu cử 2031", now + dt.timedelta(days=30), None),
    ):
        row = editing.save(
            ctx,
            SYSTEM,
            menus.CAMPAIGN_SECTION,
            {"title": title, "category": "de-an-06", "visible_from": start, "visible_until": end},
            unit_code="14932",
        )
        editing.publish(ctx, SYSTEM, menus.CAMPAIGN_SECTION, row.uid)
    shown = gql(SECTIONS)["data"]["campaignSections"]
    assert {s["slug"] for s in shown} <= {"de-an-06", "tet-an-toan-2026"}
    assert "bau-cu-2031" not in {s["slug"] for s in shown}
    later = now + dt.timedelta(seconds=1)
    assert len(expire_due(ctx, later)) == 1  # Tết's section came down and is recorded
