"""Reports by unit: the quarterly quota (S0.7) and periodic reports (S2.4, S4.7).

The report actions check permission (reading drafts on the unit) and raise typed errors:
BAD_USER_INPUT for a malformed period, FORBIDDEN; NOT_FOUND for an unknown unit, which
the resolvers answer as BAD_USER_INPUT (the HTTP report routes keep 404).
"""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool

from core.graphql.errors import names_something
from core.graphql.request import RequestContext
from core.graphql.types.report import PeriodicReport, QuotaQuarter
from core.reports.actions import periodic_report as periodic_action
from core.reports.actions import quota_report as quota_action


async def quota_report(
    info: strawberry.Info[RequestContext, Any], unit: str, quarters: int | None = 4
) -> list[QuotaQuarter]:
    """Agencies of ``unit`` and its descendants, per quarter: current quarter first."""
    rc = info.context
    assert rc.actor is not None
    count = 4 if quarters is None else quarters
    with names_something("unit"):
        result = await run_in_threadpool(quota_action, rc.ctx, rc.actor, unit, count)
    return [QuotaQuarter.of(q) for q in result]


async def periodic_report(
    info: strawberry.Info[RequestContext, Any], unit: str, period: str
) -> PeriodicReport:
    """``period``: 2026-07 (month), 2026-Q3, 2026-H2 (half-year) or 2026 (year)."""
    rc = info.context
    assert rc.actor is not None
    with names_something("unit"):
        result = await run_in_threadpool(periodic_action, rc.ctx, rc.actor, unit, period)
    return PeriodicReport.of(result)
