"""Issue 16's autosave and templates in Debian's Chromium: an editor types a draft and waits
for "Đã lưu lúc" (the draft made by the first autosave, the address now the item's), types
on (the next autosave continues from the revision it got), reloads and finds the text; a second
tab saves first, so this tab's next autosave is refused as a conflict; saves the form as a
template, starts a new item from it. No CSP violation, no console error, no
request beyond loopback; a screenshot of every screen goes to the test's tmp dir."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.app import create_app
from core.context import Context
from tests.admin.test_desk_in_chromium import Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in

#: Autosave waits ~10 s after the first unsaved change (the page's ``data-delay``). Instead of
#: waiting, the test moves the pages' clock on by the delay (Playwright's clock: time also
#: flows as usual, so the timer is due once the clock has run that far).
AUTOSAVE_DELAY_MS = 10_000


def autosave_due(page: Any) -> None:
    """Run the page's clock on by the autosave delay the page declares."""
    status = page.locator("#autosave-status")
    assert status.get_attribute("data-delay") == str(AUTOSAVE_DELAY_MS)
    page.clock.run_for(AUTOSAVE_DELAY_MS)


def type_body(page, text: str) -> None:
    """Type at the end of the body's rich-text editor (desk.js keeps the textarea in step)."""
    page.click("#body-editor")
    page.keyboard.press("Control+End")
    for n, line in enumerate(text.split("\n")):
        if n:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def test_autosave_survives_a_reload_and_a_template_starts_a_new_item(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    account = make_account("bien-tap-vien")
    editor = Watched(browser)
    editor.context.clock.install()  # the pages' timers run when the test says (autosave_due)
    page = editor.page
    sign_in(page, server.url, account, clock)
    page.click("nav a[href='/admin/compose']")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("tự động lưu")
    shots(page, "compose-empty")

    # --- type a draft: the first autosave creates it ---------------------------------------
    page.fill("#title", "Lịch công tác tuần 49 của UBND xã")
    page.fill("#summary", "Lịch làm việc của lãnh đạo xã trong tuần.")
    type_body(page, "Thứ Hai: giao ban đầu tuần.")
    autosave_due(page)
    expect(status).to_contain_text("Đã lưu lúc")
    assert re.search(r"Đã lưu lúc \d\d:\d\d", status.inner_text())
    expect(page).to_have_url(re.compile(r"/admin/items/[0-9a-f-]{36}/edit$"))
    expect(page.locator("#base_revision")).to_have_value("1")
    shots(page, "autosaved")

    # --- type on: the next autosave continues from revision 1 -------------------------------
    type_body(page, "\nThứ Ba: tiếp dân.")
    autosave_due(page)
    expect(page.locator("#base_revision")).to_have_value("2")
    expect(status).to_contain_text("Đã lưu lúc")
    editor.assert_clean()

    # --- reload: the text is still there ----------------------------------------------------
    page.reload()
    expect(page.locator("#title")).to_have_value("Lịch công tác tuần 49 của UBND xã")
    expect(page.locator("#body_html")).to_have_value(re.compile("Thứ Ba: tiếp dân"))
    shots(page, "reloaded")
    editor.assert_clean()

    # --- a second tab saves first: this tab's next autosave is a conflict, not an overwrite ----
    other = editor.context.new_page()
    other.goto(page.url)
    other.fill("#title", "Lịch công tác tuần 49 (sửa ở tab khác)")
    autosave_due(other)
    expect(other.locator("#autosave-status")).to_contain_text("Đã lưu lúc")
    other.close()
    type_body(page, " Cả ngày.")
    autosave_due(page)
    expect(status).to_contain_text("Xung đột")
    shots(page, "conflict")
    # The browser logs the refused request (409) itself; nothing else may be reported.
    assert [e for e in editor.errors if "409" not in e] == []
    editor.errors.clear()
    editor.assert_clean()

    # --- save it as a template, then start a new item from it ---------------------------------
    page.fill("#template_name", "Lịch công tác tuần")
    page.click("#save-as-template")
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã lưu mẫu")
    expect(page.locator("#templates")).to_contain_text("Lịch công tác tuần")
    expect(page.locator("#back-to-item")).to_be_visible()
    shots(page, "templates")
    page.click("a.use-template")
    expect(page.locator("p.note[role=status]")).to_contain_text("Bài mới từ mẫu")
    expect(page.locator("#title")).to_have_value("Lịch công tác tuần 49 của UBND xã")
    expect(page.locator("#body_html")).to_have_value(re.compile("Thứ Ba: tiếp dân"))
    expect(page.locator("#base_revision")).to_have_value("")  # a new item: no revision yet
    assert page.locator("#compose").get_attribute("action") == "/admin/compose"
    shots(page, "from-template")
    editor.assert_clean()
    editor.close()
    assert len(shots.taken) == 6 and all(p.stat().st_size > 0 for p in shots.taken)
