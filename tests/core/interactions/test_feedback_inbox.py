"""The feedback inbox's core: tracking codes, the citizen's status page data, who may do what
across units, answers moderated and sent where they can go, deadline alerts once each."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from loa_testchannel import replies as fake_replies
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from core import sha256_signature as signature
from core.actions import targets
from core.app import create_app
from core.audit import AuditEntry
from core.auth.models import Role, User
from core.auth.permissions import SYSTEM, Actor, Grant
from core.errors import Forbidden, InvalidTransition, TooManyRequests, ValidationFailed
from core.hookspecs import hookimpl
from core.interactions import feedback, followup, handling, inbox, overdue, tracking
from core.interactions.models import Feedback, FeedbackAlert, Reply
from core.notices.letters import letters
from tests.core.auth.conftest import clock, make_account  # noqa: F401

CITIZEN = "203.0.113.7"


def send(ctx, text: str = "Đèn đường thôn 3 bị hỏng đã một tuần.", **kw: Any) -> Feedback:
    kw.setdefault("address", CITIZEN)
    return feedback.submit(ctx, unit_code=kw.pop("unit", "14932"), text=text, **kw)


def row(ctx, feedback_id: int) -> Feedback:
    with ctx.sessions() as session:
        found = session.get(Feedback, feedback_id)
        assert found is not None
        return found


def actor(role: Role, unit: Any, user_id: int | None = None, name: str = "") -> Actor:
    return Actor(name or f"{role}@{unit.code}", (Grant(role, unit.path),), user_id=user_id)


def audited(ctx, action: str) -> list[AuditEntry]:
    with ctx.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


class Events:
    """What the context emitted (after commit), in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def loa_event(self, name: str, payload: dict[str, Any]) -> None:
        self.seen.append((name, payload))


# --- tracking codes ---------------------------------------------------------------------------


def test_codes_are_random_short_and_forgiving_to_type() -> None:
    codes = {tracking.new_code() for _ in range(3000)}
    assert len(codes) == 3000  # 50 random bits: no repeats at this scale
    assert all(len(c) == 10 and set(c) <= set(tracking.ALPHABET) for c in codes)
    assert set("".join(codes)) == set(tracking.ALPHABET)  # every symbol is drawn
    assert tracking.shown("7K3QDM9XWB") == "7K3QD-M9XWB"
    assert tracking.normalise(" 7k3qd - m9xwb ") == "7K3QDM9XWB"
    assert tracking.normalise("7K3QD-M9XWO") == "7K3QDM9XW0"  # O read as zero
    assert tracking.normalise("IL3QD-M9XWB") == "113QDM9XWB"  # I and L read as one
    for bad in ("", "7K3QD", "7K3QD-M9XWBB", "7K3QD-M9XWU", "7K3QD-M9XW!"):
        assert tracking.normalise(bad) is None


def test_each_message_gets_its_own_code_and_the_database_holds_it_unique(
    ctx, tree, monkeypatch
) -> None:
    first = send(ctx)
    drawn = iter([first.tracking_code, "ABCDEFGHJK"])
    monkeypatch.setattr(feedback, "new_code", lambda: next(drawn))
    second = send(ctx, text="Cống rãnh tắc ở ngõ 5.")
    assert second.tracking_code == "ABCDEFGHJK"  # the taken code was drawn again
    with pytest.raises(IntegrityError), ctx.transaction() as session:
        session.add(Feedback(unit_id=tree["14932"].id, text="x", tracking_code="ABCDEFGHJK"))


# --- what the citizen sees -----------------------------------------------------------------


def test_the_status_page_shows_the_answer_but_no_names(ctx, tree) -> None:
    item = send(ctx, name="Trần Thị Bình", contact="0912 345 678")
    officer = actor(Role.APPROVER, tree["14932"], name="Nguyễn Cán Bộ")
    handling.answer(ctx, officer, item.id, "Xã đã cử người sửa đèn, xong trước thứ Sáu.")
    found = followup.lookup(ctx, item.tracking_code.lower(), CITIZEN)
    assert found is not None
    assert (found.status, found.unit) == ("answered", "Xã Cẩm Thủy")
    assert found.answer == "Xã đã cử người sửa đèn, xong trước thứ Sáu."
    assert found.answered_at is not None and found.acknowledged_at is not None
    shown = repr(found)
    for private in ("Trần Thị Bình", "0912", "Nguyễn Cán Bộ", "APPROVER"):
        assert private not in shown


def test_wrong_codes_are_not_found_and_guessing_is_throttled(ctx, tree) -> None:
    item = send(ctx)
    guesser = "198.51.100.9"
    for _ in range(followup.MISSES):
        assert followup.lookup(ctx, tracking.new_code(), guesser) is None
    with pytest.raises(TooManyRequests):
        followup.lookup(ctx, tracking.new_code(), guesser)
    with pytest.raises(TooManyRequests):  # not even garbage gets a different answer
        followup.lookup(ctx, "not-a-code", guesser)
    assert followup.lookup(ctx, item.tracking_code, CITIZEN) is not None  # others unaffected


