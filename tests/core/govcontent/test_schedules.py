"""Schedules: slots saved with their offsets, shown as an ISO week in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from typing import Any

from core.auth.permissions import SYSTEM
from core.govcontent import editing, schedules

WEEK = """
query($week: String, $kind: String) { schedule(unit: "14932", week: $week, kind: $kind) {
  week previousWeek nextWeek timeZone
  days { date weekday slots { person place content startsAt endsAt kindName } }
} }"""
SAVE = """
mutation($input: ScheduleSlotInput!) { saveScheduleSlot(unit: "14932", input: $input) {
  __typename ... on ValidationError { fields { field message } }
  ... on ScheduleSlotResult { slot { id startsAt } }
} }"""


def _slot(ctx: Any, start: str, end: str, kind: str = "work", publish: bool = True) -> Any:
    data = {
        "kind": kind,
        "person": "Đồng chí Lê Văn Bình, Chủ tịch UBND xã",
        "place": "Hội trường UBND xã",
        "content": "Họp giao ban công tác tuần",
        "starts_at": start,
        "ends_at": end,
    }
    row = editing.save(ctx, SYSTEM, schedules.KIND, data, unit_code="14932")
    return editing.publish(ctx, SYSTEM, schedules.KIND, row.uid) if publish else row


def test_a_week_runs_monday_to_sunday_in_vietnam_time(ctx, gql):
    # Monday 30 Nov 2026 06:30 in Hà Nội is still Sunday 29 Nov in UTC.
    _slot(ctx, "2026-11-30T06:30:00+07:00", "2026-11-30T08:00:00+07:00")
    _slot(ctx, "2026-12-04T14:00:00+07:00", "2026-12-04T16:00:00+07:00", kind="reception")
    _slot(ctx, "2026-12-07T08:00:00+07:00", "2026-12-07T09:00:00+07:00")  # next week
    _slot(ctx, "2026-12-01T08:00:00+07:00", "2026-12-01T09:00:00+07:00", publish=False)
    week = gql(WEEK, week="2026-W49")["data"]["schedule"]
    assert (week["week"], week["previousWeek"], week["nextWeek"]) == (
        "2026-W49",
        "2026-W48",
        "2026-W50",
    )
    assert week["timeZone"] == "Asia/Ho_Chi_Minh"
    assert [d["date"] for d in week["days"]][::6] == ["2026-11-30", "2026-12-06"]
    assert [d["weekday"] for d in week["days"]][::6] == ["Thứ Hai", "Chủ Nhật"]
    by_day = {d["date"]: d["slots"] for d in week["days"] if d["slots"]}
    assert sorted(by_day) == ["2026-11-30", "2026-12-04"]  # the draft and next week: not here
    assert by_day["2026-11-30"][0]["startsAt"] == "2026-11-30T06:30:00+07:00"
    assert by_day["2026-12-04"][0]["kindName"] == "Lịch tiếp công dân"
    reception = gql(WEEK, week="2026-W49", kind="reception")["data"]["schedule"]["days"]
    assert sum(len(d["slots"]) for d in reception) == 1


def test_bad_weeks_and_slots_are_refused(ctx, gql, editor_token):
    assert gql(WEEK, week="2026-49")["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert gql(WEEK, kind="party")["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = gql(
        SAVE,
        editor_token,
        input={
            "kind": "work",
            "person": "",
            "content": "Họp",
            "startsAt": "2026-12-01T10:00:00+07:00",
            "endsAt": "2026-12-01T09:00:00+07:00",
        },
    )["data"]["saveScheduleSlot"]
    assert {f["field"] for f in result["fields"]} == {"person", "endsAt"}
    saved = gql(
        SAVE,
        editor_token,
        input={
            "kind": "reception",
            "person": "Bà Trần Thị Cúc",
            "content": "Tiếp công dân định kỳ",
            "startsAt": "2026-12-03T07:30:00+07:00",
            "endsAt": "2026-12-03T11:00:00+07:00",
        },
    )["data"]["saveScheduleSlot"]
    assert saved["__typename"] == "ScheduleSlotResult"
