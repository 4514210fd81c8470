"""Report actions: find the unit, check the actor may read its reports, run the queries.

A report covers the unit and all its descendants, and is an aggregate of what may be read
there: it needs :data:`REPORTS_PERMISSION` (reading drafts) on that unit. Every role holds
it on its own units, and API tokens with the ``read`` scope carry it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.errors import NotFound, ValidationFailed
from core.quota.counts import QuotaQuarter, quota
from core.quota.periods import Period, last_quarters, parse_period, quarter_of
from core.reports.periodic import PeriodicReport, periodic
from core.units.lookups import find_unit
from core.units.models import Unit

#: What reading a unit's reports needs: the counts are of items the reader may already see.
REPORTS_PERMISSION = Permission.READ_DRAFTS
#: At most this many quarters in one quota report (five years).
MAX_QUARTERS = 20


def _unit(session: Session, actor: Actor, unit_code: str) -> Unit:
    unit = find_unit(session, (unit_code or "").strip())
    if unit is None:
        raise NotFound(f"no administrative unit with code {unit_code!r}")
    require(actor, REPORTS_PERMISSION, unit.path)
    return unit


def quota_report(
    ctx: Context,
    actor: Actor,
    unit_code: str,
    quarters: int = 4,
    *,
    now: dt.datetime | None = None,
) -> list[QuotaQuarter]:
    """S0.7 for ``unit_code`` and its descendants: the current quarter, then earlier ones."""
    if not 1 <= quarters <= MAX_QUARTERS:
        raise ValidationFailed({"quarters": f"must be between 1 and {MAX_QUARTERS}"})
    now = now or dt.datetime.now(dt.UTC)
    with ctx.sessions() as session:
        unit = _unit(session, actor, unit_code)
        return quota(session, unit, last_quarters(quarters, now), current=quarter_of(now))


def periodic_report(
    ctx: Context, actor: Actor, unit_code: str, period: str | Period
) -> PeriodicReport:
    """S2.4 / S4.7 for ``unit_code`` and its descendants over ``period`` (e.g. ``2026-H1``)."""
    parsed = parse_period(period) if isinstance(period, str) else period
    with ctx.sessions() as session:
        unit = _unit(session, actor, unit_code)
        return periodic(session, unit, parsed)
