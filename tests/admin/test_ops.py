"""The operator's screens: the audit log (filters, pages, the chain's status), reports read as
charts and tables with their CSV, report schedules, and the GraphQL explorer from the desk."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from admin import charts
from core import audit
from core.audit import AuditEntry
from core.context import Context
from tests.core.auth.conftest import Clock, MakeAccount, csrf_of, sign_in
from tests.core.reports.support import Rows, at
from tests.security.test_csp import assert_page_loads_only_loa


def _record(ctx: Context, actor: str, action: str, path: str) -> int:
    with ctx.transaction() as session:
        return audit.record(session, actor=actor, action=action, unit_path=path).id


def test_the_audit_log_filters_pages_and_shows_the_chains_status(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: dict[str, Any]
) -> None:
    sign_in(web, make_account("quan-tri", role="admin"), clock)
    path = tree["14932"].path
    for n in range(55):
        _record(ctx, "nguoi-thu", f"article.save{n % 2}", path)
    elsewhere = _record(ctx, "nguoi-khac", "article.save", tree["01"].path)

    page = web.get("/admin/audit")
    assert page.status_code == 200
    assert_page_loads_only_loa(web, page)
    assert page.text.count("<code>article.save") == 50
    assert f"<td>{elsewhere}</td>" not in page.text  # another province's entry
    older = re.search(r'href="(\?before=\d+)" rel="next"', page.text)
    assert older, "no link to older entries"
    second = web.get(f"/admin/audit{older.group(1)}")
    assert second.text.count("<code>article.save") >= 5
    assert 'hx-get="/admin/audit/verify"' in page.text

    filtered = web.get("/admin/audit?who=nguoi-thu&action=article.save1&unit=14932")
    assert filtered.text.count("<code>article.save1") == 27
    assert "<code>article.save0" not in filtered.text
    kept = web.get("/admin/audit?who=nguoi-thu&unit=14932")  # 55 entries: a next page
    assert "?who=nguoi-thu&amp;unit=14932&amp;before=" in kept.text  # it keeps the filters
    bad = web.get("/admin/audit?since=hôm-qua")
    assert bad.status_code == 400 and "Bộ lọc không hợp lệ" in bad.text

    status = web.get("/admin/audit/verify")
    assert status.status_code == 200
    assert "Đã xác minh đến mục" in status.text
    with ctx.transaction() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == elsewhere).values(note="sửa"))
    broken = web.get("/admin/audit/verify")
    assert f"Chuỗi bị đứt tại mục {elsewhere}" in broken.text


def test_an_editor_may_not_read_the_audit_log(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    assert web.get("/admin/audit").status_code == 403
    assert web.get("/admin/audit/verify").status_code == 403


def test_reports_read_as_charts_and_tables_with_their_csv(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: dict[str, Any]
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    rows = Rows(ctx, tree)
    rows.agency("Trạm y tế xã", "14932")
    rows.article("14932", created=at("2026-07-03T02:00"), published=at("2026-07-04T02:00"))

    quota = web.get("/admin/reports?unit=14932")
    assert quota.status_code == 200
    assert_page_loads_only_loa(web, quota)
    assert '<svg id="chart-quota"' in quota.text and '<title id="chart-quota-t">' in quota.text
    assert "Trạm y tế xã: Tin đã đăng / published 0" in quota.text  # the chart's description
    assert 'class="behind"' in quota.text
    csv_url = re.search(r'id="csv" href="([^"]+)"', quota.text)
    assert csv_url
    download = web.get(csv_url.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.content.startswith(b"\xef\xbb\xbf")
    assert "Trạm y tế xã" in download.content.decode("utf-8")

    periodic = web.get("/admin/reports?kind=periodic&unit=14932&period=2026-07")
    assert periodic.status_code == 200
    assert_page_loads_only_loa(web, periodic)
    assert (
        '<svg id="chart-status"' in periodic.text and "Đã đăng (published): Số tin" in periodic.text
    )
    assert web.get("/admin/reports?kind=periodic&unit=14932&period=2026-13").status_code == 400
    assert web.get("/admin/reports?unit=01").status_code == 403  # another province
    assert web.get("/admin/reports?unit=nowhere").status_code == 404


def test_a_unit_admin_schedules_a_report_upward(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("quan-tri", role="admin"), clock)
    page = web.get("/admin/reports/schedules")
    assert page.status_code == 200
    assert_page_loads_only_loa(web, page)
    form = {"unit": "14932", "report": "periodic", "frequency": "monthly"}
    bad = web.post(
        "/admin/reports/schedules",
        data={**form, "recipients": "không phải địa chỉ", "csrf_token": csrf_of(page.text)},
    )
    assert bad.status_code == 400 and "không phải địa chỉ" in bad.text
    made = web.post(
        "/admin/reports/schedules",
        data={**form, "recipients": "so-tttt@thanhhoa.gov.vn", "csrf_token": csrf_of(page.text)},
    )
    assert made.status_code == 303
    listed = web.get("/admin/reports/schedules")
    assert "so-tttt@thanhhoa.gov.vn" in listed.text and "Hằng tháng" in listed.text
    delete = re.search(r'action="(/admin/reports/schedules/\d+/delete)"', listed.text)
    assert delete
    gone = web.post(delete.group(1), data={"csrf_token": csrf_of(listed.text)})
    assert gone.status_code == 303
    assert "so-tttt@thanhhoa.gov.vn" not in web.get("/admin/reports/schedules").text
    forged = web.post("/admin/reports/schedules", data={**form, "recipients": "a@b.vn"})
    assert forged.status_code == 403  # no CSRF token


def test_an_editor_cannot_schedule_reports(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    page = web.get("/admin/reports/schedules")
    made = web.post(
        "/admin/reports/schedules",
        data={
            "unit": "14932",
            "report": "quota",
            "frequency": "quarterly",
            "recipients": "a@b.vn",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert made.status_code == 403


def test_the_graphql_explorer_runs_with_the_admin_session(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    page = web.get("/admin/graphql")
    assert page.status_code == 200
    assert_page_loads_only_loa(web, page)
    assert 'href="/api/graphql"' in page.text and "Authorization: Bearer" in page.text
    ide = web.get("/api/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 200
    token = re.search(r'"x-csrf-token": "([^"]+)"', ide.text)
    assert token, "GraphiQL is not given the session's CSRF token"
    asked = web.post(
        "/api/graphql",
        json={"query": "{ me { username } }"},
        headers={"x-csrf-token": token.group(1)},
    )
    assert asked.json() == {"data": {"me": {"username": "bien-tap"}}}
    signed_out = TestClient(web.app).get("/api/graphql", headers={"accept": "text/html"})
    assert signed_out.status_code == 401


def test_a_charts_bars_stack_in_proportion_and_its_description_says_every_value() -> None:
    chart = charts.bars(
        "c", "Kết quả", ["thành công", "thất bại"], [charts.Row("Cổng", (3, 1))], unit="lượt"
    )
    (line,) = chart.lines
    delivered, failed = line.bars
    assert delivered.width == pytest.approx(3 * failed.width)
    assert failed.x == pytest.approx(delivered.x + delivered.width)
    assert chart.desc == "Cổng: thành công 3, thất bại 1 lượt"
    assert [t for t, _ in chart.ticks] == [0, 1, 2, 3, 4]
