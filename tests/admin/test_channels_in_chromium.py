"""Issue 17's done-when for the channel screen, in Debian's Chromium: a channel admin signs in,
adds a portal target from the portal's own settings form (first without the code: refused,
the secret not sent back), tests the connection against the portal sandbox and sees it
healthy, on the list too. Requests beyond loopback are aborted; no page reports a CSP
violation or a console error. A screenshot of every screen is written to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.app import create_app
from core.context import Context
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in
from tests.support.pipeline import COMMUNE, SECRET


def test_a_channel_admin_adds_a_portal_target_and_tests_it(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    sandbox: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    admin = make_account("quan-tri-kenh", role="channel_admin", unit=COMMUNE)
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")
    watched = Watched(browser)
    page = watched.page
    sign_in(page, server.url, admin, clock)
    expect(page.locator("nav a[href='/admin/channels']")).to_be_visible()

    page.click("nav a[href='/admin/channels']")
    expect(page.locator("#no-targets")).to_be_visible()
    shots(page, "channels-empty")
    page.click("#add-target")
    expect(page.locator("#plugins a[data-plugin=portal]")).to_be_visible()
    shots(page, "choose-channel")
    page.click("#plugins a[data-plugin=portal]")
    page.fill("#name", "Cổng thông tin xã Cẩm Thủy")
    page.select_option("#unit_code", COMMUNE)
    page.fill("#s_webhook_url", f"{sandbox.url}/sites/{COMMUNE}/webhook")
    page.fill("#k_webhook_secret", SECRET)
    shots(page, "add-portal-form")
    page.click("#save-target")  # no code yet: refused, the secret is not sent back
    expect(page.locator("#err-code")).to_contain_text("Cần mã xác thực mới")
    expect(page.locator("#k_webhook_secret")).to_have_value("")
    assert SECRET not in page.content()
    shots(page, "add-refused-without-code")
    # The refused form comes back as a 400 page, which Chromium logs; nothing else may be.
    assert [e for e in watched.errors if "status of 400" not in e] == []
    watched.errors.clear()
    page.fill("#k_webhook_secret", SECRET)
    page.fill("#code-new", admin.code(clock))
    clock.step()
    page.click("#save-target")
    expect(page.locator("#health")).to_have_attribute("data-health", "unknown")
    expect(page.locator("#state-webhook_secret")).to_contain_text("đã đặt")
    shots(page, "target-added")

    page.click("#test-connection")
    expect(page.locator("#check-result")).to_contain_text("Kết nối tốt")
    expect(page.locator("#health")).to_have_attribute("data-health", "ok")
    shots(page, "connection-tested")
    page.set_viewport_size(PHONE)
    page.click("nav a[href='/admin/channels']")
    row = page.locator("#targets tr.h-ok")
    expect(row).to_contain_text("Cổng thông tin xã Cẩm Thủy")
    expect(row).to_contain_text("Hoạt động tốt")
    shots(page, "channels-healthy-phone")
    assert SECRET not in page.content()
    watched.assert_clean()
    watched.close()
    assert len(shots.taken) == 7
