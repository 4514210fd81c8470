"""The quarterly quota (S0.7): who has nothing published this quarter, by unit, over quarters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.content.models import Status
from core.context import Context
from core.errors import Forbidden, NotFound, ValidationFailed
from core.reports import quota_report
from tests.core.reports.support import Rows, at

NOW = at("2026-08-15T03:00")  # 2026-Q3


@pytest.fixture
def agencies(rows: Rows) -> dict[str, int]:
    """Thanh Hóa (38) and its communes, plus Hà Nội's Ba Đình (01 → 00004)."""
    a = {
        "cam_thuy": rows.agency("UBND xã Cẩm Thủy", "14932"),
        "cam_thach": rows.agency("Đoàn Thanh niên xã Cẩm Thạch", "14950"),
        "hac_thanh": rows.agency("Công an phường Hạc Thành", "15112"),
        "province": rows.agency("Sở Văn hóa, Thể thao và Du lịch", "38"),
        "ba_dinh": rows.agency("UBND phường Ba Đình", "00004"),
    }
    # 2026-Q3 (this quarter)
    rows.article(
        "14932",
        agency=a["cam_thuy"],
        created=at("2026-07-01T00:00"),
        published=at("2026-07-02T02:00"),
    )
    rows.article(
        "14932",
        agency=a["cam_thuy"],
        created=at("2026-08-01T00:00"),
        published=at("2026-08-01T02:00"),
    )
    # went out, then expired: still counts
    rows.article(
        "15112",
        agency=a["hac_thanh"],
        status=Status.EXPIRED,
        created=at("2026-07-10T00:00"),
        published=at("2026-07-10T05:00"),
    )
    # the province only has work in progress this quarter
    rows.article(
        "38", agency=a["province"], status=Status.SUBMITTED, created=at("2026-07-03T00:00")
    )
    rows.article("38", agency=a["province"], status=Status.APPROVED, created=at("2026-07-04T00:00"))
    rows.article(
        "00004",
        agency=a["ba_dinh"],
        created=at("2026-07-05T00:00"),
        published=at("2026-07-05T01:00"),
    )
    # 2026-Q2: Cẩm Thạch published (and retracted later: still counts); Cẩm Thủy a draft
    rows.article(
        "14950",
        agency=a["cam_thach"],
        status=Status.RETRACTED,
        created=at("2026-05-01T00:00"),
        published=at("2026-05-02T00:00"),
    )
    rows.article("14932", agency=a["cam_thuy"], status=Status.DRAFT, created=at("2026-05-03T00:00"))
    # 2026-Q1: the province
    rows.article(
        "38", agency=a["province"], created=at("2026-02-01T00:00"), published=at("2026-02-02T00:00")
    )
    return a


def _by_name(quarter: Any) -> dict[str, int]:
    return {q.agency_name: q.published for q in quarter.agencies}


def test_names_the_agency_with_nothing_published_this_quarter(
    ctx: Context, agencies: dict[str, int]
) -> None:
    report = quota_report(ctx, SYSTEM, "38", quarters=1, now=NOW)
    (quarter,) = report
    assert quarter.period.label == "2026-Q3" and quarter.current
    assert _by_name(quarter) == {
        "Sở Văn hóa, Thể thao và Du lịch": 0,
        "UBND xã Cẩm Thủy": 2,
        "Đoàn Thanh niên xã Cẩm Thạch": 0,
        "Công an phường Hạc Thành": 1,
    }
    assert {a.agency_name for a in quarter.behind} == {
        "Sở Văn hóa, Thể thao và Du lịch",
        "Đoàn Thanh niên xã Cẩm Thạch",
    }
    cam_thach = next(a for a in quarter.behind if a.agency_id == agencies["cam_thach"])
    assert (cam_thach.unit_code, cam_thach.unit_name) == ("14950", "Xã Cẩm Thạch")


def test_past_quarters_newest_first(ctx: Context, agencies: dict[str, int]) -> None:
    report = quota_report(ctx, SYSTEM, "38", quarters=4, now=NOW)
    assert [q.period.label for q in report] == ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4"]
    assert [q.current for q in report] == [True, False, False, False]
    q2, q1, q4 = report[1], report[2], report[3]
    assert {a.agency_name for a in q2.agencies if not a.behind} == {"Đoàn Thanh niên xã Cẩm Thạch"}
    assert {a.agency_name for a in q1.agencies if not a.behind} == {
        "Sở Văn hóa, Thể thao và Du lịch"
    }
    assert len(q4.behind) == 4


def test_unit_covers_its_descendants_only(ctx: Context, agencies: dict[str, int]) -> None:
    (commune,) = quota_report(ctx, SYSTEM, "14950", quarters=1, now=NOW)
    assert [a.agency_name for a in commune.agencies] == ["Đoàn Thanh niên xã Cẩm Thạch"]
    (country,) = quota_report(ctx, SYSTEM, "VN", quarters=1, now=NOW)
    assert len(country.agencies) == 5
    assert _by_name(country)["UBND phường Ba Đình"] == 1
    (hanoi,) = quota_report(ctx, SYSTEM, "01", quarters=1, now=NOW)
    assert [(a.agency_name, a.behind) for a in hanoi.agencies] == [("UBND phường Ba Đình", False)]


