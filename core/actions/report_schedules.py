"""Reports sent upward on a schedule: a unit's admin names a report, how often and to whom.

A schedule is a row: the unit (the report covers it and its descendants), the report
(``periodic`` or ``quota``), the frequency (``monthly`` or ``quarterly``) and the recipients.
Setting one needs :data:`SCHEDULE_PERMISSION` on the unit (unit admins hold it); every change
is audited. The sending is ``core.reports.mailing``: once per finished period, remembered
in the row (``last_period``), so a restart sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import ForeignKey, String, Text, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.context import Context
from core.db import Base, utcnow
from core.errors import NotFound, ValidationFailed
from core.quota.periods import VN_TZ, Kind, Period
from core.units.lookups import find_unit
from core.units.models import Unit

#: Setting where a unit's reports go is a unit admin's decision (an admin holds every permission).
SCHEDULE_PERMISSION = Permission.MANAGE_USERS
REPORTS = ("periodic", "quota")
FREQUENCIES = {"monthly": Kind.MONTH, "quarterly": Kind.QUARTER}
MAX_RECIPIENTS = 20
_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class ReportSchedule(Base):
    __tablename__ = "report_schedules"
    audit_subject: ClassVar[str] = "report_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    report: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[str] = mapped_column(String(16))
    #: Addresses, one a line.
    recipients: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The label of the last period sent ("" none yet): the once-per-period guard.
    last_period: Mapped[str] = mapped_column(String(16), default="")
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: A sender's claim on a period while it mails (cleared on failure, stale after an hour).
    claimed_period: Mapped[str] = mapped_column(String(16), default="")
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


@dataclass(frozen=True)
class Schedule:
    id: int
    unit_code: str
    unit_name: str
    report: str
    frequency: str
    recipients: tuple[str, ...]
    last_period: str
    last_sent_at: dt.datetime | None


def finished_period(frequency: str, now: dt.datetime) -> Period:
    """The last whole month or quarter before ``now`` (Vietnam's calendar)."""
    local = now.astimezone(VN_TZ)
    months = local.year * 12 + local.month - 1  # months since year 0, this one unfinished
    if FREQUENCIES[frequency] is Kind.QUARTER:
        quarters = months // 3 - 1
        return Period(quarters // 4, Kind.QUARTER, quarters % 4 + 1)
    return Period((months - 1) // 12, Kind.MONTH, (months - 1) % 12 + 1)


def parse_recipients(text: str) -> tuple[str, ...]:
    """Addresses separated by lines, commas or semicolons; each checked, none twice."""
    found: list[str] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        address = raw.strip()
        if not address:
            continue
        if not _ADDRESS.match(address):
            raise ValidationFailed({"recipients": f"{address!r} is not an e-mail address"})
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    if not found:
        raise ValidationFailed({"recipients": "name at least one e-mail address"})
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed({"recipients": f"at most {MAX_RECIPIENTS} addresses"})
    return tuple(found)


def _view(row: ReportSchedule, unit: Unit) -> Schedule:
    return Schedule(
        row.id,
        unit.code,
        unit.name,
        row.report,
        row.frequency,
        tuple(row.recipients.splitlines()),
        row.last_period,
        row.last_sent_at,
    )


def schedules(ctx: Context, actor: Actor) -> list[Schedule]:
    """The schedules of every unit where the actor may set them (and of their descendants)."""
    paths = actor.paths(SCHEDULE_PERMISSION)
    if not paths:
        return []
    with ctx.sessions() as session:
        rows = session.execute(
            select(ReportSchedule, Unit)
            .join(Unit, Unit.id == ReportSchedule.unit_id)
            .where(or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)))
            .order_by(Unit.path, ReportSchedule.id)
        ).all()
        return [_view(r, u) for r, u in rows]


def create_schedule(
    ctx: Context,
    actor: Actor,
    unit_code: str,
    report: str,
    frequency: str,
    recipients: str,
) -> Schedule:
    """A new schedule on ``unit_code`` (audited)."""
    if report not in REPORTS:
        raise ValidationFailed({"report": f"must be one of {', '.join(REPORTS)}"})
    if frequency not in FREQUENCIES:
        raise ValidationFailed({"frequency": f"must be one of {', '.join(FREQUENCIES)}"})
    addresses = parse_recipients(recipients)
    with ctx.transaction() as session:
        unit = find_unit(session, (unit_code or "").strip())
        if unit is None:
            raise ValidationFailed({"unit": f"no administrative unit with code {unit_code!r}"})
        require(actor, SCHEDULE_PERMISSION, unit.path)
        row = ReportSchedule(
            unit_id=unit.id,
            report=report,
            frequency=frequency,
            recipients="\n".join(addresses),
            created_by=actor.name,
        )
        session.add(row)
        session.flush()
        audit.about(
            session,
            actor,
            "report.schedule_create",
            row,
            data={"report": report, "frequency": frequency, "recipients": list(addresses)},
            unit_path=unit.path,
        )
        return _view(row, unit)


def delete_schedule(ctx: Context, actor: Actor, schedule_id: int) -> None:
    """Stop sending (audited); NotFound for a schedule the actor may not see either."""
    with ctx.transaction() as session:
        row = session.get(ReportSchedule, schedule_id)
        unit = session.get(Unit, row.unit_id) if row else None
        if row is None or unit is None:
            raise NotFound(f"no report schedule {schedule_id}")
        require(actor, SCHEDULE_PERMISSION, unit.path)
        audit.about(
            session,
            actor,
            "report.schedule_delete",
            row,
            data={"report": row.report, "frequency": row.frequency},
            unit_path=unit.path,
        )
        session.delete(row)
