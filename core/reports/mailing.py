"""Sending scheduled reports: each schedule's last finished period, once, as a CSV attachment.

:func:`send_due` runs on every sweep (the sweeper's daily upcall, :mod:`core.wiring`). For
each schedule whose last finished period (:func:`~core.actions.report_schedules.finished_period`)
is not yet its ``last_period``, it first claims the period in the row with one conditional
UPDATE (so two sweepers never both send), builds the report as the system, mails it over
``LOA_SMTP_*`` (:func:`core.notices.mail.connect`) and records the period as sent with an
audit entry in one transaction. A send that fails gives the claim back, so the next sweep
tries again; a claim left by a process that died mid-send goes stale after an hour. The
state lives in the database: a restart sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import or_, select, update

from core import audit
from core.actions.report_schedules import ReportSchedule, finished_period
from core.auth.permissions import SYSTEM
from core.context import Context
from core.db import utcnow
from core.notices.mail import connect
from core.quota.periods import Period
from core.reports import csv as report_csv
from core.reports.actions import periodic_report, quota_report
from core.units.models import Unit

log = logging.getLogger(__name__)

#: A claim older than this is a sender that died: the period may be claimed again.
STALE_CLAIM = dt.timedelta(hours=1)
TITLES = {
    "periodic": ("Báo cáo định kỳ", "Periodic report"),
    "quota": ("Báo cáo chỉ tiêu tin theo quý", "Quarterly quota report"),
}


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str
    filename: str
    csv: str


def letter(ctx: Context, report: str, unit: Unit, period: Period) -> Letter:
    """The report of ``unit`` for ``period`` as a mail, read as the system."""
    vi, en = TITLES[report]
    if report == "quota":
        # The quarter holding the period, as it stood at the period's end.
        quarters = quota_report(ctx, SYSTEM, unit.code, 1, now=period.end - dt.timedelta(seconds=1))
        text, label = report_csv.quota_csv(quarters), quarters[0].period.label
    else:
        text, label = report_csv.periodic_csv(periodic_report(ctx, SYSTEM, unit.code, period)), ""
    label = label or period.label
    body = (
        f"{vi} của {unit.name} (mã {unit.code}), kỳ {period.label}: xem tệp CSV đính kèm.\n"
        f"{en} of {unit.name} (code {unit.code}), period {period.label}: see the attached CSV.\n\n"
        "Thư gửi tự động từ Loa theo lịch gửi báo cáo của đơn vị.\n"
        "Sent automatically by Loa on the unit's report schedule.\n"
    )
    return Letter(
        subject=f"[Loa] {vi} / {en} — {unit.name} — {period.label}",
        body=body,
        filename=f"{report}-{unit.code}-{label}.csv",
        csv=text,
    )


def _message(ctx: Context, recipients: list[str], made: Letter) -> EmailMessage:
    sender = ctx.settings.smtp_from
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = made.subject
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(made.body, charset="utf-8")
    # Bytes, so the BOM and the Vietnamese reach Excel untouched (base64 in transit).
    msg.add_attachment(made.csv.encode("utf-8"), "text", "csv", filename=made.filename)
    return msg


def _claim(ctx: Context, schedule_id: int, label: str, now: dt.datetime) -> bool:
    with ctx.transaction() as session:
        claimed = session.execute(
            update(ReportSchedule)
            .where(
                ReportSchedule.id == schedule_id,
                ReportSchedule.last_period != label,
                or_(
                    ReportSchedule.claimed_period != label,
                    ReportSchedule.claimed_at.is_(None),
                    ReportSchedule.claimed_at < now - STALE_CLAIM,
                ),
            )
            .values(claimed_period=label, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(claimed, "rowcount", 0))


def _release(ctx: Context, schedule_id: int) -> None:
    with ctx.transaction() as session:
        session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.id == schedule_id)
            .values(claimed_period="", claimed_at=None)
            .execution_options(synchronize_session=False)
        )


def _sent(ctx: Context, schedule_id: int, label: str, recipients: list[str]) -> None:
    with ctx.transaction() as session:
        row = session.get(ReportSchedule, schedule_id)
        unit = session.get(Unit, row.unit_id) if row else None
        if row is None or unit is None:
            return
        row.last_period, row.last_sent_at = label, utcnow()
        row.claimed_period, row.claimed_at = "", None
        audit.about(
            session,
            "system",
            "report.sent",
            row,
            data={"report": row.report, "period": label, "recipients": recipients},
            unit_path=unit.path,
        )


def send_due(ctx: Context, now: dt.datetime | None = None) -> int:
    """Mail every report whose period has finished and was not sent yet; the number sent."""
    if not ctx.settings.smtp_host:
        return 0
    now = now or utcnow()
    with ctx.sessions() as session:
        rows = session.execute(select(ReportSchedule, Unit).join(Unit)).all()
        due = [
            (row.id, row.report, row.recipients.splitlines(), unit, period)
            for row, unit in rows
            if row.last_period != (period := finished_period(row.frequency, now)).label
        ]
        session.expunge_all()
    sent = 0
    for schedule_id, report, recipients, unit, period in due:
        if not _claim(ctx, schedule_id, period.label, now):
            continue
        try:
            message = _message(ctx, recipients, letter(ctx, report, unit, period))
            with connect(ctx.settings) as client:
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning(
                "could not mail report schedule %s for %s (%s)",
                schedule_id,
                period.label,
                type(exc).__name__,
            )
            _release(ctx, schedule_id)
            continue
        except Exception:  # one broken report must not stop the others, nor the sweep
            log.exception("report schedule %s for %s failed", schedule_id, period.label)
            _release(ctx, schedule_id)
            continue
        _sent(ctx, schedule_id, period.label, recipients)
        sent += 1
    return sent
