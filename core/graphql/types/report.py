"""Reports as the management API shows them: the quota per quarter and the periodic report.

The reports are computed once, as the types of ``core/reports`` that the CSV download also
writes; each type here reads its fields by name from the report object (:func:`_read`), so a
figure is never copied field by field. Each report type also carries ``csv``: the same
report as the CSV download serves it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, TypeVar

import strawberry

from core.quota.counts import QuotaQuarter as QuotaData
from core.reports import csv as report_csv
from core.reports.periodic import PeriodicReport as PeriodicData

T = TypeVar("T")


def _read(cls: type[T], report: object, **given: Any) -> T:
    """``cls`` with every field not ``given`` read from the same name on ``report``."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = [f.name for f in fields if f.init and f.name not in given]
    return cls(**{name: getattr(report, name) for name in names}, **given)


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type(description="Items of an agency delivered to one channel plugin in a quarter.")
class ChannelQuota:
    plugin: str
    delivered: int


@strawberry.type(description="An agency's items published in one quarter (S0.7).")
class AgencyQuota:
    agency_id: strawberry.ID
    agency_name: str
    unit_code: str
    unit_name: str
    published: int = strawberry.field(description="Items published in the quarter.")
    behind: bool = strawberry.field(description="Nothing published in the quarter.")
    channels: list[ChannelQuota] = strawberry.field(
        description="Items whose publish delivery completed in the quarter, per channel plugin "
        "(a channel's own quota, e.g. one post per agency per quarter)."
    )


@strawberry.type(description="Every agency of a unit (and its descendants) in one quarter.")
class QuotaQuarter:
    period: str = strawberry.field(description="The quarter, e.g. 2026-Q3 (Vietnam's calendar).")
    start: dt.datetime = strawberry.field(description="First instant of the quarter (UTC).")
    end: dt.datetime = strawberry.field(description="First instant after the quarter (UTC).")
    current: bool
    unit_code: str
    agencies: list[AgencyQuota]
    behind: list[AgencyQuota] = strawberry.field(description="Agencies with nothing published.")
    data: strawberry.Private[QuotaData]

    @strawberry.field(description="This quarter as CSV (UTF-8 with BOM, for Excel).")
    def csv(self) -> str:
        return report_csv.quota_csv([self.data])

    @classmethod
    def of(cls, q: QuotaData) -> QuotaQuarter:
        agencies = [
            _read(
                AgencyQuota,
                a,
                agency_id=_id(a.agency_id),
                channels=[ChannelQuota(plugin=p, delivered=n) for p, n in a.channels],
            )
            for a in q.agencies
        ]
        return _read(
            cls,
            q,
            period=q.period.label,
            start=q.period.start,
            end=q.period.end,
            agencies=agencies,
            behind=[a for a in agencies if a.behind],
            data=q,
        )


@strawberry.type
class StatusCount:
    status: str
    count: int


@strawberry.type(description="Publish deliveries of the period to one channel target.")
class ChannelStats:
    target_id: strawberry.ID
    plugin: str
    name: str
    delivered: int
    failed: int
    needs_attention: int
    pending: int
    cancelled: int
    total: int
    success_rate: float | None = strawberry.field(
        description="Delivered among finished deliveries (0–1); null when none finished."
    )


@strawberry.type(description="Hours from submit to publish of the items published in the period.")
class LeadTime:
    items: int
    median_hours: float | None
    p90_hours: float | None


@strawberry.type
class ChannelComments:
    target_id: strawberry.ID
    plugin: str
    name: str
    comments: int
    hidden: int


@strawberry.type
class Interactions:
    tracked: bool = strawberry.field(description="False when comments are not recorded here.")
    note: str
    comments: int
    by_channel: list[ChannelComments]


@strawberry.type(description="A unit's (and its descendants') report for one period.")
class PeriodicReport:
    unit_code: str
    unit_name: str
    period: str
    start: dt.datetime
    end: dt.datetime
    items: int = strawberry.field(description="Items created in the period.")
    by_status: list[StatusCount]
    by_channel: list[ChannelStats]
    lead_time: LeadTime
    interactions: Interactions
    data: strawberry.Private[PeriodicData]

    @strawberry.field(description="This report as CSV (UTF-8 with BOM, for Excel).")
    def csv(self) -> str:
        return report_csv.periodic_csv(self.data)

    @classmethod
    def of(cls, r: PeriodicData) -> PeriodicReport:
        interactions = r.interactions
        return _read(
            cls,
            r,
            period=r.period.label,
            start=r.period.start,
            end=r.period.end,
            by_status=[_read(StatusCount, s) for s in r.by_status],
            by_channel=[_read(ChannelStats, c, target_id=_id(c.target_id)) for c in r.by_channel],
            lead_time=_read(LeadTime, r.lead_time),
            interactions=_read(
                Interactions,
                interactions,
                by_channel=[
                    _read(ChannelComments, c, target_id=_id(c.target_id))
                    for c in interactions.by_channel
                ],
            ),
            data=r,
        )
