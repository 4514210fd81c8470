"""Government content on the desk in Debian's Chromium, on a phone-sized screen: an editor finds
"Nội dung hành chính" from the home page, gets an error next to the field she left empty, and
saves a citizen-reception slot that then shows in its week; no page reports a CSP violation,
a console error or a request beyond loopback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.app import create_app
from core.context import Context
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_editor_adds_a_reception_slot_on_her_phone(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    editor = make_account("bien-tap")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    watched = Watched(browser)
    page = watched.page
    page.set_viewport_size(PHONE)

    def go(selector: str) -> None:
        """Follow a link or send a form, and let the next page load its files."""
        page.click(selector)
        page.wait_for_load_state("load")

    sign_in(page, server.url, editor, clock)

    go("#to-gov")
    go("a[href^='/admin/gov/schedule_slot']")
    go("#gov-new")
    monday = dt.datetime.now(VN).date() + dt.timedelta(days=7 - dt.datetime.now(VN).weekday())
    page.select_option("#kind", "reception")
    page.fill("#content", "Tiếp công dân định kỳ")
    page.fill("#starts_at", f"{monday.isoformat()}T08:00")
    page.fill("#ends_at", f"{monday.isoformat()}T11:00")
    go("#gov-form button[type=submit]")
    expect(page.locator("#err-person")).to_contain_text("Trường này bắt buộc")
    expect(page.locator("#content")).to_have_value("Tiếp công dân định kỳ")
    shots(page, "gov-error-phone")
    # The refused form comes back as a 400 page, which Chromium logs; nothing else may be.
    watched.errors = [e for e in watched.errors if "status of 400" not in e]
    assert watched.errors == []

    page.fill("#person", "Chủ tịch UBND xã")
    go("#gov-form button[type=submit]")
    expect(page.locator("p.notice[role=status]")).to_contain_text("Đã lưu")
    go("text=Danh sách")
    go("#week-next")  # next week, where the slot is
    expect(page.locator("li.gov-line")).to_contain_text("Chủ tịch UBND xã")
    expect(page.locator("li.gov-line")).to_contain_text("Bản nháp")
    shots(page, "gov-week-phone")
    watched.assert_clean()
    watched.close()
