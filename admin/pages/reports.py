"""Reports of my units: the quarterly quota by agency (S0.7) and the periodic report (month,
quarter, half-year, year: S2.4, S4.7), each as a chart (server-rendered SVG) with its table
beside it and a CSV download; and the schedules that mail a report upward each period.

The CSV is the management API's (``/api/reports/{kind}.csv``, which takes the admin's
session cookie for a GET); permissions are the report actions' own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin import charts
from admin.page import LOCAL, Page, signed_in, signed_in_post, text
from admin.pages.refusals import audited
from core.actions import report_schedules
from core.auth.permissions import Actor
from core.errors import LoaError
from core.quota.periods import Kind, Period, period_of
from core.reports.actions import periodic_report, quota_report
from core.reports.csv import STATUS_VI
from core.units.lookups import units_by_path

KINDS = {"quota": ("Chỉ tiêu theo quý", "Quarterly quota"), "periodic": ("Định kỳ", "Periodic")}
OUTCOMES = (
    ("delivered", "Thành công", "delivered"),
    ("failed", "Thất bại", "failed"),
    ("needs_attention", "Cần xử lý", "needs attention"),
    ("pending", "Đang chờ", "pending"),
    ("cancelled", "Đã hủy", "cancelled"),
)
REPORT_NAMES = {"periodic": ("Báo cáo định kỳ", "Periodic report"), "quota": KINDS["quota"]}
FREQUENCY_NAMES = {"monthly": ("Hằng tháng", "monthly"), "quarterly": ("Hằng quý", "quarterly")}


def _home_unit(page: Page, actor: Actor) -> str:
    """The code of the first unit the actor holds a role on ("" for none)."""
    with page.ctx.sessions() as db:
        units = units_by_path(db, [g.unit_path for g in actor.grants])
    for grant in actor.grants:
        if grant.unit_path in units:
            return units[grant.unit_path].code
    return ""


def _shortcuts(now: dt.datetime) -> list[tuple[str, str, str]]:
    """(period, Vietnamese, English) for the periods a report is usually asked for."""
    month = period_of(Kind.MONTH, now)
    before = Period(month.year - (month.index == 1), Kind.MONTH, (month.index - 2) % 12 + 1)
    return [
        (month.label, "Tháng này", "this month"),
        (before.label, "Tháng trước", "last month"),
        (period_of(Kind.QUARTER, now).label, "Quý này", "this quarter"),
        (period_of(Kind.HALF, now).label, "6 tháng", "this half-year"),
        (str(month.year), "Năm nay", "this year"),
        (str(month.year - 1), "Năm trước", "last year"),
    ]


def _quota(page: Page, actor: Actor, unit: str, quarters: int) -> dict[str, Any]:
    report = quota_report(page.ctx, actor, unit, quarters)
    current = report[0]
    rows = [charts.Row(a.agency_name, (a.published,)) for a in current.agencies]
    chart = charts.bars(
        "chart-quota",
        f"Số tin đã đăng theo cơ quan, {current.period.label} / Items published by agency",
        ["Tin đã đăng / published"],
        rows,
        unit="tin / items",
    )
    return {"quarters": report, "chart": chart, "heading": f"{current.unit_name}"}


def _periodic(page: Page, actor: Actor, unit: str, period: str) -> dict[str, Any]:
    report = periodic_report(page.ctx, actor, unit, period)
    statuses = [
        charts.Row(f"{STATUS_VI.get(s.status, s.status)} ({s.status})", (s.count,))
        for s in report.by_status
    ]
    status_chart = charts.bars(
        "chart-status",
        f"Tin theo trạng thái, {report.period.label} / Items by status",
        ["Số tin / items"],
        statuses,
        unit="tin / items",
    )
    channel_chart = charts.bars(
        "chart-channels",
        f"Kết quả đưa tin lên kênh, {report.period.label} / Deliveries by channel",
        [f"{vi} / {en}" for _, vi, en in OUTCOMES],
        [
            charts.Row(f"{c.plugin}: {c.name}", tuple(getattr(c, name) for name, _, _ in OUTCOMES))
            for c in report.by_channel
        ],
        unit="lượt / deliveries",
    )
    return {
        "report": report,
        "status_chart": status_chart,
        "channel_chart": channel_chart,
        "outcomes": OUTCOMES,
        "status_vi": STATUS_VI,
        "heading": report.unit_name,
    }


async def page(request: Request) -> Response:
    page, actor = await signed_in(request)
    params = request.query_params
    now = dt.datetime.now(LOCAL)
    kind = params.get("kind", "quota")
    kind = kind if kind in KINDS else "quota"
    unit = params.get("unit", "").strip() or await run_in_threadpool(_home_unit, page, actor)
    period = params.get("period", "").strip() or period_of(Kind.MONTH, now).label
    quarters_raw = params.get("quarters", "4")
    quarters = int(quarters_raw) if quarters_raw.isdigit() else 4
    values: dict[str, Any] = {
        "kind": kind,
        "kinds": KINDS,
        "unit": unit,
        "period": period,
        "quarters_count": quarters,
        "shortcuts": _shortcuts(now),
    }
    csv_query = {
        "unit": unit,
        **({"quarters": quarters} if kind == "quota" else {"period": period}),
    }
    values["csv_url"] = f"/api/reports/{kind}.csv?{urlencode(csv_query)}"
    titles: dict[str, Any] = {"title": "Báo cáo", "title_en": "Reports"}
    try:
        if kind == "quota":
            found, refused = await audited(page, _quota, page, actor, unit, quarters)
        else:
            found, refused = await audited(page, _periodic, page, actor, unit, period)
    except LoaError as exc:
        error = f"Không lập được báo cáo. / {exc.message}"
        return page.render("ops/reports.html", 400, error=error, **titles, **values)
    if refused is not None:
        return refused
    assert found is not None
    return page.render("ops/reports.html", **titles, **values, **found)


# --- schedules -------------------------------------------------------------------------------


async def _schedules(page: Page, actor: Actor, status: int = 200, **values: Any) -> Response:
    rows = await run_in_threadpool(report_schedules.schedules, page.ctx, actor)
    values.setdefault("unit", await run_in_threadpool(_home_unit, page, actor))
    return page.render(
        "ops/schedules.html",
        status,
        title="Lịch gửi báo cáo",
        title_en="Report schedules",
        schedules=rows,
        reports=REPORT_NAMES,
        frequencies=FREQUENCY_NAMES,
        smtp=bool(page.ctx.settings.smtp_host),
        **values,
    )


async def schedules(request: Request) -> Response:
    page, actor = await signed_in(request)
    return await _schedules(page, actor)


async def add_schedule(request: Request) -> Response:
    page, actor, form = await signed_in_post(request)
    fields = {k: text(form, k) for k in ("unit", "report", "frequency", "recipients")}
    try:
        _, refused = await audited(
            page,
            report_schedules.create_schedule,
            page.ctx,
            actor,
            fields["unit"],
            fields["report"],
            fields["frequency"],
            fields["recipients"],
        )
    except LoaError as exc:
        return await _schedules(
            page, actor, 400, error=f"Không lưu được lịch. / {exc.message}", **fields
        )
    return refused or page.redirect("/admin/reports/schedules")


async def delete_schedule(request: Request) -> Response:
    page, actor, _ = await signed_in_post(request)
    schedule_id = int(request.path_params["schedule_id"])
    _, refused = await audited(page, report_schedules.delete_schedule, page.ctx, actor, schedule_id)
    return refused or page.redirect("/admin/reports/schedules")


def routes() -> list[BaseRoute]:
    return [
        Route("/reports", page),
        Route("/reports/schedules", schedules),
        Route("/reports/schedules", add_schedule, methods=["POST"]),
        Route("/reports/schedules/{schedule_id:int}/delete", delete_schedule, methods=["POST"]),
    ]
