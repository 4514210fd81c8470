"""``core.retry_after``: the wait a platform asks for, as every channel reads it (RFC 9110)."""

from __future__ import annotations

import datetime as dt

from core import retry_after

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_delay_seconds_and_http_dates_are_read() -> None:
    assert retry_after({"retry-after": "120"}, 30.0, NOW) == 120.0
    assert retry_after({"retry-after": " 1.5 "}, 30.0, NOW) == 1.5
    assert retry_after({"retry-after": "Mon, 30 Nov 2026 09:02:00 GMT"}, 30.0, NOW) == 120.0


def test_a_past_date_or_a_negative_delay_means_now() -> None:
    assert retry_after({"retry-after": "Mon, 30 Nov 2026 08:00:00 GMT"}, 30.0, NOW) == 0.0
    assert retry_after({"retry-after": "-5"}, 30.0, NOW) == 0.0


def test_missing_or_unreadable_falls_back_to_the_channels_default() -> None:
    assert retry_after({}, 30.0, NOW) == 30.0
    assert retry_after({"retry-after": ""}, 45.0, NOW) == 45.0
    assert retry_after({"retry-after": "soon"}, 60.0, NOW) == 60.0
