"""Issue 17's done-when for people, in Debian's Chromium: a commune admin finds an account
without diacritics, grants it a role on a unit found by name (with a fresh code), and the
grantee can then do what the role allows; the admin resets the grantee's TOTP: the old
authenticator no longer signs in, the new enrolment link enrols a new one. Also the structure
page and the new-account form. Requests beyond loopback are aborted; no CSP violation or
console error. A screenshot of every screen is written to the test's tmp dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp

from core.actions import structure
from core.app import create_app
from core.auth.actions import actor_for
from core.auth.permissions import SYSTEM, acts_as
from core.context import Context
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.security.test_csp import Watched
from tests.support.browser import sign_in

NEW_PASSWORD = "Sông-Mã-chảy-về-xuôi-1941"


def _submit(page: Any, selector: str) -> None:
    """Click and wait for the next page's load event, so no script load of it is cut off."""
    with page.expect_navigation():
        page.click(selector)


def test_an_admin_grants_a_role_and_resets_a_totp(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    grantee = make_account("pho-chu-tich", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    with ctx.transaction() as session:
        from core.auth.models import User

        row = session.get(User, grantee.user_id)
        assert row is not None
        row.display_name = "Lê Văn Đức"
    structure.create_agency(ctx, SYSTEM, "14932", "Văn phòng UBND xã")
    server = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    url = serve(server).url
    shots = Shots(tmp_path / "screens")

    # --- the admin finds the account without diacritics and grants a role --------------------
    desk = Watched(browser)
    page = desk.page
    sign_in(page, url, admin, clock)
    expect(page.locator("nav a[href='/admin/ops/people']")).to_be_visible()
    _submit(page, "nav a[href='/admin/ops/people']")
    expect(page.locator("#accounts tr[data-username]")).to_have_count(2)
    shots(page, "people")
    page.fill("#q", "le van duc")
    _submit(page, "form[role=search] button")
    expect(page.locator("#accounts tr[data-username]")).to_have_count(1)
    shots(page, "people-search")
    _submit(page, "#accounts a[href='/admin/ops/people/pho-chu-tich']")
    expect(page.locator("#roles li[data-role=editor]")).to_be_visible()
    shots(page, "person")
    page.select_option("#grant-role", "admin")
    page.fill("#unit-search-grant", "cam thuy")
    choice = page.locator("#unit-results-grant input[value='14932']")
    expect(choice).to_be_visible()
    choice.check()
    page.fill("#code-grant", admin.code(clock))
    clock.step()
    shots(page, "grant")
    _submit(page, "#grant")
    expect(page.locator("p.note[role=status]")).to_contain_text("Đã cấp vai trò")
    expect(page.locator("#roles li[data-role=admin][data-unit='14932']")).to_be_visible()
    shots(page, "granted")
    with ctx.sessions() as session:
        now = actor_for(session, grantee.user_id)
    assert now is not None and acts_as(now, "admin", now.grants[0].unit_path)

    # --- the grantee, on a phone, does what the role allows: keeps the commune's agencies ------
    other = Watched(browser)
    phone = other.page
    phone.set_viewport_size(PHONE)
    sign_in(phone, url, grantee, clock)
    phone.goto(f"{url}/admin/ops/structure?unit=14932")
    expect(phone.locator("#agencies li[data-agency]")).to_have_count(1)
    phone.fill("#agency-name", "Công an xã Cẩm Thủy")
    _submit(phone, "#agency-create")
    expect(phone.locator("p.note[role=status]")).to_contain_text("Đã lưu")
    expect(phone.locator("#agencies li[data-agency]")).to_have_count(2)
    phone.fill("#category-name", "Chuyển đổi số")
    _submit(phone, "#category-create")
    expect(phone.locator("#categories li[data-category=chuyen-doi-so]")).to_be_visible()
    shots(phone, "structure-phone")
    assert [a.name for a in structure.list_agencies(ctx, SYSTEM, "14932")] == [
        "Công an xã Cẩm Thủy",
        "Văn phòng UBND xã",
    ]
    other.assert_clean()
    other.close()

    # --- the admin resets the grantee's TOTP: a new enrolment link, shown once -----------------
    page.goto(f"{url}/admin/ops/people/pho-chu-tich")
    page.fill("#code-reset", admin.code(clock))
    clock.step()
    _submit(page, "#reset")
    link = page.locator("#enrol-link").inner_text()
    assert "/admin/enrol/" in link
    shots(page, "reset-link")
    page.goto(f"{url}/admin/ops/people/new")
    page.fill("#username", "tran-moi")
    page.fill("#display_name", "Trần Thị Mới")
    page.select_option("#role", "contributor")
    page.fill("#unit-search-new", "cam thuy")
    page.locator("#unit-results-new input[value='14932']").check()
    page.fill("#code-new", admin.code(clock))
    clock.step()
    shots(page, "person-new")
    _submit(page, "#create")
    expect(page.locator("#enrol-link")).to_contain_text("/admin/enrol/")
    shots(page, "person-created")
    page.goto(f"{url}/admin/ops/structure")
    expect(page.locator("#categories li[data-category=chuyen-doi-so]")).to_be_visible()
    shots(page, "structure")
    desk.assert_clean()
    desk.close()

    # --- until the link is used, the password alone opens nothing ------------------------------
    old = Watched(browser)
    old.page.goto(f"{url}/admin/login")
    old.page.fill("#username", grantee.username)
    old.page.fill("#password", grantee.password)
    _submit(old.page, "button[type=submit]")
    expect(old.page.locator("p.error[role=alert]")).to_be_visible()
    shots(old.page, "password-alone-refused")
    # The only errors are the refusal's own status (401), nothing else.
    assert all("401" in e for e in old.errors), old.errors
    assert old.page.evaluate("window.__csp") == [] and old.blocked == []
    old.close()

    # --- the link enrols a new authenticator -----------------------------------------------------
    fresh = Watched(browser)
    page = fresh.page
    page.goto(link.replace("http://loa.test", url))
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password2", NEW_PASSWORD)
    shots(page, "enrol-password")
    _submit(page, "button[type=submit]")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    assert key != grantee.secret
    shots(page, "enrol-totp")
    page.fill("#code", pyotp.TOTP(key).at(clock.now))
    clock.step()
    _submit(page, "button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shots(page, "recovery-codes")
    _submit(page, "text=Tiếp tục")
    expect(page.locator("nav a[href='/admin/ops/people']")).to_be_visible()
    shots(page, "home-after-enrol")
    fresh.assert_clean()
    fresh.close()

    # --- the old authenticator's code no longer signs in; the new one does ----------------------
    again = Watched(browser)
    again.page.goto(f"{url}/admin/login")
    again.page.fill("#username", grantee.username)
    again.page.fill("#password", NEW_PASSWORD)
    _submit(again.page, "button[type=submit]")
    again.page.fill("#code", grantee.code(clock))
    _submit(again.page, "button[type=submit]")
    expect(again.page.locator("p.error[role=alert]")).to_be_visible()
    shots(again.page, "old-code-refused")
    again.page.fill("#code", pyotp.TOTP(key).at(clock.now))
    clock.step()
    _submit(again.page, "button[type=submit]")
    expect(again.page.locator("nav a[href='/admin/ops/people']")).to_be_visible()
    assert all("401" in e for e in again.errors), again.errors
    assert again.page.evaluate("window.__csp") == [] and again.blocked == []
    again.close()
    assert len(shots.taken) == 16
    print(f"screenshots: {shots.directory}")