# --- who may do what ------------------------------------------------------------------------


def test_permissions_follow_the_unit_tree(ctx, tree, make_account) -> None:  # noqa: F811
    item = send(ctx)
    elsewhere_editor = actor(Role.EDITOR, tree["14950"])
    assert inbox.listing(ctx, elsewhere_editor) == []
    with pytest.raises(Forbidden):
        inbox.detail(ctx, elsewhere_editor, item.id)
    with pytest.raises(Forbidden):
        handling.assign(ctx, actor(Role.APPROVER, tree["14950"]), item.id, 1)
    with pytest.raises(Forbidden):
        inbox.listing(ctx, Actor("nobody"))

    handler = make_account("can-bo-xa", role="editor", unit="14932")
    other = make_account("can-bo-xa-ben", role="editor", unit="14950")
    province = actor(Role.APPROVER, tree["38"], name="Lãnh đạo tỉnh")
    assert [line.id for line in inbox.listing(ctx, province)] == [item.id]
    people = dict(inbox.detail(ctx, province, item.id).candidates)
    assert people[handler.user_id] == "can-bo-xa" and other.user_id not in people
    with pytest.raises(ValidationFailed):  # works for another commune: not a handler here
        handling.assign(ctx, province, item.id, other.user_id)
    handling.assign(ctx, province, item.id, handler.user_id)
    assert row(ctx, item.id).status == "in_progress"

    colleague = actor(Role.EDITOR, tree["14932"], user_id=other.user_id + 100)
    with pytest.raises(Forbidden):  # an editor who is not the assignee
        handling.answer(ctx, colleague, item.id, "Cảm ơn bạn.")
    mine = actor(Role.EDITOR, tree["14932"], user_id=handler.user_id, name="can-bo-xa")
    assert inbox.detail(ctx, mine, item.id).may_handle
    handling.answer(ctx, mine, item.id, "Cảm ơn bạn, xã đã ghi nhận.")
    handling.close(ctx, mine, item.id)
    assert row(ctx, item.id).status == "closed"
    steps = [s.action for s in inbox.detail(ctx, province, item.id).history]
    assert steps == ["received", "assigned", "answered", "closed"]
    entries = {e.action: e for e in audited(ctx, "feedback.answered")}
    assert entries["feedback.answered"].actor == "can-bo-xa"
    assert entries["feedback.answered"].unit_path == tree["14932"].path


def test_an_answer_is_moderated_before_anything_is_kept(ctx, tree) -> None:
    item = send(ctx)
    officer = actor(Role.APPROVER, tree["14932"])
    with pytest.raises(ValidationFailed) as refused:
        handling.answer(ctx, officer, item.id, "Hỏi ngu thế, đ.m")
    assert "moderation" in refused.value.fields["answer"]
    kept = row(ctx, item.id)
    assert (kept.status, kept.answer, kept.answered_at) == ("new", "", None)
    assert audited(ctx, "feedback.answered") == []
    with pytest.raises(ValidationFailed):
        handling.answer(ctx, officer, item.id, "   ")


def test_closing_unanswered_needs_a_reason_and_closed_stays_closed(ctx, tree) -> None:
    item = send(ctx)
    officer = actor(Role.APPROVER, tree["14932"])
    with pytest.raises(ValidationFailed):
        handling.close(ctx, officer, item.id)
    handling.close(ctx, officer, item.id, "Trùng với góp ý trước.")
    with pytest.raises(InvalidTransition):
        handling.answer(ctx, officer, item.id, "Cảm ơn bạn.")


def test_marking_urgent_shortens_the_deadline(ctx, tree) -> None:
    item = send(ctx)
    before = row(ctx, item.id).ack_due_at
    handling.mark_urgent(ctx, actor(Role.APPROVER, tree["14932"]), item.id, True)
    after = row(ctx, item.id)
    assert after.urgent and after.ack_due_at is not None and before is not None
    assert after.ack_due_at < before
    with pytest.raises(Forbidden):  # an editor does not set priorities
        handling.mark_urgent(ctx, actor(Role.EDITOR, tree["14932"]), item.id, False)


# --- where the answer goes ------------------------------------------------------------------


