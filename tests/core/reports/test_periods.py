"""Periods are calendar periods in Vietnam's time zone, queried by their UTC bounds."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from core.quota.periods import Kind, Period, last_quarters, parse_period, quarter_of
from tests.core.reports.support import at


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-Q3", Kind.QUARTER, "2026-06-30T17:00", "2026-09-30T17:00"),
        ("2026-q4", Kind.QUARTER, "2026-09-30T17:00", "2026-12-31T17:00"),
        ("2026-07", Kind.MONTH, "2026-06-30T17:00", "2026-07-31T17:00"),
        ("2026-12", Kind.MONTH, "2026-11-30T17:00", "2026-12-31T17:00"),
        ("2026-H1", Kind.HALF, "2025-12-31T17:00", "2026-06-30T17:00"),
        ("2026-H2", Kind.HALF, "2026-06-30T17:00", "2026-12-31T17:00"),
        ("2026", Kind.YEAR, "2025-12-31T17:00", "2026-12-31T17:00"),
    ],
)
def test_parse_gives_utc_bounds_of_the_vietnamese_calendar(
    text: str, kind: Kind, start: str, end: str
) -> None:
    period = parse_period(text)
    assert period.kind is kind
    assert (period.start, period.end) == (at(start), at(end))
    assert parse_period(period.label) == period


@pytest.mark.parametrize("text", ["", "2026-Q5", "2026-13", "2026-00", "2026-H3", "Q3-2026", "x"])
def test_bad_periods_are_refused_with_the_field(text: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_period(text)
    assert "period" in info.value.fields


def test_timezone_edge_evening_of_30_september_utc_is_q4_in_vietnam() -> None:
    assert quarter_of(at("2026-09-30T20:00")) == Period(2026, Kind.QUARTER, 4)
    assert quarter_of(at("2026-09-30T16:59")) == Period(2026, Kind.QUARTER, 3)
    assert parse_period("2026-Q3").contains(at("2026-09-30T16:59:59"))
    assert not parse_period("2026-Q3").contains(at("2026-09-30T17:00"))


def test_last_quarters_walk_back_across_years() -> None:
    labels = [p.label for p in last_quarters(5, at("2026-02-01T00:00"))]
    assert labels == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"]
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-H1").previous().label == "2025-H2"
