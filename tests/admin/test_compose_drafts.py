"""The compose form's autosave and templates through the admin's pages (issue 16): JSON
answers the script reads, CSRF, conflicts, items past their draft, and templates saved from
the form, listed, used, renamed and deleted (the browser run is in
test_compose_drafts_in_chromium.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from core.actions import workflow
from core.context import Context
from tests.core.auth.conftest import (
    Clock,
    MakeAccount,
    admin_client,
    audit_rows,
    csrf_of,
    sign_in,
)

FORM = {
    "title": "Lịch công tác tuần 49",
    "summary": "Ủy ban xã thông báo lịch công tác.",
    "body_html": "<p>Thứ Hai: giao ban.</p>",
    "kind": "notice",
    "unit_code": "14932",
    "scope_units": ["14932"],
}


@pytest.fixture
def second_web(ctx: Context) -> Iterator[TestClient]:
    """Another browser: an editor of the next commune."""
    with admin_client(ctx) as client:
        yield client


def _autosave(web: TestClient, url: str, csrf: str, **fields: Any) -> Any:
    return web.post(url, data={"csrf_token": csrf, **FORM, **fields})


def _editor(
    web: TestClient, make_account: MakeAccount, clock: Clock, name: str = "bien-tap"
) -> str:
    sign_in(web, make_account(name), clock)
    page = web.get("/admin/compose")
    assert 'data-autosave="on"' in page.text and 'data-autosave-url="/admin/autosave"' in page.text
    return csrf_of(page.text)


def test_autosave_creates_the_draft_then_updates_it_and_says_when(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = _editor(web, make_account, clock)
    first = _autosave(web, "/admin/autosave", csrf)
    assert first.status_code == 200, first.text
    saved = first.json()
    assert saved["state"] == "saved" and saved["created"] and saved["revision"] == 1
    now = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    shown = dt.datetime.strptime(saved["saved_at"], "%H:%M").replace(
        year=now.year, month=now.month, day=now.day, tzinfo=now.tzinfo
    )
    assert abs((now - shown).total_seconds()) < 120  # Vietnam's time, not UTC
    uid = saved["uid"]
    assert saved["autosave_url"] == f"/admin/items/{uid}/autosave"
    second = _autosave(web, saved["autosave_url"], csrf, base_revision="1", title="Lịch tuần 49")
    assert second.json()["state"] == "saved" and second.json()["revision"] == 2
    edit = web.get(f"/admin/items/{uid}/edit")
    assert 'value="Lịch tuần 49"' in edit.text
    assert 'name="base_revision" id="base_revision" value="2"' in edit.text
    assert len(audit_rows(web.app.state.loa, "article.autosave")) == 1


def test_a_stale_autosave_is_a_conflict_and_bad_bodies_are_typed(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = _editor(web, make_account, clock)
    saved = _autosave(web, "/admin/autosave", csrf).json()
    url = saved["autosave_url"]
    assert _autosave(web, url, csrf, base_revision="1", title="Tab một").json()["revision"] == 2
    stale = _autosave(web, url, csrf, base_revision="1", title="Tab hai")
    assert stale.status_code == 409 and stale.json()["state"] == "conflict"
    assert "tab hoặc máy khác" in stale.json()["message_vi"]
    missing = _autosave(web, url, csrf, base_revision="")
    assert missing.status_code == 400 and missing.json()["fields"] == {
        "base_revision": "is required"
    }
    no_title = _autosave(web, "/admin/autosave", csrf, title="")
    assert no_title.status_code == 400 and no_title.json()["fields"]["title"]
    bad_age = _autosave(web, url, csrf, base_revision="2", age_min="nhiều")
    assert bad_age.status_code == 400 and "age_min" in bad_age.json()["fields"]
    unknown = _autosave(
        web, "/admin/items/00000000-0000-0000-0000-000000000000/autosave", csrf, base_revision="1"
    )
    assert unknown.status_code == 404 and unknown.json()["state"] == "refused"
    # The explicit save of the stale form is refused too, with what was typed kept.
    form = web.post(
        f"/admin/items/{saved['uid']}/edit",
        data={"csrf_token": csrf, **FORM, "base_revision": "1", "title": "Tab hai"},
    )
    assert form.status_code == 400 and "tab hoặc máy khác" in form.text
    assert 'value="Tab hai"' in form.text
    assert 'value="Tab một"' in web.get(f"/admin/items/{saved['uid']}/edit").text


def test_autosave_without_the_csrf_token_saves_nothing(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    _editor(web, make_account, clock)
    refused = web.post("/admin/autosave", data={**FORM, "title": "Giả mạo"})
    assert refused.status_code == 403
    assert "Giả mạo" not in web.get("/admin/").text
    assert audit_rows(web.app.state.loa, "auth.csrf_refused")


def test_an_item_past_its_draft_is_saved_only_explicitly(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    csrf = _editor(web, make_account, clock)
    saved = _autosave(web, "/admin/autosave", csrf).json()
    page = web.get(f"/admin/items/{saved['uid']}/edit")
    from core.actions.desk import item_view
    from core.auth.permissions import SYSTEM

    workflow.submit(ctx, SYSTEM, item_view(ctx, SYSTEM, saved["uid"]).id)
    page = web.get(f"/admin/items/{saved['uid']}/edit")
    assert 'data-autosave="manual"' in page.text and "chỉ được lưu khi bạn bấm Lưu" in page.text
    refused = _autosave(web, saved["autosave_url"], csrf, base_revision="1", title="Sửa ngầm")
    assert refused.status_code == 409 and refused.json()["state"] == "manual"
    assert 'value="Sửa ngầm"' not in web.get(f"/admin/items/{saved['uid']}/edit").text


def _template_form(web: TestClient, name: str, action: str = "/admin/templates") -> Any:
    page = web.get("/admin/compose")
    return web.post(
        action,
        data={"csrf_token": csrf_of(page.text), **FORM, "template_name": name},
    )


def test_templates_are_saved_from_the_form_used_renamed_and_deleted(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    _editor(web, make_account, clock)
    saved = _template_form(web, "Lịch tuần")
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/templates?done=saved"
    listing = web.get("/admin/templates?done=saved")
    assert "Đã lưu mẫu" in listing.text and "Lịch tuần" in listing.text
    used = re.search(r'href="/admin/templates/(\d+)/use"', listing.text)
    assert used, listing.text
    template_id = used.group(1)
    started = web.get(f"/admin/templates/{template_id}/use")
    assert started.status_code == 200
    assert 'value="Lịch công tác tuần 49"' in started.text and "Thứ Hai: giao ban." in started.text
    assert 'action="/admin/compose"' in started.text  # a new item, not the template's source
    assert "Bài mới từ mẫu «Lịch tuần»" in started.text

    taken = _template_form(web, "lịch TUẦN")
    assert taken.status_code == 400
    assert re.search(r'id="err-template_name">Đơn vị đã có mẫu trùng tên này', taken.text)
    assert 'value="Lịch công tác tuần 49"' in taken.text  # what was typed stays

    csrf = csrf_of(listing.text)
    renamed = web.post(
        f"/admin/templates/{template_id}/rename", data={"csrf_token": csrf, "name": "Lịch công tác"}
    )
    assert renamed.status_code == 303
    assert "Lịch công tác" in web.get("/admin/templates").text
    empty = web.post(
        f"/admin/templates/{template_id}/rename", data={"csrf_token": csrf, "name": ""}
    )
    assert empty.status_code == 400 and "Trường này bắt buộc" in empty.text
    forged = web.post(f"/admin/templates/{template_id}/delete", data={})
    assert forged.status_code == 403
    deleted = web.post(f"/admin/templates/{template_id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303
    assert "Đơn vị chưa có mẫu nào" in web.get("/admin/templates").text


def test_another_communes_template_is_refused_and_audited(
    web: TestClient, second_web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    _editor(web, make_account, clock)
    _template_form(web, "Lịch tuần")
    template_id = re.search(
        r'href="/admin/templates/(\d+)/use"', web.get("/admin/templates").text
    ).group(1)
    sign_in(second_web, make_account("xa-ben", unit="14950"), clock)
    assert "Lịch tuần" not in second_web.get("/admin/templates").text
    assert second_web.get(f"/admin/templates/{template_id}/use").status_code == 403
    page = second_web.get("/admin/compose")
    refused = second_web.post(
        f"/admin/templates/{template_id}/delete", data={"csrf_token": csrf_of(page.text)}
    )
    assert refused.status_code == 403
    assert audit_rows(web.app.state.loa, "auth.forbidden")
    assert "Lịch tuần" in web.get("/admin/templates").text
