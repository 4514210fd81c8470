"""Reporting periods: calendar quarters, months, half-years and years in Vietnam's time zone.

A period is a calendar period in Asia/Ho_Chi_Minh (UTC+7, no daylight saving); queries use
its UTC bounds, start inclusive and end exclusive. So an item published at 20:00 UTC on
30 September is in Q4 (03:00 on 1 October in Vietnam).

Written forms: ``2026-Q3`` (quarter), ``2026-07`` (month), ``2026-H2`` (half-year), ``2026``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import ValidationFailed

try:
    VN_TZ: dt.tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # no tz database on the host: Vietnam has been UTC+7 since 1975
    VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


class Kind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


#: Months in one period of each kind.
_MONTHS = {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.HALF: 6, Kind.YEAR: 12}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<q>[1-4])|H(?P<h>[12])))?$")


@dataclass(frozen=True)
class Period:
    """One calendar period; ``index`` is the month (1–12), quarter (1–4) or half (1–2)."""

    year: int
    kind: Kind
    index: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.index <= 12 // _MONTHS[self.kind]:
            raise ValueError(f"no {self.kind} {self.index}")
        if not 1970 <= self.year <= 9998:
            raise ValueError(f"year {self.year} is out of range")

    @property
    def label(self) -> str:
        """The written form, which :func:`parse_period` reads back."""
        if self.kind is Kind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is Kind.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind is Kind.HALF:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS[self.kind] + 1

    @property
    def start_local(self) -> dt.datetime:
        return dt.datetime(self.year, self.first_month, 1, tzinfo=VN_TZ)

    @property
    def end_local(self) -> dt.datetime:
        """The first instant after the period (exclusive)."""
        month = self.first_month - 1 + _MONTHS[self.kind]
        return dt.datetime(self.year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)

    @property
    def start(self) -> dt.datetime:
        """Inclusive lower bound, in UTC."""
        return self.start_local.astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """Exclusive upper bound, in UTC."""
        return self.end_local.astimezone(dt.UTC)

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, 12 // _MONTHS[self.kind])

    def __str__(self) -> str:
        return self.label


def period_of(kind: Kind, moment: dt.datetime) -> Period:
    """The period of ``kind`` that holds ``moment`` (an aware datetime), in Vietnam's time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are refused: pass an aware datetime")
    local = moment.astimezone(VN_TZ)
    return Period(local.year, kind, (local.month - 1) // _MONTHS[kind] + 1)


def quarter_of(moment: dt.datetime) -> Period:
    return period_of(Kind.QUARTER, moment)


def last_quarters(count: int, now: dt.datetime | None = None) -> list[Period]:
    """The current quarter and the ``count - 1`` before it, newest first."""
    current = quarter_of(now or dt.datetime.now(dt.UTC))
    out = [current]
    while len(out) < count:
        out.append(out[-1].previous())
    return out


def parse_period(text: str, field: str = "period") -> Period:
    """``2026-Q3``, ``2026-07``, ``2026-H2`` or ``2026``; :class:`ValidationFailed` otherwise."""
    match = _PATTERN.match((text or "").strip().upper())
    if match is None:
        raise ValidationFailed(
            {field: "expected a quarter (2026-Q3), month (2026-07), half-year (2026-H2) or year"}
        )
    year = int(match["year"])
    try:
        if match["month"]:
            return Period(year, Kind.MONTH, int(match["month"]))
        if match["q"]:
            return Period(year, Kind.QUARTER, int(match["q"]))
        if match["h"]:
            return Period(year, Kind.HALF, int(match["h"]))
        return Period(year, Kind.YEAR)
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from None
