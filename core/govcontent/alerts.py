"""Deadline alerts on government content (C3, C8, C25), run once a day by the daily maintenance
(:func:`core.retention.daily`) and told to the unit's editors.

What is found, per unit:

- ``directory_unverified`` — a published contact not verified for :data:`directory.STALE_AFTER`
  (S3.6 "kept current");
- ``spokesperson_unpublished`` — a spokesperson entry still a draft 24 hours after it was written
  (Decree 244/2026 Art. 4(3): on the portal within 24 hours of the appointment, C25);
- ``legal_expiring`` — a published legal document whose expiry date is within a week, or passed
  in the last month, with no published document replacing it: the public already reads it as
  expired, so the editor links its replacement or corrects the date;
- ``schedule_missing`` — from Thursday (Vietnam time), a schedule kind the unit publishes this
  week has nothing for next week;
- ``english_stale`` — the profile's or a contact's English is older than its Vietnamese (C8).

Like a target's health alert (:mod:`core.connections.health`) there is no notification outbox:
each unit's alerts are one audit entry and, after commit, the event ``gov.compliance_alert``
naming the accounts to tell (the unit's editors and approvers); a notifier plugin delivers it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from core import audit
from core.auth.models import Role, RoleMembership, User
from core.context import Context
from core.db import utcnow
from core.govcontent import directory, english, profile
from core.govcontent.legal import VN, replaced_clause, today
from core.govcontent.models import (
    DirectoryEntry,
    LegalDocument,
    Publication,
    ScheduleSlot,
    UnitProfile,
)
from core.govcontent.schedules import SCHEDULE_KINDS, week_start
from core.govcontent.visibility import shown
from core.units.lookups import units_by_id
from core.units.models import Unit

SPOKESPERSON_WITHIN = dt.timedelta(hours=24)
EXPIRY_AHEAD, EXPIRY_BEHIND = dt.timedelta(days=7), dt.timedelta(days=30)
#: From this weekday (0 = Monday) on, next week's schedule is expected.
SCHEDULE_FROM_WEEKDAY = 3
EVENT = "gov.compliance_alert"


@dataclass(frozen=True)
class Alert:
    key: str
    #: The row it is about (a uid), or the schedule kind.
    subject: str
    message: str

    def payload(self) -> dict[str, str]:
        return {"key": self.key, "subject": self.subject, "message": self.message}


def _directory(session: Session, unit: Unit, now: dt.datetime) -> list[Alert]:
    rows = directory.entries(session, unit, None, None, now)
    out = [
        Alert(
            "directory_unverified",
            e.uid,
            f"{e.name} ({e.title}): not verified since {e.verified_on:%d/%m/%Y}",
        )
        for e in directory.stale(rows, now)
    ]
    drafts = session.scalars(
        select(DirectoryEntry).where(
            DirectoryEntry.unit_id == unit.id,
            DirectoryEntry.group == "spokesperson",
            DirectoryEntry.state == Publication.DRAFT,
            DirectoryEntry.created_at <= now - SPOKESPERSON_WITHIN,
        )
    )
    out += [
        Alert(
            "spokesperson_unpublished",
            e.uid,
            f"spokesperson {e.name} written {e.created_at.astimezone(VN):%d/%m %H:%M}, "
            "not yet published (Decree 244/2026: within 24 hours)",
        )
        for e in drafts
    ]
    out += [
        Alert("english_stale", e.uid, f"{e.name}: the English is older than the Vietnamese")
        for e in rows
        if english.stale(e)
    ]
    return out


def _legal(session: Session, unit: Unit, now: dt.datetime) -> list[Alert]:
    day = today(now)
    rows = session.scalars(
        select(LegalDocument)
        .where(
            LegalDocument.unit_id == unit.id,
            LegalDocument.state == Publication.PUBLISHED,
            LegalDocument.expires_on <= day + EXPIRY_AHEAD,
            LegalDocument.expires_on >= day - EXPIRY_BEHIND,
            ~replaced_clause(dt.date.max),  # any published replacement, in force or not
        )
        .order_by(LegalDocument.expires_on)
    )
    return [
        Alert(
            "legal_expiring",
            d.uid,
            f"{d.number} {'expired' if d.expires_on <= day else 'expires'} on "
            f"{d.expires_on:%d/%m/%Y} and nothing published replaces it",
        )
        for d in rows
        if d.expires_on is not None
    ]


def _schedules(session: Session, unit: Unit, now: dt.datetime) -> list[Alert]:
    if now.astimezone(VN).weekday() < SCHEDULE_FROM_WEEKDAY:
        return []
    this = week_start(None, now)
    out = []
    for kind, name in SCHEDULE_KINDS.items():
        counts = []
        for begin in (this, this + dt.timedelta(weeks=1)):
            found = session.scalar(
                select(ScheduleSlot.id)
                .where(
                    ScheduleSlot.unit_id == unit.id,
                    ScheduleSlot.kind == kind,
                    shown(ScheduleSlot, now),
                    ScheduleSlot.starts_at < (begin + dt.timedelta(weeks=1)).astimezone(dt.UTC),
                    ScheduleSlot.ends_at > begin.astimezone(dt.UTC),
                )
                .limit(1)
            )
            counts.append(found is not None)
        if counts == [True, False]:
            monday = this + dt.timedelta(weeks=1)
            out.append(
                Alert(
                    "schedule_missing",
                    kind,
                    f"{name}: nothing published for the week of {monday:%d/%m/%Y}",
                )
            )
    return out


def _profile(session: Session, unit: Unit, now: dt.datetime) -> list[Alert]:
    row = profile.profile_of(session, unit, None, now)
    if row is None or not english.stale(row):
        return []
    return [Alert("english_stale", row.uid, "the profile's English is older than its Vietnamese")]


def alerts_for(session: Session, unit: Unit, now: dt.datetime) -> list[Alert]:
    return [
        *_directory(session, unit, now),
        *_legal(session, unit, now),
        *_schedules(session, unit, now),
        *_profile(session, unit, now),
    ]


def editors(session: Session, unit_id: int) -> tuple[int, ...]:
    """Active accounts holding editor or approver on the unit itself."""
    rows = session.scalars(
        select(RoleMembership.user_id)
        .join(User, User.id == RoleMembership.user_id)
        .where(
            RoleMembership.unit_id == unit_id,
            RoleMembership.role.in_((Role.EDITOR, Role.APPROVER)),
            User.is_active.is_(True),
        )
        .distinct()
    )
    return tuple(sorted(rows))


def _units_with_content(session: Session) -> list[Unit]:
    ids = session.scalars(
        union(
            *(select(m.unit_id) for m in (DirectoryEntry, LegalDocument, ScheduleSlot, UnitProfile))
        )
    )
    return sorted(units_by_id(session, ids).values(), key=lambda u: u.path)


def run(ctx: Context, now: dt.datetime | None = None) -> dict[str, int]:
    """Find every unit's alerts; one audit entry and one event per unit that has any."""
    now = now or utcnow()
    told: list[tuple[str, list[Alert], tuple[int, ...]]] = []
    with ctx.transaction() as session:
        for unit in _units_with_content(session):
            found = alerts_for(session, unit, now)
            if not found:
                continue
            audit.record(
                session,
                actor="system",
                action=EVENT,
                subject_type="unit",
                subject_id=unit.code,
                data={"alerts": [[a.key, a.subject] for a in found]},
                unit_path=unit.path,
            )
            told.append((unit.code, found, editors(session, unit.id)))
    for code, found, recipients in told:
        payload = {
            "unit": code,
            "alerts": [a.payload() for a in found],
            "recipients": list(recipients),
        }
        ctx.emit("gov.compliance_alert", payload)
    return {"units": len(told), "alerts": sum(len(found) for _, found, _ in told)}
