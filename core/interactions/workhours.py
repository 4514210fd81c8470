"""Deadlines in working hours: "acknowledge within 8 working hours" as a date and time.

A working day is one of ``LOA_FEEDBACK_WORKING_DAYS`` that is not in
``LOA_FEEDBACK_HOLIDAYS``; its working time is the periods of ``LOA_FEEDBACK_WORKING_HOURS``,
in Asia/Ho_Chi_Minh (07:30–11:30 and 13:30–17:00, Monday to Friday by default: the schedule
most provinces set for their offices; docs/feedback.md says where it comes from). A
message that arrives at lunch, in the evening or at the weekend starts its clock at the next
working period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.settings import Settings

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Calendar:
    periods: tuple[tuple[dt.time, dt.time], ...]
    #: ISO weekdays (1 = Monday).
    days: frozenset[int]
    holidays: frozenset[dt.date] = frozenset()
    zone: ZoneInfo = LOCAL

    @classmethod
    def of(cls, settings: Settings) -> Calendar:
        return cls(
            settings.feedback_working_hours,
            frozenset(settings.feedback_working_days),
            frozenset(settings.feedback_holidays),
        )

    def working(self, day: dt.date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays


def add_working_hours(start: dt.datetime, hours: float, calendar: Calendar) -> dt.datetime:
    """The instant (UTC) when ``hours`` of working time have passed since ``start``."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if hours < 0:
        raise ValueError("hours must not be negative")
    if not calendar.days or not calendar.periods:
        raise ValueError("the calendar has no working time")
    left = dt.timedelta(hours=hours)
    now = start.astimezone(calendar.zone)
    day = now.date()
    for _ in range(3660):  # ten years of days: enough for any deadline and any holiday list
        if calendar.working(day):
            for begin, end in calendar.periods:
                opens = dt.datetime.combine(day, begin, calendar.zone)
                closes = dt.datetime.combine(day, end, calendar.zone)
                since = max(opens, now)
                if since >= closes:
                    continue
                if left <= closes - since:
                    return (since + left).astimezone(dt.UTC)
                left -= closes - since
        day += dt.timedelta(days=1)
    raise ValueError("no working time within ten years: check the holidays")


def deadlines(
    received: dt.datetime, urgent: bool, settings: Settings
) -> tuple[dt.datetime, dt.datetime]:
    """When a message must be acknowledged, and when its handlers are warned (one working
    hour before, or at arrival when the whole allowance is an hour or less)."""
    calendar = Calendar.of(settings)
    hours = settings.feedback_urgent_ack_hours if urgent else settings.feedback_ack_hours
    due = add_working_hours(received, hours, calendar)
    warn = add_working_hours(received, max(hours - 1, 0), calendar)
    return due, warn
