"""Reports as CSV for Excel: UTF-8 with a byte-order mark, Vietnamese headers (English too).

Without the BOM, Excel reads UTF-8 as the local code page and mangles Vietnamese. Text that
users wrote (agency and target names) is defused: a cell starting with ``=``, ``+``, ``-``,
``@`` or a control character gets a leading apostrophe, so Excel never runs it as a formula.

The periodic report is one long table (section, subject, metric, value), so every row has the
same columns and the file parses back with any CSV reader.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from core.quota.counts import QuotaQuarter
from core.reports.periodic import PeriodicReport

BOM = "\ufeff"

QUOTA_HEADER = (
    "Quý (Quarter)",
    "Mã đơn vị (Unit code)",
    "Đơn vị (Unit)",
    "Mã cơ quan (Agency id)",
    "Cơ quan (Agency)",
    "Số tin đã đăng (Items published)",
    "Chưa đạt chỉ tiêu (Behind quota)",
    "Đã đưa lên kênh (Delivered per channel)",
)
PERIODIC_HEADER = (
    "Đơn vị (Unit)",
    "Kỳ báo cáo (Period)",
    "Mục (Section)",
    "Đối tượng (Subject)",
    "Chỉ số (Metric)",
    "Giá trị (Value)",
)
YES, NO = "Có (yes)", "Không (no)"

STATUS_VI = {
    "draft": "Nháp",
    "submitted": "Đã gửi",
    "in_review": "Đang thẩm định",
    "changes_requested": "Yêu cầu sửa",
    "approved": "Đã duyệt",
    "scheduled": "Hẹn giờ đăng",
    "published": "Đã đăng",
    "expired": "Hết hạn",
    "retracted": "Đã gỡ",
    "rejected": "Từ chối",
}
SECTION_STATUS = "Tin theo trạng thái (Items by status)"
SECTION_CHANNEL = "Kênh (Channel)"
SECTION_LEAD = "Thời gian gửi đến đăng (Submit to publish)"
SECTION_INTERACTIONS = "Tương tác (Interactions)"
NOT_TRACKED = "Chưa theo dõi (not tracked)"


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _render(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return out.getvalue()


def quota_csv(quarters: Sequence[QuotaQuarter]) -> str:
    """One row per agency and quarter, quarters in the order given."""
    return _render(
        QUOTA_HEADER,
        (
            (
                q.period.label,
                a.unit_code,
                a.unit_name,
                a.agency_id,
                a.agency_name,
                a.published,
                YES if a.behind else NO,
                "; ".join(f"{plugin}: {n}" for plugin, n in a.channels),
            )
            for q in quarters
            for a in q.agencies
        ),
    )


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def periodic_csv(report: PeriodicReport) -> str:
    unit = f"{report.unit_code} {report.unit_name}"
    period = report.period.label
    rows: list[tuple[str, str, str, object]] = []
    for s in report.by_status:
        subject = f"{STATUS_VI[s.status]} ({s.status})" if s.status in STATUS_VI else s.status
        rows.append((SECTION_STATUS, subject, "Số tin (items)", s.count))
    rows.append((SECTION_STATUS, "Tổng (total)", "Số tin (items)", report.items))
    for c in report.by_channel:
        subject = f"{c.plugin}: {c.name}"
        rows += [
            (SECTION_CHANNEL, subject, "Thành công (delivered)", c.delivered),
            (SECTION_CHANNEL, subject, "Thất bại (failed)", c.failed),
            (SECTION_CHANNEL, subject, "Cần xử lý (needs attention)", c.needs_attention),
            (SECTION_CHANNEL, subject, "Đang chờ (pending)", c.pending),
            (SECTION_CHANNEL, subject, "Đã hủy (cancelled)", c.cancelled),
            (
                SECTION_CHANNEL,
                subject,
                "Tỷ lệ thành công % (success rate %)",
                _number(None if c.success_rate is None else 100 * c.success_rate, 1),
            ),
        ]
    lead = report.lead_time
    rows += [
        (SECTION_LEAD, "", "Số tin đã đăng (items published)", lead.items),
        (SECTION_LEAD, "", "Trung vị, giờ (median, hours)", _number(lead.median_hours)),
        (SECTION_LEAD, "", "Phân vị 90, giờ (90th percentile, hours)", _number(lead.p90_hours)),
    ]
    ints = report.interactions
    if not ints.tracked:
        rows.append((SECTION_INTERACTIONS, "", "Bình luận (comments)", NOT_TRACKED))
    else:
        for cc in ints.by_channel:
            subject = f"{cc.plugin}: {cc.name}"
            rows += [
                (SECTION_INTERACTIONS, subject, "Bình luận (comments)", cc.comments),
                (SECTION_INTERACTIONS, subject, "Đã ẩn (hidden)", cc.hidden),
            ]
        rows.append((SECTION_INTERACTIONS, "Tổng (total)", "Bình luận (comments)", ints.comments))
    return _render(PERIODIC_HEADER, ((unit, period, *row) for row in rows))
