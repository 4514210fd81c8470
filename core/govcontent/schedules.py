"""Schedules (S3.3, S3.5, C26): leaders' weekly work schedules and citizen reception, as slots.

A week is an ISO week in Asia/Ho_Chi_Minh (Monday 00:00 to the next Monday), the way a
commune posts its "lịch công tác tuần"; slots are stored in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.errors import ValidationFailed
from core.govcontent.editing import Kind
from core.govcontent.fields import Form
from core.govcontent.legal import VN
from core.govcontent.models import ScheduleSlot
from core.govcontent.visibility import visible_to
from core.units.models import Unit

#: work: lịch công tác của lãnh đạo; reception: lịch tiếp công dân.
SCHEDULE_KINDS = {"work": "Lịch công tác", "reception": "Lịch tiếp công dân"}
LONGEST_SLOT = dt.timedelta(days=7)


def read(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.choice("kind", SCHEDULE_KINDS)
    form.text("person", required=True)
    form.text("place")
    form.text("content", required=True)
    form.time("starts_at", required=True)
    form.time("ends_at", required=True)
    form.order("starts_at", "ends_at", row)
    start = form.out.get("starts_at", getattr(row, "starts_at", None))
    end = form.out.get("ends_at", getattr(row, "ends_at", None))
    if start and end and end - start > LONGEST_SLOT:
        form.errors.setdefault("ends_at", "a slot lasts at most 7 days")


def texts(row: ScheduleSlot) -> dict[str, str]:
    return {"person": row.person, "place": row.place, "content": row.content}


KIND = Kind(name="schedule_slot", model=ScheduleSlot, read=read, texts=texts)


def week_start(week: str | None, now: dt.datetime) -> dt.datetime:
    """Monday 00:00 (Asia/Ho_Chi_Minh) of ISO week ``week`` ("2026-W49"), or of this week."""
    if week:
        try:
            year, number = week.upper().split("-W")
            day = dt.date.fromisocalendar(int(year), int(number), 1)
        except ValueError:
            raise ValidationFailed({"week": "must be an ISO week like 2026-W49"}) from None
    else:
        local = now.astimezone(VN).date()
        day = local - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(day, dt.time(), tzinfo=VN)


def week_slots(
    session: Session,
    unit: Unit,
    actor: Actor | None,
    start: dt.datetime,
    kind: str | None,
    now: dt.datetime,
) -> list[ScheduleSlot]:
    """Slots that overlap the week from ``start``, in start order."""
    if kind is not None and kind not in SCHEDULE_KINDS:
        raise ValidationFailed({"kind": f"must be one of {sorted(SCHEDULE_KINDS)}"})
    end = start + dt.timedelta(days=7)
    stmt = select(ScheduleSlot).where(
        ScheduleSlot.unit_id == unit.id,
        visible_to(actor, ScheduleSlot, unit.path, now),
        ScheduleSlot.starts_at < end.astimezone(dt.UTC),
        ScheduleSlot.ends_at > start.astimezone(dt.UTC),
    )
    if kind is not None:
        stmt = stmt.where(ScheduleSlot.kind == kind)
    return list(session.scalars(stmt.order_by(ScheduleSlot.starts_at, ScheduleSlot.id)))
