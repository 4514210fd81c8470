"""Reports as the management API shows them: the quota per quarter and the periodic report.

Each report type also carries ``csv``: the same report as the CSV download serves it.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from core.reports import csv as report_csv
from core.reports.periodic import PeriodicReport as PeriodicData
from core.reports.quota import QuotaQuarter as QuotaData


@strawberry.type(description="An agency's items published in one quarter (S0.7).")
class AgencyQuota:
    agency_id: strawberry.ID
    agency_name: str
    unit_code: str
    unit_name: str
    published: int = strawberry.field(description="Items published in the quarter.")
    behind: bool = strawberry.field(description="Nothing published in the quarter.")


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
            AgencyQuota(
                agency_id=strawberry.ID(str(a.agency_id)),
                agency_name=a.agency_name,
                unit_code=a.unit_code,
                unit_name=a.unit_name,
                published=a.published,
                behind=a.behind,
            )
            for a in q.agencies
        ]
        return cls(
            period=q.period.label,
            start=q.period.start,
            end=q.period.end,
            current=q.current,
            unit_code=q.unit_code,
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
        return cls(
            unit_code=r.unit_code,
            unit_name=r.unit_name,
            period=r.period.label,
            start=r.period.start,
            end=r.period.end,
            items=r.items,
            by_status=[StatusCount(status=s.status, count=s.count) for s in r.by_status],
            by_channel=[
                ChannelStats(
                    target_id=strawberry.ID(str(c.target_id)),
                    plugin=c.plugin,
                    name=c.name,
                    delivered=c.delivered,
                    failed=c.failed,
                    needs_attention=c.needs_attention,
                    pending=c.pending,
                    cancelled=c.cancelled,
                    total=c.total,
                    success_rate=c.success_rate,
                )
                for c in r.by_channel
            ],
            lead_time=LeadTime(
                items=r.lead_time.items,
                median_hours=r.lead_time.median_hours,
                p90_hours=r.lead_time.p90_hours,
            ),
            interactions=Interactions(
                tracked=r.interactions.tracked,
                note=r.interactions.note,
                comments=r.interactions.comments,
                by_channel=[
                    ChannelComments(
                        target_id=strawberry.ID(str(c.target_id)),
                        plugin=c.plugin,
                        name=c.name,
                        comments=c.comments,
                        hidden=c.hidden,
                    )
                    for c in r.interactions.by_channel
                ],
            ),
            data=r,
        )
