"""Issue 17's feedback done-when, in Debian's Chromium: a citizen sends feedback from a phone and
gets a tracking code; the commune's leader assigns it; the officer answers it on a phone; the
citizen opens the status page with the code and reads the answer. Requests beyond loopback
are aborted; no page reports a CSP violation or a console error. A screenshot of every screen
is written to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.app import create_app
from core.context import Context
from core.web import form_guard
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in


def test_a_citizen_follows_feedback_by_code_until_it_is_answered(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(form_guard, "MIN_SECONDS", 0)  # the wait itself is tested over HTTP
    leader = make_account("chu-tich-xa", role="approver", unit="14932")
    officer = make_account("can-bo-xa", role="editor", unit="14932")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")

    # --- the citizen writes from a phone ------------------------------------------------------
    citizen = Watched(browser)
    phone = citizen.page
    phone.set_viewport_size(PHONE)
    phone.goto(f"{server.url}/gop-y/14932")
    expect(phone.locator("h1")).to_contain_text("Gửi góp ý")
    shots(phone, "citizen-form")
    phone.click("button[type=submit]")  # nothing written: told what to fix, nothing sent
    phone.wait_for_load_state()
    expect(phone.locator(".error a[href='#text']")).to_be_visible()
    shots(phone, "citizen-form-empty")
    phone.fill("#text", "Đèn đường ở thôn 3 bị hỏng từ tuần trước, buổi tối rất tối.")
    phone.fill("#name", "Trần Thị Bình")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    code = phone.locator("#tracking-code").inner_text().strip()
    assert len(code) == 11 and code[5] == "-"
    shots(phone, "citizen-code")
    phone.click("button[type=submit]")  # "see its status"
    phone.wait_for_load_state()
    expect(phone.locator(".status")).to_contain_text("Đã nhận")
    shots(phone, "citizen-status-received")

    # --- the commune's leader assigns it ------------------------------------------------------
    desk = Watched(browser)
    page = desk.page
    sign_in(page, server.url, leader, clock)
    page.click("nav a[href='/admin/feedback']")
    page.wait_for_load_state()
    row = page.locator("#feedback tr", has_text="Đèn đường ở thôn 3")
    expect(row).to_have_count(1)
    shots(page, "inbox")
    page.select_option("#status", "new")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#feedback tr", has_text="Đèn đường ở thôn 3")).to_have_count(1)
    shots(page, "inbox-filtered")
    page.click(f"#feedback a:has-text('{code}')")
    page.wait_for_load_state()
    expect(page.locator("#text")).to_contain_text("Đèn đường ở thôn 3")
    shots(page, "message")
    page.select_option("#assignee-choice", label="can-bo-xa")
    page.click("form[action$='/assign'] button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#assignee")).to_have_text("can-bo-xa")
    expect(page.locator("#status")).to_contain_text("Đang xử lý")
    shots(page, "message-assigned")

    # --- the officer answers on a phone -------------------------------------------------------
    staff = Watched(browser)
    mobile = staff.page
    mobile.set_viewport_size(PHONE)
    sign_in(mobile, server.url, officer, clock)
    mobile.goto(f"{server.url}/admin/feedback")
    mobile.click(f"#feedback a:has-text('{code}')")
    mobile.wait_for_load_state()
    expect(mobile.locator("form[action$='/assign']")).to_have_count(0)  # assigning is the leader's
    shots(mobile, "officer-message-phone")
    mobile.fill("#answer-text", "Hỏi ngu thế, đ.m")
    mobile.click("form[action$='/answer'] button[type=submit]")
    mobile.wait_for_load_state()
    expect(mobile.locator("#answer-error")).to_be_visible()  # moderation refuses it
    shots(mobile, "officer-answer-refused")
    mobile.fill("#answer-text", "Xã đã cử tổ điện sửa đèn thôn 3; đèn sáng lại từ tối nay.")
    mobile.click("form[action$='/answer'] button[type=submit]")
    mobile.wait_for_load_state()
    expect(mobile.locator("#status")).to_contain_text("Đã trả lời")
    expect(mobile.locator("#history")).to_contain_text("Trả lời")
    shots(mobile, "officer-answered-phone")

    # --- the citizen comes back with the code ---------------------------------------------------
    phone.goto(f"{server.url}/gop-y/tra-cuu")
    shots(phone, "citizen-lookup")
    phone.fill("#code", "ZZZZZ-ZZZZZ")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    expect(phone.locator(".error")).to_contain_text("Không tìm thấy")
    shots(phone, "citizen-lookup-wrong")
    phone.fill("#code", code.lower().replace("-", " "))  # typed loosely
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    expect(phone.locator("#answer")).to_have_text(
        "Xã đã cử tổ điện sửa đèn thôn 3; đèn sáng lại từ tối nay."
    )
    expect(phone.locator(".status")).to_contain_text("Đã trả lời")
    assert "can-bo-xa" not in phone.content() and "chu-tich-xa" not in phone.content()
    shots(phone, "citizen-status-answered")

    assert len(shots.taken) == 14
    # The refusals the test provoked answer with their HTTP status (400 an empty form, 404 a
    # wrong code, 400 a refused answer), which Chromium notes in the console; nothing else may.
    refused = "console: Failed to load resource: the server responded with a status of {}"
    expected = {
        citizen: [refused.format("400 (Bad Request)"), refused.format("404 (Not Found)")],
        desk: [],
        staff: [refused.format("400 (Bad Request)")],
    }
    for watched, provoked in expected.items():
        assert watched.errors == provoked
        watched.errors.clear()
        watched.assert_clean()
        watched.close()