def test_a_message_on_a_channel_joins_the_inbox_and_is_answered_there(ctx, tree) -> None:
    fake_replies.SENT.clear()
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh thử",
            "plugin": "testchannel",
            "unit_code": "14932",
            "settings": {"app_id": "app-1"},
            "secrets": {"app_secret": "s3cr3t-app", "verify_token": "verify-me"},
        },
    )
    event = {
        "id": "ev-m1",
        "type": "message",
        "message_id": "m-1",
        "from_id": "user-1",
        "message": "Xin hỏi lịch tiêm chủng tháng này?",
    }
    body = json.dumps({"events": [event]}).encode()
    with TestClient(create_app(ctx.settings, ctx=ctx, embedded_worker=False)) as web:
        got = web.post(
            f"/hooks/testchannel/{target.id}",
            content=body,
            headers={"x-hub-signature-256": signature("s3cr3t-app", body)},
        )
    assert got.status_code == 200
    officer = actor(Role.APPROVER, tree["14932"])
    [line] = inbox.listing(ctx, officer, channel="testchannel")
    assert line.excerpt == "Xin hỏi lịch tiêm chủng tháng này?"
    handling.answer(ctx, officer, line.id, "Lịch tiêm ngày 15 tại trạm y tế xã.")
    assert row(ctx, line.id).answered_via == "channel"
    with ctx.sessions() as session:
        reply = session.scalars(select(Reply)).one()
    assert (reply.text, reply.state) == ("Lịch tiêm ngày 15 tại trạm y tế xã.", "pending")


def test_an_answer_is_mailed_to_a_citizen_who_left_an_address(ctx, tree) -> None:
    item = send(ctx, contact="binh@example.vn")
    plain = send(ctx, text="Đường ngõ 7 ngập.", contact="0912 345 678")
    officer = actor(Role.APPROVER, tree["14932"])
    handling.answer(ctx, officer, item.id, "Đã sửa xong.")
    handling.answer(ctx, officer, plain.id, "Đã khơi thông cống.")
    assert (row(ctx, item.id).answered_via, row(ctx, plain.id).answered_via) == ("email", "page")
    with ctx.sessions() as session:
        [letter] = letters(session, ctx.settings, "feedback.answered", item.id)
        assert letters(session, ctx.settings, "feedback.answered", plain.id) == []
    assert letter.to == "binh@example.vn"
    assert "Đã sửa xong." in letter.body and tracking.shown(item.tracking_code) in letter.body


# --- deadlines ------------------------------------------------------------------------------


def test_alerts_go_once_per_threshold_to_the_assignee_or_the_units_approvers(
    ctx,
    tree,
    make_account,  # noqa: F811
) -> None:
    events = Events()
    ctx.pm.register(events)
    leader = make_account("chu-tich-xa", role="approver", unit="14932")
    handler = make_account("can-bo-xa", role="editor", unit="14932")
    with ctx.transaction() as session:
        for user_id, email in ((leader.user_id, "ld@xa.vn"), (handler.user_id, "cb@xa.vn")):
            session.execute(update(User).where(User.id == user_id).values(email=email))
    late = send(ctx)
    kept = row(ctx, late.id)
    assert kept.ack_warn_at is not None and kept.ack_due_at is not None
    warn, due = kept.ack_warn_at, kept.ack_due_at

    assert overdue.alert_due(ctx, warn - dt.timedelta(seconds=1)) == 0
    assert overdue.alert_due(ctx, warn) == 1
    assert overdue.alert_due(ctx, warn + dt.timedelta(minutes=5)) == 0  # once
    assert overdue.alert_due(ctx, due) == 1
    assert overdue.alert_due(ctx, due + dt.timedelta(hours=3)) == 0
    assert [n for n, _ in events.seen if n.startswith("feedback.d") or n == "feedback.overdue"] == [
        "feedback.due_soon",
        "feedback.overdue",
    ]
    with ctx.sessions() as session:
        to = [x.to for x in letters(session, ctx.settings, "feedback.overdue", late.id)]
        assert to == ["ld@xa.vn"]  # nobody assigned: the unit's approvers
        assert session.scalars(
            select(FeedbackAlert.threshold).order_by(FeedbackAlert.id)
        ).all() == ["due_soon", "overdue"]

    taken = send(ctx, text="Rác chưa được thu gom.")
    handling.assign(ctx, actor(Role.APPROVER, tree["14932"]), taken.id, handler.user_id)
    assert overdue.alert_due(ctx, due + dt.timedelta(days=7)) == 0  # acknowledged: no alert
    with ctx.sessions() as session:
        session.execute(
            update(Feedback)
            .where(Feedback.id == taken.id)
            .values(acknowledged_at=None, status="new")
        )
        session.commit()
        [letter] = letters(session, ctx.settings, "feedback.due_soon", taken.id)
    assert letter.to == "cb@xa.vn"  # the assignee, not the whole unit


def test_the_sweeper_runs_the_deadline_alerts(ctx, tree) -> None:
    from core.delivery import sweeper

    item = send(ctx)
    warn = row(ctx, item.id).ack_warn_at
    assert warn is not None
    assert "feedback_alerts" not in sweeper.sweep(ctx, warn - dt.timedelta(minutes=1))
    assert sweeper.sweep(ctx, warn)["feedback_alerts"] == 1
    assert "feedback_alerts" not in sweeper.sweep(ctx, warn + dt.timedelta(minutes=1))
