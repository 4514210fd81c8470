"""Reports mailed upward on schedule, against a real SMTP server (aiosmtpd in its own process):
a unit admin sets the schedule, the sweep mails each finished period once (not again on a
second sweep nor after a restart, again for the next period), with the CSV attached."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from core.actions import report_schedules
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.context import Context
from core.delivery import sweeper
from core.errors import Forbidden, ValidationFailed
from core.reports import mailing
from core.reports.csv import BOM
from tests.core.notices.test_mail import Smtp, settings, smtp  # noqa: F401  (fixtures)
from tests.core.reports.support import Rows, at

VN = dt.timezone(dt.timedelta(hours=7))


def _actor(tree: dict[str, Any], code: str, role: Role = Role.ADMIN) -> Actor:
    return Actor(name=f"{role.value}-{code}", grants=(Grant(role, tree[code].path),))


def _attachment(message: Any) -> tuple[str, bytes]:
    (part,) = [p for p in message.walk() if p.get_filename()]
    return part.get_filename(), part.get_payload(decode=True)


def test_only_the_units_admin_sets_a_schedule_with_good_addresses(
    ctx: Context, tree: dict[str, Any]
) -> None:
    made = report_schedules.create_schedule(
        ctx, _actor(tree, "14932"), "14932", "periodic", "monthly", "a@x.vn, b@x.vn\na@x.vn"
    )
    assert made.recipients == ("a@x.vn", "b@x.vn")
    with pytest.raises(Forbidden):
        report_schedules.create_schedule(
            ctx, _actor(tree, "14932", Role.EDITOR), "14932", "periodic", "monthly", "a@x.vn"
        )
    with pytest.raises(Forbidden):
        report_schedules.create_schedule(
            ctx, _actor(tree, "14950"), "14932", "quota", "quarterly", "a@x.vn"
        )
    with pytest.raises(ValidationFailed):
        report_schedules.create_schedule(
            ctx, _actor(tree, "14932"), "14932", "periodic", "monthly", "=cmd|x"
        )
    assert [s.id for s in report_schedules.schedules(ctx, _actor(tree, "38"))] == [made.id]
    assert report_schedules.schedules(ctx, _actor(tree, "14950")) == []
    with pytest.raises(Forbidden):
        report_schedules.delete_schedule(ctx, _actor(tree, "14950"), made.id)
    report_schedules.delete_schedule(ctx, _actor(tree, "14932"), made.id)
    assert report_schedules.schedules(ctx, _actor(tree, "14932")) == []
    with ctx.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith("report."))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["report.schedule_create", "report.schedule_delete"]


def test_a_monthly_report_is_mailed_once_per_month_with_its_csv(
    ctx: Context,
    tree: dict[str, Any],
    smtp: Smtp,  # noqa: F811
) -> None:
    rows = Rows(ctx, tree)
    agency = rows.agency("Trạm y tế xã Cẩm Thủy", "14932")
    rows.article("14932", agency=agency, created=at("2026-07-03T02:00"))
    report_schedules.create_schedule(
        ctx, _actor(tree, "14932"), "14932", "periodic", "monthly", "so-tttt@thanhhoa.gov.vn"
    )
    august = dt.datetime(2026, 8, 1, 0, 30, tzinfo=VN)  # half an hour into August in Vietnam

    assert mailing.send_due(ctx, august) == 1
    assert mailing.send_due(ctx, august + dt.timedelta(hours=3)) == 0  # the next sweep
    restarted = dataclasses.replace(ctx)  # a new process: nothing kept in memory
    assert mailing.send_due(restarted, august + dt.timedelta(days=20)) == 0
    (message,) = smtp.messages()
    assert message["To"] == "so-tttt@thanhhoa.gov.vn"
    assert "2026-07" in str(message["Subject"])
    name, data = _attachment(message)
    assert name == "periodic-14932-2026-07.csv"
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    assert "Xã Cẩm Thủy" in text and "Tin theo trạng thái" in text

    assert mailing.send_due(ctx, dt.datetime(2026, 9, 1, 8, tzinfo=VN)) == 1  # August's
    assert len(smtp.messages()) == 2
    with ctx.sessions() as session:
        sent = session.scalars(
            select(AuditEntry.data)
            .where(AuditEntry.action == "report.sent")
            .order_by(AuditEntry.id)
        ).all()
    assert [d["period"] for d in sent] == ["2026-07", "2026-08"]


def test_a_quarterly_quota_goes_after_the_quarter_and_a_failed_send_is_retried(
    ctx: Context,
    tree: dict[str, Any],
    smtp: Smtp,  # noqa: F811
) -> None:
    Rows(ctx, tree).agency("Văn phòng UBND xã", "14932")
    report_schedules.create_schedule(
        ctx, _actor(tree, "14932"), "14932", "quota", "quarterly", "ubnd-tinh@thanhhoa.gov.vn"
    )
    october = dt.datetime(2026, 10, 2, tzinfo=VN)
    down = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, smtp_port=1))
    assert mailing.send_due(down, october) == 0  # the server is unreachable: nothing recorded
    assert mailing.send_due(ctx, october) == 1
    assert mailing.send_due(ctx, october) == 0
    (message,) = smtp.messages()
    name, data = _attachment(message)
    assert name == "quota-14932-2026-Q3.csv"
    assert "Văn phòng UBND xã" in data.decode("utf-8")
    assert "Chưa đạt chỉ tiêu" in data.decode("utf-8")


def test_the_finished_period_is_vietnams() -> None:
    # 20:00 UTC on 31 July is 03:00 on 1 August in Vietnam: July has finished.
    now = dt.datetime(2026, 7, 31, 20, tzinfo=dt.UTC)
    assert report_schedules.finished_period("monthly", now).label == "2026-07"
    assert report_schedules.finished_period("quarterly", now).label == "2026-Q2"
    january = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert report_schedules.finished_period("monthly", january).label == "2025-12"
    assert report_schedules.finished_period("quarterly", january).label == "2025-Q4"


def test_the_sweep_sends_what_is_due(ctx: Context, tree: dict[str, Any], smtp: Smtp) -> None:  # noqa: F811
    report_schedules.create_schedule(
        ctx, _actor(tree, "14932"), "14932", "periodic", "monthly", "so-tttt@thanhhoa.gov.vn"
    )
    sweeper.sweep(ctx, now=dt.datetime(2026, 8, 2, tzinfo=VN))
    sweeper.sweep(ctx, now=dt.datetime(2026, 8, 2, 1, tzinfo=VN))
    (message,) = smtp.messages()
    assert _attachment(message)[0] == "periodic-14932-2026-07.csv"


def test_one_broken_report_neither_stops_the_others_nor_is_lost(
    ctx: Context,
    tree: dict[str, Any],
    smtp: Smtp,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    province = _actor(tree, "38")
    for unit in ("14932", "14950"):
        report_schedules.create_schedule(ctx, province, unit, "periodic", "monthly", "a@x.vn")
    real = mailing.letter

    def broken_for_cam_thuy(ctx: Context, report: str, unit: Any, period: Any) -> Any:
        if unit.code == "14932":
            raise RuntimeError("the report could not be built")
        return real(ctx, report, unit, period)

    monkeypatch.setattr(mailing, "letter", broken_for_cam_thuy)
    august = dt.datetime(2026, 8, 3, tzinfo=VN)
    assert mailing.send_due(ctx, august) == 1
    monkeypatch.setattr(mailing, "letter", real)
    assert mailing.send_due(ctx, august) == 1  # its claim was given back: sent now
    names = sorted(_attachment(m)[0] for m in smtp.messages())
    assert names == ["periodic-14932-2026-07.csv", "periodic-14950-2026-07.csv"]
