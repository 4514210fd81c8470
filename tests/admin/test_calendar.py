"""The calendar of my units and the quarter's quota on the home page: what an editor sees
planned, live and ending on which day (Vietnam's), what must come down, per channel."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from core.actions import content
from core.auth.permissions import SYSTEM
from core.content.models import Agency, Article
from core.context import Context
from core.govcontent.models import CampaignSection
from core.units.lookups import unit_by_code
from tests.core.auth.conftest import Clock, MakeAccount, sign_in
from tests.security.test_csp import assert_page_loads_only_loa

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _item(ctx: Context, title: str, target_ids: list[int], **audience: Any) -> Article:
    data: dict[str, Any] = {"title": title, "unit_code": "14932", "body_html": "<p>Nội dung</p>"}
    if target_ids:
        data["target_ids"] = target_ids
    if audience:
        data["audience"] = audience
    return content.create(ctx, SYSTEM, data)


def _went_out(ctx: Context, article_id: int, at: dt.datetime, agency_id: int | None = None) -> None:
    """The item went out at ``at`` (its workflow is tested elsewhere)."""
    with ctx.transaction() as session:
        row = session.get(Article, article_id)
        assert row is not None
        row.status, row.published_at = "published", at
        if agency_id is not None:
            row.agency_id = agency_id


def _cell(page: str, day: dt.date) -> str:
    """The calendar cell of ``day`` (its text, tags dropped)."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    mine = [c for c in cells if f'<span class="day">{day.day}/{day.month}</span>' in c]
    assert mine, f"no cell for {day}"
    return re.sub(r"<[^>]+>", " ", mine[0])


def test_the_month_shows_each_day_what_is_planned_live_ending_and_coming_down(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    now = dt.datetime.now(VN)
    month = now.date().replace(day=1)
    # 23:30 on the 3rd in Vietnam is 16:30 UTC the same day; 01:00 on the 5th is the 4th in UTC.
    planned_at = dt.datetime(month.year, month.month, 3, 23, 30, tzinfo=VN)
    live_at = dt.datetime(month.year, month.month, 5, 1, 0, tzinfo=VN)
    ends_at = dt.datetime(month.year, month.month, 20, 9, 0, tzinfo=VN)
    _item(ctx, "Kế hoạch lễ hội mùa xuân", [], visible_from=planned_at.astimezone(dt.UTC))
    live = _item(
        ctx, "Thông báo cắt điện", [portal_target.id], visible_until=ends_at.astimezone(dt.UTC)
    )
    _went_out(ctx, live.id, live_at.astimezone(dt.UTC))
    with ctx.transaction() as session:
        unit = unit_by_code(session, "14932")
        session.add(
            CampaignSection(
                uid=str(uuid.uuid4()),
                unit_id=unit.id,
                state="published",
                slug="chuyen-doi-so",
                title="Chuyên mục chuyển đổi số",
                visible_until=ends_at.astimezone(dt.UTC),
            )
        )

    page = web.get(f"/admin/calendar?month={month:%Y-%m}")
    assert page.status_code == 200
    assert_page_loads_only_loa(web, page)
    assert f"Tháng {month.month}/{month.year}" in page.text
    assert "Kế hoạch lễ hội mùa xuân" in _cell(page.text, planned_at.date())
    assert "Dự kiến" in _cell(page.text, planned_at.date())
    fifth = _cell(page.text, live_at.date())
    assert "Đã đăng" in fifth and "Thông báo cắt điện" in fifth
    assert "Thông báo cắt điện" not in _cell(page.text, live_at.date() - dt.timedelta(days=1))
    twentieth = _cell(page.text, ends_at.date())
    assert "Hết hạn hiển thị" in twentieth and "Thông báo cắt điện" in twentieth
    assert "Phải gỡ xuống" in twentieth and "Chuyên mục chuyển đổi số" in twentieth
    assert f'href="/admin/items/{live.uid}"' in page.text  # every item is a link: keyboard

    # The channel filter: the live item chose the portal's target; the draft chose none, so it
    # goes to every target of its unit (the portal's too); another plugin shows neither.
    assert portal_target.plugin in page.text
    on_portal = web.get(f"/admin/calendar?month={month:%Y-%m}&channel={portal_target.plugin}")
    assert "Thông báo cắt điện" in on_portal.text
    assert "Kế hoạch lễ hội mùa xuân" in on_portal.text
    elsewhere = web.get(f"/admin/calendar?month={month:%Y-%m}&channel=no-such-channel")
    assert "Thông báo cắt điện" not in elsewhere.text
    assert "Kế hoạch lễ hội mùa xuân" not in elsewhere.text
    assert "Chuyên mục chuyển đổi số" in elsewhere.text  # the site's own: whatever the channel

    week = web.get(f"/admin/calendar?view=week&day={live_at.date()}")
    assert week.status_code == 200
    assert "Thông báo cắt điện" in week.text
    assert week.text.count('<span class="day">') == 7


def test_the_calendar_shows_nothing_of_units_i_cannot_read(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    now = dt.datetime.now(dt.UTC)
    other = content.create(
        ctx, SYSTEM, {"title": "Bài của tỉnh khác", "unit_code": "01", "body_html": "<p>x</p>"}
    )
    _went_out(ctx, other.id, now)
    page = web.get("/admin/calendar")
    assert page.status_code == 200
    assert "Bài của tỉnh khác" not in page.text


def test_home_shows_the_quarters_quota_per_agency_and_channel(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    sign_in(web, make_account("bien-tap"), clock)
    with ctx.transaction() as session:
        unit = unit_by_code(session, "14932")
        ahead = Agency(name="Văn phòng UBND xã", unit_id=unit.id)
        behind = Agency(name="Trạm y tế xã", unit_id=unit.id)
        session.add_all([ahead, behind])
        session.flush()
        ahead_id = ahead.id
    item = _item(ctx, "Thông báo họp dân", [])
    _went_out(ctx, item.id, dt.datetime.now(dt.UTC), agency_id=ahead_id)
    home = web.get("/admin/")
    assert home.status_code == 200
    quota = home.text.split('id="quota"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(<td>.*?)</tr>", quota, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
        rows[cells[0]] = cells[1:]
    assert rows["Văn phòng UBND xã"][0] == "1"
    assert rows["Trạm y tế xã"][0].startswith("0 — chưa đạt")
    assert "1 cơ quan chưa có bài" in quota
