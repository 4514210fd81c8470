"""The directory (S3.3, S3.5, S3.6, C25): officials and contacts, the unit's political system,
and the person responsible for the portal's content that its footer names.

Every entry carries the day someone last checked it ("last verified"): S3.6 asks that the
footer's details be kept current, and :func:`stale` lists what has not been checked lately.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.errors import ValidationFailed
from core.govcontent import english
from core.govcontent.editing import Kind
from core.govcontent.fields import Form
from core.govcontent.legal import today
from core.govcontent.models import DirectoryEntry
from core.govcontent.visibility import visible_to
from core.units.models import Unit

#: Group key → Vietnamese name (S3.5 "Hệ thống chính trị", S3.3, S3.6).
GROUPS = {
    "officials": "Lãnh đạo, cán bộ, công chức",
    "party": "Đảng ủy",
    "council": "Hội đồng nhân dân",
    "committee": "Ủy ban nhân dân",
    "front": "Ủy ban Mặt trận Tổ quốc",
    "unions": "Các đoàn thể",
    "spokesperson": "Người phát ngôn",
    "content_responsible": "Người chịu trách nhiệm nội dung",
}
#: Entries not verified for longer than this are reported as stale.
STALE_AFTER = dt.timedelta(days=180)


def read(session: Session, form: Form, unit: Unit, row: Any) -> None:
    form.choice("group", GROUPS)
    form.text("body")
    form.text("name", required=True)
    form.text("title", required=True)
    form.text("title_en")
    form.text("body_en")
    english.track(form, row, english.DIRECTORY)
    form.phone("phone")
    form.email("email")
    form.integer("position", 0, 1000)
    if row is None and not form.data.get("verified_on"):
        form.out["verified_on"] = today()  # a new entry is checked as it is written
    else:
        form.date("verified_on")
        if "verified_on" in form.out and form.out["verified_on"] is None:
            form.errors["verified_on"] = "is required"
    if form.out.get("verified_on") and form.out["verified_on"] > today():
        form.errors["verified_on"] = "cannot be in the future"


def texts(row: DirectoryEntry) -> dict[str, str]:
    return {
        "name": row.name,
        "title": row.title,
        "body": row.body,
        "title_en": row.title_en,
        "body_en": row.body_en,
    }


KIND = Kind(name="directory_entry", model=DirectoryEntry, read=read, texts=texts)


def entries(
    session: Session, unit: Unit, actor: Actor | None, group: str | None, now: dt.datetime
) -> list[DirectoryEntry]:
    if group is not None and group not in GROUPS:
        raise ValidationFailed({"group": f"must be one of {sorted(GROUPS)}"})
    stmt = select(DirectoryEntry).where(
        DirectoryEntry.unit_id == unit.id, visible_to(actor, DirectoryEntry, unit.path, now)
    )
    if group is not None:
        stmt = stmt.where(DirectoryEntry.group == group)
    return list(
        session.scalars(
            stmt.order_by(DirectoryEntry.group, DirectoryEntry.position, DirectoryEntry.id)
        )
    )


def stale(entries: list[DirectoryEntry], now: dt.datetime) -> list[DirectoryEntry]:
    """Entries last verified more than :data:`STALE_AFTER` ago."""
    limit = today(now) - STALE_AFTER
    return [e for e in entries if e.verified_on < limit]
