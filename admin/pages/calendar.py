"""The calendar of my units: a month (or a week) of what is planned, waits for approval, is
scheduled, went live or ends, and the banners and campaign sections that must come down;
filtered by channel. Days are Vietnam's; every entry is a link, so the keyboard reaches it."""

from __future__ import annotations

import calendar as months
import datetime as dt
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.page import LOCAL, signed_in
from core.actions import desk_calendar

#: Each mark in Vietnamese first, then English.
MARKS = {
    "planned": ("Dự kiến", "planned"),
    "waiting": ("Chờ duyệt", "waiting for approval"),
    "scheduled": ("Đã lên lịch", "scheduled"),
    "live": ("Đã đăng", "went live"),
    "expiring": ("Hết hạn hiển thị", "expires"),
    "comes_down": ("Phải gỡ xuống", "must come down"),
}
WEEKDAYS = [("T2", "Mon"), ("T3", "Tue"), ("T4", "Wed"), ("T5", "Thu"), ("T6", "Fri")]
WEEKDAYS += [("T7", "Sat"), ("CN", "Sun")]


def _month(text: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _day(text: str, today: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return today


async def page(request: Request) -> Response:
    page, actor = await signed_in(request)
    query = request.query_params
    today = dt.datetime.now(LOCAL).date()
    week = query.get("view") == "week"
    plugin = query.get("channel", "")
    if week:
        start = _day(query.get("day", ""), today)
        start -= dt.timedelta(days=start.weekday())
        weeks = [[start + dt.timedelta(days=i) for i in range(7)]]
        first, last = weeks[0][0], weeks[0][-1]
        back, ahead = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
        moves = {"back": f"day={back}", "ahead": f"day={ahead}", "now": f"day={today}"}
        heading = f"{first:%d/%m} – {last:%d/%m/%Y}"
    else:
        month = _month(query.get("month", ""), today)
        weeks = months.Calendar().monthdatescalendar(month.year, month.month)
        first, last = weeks[0][0], weeks[-1][-1]
        back = (month - dt.timedelta(days=1)).replace(day=1)
        ahead = (month + dt.timedelta(days=31)).replace(day=1)
        moves = {"back": f"month={back:%Y-%m}", "ahead": f"month={ahead:%Y-%m}", "now": ""}
        heading = f"Tháng {month.month}/{month.year}"

    def load() -> dict[str, Any]:
        return {
            "days": desk_calendar.calendar(page.ctx, actor, first, last, plugin),
            "channels": desk_calendar.channels(page.ctx, actor),
        }

    values = await run_in_threadpool(load)
    view = "week" if week else "month"
    suffix = f"&channel={quote(plugin)}" if plugin else ""
    return page.render(
        "desk/calendar.html",
        title="Lịch",
        title_en="Calendar",
        heading=heading,
        weeks=weeks,
        week=week,
        current_month=None if week else month.month,
        today=today,
        channel=plugin,
        marks=MARKS,
        weekdays=WEEKDAYS,
        links={k: f"?view={view}&{v}{suffix}" for k, v in moves.items()},
        **values,
    )
