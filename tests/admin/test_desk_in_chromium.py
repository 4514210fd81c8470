"""Issue 16's done-when, in Debian's Chromium: enrol with TOTP; compose an item with an uploaded
image for the portal and a second channel; see the previews; submit; approve as the approver
(on a phone-sized screen) with a fresh code; watch both deliveries turn green; retract from
one channel. Requests beyond loopback are aborted, and no page reports a CSP violation or a
console error. A screenshot of every screen is written to the test's tmp dir."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pyotp
from loa_testchannel import RECEIVED

from core.actions import targets
from core.app import create_app
from core.auth.accounts import create_user
from core.auth.permissions import SYSTEM
from core.context import Context
from tests.admin.test_desk import png
from tests.core.auth.conftest import PASSWORD, Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in
from tests.support.pipeline import sandbox_get, wait_for

PHONE = {"width": 390, "height": 844}


class Shots:
    """Numbered full-page screenshots of each screen, in the order they were seen."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def __call__(self, page: Any, name: str) -> None:
        path = self.directory / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)


def test_enrol_compose_preview_submit_approve_deliver_retract(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    portal_target: Any,
    sandbox: Any,
    worker: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    RECEIVED.clear()
    # Both channels' own gates are delegated to the commune approver (tested elsewhere).
    targets.update_target(ctx, SYSTEM, portal_target.id, {"gates": []})
    second = targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Kênh thử nghiệm", "plugin": "testchannel", "unit_code": "14932", "gates": []},
    )
    approver = make_account("lanh-dao-xa", role="approver")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    image = tmp_path / "tiem-chung.png"
    image.write_bytes(png())

    # --- the editor enrols from the link an admin sent ---------------------------------------
    token = secrets.token_urlsafe(32)
    create_user(ctx, username="bien-tap-vien", unit_code="14932", role="editor", enrol_token=token)
    editor = Watched(browser)
    page = editor.page
    page.goto(f"{server.url}/admin/enrol/{token}")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    shots(page, "set-password")
    page.click("button[type=submit]")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    shots(page, "enrol-totp")
    page.fill("#code", pyotp.TOTP(key).at(clock.now))
    page.click("button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    clock.step()
    shots(page, "recovery-codes")
    page.click("text=Tiếp tục")
    expect(page.locator("#waiting")).to_be_visible()
    shots(page, "home-editor")

    # --- compose once, for the portal and the second channel ----------------------------------
    page.click("a.button[href='/admin/compose']")
    page.fill("#title", "Lịch tiêm chủng mở rộng tháng 12")
    page.fill("#summary", "Trạm y tế xã thông báo lịch tiêm cho trẻ dưới 5 tuổi.")
    page.click("#body-editor")  # the rich-text editor desk.js puts in the textarea's place
    page.keyboard.type("Mời phụ huynh đưa trẻ đến trạm y tế vào sáng thứ Bảy.")
    page.set_input_files("#cover", str(image))
    page.fill("#cover_alt", "Cán bộ y tế tiêm cho trẻ tại trạm")
    page.fill("#cover_caption", "Trạm y tế xã Cẩm Thủy")
    page.check(f"input[name=target_ids][value='{portal_target.id}']")
    page.check(f"input[name=target_ids][value='{second.id}']")
    page.fill("#unit-search", "cam thuy")  # without diacritics: htmx asks the unit search
    choice = page.locator("#unit-results input[value='14932']")
    expect(choice).to_be_visible()
    choice.check()  # desk.js moves it to the chosen units, so the next search keeps it
    expect(page.locator("#chosen-units input[value='14932']")).to_be_checked()
    shots(page, "compose")
    page.click("#save")
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã lưu bản nháp")
    expect(page.locator("#compose")).to_contain_text("tiem-chung.png")
    shots(page, "draft-saved")

    # --- the previews side by side, then submit ------------------------------------------------
    page.click("#to-previews")
    expect(page.locator("section.preview")).to_have_count(2)
    expect(page.locator("section[data-target=portal]")).to_contain_text("Lịch tiêm chủng")
    expect(page.locator("section[data-target=testchannel]")).to_contain_text("Lịch tiêm chủng")
    shots(page, "previews")
    page.click("#submit")
    expect(page.locator("#item-status")).to_have_text("Đã gửi duyệt")
    uid = re.search(r"/admin/items/([0-9a-f-]{36})$", page.url)
    assert uid, page.url
    shots(page, "board-submitted")

    # --- the approver, on a phone, decides with a fresh code -----------------------------------
    boss = Watched(browser)
    phone = boss.page
    phone.set_viewport_size(PHONE)
    sign_in(phone, server.url, approver, clock)
    waiting = phone.locator(f"#waiting a[href='/admin/items/{uid.group(1)}/review']")
    expect(waiting).to_be_visible()
    shots(phone, "home-approver-phone")
    waiting.click()
    expect(phone.locator("form.decide")).to_have_count(1)
    shots(phone, "review-phone")
    phone.fill("form.decide textarea", "Đồng ý đăng.")
    phone.fill("form.decide input[name=code]", approver.code(clock))
    clock.step()
    phone.click("form.decide button[type=submit]")
    expect(phone.locator("#item-status")).to_have_text("Đã đăng")

    # --- both deliveries turn green as the board's stream tells it ----------------------------
    delivered = phone.locator("#deliveries tr.d-delivered")
    expect(delivered).to_have_count(2, timeout=20_000)
    shots(phone, "board-delivered-phone")
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1
    assert len(RECEIVED) == 1

    # --- retract from the second channel only -------------------------------------------------
    phone.click("form[data-plugin=testchannel] button")
    expect(phone.locator("#deliveries tr.d-delivered")).to_have_count(3, timeout=20_000)
    wait_for(lambda: RECEIVED == {}, what="the retraction on the second channel")
    assert len(sandbox_get(sandbox, "/sites/14932/articles")["articles"]) == 1  # portal keeps it
    shots(phone, "board-retracted-one-phone")

    page.goto(f"{server.url}/admin/")
    expect(page.locator("#bell")).to_be_visible()
    expect(page.locator("#quota")).to_be_visible()
    shots(page, "home-editor-after")
    page.goto(f"{server.url}/admin/calendar")
    expect(page.locator("#calendar td[aria-current=date]")).to_be_visible()
    shots(page, "calendar-editor")
    editor.assert_clean()
    boss.assert_clean()
    editor.close()
    boss.close()
    assert len(shots.taken) == 14
    print(f"screenshots: {shots.directory}")
