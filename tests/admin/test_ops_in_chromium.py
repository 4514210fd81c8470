"""Issue 17's done-when for reports, in Debian's Chromium: an admin reads the quarterly quota
as a chart and downloads it as CSV (its content checked), reads the month's periodic report,
sets a report schedule, reads the audit log with the chain's status, and runs a query in the
GraphQL explorer with their session. Requests beyond loopback are aborted; no page reports a
CSP violation or a console error. A screenshot of every screen is written to the tmp dir."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from core.app import create_app
from core.context import Context
from core.delivery.models import DeliveryState
from tests.admin.test_desk_in_chromium import PHONE, Shots
from tests.core.auth.conftest import Clock, MakeAccount
from tests.core.reports.support import Rows
from tests.security.test_csp import Watched
from tests.support.browser import sign_in


def test_a_report_is_read_as_a_chart_and_downloaded_as_csv(
    ctx: Context,
    browser: Any,
    serve: Any,
    clock: Clock,
    make_account: MakeAccount,
    tree: dict[str, Any],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    rows = Rows(ctx, tree)
    office = rows.agency("Văn phòng UBND xã", "14932")
    rows.agency("Trạm y tế xã", "14932")
    now = dt.datetime.now(dt.UTC)
    item = rows.article("14932", agency=office, created=now, published=now)
    portal = rows.target("portal", "Cổng TTĐT xã", "14932")
    rows.delivery(item, portal, DeliveryState.DELIVERED, now, finished=now)
    rows.delivery(item, portal, DeliveryState.FAILED, now, finished=now)
    admin = make_account("quan-tri-xa", role="admin")
    server = serve(create_app(ctx.settings, ctx=ctx, embedded_worker=False))
    shots = Shots(tmp_path / "screens")

    w = Watched(browser)
    page = w.page
    sign_in(page, server.url, admin, clock)

    # --- the quarter's quota as a chart, its table beside it, then the CSV ---------------------
    page.click("header nav a[href='/admin/reports']")
    chart = page.locator("svg#chart-quota")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="Số tin đã đăng theo cơ quan")).to_be_visible()
    expect(chart.locator("text.label")).to_have_text(["Trạm y tế xã", "Văn phòng UBND xã"])
    expect(chart.locator("text.value")).to_have_text(["0", "1"])  # agencies by name
    expect(page.locator("#quota-table tr.behind").first).to_contain_text("Trạm y tế xã")
    shots(page, "report-quota")
    with page.expect_download() as info:
        page.click("#csv")
    download = info.value
    assert download.suggested_filename.startswith("quota-14932-")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Quý (Quarter),Mã đơn vị (Unit code)")
    assert "Văn phòng UBND xã,1,Không (no)" in text
    assert "Trạm y tế xã,0,Có (yes)" in text

    # --- the month's periodic report ------------------------------------------------------------
    page.click("nav.tabs a[href*='kind=periodic']")
    expect(page.locator("svg#chart-status")).to_be_visible()
    expect(page.locator("#status-table")).to_contain_text("Đã đăng")
    channels = page.get_by_role("img", name="Kết quả đưa tin lên kênh")
    expect(channels.locator("rect.bar-0")).to_have_count(2)  # the legend's and one bar
    expect(channels.locator("rect.bar-1")).to_have_count(2)  # stacked beside it
    expect(page.locator("#channel-table")).to_contain_text("50.0 %")
    shots(page, "report-periodic")
    page.set_viewport_size(PHONE)
    shots(page, "report-periodic-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- a schedule that mails the quota upward each quarter -------------------------------------
    page.click("nav.tabs a[href='/admin/reports/schedules']")
    page.select_option("#s-report", "quota")
    page.select_option("#s-frequency", "quarterly")
    page.fill("#s-recipients", "ubnd-tinh@thanhhoa.gov.vn")
    page.click("form.stack button[type=submit]")
    expect(page.locator("#schedules")).to_contain_text("ubnd-tinh@thanhhoa.gov.vn")
    shots(page, "report-schedules")

    # --- the audit log: the schedule is in it, and the chain is verified -------------------------
    page.click("header nav a[href='/admin/audit']")
    expect(page.locator("#chain-status")).to_contain_text("Đã xác minh đến mục")
    expect(page.locator("#audit")).to_contain_text("report.schedule_create")
    page.fill("#action", "report.")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#audit tr")).to_have_count(2)  # the header and the one entry
    shots(page, "audit-log")

    # --- the GraphQL explorer, with the admin's session ------------------------------------------
    page.click("header nav a[href='/admin/graphql']")
    expect(page.locator("#open-graphiql")).to_be_visible()
    shots(page, "graphql-help")
    page.click("#open-graphiql")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    expect(editor).to_be_visible(timeout=20_000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type("{ me { username } }")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".graphiql-response")).to_contain_text("quan-tri-xa", timeout=20_000)
    shots(page, "graphiql")
    w.assert_clean()
    w.close()
