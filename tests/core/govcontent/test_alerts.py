"""Deadline alerts (C3, C25, C8): the daily maintenance tells a unit's editors what of its
government content is past a deadline, once per unit, through the audit log and an event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.audit import AuditEntry
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.db import utcnow
from core.govcontent import alerts, directory, editing, legal, profile, schedules
from core.govcontent.legal import VN
from core.govcontent.schedules import week_start
from core.retention import daily
from core.units.lookups import unit_by_code
from tests.support.media import token_for


def _publish(ctx, kind, data, publish: bool = True):
    row = editing.save(ctx, SYSTEM, kind, data, unit_code="14932")
    if publish:
        editing.publish(ctx, SYSTEM, kind, row.uid)
    return row


def _alerts(ctx) -> list[alerts.Alert]:
    with ctx.sessions() as session:
        return alerts.alerts_for(session, unit_by_code(session, "14932"), utcnow())


def _thursday_noon(now: dt.datetime) -> dt.datetime:
    return week_start(None, now) + dt.timedelta(days=3, hours=12)


def test_the_daily_run_tells_the_units_editors_what_is_past_its_deadline(
    ctx, tree, editor_token, monkeypatch
):
    told: list[tuple[str, dict]] = []
    emit = ctx.emit
    monkeypatch.setattr(ctx, "emit", lambda name, payload: (told.append((name, payload)),
                                                            emit(name, payload)))  # fmt: skip
    token_for(ctx, "duyet-camthuy", tree["14932"].id, role="approver")
    token_for(ctx, "bientap-badinh", tree["00004"].id)
    now = _thursday_noon(utcnow())
    day = now.astimezone(VN).date()
    old = _publish(ctx, directory.KIND, {"group": "officials", "name": "Nguyễn Văn An",
                   "title": "Công chức", "verified_on": day - dt.timedelta(days=200)})  # fmt: skip
    _publish(ctx, directory.KIND, {"group": "officials", "name": "Trần Mới", "title": "Văn thư"})
    spokes = _publish(ctx, directory.KIND, {"group": "spokesperson", "name": "Phạm Thị Lan",
                      "title": "Phó Chủ tịch"}, publish=False)  # fmt: skip
    doc = {"doc_type": "ke_hoach", "issuing_body": "UBND xã Cẩm Thủy", "abstract": "Kế hoạch",
           "issued_on": day - dt.timedelta(days=300)}  # fmt: skip
    expiring = _publish(ctx, legal.KIND, {**doc, "number": "1/KH-UBND",
                        "expires_on": day + dt.timedelta(days=3)})  # fmt: skip
    replaced = _publish(ctx, legal.KIND, {**doc, "number": "2/KH-UBND",
                        "expires_on": day + dt.timedelta(days=2)})  # fmt: skip
    _publish(ctx, legal.KIND, {**doc, "number": "3/KH-UBND", "replaces": [replaced.uid],
             "issued_on": day, "effective_on": day + dt.timedelta(days=2)})  # fmt: skip
    _publish(ctx, legal.KIND, {**doc, "number": "4/KH-UBND",
             "expires_on": day + dt.timedelta(days=60)})  # fmt: skip
    slot = {"person": "Chủ tịch", "content": "Tiếp dân", "starts_at": now - dt.timedelta(days=1),
            "ends_at": now - dt.timedelta(days=1) + dt.timedelta(hours=2)}  # fmt: skip
    _publish(ctx, schedules.KIND, {**slot, "kind": "reception"})
    _publish(ctx, schedules.KIND, {**slot, "kind": "work"})
    _publish(ctx, schedules.KIND, {**slot, "kind": "work", "starts_at": now + dt.timedelta(days=5),
             "ends_at": now + dt.timedelta(days=5, hours=1)})  # fmt: skip

    # The spokesperson was written more than 24 hours before the run.
    told.clear()
    assert alerts.run(ctx, now + dt.timedelta(hours=25)) == {"units": 1, "alerts": 4}
    [(name, payload)] = told
    assert name == "gov.compliance_alert" and payload["unit"] == "14932"
    found = {(a["key"], a["subject"]) for a in payload["alerts"]}
    assert found == {
        ("directory_unverified", old.uid),
        ("spokesperson_unpublished", spokes.uid),
        ("legal_expiring", expiring.uid),  # 2/KH-UBND has a published replacement; 4 is far
        ("schedule_missing", "reception"),  # work has a slot next week
    }
    message = next(a["message"] for a in payload["alerts"] if a["key"] == "legal_expiring")
    assert message.startswith("1/KH-UBND expires on ")
    with ctx.sessions() as session:
        people = dict(session.execute(select(User.username, User.id).order_by(User.id)).all())
    # The unit's editor and approver; not the admin above, not another commune's editor.
    assert payload["recipients"] == sorted([people["bientap-camthuy"], people["duyet-camthuy"]])
    with ctx.sessions() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "gov.compliance_alert")
        ).one()
    assert entry.subject_id == "14932" and len(entry.data["alerts"]) == 4

    # Monday: next week's schedule is not due yet; fixing the rest leaves nothing to say.
    told.clear()
    monday = week_start(None, now) + dt.timedelta(weeks=1, hours=9)
    editing.publish(ctx, SYSTEM, directory.KIND, spokes.uid)
    editing.save(ctx, SYSTEM, directory.KIND, {"verified_on": legal.today()}, uid=old.uid)
    editing.withdraw(ctx, SYSTEM, legal.KIND, expiring.uid)
    told.clear()
    assert alerts.run(ctx, monday) == {"units": 0, "alerts": 0} and told == []


def test_the_daily_maintenance_runs_the_alerts(ctx, tree):
    verified = utcnow().astimezone(VN).date() - dt.timedelta(days=365)
    data = {"group": "officials", "name": "Lê Cũ", "title": "Văn thư", "verified_on": verified}
    _publish(ctx, directory.KIND, data)
    assert daily(ctx, force=True)["gov_alerts"] == 1


def test_english_older_than_its_vietnamese_is_an_alert(ctx, tree):
    data = {"functions": "<p>Quản lý nhà nước</p>", "functions_en": "<p>State management</p>"}
    row = profile.save_profile(ctx, SYSTEM, "14932", data)
    editing.publish(ctx, SYSTEM, profile.PROFILE, row.uid)
    assert _alerts(ctx) == []
    profile.save_profile(ctx, SYSTEM, "14932", {"functions": "<p>Quản lý nhà nước; an ninh</p>"})
    [alert] = _alerts(ctx)
    assert (alert.key, alert.subject) == ("english_stale", row.uid)
