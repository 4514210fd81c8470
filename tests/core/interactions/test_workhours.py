"""Deadlines in working hours (Mon–Fri 07:30–11:30, 13:30–17:00 in Asia/Ho_Chi_Minh by default):
what a commune office owes a citizen who wrote at lunch, in the evening or at the weekend."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.interactions.workhours import Calendar, add_working_hours, deadlines
from core.settings import Settings, SettingsError, load_settings

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT = Calendar.of(Settings())


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time in the week of Monday 30 November 2026 (day 0 = Monday)."""
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=VN) + dt.timedelta(days=day)


def local(value: dt.datetime) -> dt.datetime:
    assert value.tzinfo is dt.UTC  # stored in UTC, like every time Loa keeps
    return value.astimezone(VN)


@pytest.mark.parametrize(
    ("start", "hours", "due", "why"),
    [
        (at(0, 9), 8, at(1, 9, 30), "a morning message runs into the next morning"),
        (at(0, 10), 4, at(0, 16), "urgent: across the lunch break, the same day"),
        (at(0, 12), 1, at(0, 14, 30), "sent at lunch: the clock starts at 13:30"),
        (at(0, 18), 1, at(1, 8, 30), "sent in the evening: the clock starts next morning"),
        (at(0, 6), 1, at(0, 8, 30), "sent before the office opens"),
        (at(4, 16), 8, at(7, 16, 30), "Friday afternoon: one hour Friday, seven on Monday"),
        (at(5, 10), 4, at(7, 11, 30), "sent on Saturday: Monday morning, urgent"),
        (at(6, 23, 59), 8, at(8, 8), "sent late on Sunday: Tuesday morning"),
        (at(0, 11, 30), 0.5, at(0, 14), "at the stroke of lunch: after the break"),
        (at(0, 16), 1, at(0, 17), "ends exactly when the office closes"),
    ],
)
def test_deadlines_count_only_working_hours(start, hours, due, why) -> None:
    assert local(add_working_hours(start, hours, DEFAULT)) == due, why


def test_holidays_are_skipped_like_weekends() -> None:
    calendar = Calendar(DEFAULT.periods, DEFAULT.days, frozenset({dt.date(2026, 12, 1)}))
    assert local(add_working_hours(at(0, 16), 2, calendar)) == at(2, 8, 30)


def test_a_deadline_is_the_same_instant_whatever_zone_it_is_given_in() -> None:
    start = at(0, 9).astimezone(dt.UTC)  # 02:00 UTC is 09:00 in Viet Nam
    assert local(add_working_hours(start, 8, DEFAULT)) == at(1, 9, 30)


def test_urgent_messages_get_half_the_time_and_a_warning_an_hour_before() -> None:
    settings = Settings()
    due, warn = deadlines(at(0, 9), False, settings)
    assert (local(due), local(warn)) == (at(1, 9, 30), at(1, 8, 30))
    due, warn = deadlines(at(0, 9), True, settings)
    assert (local(due), local(warn)) == (at(0, 15), at(0, 14))


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_hours(dt.datetime(2026, 11, 30, 9), 8, DEFAULT)  # naive
    with pytest.raises(ValueError):
        add_working_hours(at(0, 9), -1, DEFAULT)
    with pytest.raises(ValueError):
        add_working_hours(at(0, 9), 1, Calendar(DEFAULT.periods, frozenset()))


def test_the_schedule_is_a_setting(tmp_path) -> None:
    base = {"LOA_VAR_DIR": str(tmp_path)}
    hanoi = load_settings(
        {
            **base,
            "LOA_FEEDBACK_WORKING_HOURS": "08:00-12:00, 13:00-17:00",
            "LOA_FEEDBACK_WORKING_DAYS": "1-5,6",
            "LOA_FEEDBACK_HOLIDAYS": "2026-12-01",
            "LOA_FEEDBACK_ACK_HOURS": "16",
        }
    )
    assert hanoi.feedback_working_hours == (
        (dt.time(8), dt.time(12)),
        (dt.time(13), dt.time(17)),
    )
    assert hanoi.feedback_working_days == (1, 2, 3, 4, 5, 6)
    # Monday 09:00 + 16 h: Monday 7 h, Tuesday off, Wednesday 8 h, Thursday 08:00 + 1 h.
    due, _ = deadlines(at(0, 9), False, hanoi)
    assert local(due) == at(3, 9)
    for name, raw in (
        ("LOA_FEEDBACK_WORKING_HOURS", "13:30-17:00,07:30-11:30"),
        ("LOA_FEEDBACK_WORKING_HOURS", "7h30-11h30"),
        ("LOA_FEEDBACK_WORKING_DAYS", "0-4"),
        ("LOA_FEEDBACK_HOLIDAYS", "1/12/2026"),
    ):
        with pytest.raises(SettingsError):
            load_settings({**base, name: raw})
