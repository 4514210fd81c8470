"""Schedules in GraphQL: ``schedule(unit, week, kind)`` gives one ISO week (Asia/Ho_Chi_Minh) as
seven days of slots, the way a portal shows "lịch công tác tuần"; ``saveScheduleSlot`` writes one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy.orm import Session

from core.govcontent import schedules as actions
from core.govcontent.legal import VN
from core.govcontent.models import Publication
from core.govcontent.models import ScheduleSlot as Row
from core.graphql.gov.common import (
    STATE_HELP,
    UNIT_HELP,
    Failures,
    Info,
    View,
    read_unit,
    save_resolver,
)
from core.graphql.gov.common import view as view_of
from core.graphql.types.media import page
from core.graphql.types.unit import Unit

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
KIND_HELP = "work (lịch công tác) or reception (lịch tiếp công dân)"


@strawberry.type(description="One slot: who, where, what, when.")
class ScheduleSlot:
    id: strawberry.ID = strawberry.field(description="Stable public identifier (a UUID).")
    kind: str = strawberry.field(description=KIND_HELP)
    kind_name: str = strawberry.field(description="The kind's Vietnamese name.")
    person: str = strawberry.field(description="Who presides or receives citizens.")
    place: str = strawberry.field(description="Where (địa điểm); empty if not given.")
    content: str = strawberry.field(description="What: the work or meeting (nội dung).")
    starts_at: dt.datetime = strawberry.field(description="ISO 8601 with the +07:00 offset.")
    ends_at: dt.datetime = strawberry.field(description="ISO 8601 with the +07:00 offset.")
    state: Publication = strawberry.field(description=STATE_HELP)


@strawberry.type(description="One day of the week (Asia/Ho_Chi_Minh) and its slots.")
class ScheduleDay:
    date: dt.date = strawberry.field(description="The day (Asia/Ho_Chi_Minh).")
    weekday: str = strawberry.field(description="Thứ Hai … Chủ Nhật.")
    all_slots: strawberry.Private[list[ScheduleSlot]]

    @strawberry.field(description="The day's slots in start order.")
    def slots(
        self,
        first: Annotated[
            int, strawberry.argument(description="At most this many (up to 100).")
        ] = 20,
    ) -> list[ScheduleSlot]:
        return self.all_slots[: page(first)]


@strawberry.type(description="An ISO week of a unit's schedules, Monday to Sunday.")
class ScheduleWeek:
    unit: Unit = strawberry.field(description="The unit whose schedules these are.")
    week: str = strawberry.field(description="ISO week, e.g. 2026-W49.")
    previous_week: str = strawberry.field(description="The ISO week before: pass it as `week`.")
    next_week: str = strawberry.field(description="The ISO week after: pass it as `week`.")
    time_zone: str = strawberry.field(description="Always Asia/Ho_Chi_Minh: days and times.")
    all_days: strawberry.Private[list[ScheduleDay]]

    @strawberry.field(description="Monday to Sunday.")
    def days(
        self,
        first: Annotated[int, strawberry.argument(description="At most this many days.")] = 7,
    ) -> list[ScheduleDay]:
        return self.all_days[: page(first)]


def _iso_week(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def shaped(session: Session, rows: list[Row], view: View) -> list[ScheduleSlot]:
    return [
        ScheduleSlot(
            id=strawberry.ID(r.uid),
            kind=r.kind,
            kind_name=actions.SCHEDULE_KINDS[r.kind],
            person=r.person,
            place=r.place,
            content=r.content,
            starts_at=r.starts_at.astimezone(VN),
            ends_at=r.ends_at.astimezone(VN),
            state=Publication(r.state),
        )
        for r in rows
    ]


def schedule(
    info: Info,
    unit: Annotated[str, strawberry.argument(description=UNIT_HELP)],
    week: Annotated[
        str | None, strawberry.argument(description="ISO week (2026-W49); none: this week.")
    ] = None,
    kind: Annotated[str | None, strawberry.argument(description=KIND_HELP)] = None,
) -> ScheduleWeek:
    v = view_of(info)
    found = read_unit(info, unit)
    start = actions.week_start(week, v.now)
    with info.context.read() as session:
        slots = shaped(session, actions.week_slots(session, found, v.actor, start, kind, v.now), v)
    first = start.date()
    days = []
    for n in range(7):
        day = first + dt.timedelta(days=n)
        on_day = [
            s for s in slots if max(s.starts_at.date(), first) == day
        ]  # a slot begun before the week shows on its Monday
        days.append(ScheduleDay(date=day, weekday=WEEKDAYS[n], all_slots=on_day))
    return ScheduleWeek(
        unit=Unit.of(found),
        week=_iso_week(first),
        previous_week=_iso_week(first - dt.timedelta(days=7)),
        next_week=_iso_week(first + dt.timedelta(days=7)),
        time_zone="Asia/Ho_Chi_Minh",
        all_days=days,
    )


@strawberry.input(description="Fields of a schedule slot; on an edit, only those given change.")
class ScheduleSlotInput:
    kind: str | None = strawberry.field(default=strawberry.UNSET, description=KIND_HELP)
    person: str | None = strawberry.UNSET
    place: str | None = strawberry.UNSET
    content: str | None = strawberry.UNSET
    starts_at: dt.datetime | None = strawberry.field(
        default=strawberry.UNSET, description="With its offset, e.g. 2026-12-01T08:00:00+07:00."
    )
    ends_at: dt.datetime | None = strawberry.UNSET


@strawberry.type
class ScheduleSlotResult:
    slot: ScheduleSlot


ScheduleSlotPayload = Annotated[
    ScheduleSlotResult | Failures, strawberry.union("ScheduleSlotPayload")
]


save_schedule_slot = save_resolver(
    actions.KIND,
    ScheduleSlotInput,
    ScheduleSlotPayload,
    lambda s, row, v: ScheduleSlotResult(slot=shaped(s, [row], v)[0]),
    "slot",
)
