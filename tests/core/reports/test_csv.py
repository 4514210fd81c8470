"""CSV for Excel: a BOM, Vietnamese headers with English, and it parses back."""

from __future__ import annotations

import csv
import io

from core.quota.counts import AgencyQuota, QuotaQuarter
from core.quota.periods import parse_period
from core.reports.csv import PERIODIC_HEADER, QUOTA_HEADER, periodic_csv, quota_csv
from core.reports.periodic import (
    ChannelComments,
    ChannelStats,
    Interactions,
    LeadTime,
    PeriodicReport,
    StatusCount,
)


def parse(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def quarter(label: str, *agencies: AgencyQuota) -> QuotaQuarter:
    return QuotaQuarter("38", "Tỉnh Thanh Hóa", parse_period(label), False, agencies)


def test_quota_csv_parses_back() -> None:
    text = quota_csv(
        [
            quarter(
                "2026-Q3",
                AgencyQuota(1, "UBND xã Cẩm Thủy", "14932", "Xã Cẩm Thủy", 2),
                AgencyQuota(2, 'Đoàn Thanh niên "Cẩm Thạch", xã', "14950", "Xã Cẩm Thạch", 0),
            ),
            quarter("2026-Q2", AgencyQuota(1, "UBND xã Cẩm Thủy", "14932", "Xã Cẩm Thủy", 0)),
        ]
    )
    rows = parse(text)
    assert list(rows[0]) == list(QUOTA_HEADER)
    assert "Cơ quan (Agency)" in QUOTA_HEADER
    assert [
        (
            r["Quý (Quarter)"],
            r["Cơ quan (Agency)"],
            r["Số tin đã đăng (Items published)"],
            r["Chưa đạt chỉ tiêu (Behind quota)"],
        )
        for r in rows
    ] == [
        ("2026-Q3", "UBND xã Cẩm Thủy", "2", "Không (no)"),
        ("2026-Q3", 'Đoàn Thanh niên "Cẩm Thạch", xã', "0", "Có (yes)"),
        ("2026-Q2", "UBND xã Cẩm Thủy", "0", "Có (yes)"),
    ]
    assert rows[1]["Mã đơn vị (Unit code)"] == "14950"


def test_formulas_are_defused() -> None:
    rows = parse(
        quota_csv([quarter("2026-Q3", AgencyQuota(1, '=HYPERLINK("x")', "14932", "@x", 1))])
    )
    assert rows[0]["Cơ quan (Agency)"] == '\'=HYPERLINK("x")'
    assert rows[0]["Đơn vị (Unit)"] == "'@x"


def test_plus_and_minus_are_defused_and_vietnamese_survives() -> None:
    rows = parse(
        quota_csv(
            [
                quarter("2026-Q3", AgencyQuota(1, "+84 Trạm y tế", "14932", "-1+1", 1)),
                quarter("2026-Q3", AgencyQuota(2, "Hội Nông dân xã", "14932", "Xã Cẩm Thủy", 0)),
            ]
        )
    )
    assert rows[0]["Cơ quan (Agency)"] == "'+84 Trạm y tế"
    assert rows[0]["Đơn vị (Unit)"] == "'-1+1"
    assert rows[1]["Cơ quan (Agency)"] == "Hội Nông dân xã"  # nothing to defuse: unchanged
    assert rows[1]["Đơn vị (Unit)"] == "Xã Cẩm Thủy"


def report(interactions: Interactions) -> PeriodicReport:
    return PeriodicReport(
        unit_code="38",
        unit_name="Tỉnh Thanh Hóa",
        period=parse_period("2026-H1"),
        by_status=(StatusCount("draft", 2), StatusCount("published", 5)),
        by_channel=(ChannelStats(7, "portal", "Cổng TTĐT", 3, 1, 0, 1, 0),),
        lead_time=LeadTime(5, 12.5, 40.0),
        interactions=interactions,
    )


def test_periodic_csv_parses_back() -> None:
    tracked = Interactions(True, (ChannelComments(7, "portal", "Cổng TTĐT", 4, 1),))
    rows = parse(periodic_csv(report(tracked)))
    assert list(rows[0]) == list(PERIODIC_HEADER)
    assert {r["Đơn vị (Unit)"] for r in rows} == {"38 Tỉnh Thanh Hóa"}
    assert {r["Kỳ báo cáo (Period)"] for r in rows} == {"2026-H1"}
    values = {(r["Đối tượng (Subject)"], r["Chỉ số (Metric)"]): r["Giá trị (Value)"] for r in rows}
    assert values[("Đã đăng (published)", "Số tin (items)")] == "5"
    assert values[("Nháp (draft)", "Số tin (items)")] == "2"
    assert values[("Tổng (total)", "Số tin (items)")] == "7"
    assert values[("portal: Cổng TTĐT", "Thành công (delivered)")] == "3"
    assert values[("portal: Cổng TTĐT", "Tỷ lệ thành công % (success rate %)")] == "75.0"
    assert values[("", "Trung vị, giờ (median, hours)")] == "12.50"
    assert values[("portal: Cổng TTĐT", "Bình luận (comments)")] == "4"
    assert values[("Tổng (total)", "Bình luận (comments)")] == "4"


def test_periodic_csv_says_interactions_are_not_tracked() -> None:
    rows = parse(periodic_csv(report(Interactions(False, note="not tracked"))))
    (row,) = [r for r in rows if r["Mục (Section)"] == "Tương tác (Interactions)"]
    assert row["Giá trị (Value)"] == "Chưa theo dõi (not tracked)"
