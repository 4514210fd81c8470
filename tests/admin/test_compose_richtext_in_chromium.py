"""The compose screen's body editor and moderation as you type, in Debian's Chromium (issue 16).

An editor types into the rich-text editor (Squire, started by desk.js), uses the toolbar for
bold, a list and a link, pastes markup a web page could carry (a script, an event handler, a
javascript: link, inline style), and sees a moderation finding highlighted in the editor and
listed under the field while typing; the saved body keeps the formatting and none of the unsafe
markup. No CSP violation, console error or request beyond loopback; screenshots written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.app import create_app
from core.context import Context
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in

PASTED = (
    "<style>p { color: red }</style>"
    '<p class="MsoNormal" style="color:red" STYLE = "x:y">Dán từ web'
    ' <img src="x" onerror="window.__pwned=1">'
    '<a href="javascript:window.__pwned=2">bấm</a></p><script>window.__pwned=3</script>'
)
HIGHLIGHTS = "(name) => (CSS.highlights.get(name) || new Set()).size"


def test_rich_text_toolbar_live_moderation_and_a_clean_save(
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
    editor = make_account("bien-tap")
    watched = Watched(browser)
    page = watched.page
    sign_in(page, server.url, editor, clock)
    page.click("nav a[href='/admin/compose']")

    # --- the editor replaces the textarea, which stays in the form, hidden ---------------------
    body = page.locator("#body-editor")
    expect(body).to_be_visible()
    expect(page.locator("#body_html")).to_be_hidden()
    expect(page.get_by_role("toolbar")).to_have_attribute(
        "aria-label", "Định dạng nội dung / Body formatting"
    )
    bold = page.get_by_role("button", name="In đậm / Bold")
    expect(bold).to_have_attribute("aria-pressed", "false")
    bold.focus()
    page.keyboard.press("ArrowRight")  # the toolbar is walked with the arrow keys
    expect(page.get_by_role("button", name="In nghiêng / Italic")).to_be_focused()
    page.keyboard.press("End")
    expect(page.get_by_role("button", name="Liên kết / Link")).to_be_focused()

    page.fill("#title", "Lịch tiêm chủng tháng 12")
    page.click("label[for=body_html]")  # the label leads to the editor
    expect(body).to_be_focused()
    page.keyboard.type("Mời phụ huynh đưa trẻ đến trạm y tế vào ")
    bold.click()
    expect(bold).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("sáng thứ Bảy")
    bold.click()
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Danh sách chấm / Bulleted list").click()
    page.keyboard.type("Mang sổ tiêm chủng")
    page.keyboard.press("Enter")
    page.keyboard.type("Mang căn cước")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("Xem lịch")
    for _ in range(4):
        page.keyboard.press("Shift+ArrowLeft")  # "lịch"
    page.get_by_role("button", name="Liên kết / Link").click()
    link = page.locator("#link-url")
    expect(link).to_be_focused()  # keyboard users land in the field
    link.fill("javascript:alert(1)")
    link.press("Enter")
    expect(page.locator("#link-error")).to_be_visible()  # refused before it reaches the body
    link.fill("https://example.org/lich-tiem")
    link.press("Enter")
    expect(body.locator("a[href='https://example.org/lich-tiem']")).to_have_text("lịch")
    expect(body).to_be_focused()
    page.keyboard.press("End")
    shots(page, "compose-formatted")

    # --- a paste of unsafe markup keeps only its text ---------------------------------------
    page.keyboard.press("Enter")
    body.evaluate(
        """(root, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Dán từ web bấm");
            root.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                            cancelable: true}));
        }""",
        PASTED,
    )
    expect(body).to_contain_text("Dán từ web")
    assert body.locator("img, script, [style], [onerror]").count() == 0
    assert body.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned") is None

    # --- moderation as you type ---------------------------------------------------------------
    page.keyboard.press("Enter")
    page.keyboard.type("Người nào nói đ.m thì phạt.")
    finding = page.locator("#live-body li[data-outcome=block]")
    expect(finding).to_be_visible()
    expect(finding.locator("mark")).to_have_text("đ.m")
    expect(page.locator("#moderation-live")).to_contain_text("Sẽ bị chặn khi gửi duyệt")
    assert page.evaluate(HIGHLIGHTS, "loa-moderation-block") == 1  # marked in the editor itself
    page.fill("#summary", "Bọn phản động tung tin sai")
    expect(page.locator("#live-summary li[data-outcome=review] mark")).to_have_text("phản động")
    shots(page, "compose-moderation-live")
    # Taking the word out clears both the list and the highlight.
    body.locator("p").last.click()
    page.keyboard.press("End")
    for _ in range(len("đ.m thì phạt.")):
        page.keyboard.press("Backspace")
    page.keyboard.type("vi phạm thì bị phạt.")
    expect(page.locator("#live-body li")).to_have_count(0)
    assert page.evaluate(HIGHLIGHTS, "loa-moderation-block") == 0
    page.fill("#summary", "Trạm y tế xã thông báo lịch tiêm.")
    expect(page.locator("#moderation-live")).to_contain_text("Chưa thấy từ ngữ cần kiểm duyệt")

    # --- saved: the formatting stays, nothing unsafe does ---------------------------------------
    page.click("#save")
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã lưu bản nháp")
    saved = page.locator("#body_html").input_value()
    for kept in ("<b>sáng thứ Bảy</b>", "<li>Mang sổ tiêm chủng</li>", "Dán từ web"):
        assert kept in saved, saved
    assert 'href="https://example.org/lich-tiem"' in saved and "<ul>" in saved
    for unsafe in ("<script", "onerror", "javascript:", "style=", "<img", "__pwned"):
        assert unsafe not in saved, saved
    expect(page.locator("#body-editor b")).to_have_text("sáng thứ Bảy")  # back in the editor
    shots(page, "draft-saved")
    page.set_viewport_size(PHONE)  # the toolbar wraps on a phone; every button stays reachable
    page.locator("#body-editor").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Liên kết / Link")).to_be_in_viewport()
    shots(page, "draft-saved-phone")
    watched.assert_clean()
    watched.close()
    print(f"screenshots: {shots.directory}")