def test_timezone_edge_counts_in_the_vietnamese_quarter(
    ctx: Context, rows: Rows, agencies: dict[str, int]
) -> None:
    # 20:00 UTC on 30 September is 03:00 on 1 October in Vietnam: Q4, not Q3
    rows.article(
        "14950",
        agency=agencies["cam_thach"],
        created=at("2026-09-30T10:00"),
        published=at("2026-09-30T20:00"),
    )
    # 16:59 UTC is 23:59 on 30 September: still Q3
    rows.article(
        "38",
        agency=agencies["province"],
        created=at("2026-09-30T10:00"),
        published=at("2026-09-30T16:59"),
    )
    q4, q3 = quota_report(ctx, SYSTEM, "38", quarters=2, now=at("2026-10-05T00:00"))
    assert (q4.period.label, q3.period.label) == ("2026-Q4", "2026-Q3")
    assert _by_name(q4)["Đoàn Thanh niên xã Cẩm Thạch"] == 1
    assert _by_name(q3)["Đoàn Thanh niên xã Cẩm Thạch"] == 0
    assert _by_name(q3)["Sở Văn hóa, Thể thao và Du lịch"] == 1
    assert _by_name(q4)["Sở Văn hóa, Thể thao và Du lịch"] == 0


@contextmanager
def counting(ctx: Context) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(ctx.engine, "before_cursor_execute", record)


def test_one_grouped_query_per_quarter_whatever_the_number_of_agencies(
    ctx: Context, rows: Rows, agencies: dict[str, int]
) -> None:
    with counting(ctx) as few:
        quota_report(ctx, SYSTEM, "VN", quarters=3, now=NOW)
    for i in range(20):
        rows.agency(f"Cơ quan {i}", "14932")
    with counting(ctx) as many:
        report = quota_report(ctx, SYSTEM, "VN", quarters=3, now=NOW)
    assert len(report[0].agencies) == 25
    # the unit, the agencies, two grouped queries per quarter (items; deliveries per channel)
    assert len(many) == len(few) <= 2 + 2 * 3


def test_permission_and_input(ctx: Context, agencies: dict[str, int]) -> None:
    with pytest.raises(Forbidden):
        quota_report(ctx, Actor(name="nobody"), "38", now=NOW)
    editor_38 = Actor(name="editor-38", grants=(Grant(Role.EDITOR, unit_path(ctx, "38")),))
    assert quota_report(ctx, editor_38, "14950", quarters=1, now=NOW)[0].agencies
    for outside in ("01", "00004", "VN"):  # a sibling province, its ward, the parent
        with pytest.raises(Forbidden):
            quota_report(ctx, editor_38, outside, now=NOW)
    with pytest.raises(NotFound):
        quota_report(ctx, SYSTEM, "99999", now=NOW)
    for bad in (0, 21):
        with pytest.raises(ValidationFailed):
            quota_report(ctx, SYSTEM, "38", quarters=bad, now=NOW)


def unit_path(ctx: Context, code: str) -> str:
    from sqlalchemy import select

    from core.units.models import Unit

    with ctx.sessions() as session:
        path = session.scalar(select(Unit.path).where(Unit.code == code))
    assert path is not None
    return path


def test_counts_per_channel_the_items_delivered_in_the_quarter(
    ctx: Context, rows: Rows, agencies: dict[str, int]
) -> None:
    """A channel's own quota (one post per agency per quarter on a national news feed)."""
    from core.delivery.models import Action, DeliveryState

    feed = rows.target("testassisted", "Bản tin quốc gia (thử)", "14932")
    portal = rows.target("testchannel", "Cổng xã", "14932")
    one = rows.article(
        "14932",
        agency=agencies["cam_thuy"],
        created=at("2026-07-01T00:00"),
        published=at("2026-07-01T01:00"),
    )
    two = rows.article(
        "14932",
        agency=agencies["cam_thuy"],
        created=at("2026-07-02T00:00"),
        published=at("2026-07-02T01:00"),
    )
    for article in (one, two):
        rows.delivery(
            article,
            portal,
            DeliveryState.DELIVERED,
            at("2026-07-03T00:00"),
            finished=at("2026-07-03T00:01"),
        )
    rows.delivery(
        one, feed, DeliveryState.DELIVERED, at("2026-07-03T00:00"), finished=at("2026-07-04T00:00")
    )
    rows.delivery(
        one,
        feed,
        DeliveryState.DELIVERED,
        at("2026-07-05T00:00"),  # an update
        action=Action.UPDATE,
        finished=at("2026-07-05T00:00"),
    )
    rows.delivery(two, feed, DeliveryState.ASSISTED, at("2026-07-03T00:00"))  # not done yet
    (quarter,) = quota_report(ctx, SYSTEM, "14932", quarters=1, now=NOW)
    [cam_thuy] = [a for a in quarter.agencies if a.agency_id == agencies["cam_thuy"]]
    assert cam_thuy.channels == (("testassisted", 1), ("testchannel", 2))
    assert cam_thuy.delivered_to("testassisted") == 1 and cam_thuy.delivered_to("x") == 0
    from core.reports.csv import quota_csv

    assert "testassisted: 1; testchannel: 2" in quota_csv([quarter])
