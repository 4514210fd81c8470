"""Approval routed by audience and by destination, end to end through delivery.

Each scenario is one of the issue's: run on both backends in CI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from loa_testchannel import RECEIVED
from sqlalchemy import select

from core.actions import content as actions
from core.actions import targets, workflow
from core.auth.models import Role
from core.auth.permissions import SYSTEM
from core.content.models import Article, Status
from core.db import utcnow
from core.delivery.models import Delivery, DeliveryState
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.workflow.models import StepState
from plugins.vneid import ACCEPTED_TOPICS as VNEID_TOPICS
from tests.support.declared import DEFAULT_RULES
from tests.support.pipeline import COMMUNE, sandbox_get, wait_for


@pytest.fixture
def vneid(ctx, tree) -> Any:
    """A VNeID-like target: the police of the area appraise; only S0.4's topics are accepted."""
    RECEIVED.clear()
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "VNeID Tin tức (xã Cẩm Thủy)",
            "plugin": "testchannel",
            "unit_code": COMMUNE,
            "settings": {"allowed_topics": list(VNEID_TOPICS)},
            "gates": DEFAULT_RULES["plugin:vneid"],
        },
    )


def post(ctx, editor, target_ids, **extra) -> Article:
    audience = extra.pop("audience", {"scope_level": "commune"})
    return actions.create(
        ctx,
        editor,
        {
            "title": "Hướng dẫn kích hoạt tài khoản định danh điện tử",
            "summary": "Công an xã hướng dẫn người dân kích hoạt VNeID mức 2.",
            "body_html": "<p>Người dân mang theo CCCD đến trụ sở Công an xã.</p>",
            "cover_url": "https://example.org/vneid.jpg",
            "cover_caption": "Cán bộ hướng dẫn người dân",
            "unit_code": COMMUNE,
            "topic": "project06",
            "target_ids": target_ids,
            "audience": audience,
            **extra,
        },
    )


def steps(outcome) -> dict[str, str]:
    return {s.key: s.state for s in outcome.steps}


def step_id(outcome, key: str) -> int:
    return next(s.id for s in outcome.steps if s.key == key)


def status(ctx, article_id: int) -> str:
    with ctx.sessions() as session:
        return session.get(Article, article_id).status


def delivered_to(ctx, article_id: int) -> set[int]:
    with ctx.sessions() as session:
        return set(
            session.scalars(
                select(Delivery.target_id)
                .where(Delivery.article_id == article_id, Delivery.state == DeliveryState.DELIVERED)
                .order_by(Delivery.id)
            )
        )


def test_vneid_post_of_commune_scope_appraised_by_commune_police(ctx, people, vneid, worker):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    approver = people("Chủ tịch UBND xã", Role.APPROVER, COMMUNE)
    police = people("Công an xã Cẩm Thủy", Role.POLICE, COMMUNE)
    article = post(ctx, editor, [vneid.id])
    submitted = workflow.submit(ctx, editor, article.id)
    assert steps(submitted) == {"commune_approval": "pending", "police_appraisal": "pending"}
    assert submitted.article.status == Status.SUBMITTED

    with pytest.raises(Forbidden):  # the editor cannot appraise
        workflow.decide(ctx, editor, step_id(submitted, "police_appraisal"), "approve")
    after_approver = workflow.decide(
        ctx, approver, step_id(submitted, "commune_approval"), "approve"
    )
    assert after_approver.released == []  # VNeID waits for the police's appraisal
    appraised = workflow.decide(
        ctx, police, step_id(submitted, "police_appraisal"), "approve", "Đúng phạm vi Đề án 06"
    )
    assert appraised.article.status == Status.PUBLISHED and len(appraised.released) == 1
    wait_for(lambda: delivered_to(ctx, article.id) == {vneid.id}, what="VNeID delivery")
    [payload] = RECEIVED.values()
    assert "định danh điện tử" in payload["text"]


def test_national_scope_escalates_through_province_police_to_the_national_approver(
    ctx, people, vneid, worker
):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    commune_police = people("Công an xã", Role.POLICE, COMMUNE)
    province_police = people("Công an tỉnh Thanh Hóa", Role.POLICE, "38")
    ministry = people("Bộ Công an (C06)", Role.APPROVER, "VN")
    article = post(ctx, editor, [vneid.id], audience={"scope_level": "national"})
    with pytest.raises(ValidationFailed) as refused:
        workflow.submit(ctx, editor, article.id)
    assert "justification" in refused.value.fields
    submitted = workflow.submit(
        ctx, editor, article.id, justification="Mô hình điểm của tỉnh, đề nghị nhân rộng toàn quốc."
    )
    assert set(steps(submitted)) == {"province_police", "national_approval", "police_appraisal"}

    with pytest.raises(InvalidTransition):  # the Ministry decides only after the province police
        workflow.decide(ctx, ministry, step_id(submitted, "national_approval"), "approve")
    with pytest.raises(Forbidden):  # commune police do not hold the province's endorsement
        workflow.decide(ctx, commune_police, step_id(submitted, "province_police"), "approve")
    workflow.decide(ctx, province_police, step_id(submitted, "province_police"), "approve")
    workflow.decide(ctx, commune_police, step_id(submitted, "police_appraisal"), "approve")
    assert status(ctx, article.id) == Status.IN_REVIEW
    done = workflow.decide(ctx, ministry, step_id(submitted, "national_approval"), "approve")
    assert done.article.status == Status.PUBLISHED
    assert done.article.justification.startswith("Mô hình điểm")
    wait_for(lambda: delivered_to(ctx, article.id) == {vneid.id}, what="national delivery")


def test_portal_goes_live_before_vneid_appraisal_ends(
    ctx, people, vneid, portal_target, sandbox, worker
):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    approver = people("Chủ tịch UBND xã", Role.APPROVER, COMMUNE)
    board = people("Ban Biên tập cổng xã", Role.EDITORIAL_BOARD, COMMUNE)
    police = people("Công an xã", Role.POLICE, COMMUNE)
    article = post(ctx, editor, [vneid.id, portal_target.id])
    submitted = workflow.submit(ctx, editor, article.id)
    workflow.decide(ctx, approver, step_id(submitted, "commune_approval"), "approve")
    portal_live = workflow.decide(ctx, board, step_id(submitted, "editorial_board"), "approve")
    assert len(portal_live.released) == 1
    wait_for(lambda: delivered_to(ctx, article.id) == {portal_target.id}, what="portal first")
    assert sandbox_get(sandbox, "/sites/14932/articles")["articles"]
    assert RECEIVED == {}  # VNeID still waits for the police
    workflow.decide(ctx, police, step_id(submitted, "police_appraisal"), "approve")
    wait_for(
        lambda: delivered_to(ctx, article.id) == {portal_target.id, vneid.id}, what="then VNeID"
    )


def test_all_together_waits_for_every_gate(ctx, people, vneid, portal_target, worker):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    approver = people("Chủ tịch UBND xã", Role.APPROVER, COMMUNE)
    board = people("Ban Biên tập cổng xã", Role.EDITORIAL_BOARD, COMMUNE)
    article = post(ctx, editor, [vneid.id, portal_target.id], release_together=True)
    submitted = workflow.submit(ctx, editor, article.id)
    workflow.decide(ctx, approver, step_id(submitted, "commune_approval"), "approve")
    held = workflow.decide(ctx, board, step_id(submitted, "editorial_board"), "approve")
    assert held.released == []  # the police have not appraised yet


def test_changes_requested_then_only_touched_approvals_are_voided(
    ctx, people, vneid, portal_target
):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    approver = people("Chủ tịch UBND xã", Role.APPROVER, COMMUNE)
    board = people("Ban Biên tập cổng xã", Role.EDITORIAL_BOARD, COMMUNE)
    police = people("Công an xã", Role.POLICE, COMMUNE)
    article = post(ctx, editor, [vneid.id, portal_target.id])
    submitted = workflow.submit(ctx, editor, article.id)
    workflow.decide(ctx, board, step_id(submitted, "editorial_board"), "approve")
    workflow.decide(ctx, police, step_id(submitted, "police_appraisal"), "approve")
    with pytest.raises(ValidationFailed):  # asking for changes needs a comment
        workflow.decide(ctx, approver, step_id(submitted, "commune_approval"), "request_changes")
    asked = workflow.decide(
        ctx,
        approver,
        step_id(submitted, "commune_approval"),
        "request_changes",
        "Chỉ hiển thị cho người từ 14 tuổi (đối tượng có CCCD).",
    )
    assert asked.article.status == Status.CHANGES_REQUESTED
    # The editor narrows the audience; the content is untouched.
    actions.update(ctx, editor, article.id, {"audience": {"age_min": 14}})
    resubmitted = workflow.submit(ctx, editor, article.id)
    state = steps(resubmitted)
    assert state["editorial_board"] == StepState.APPROVED  # vouches for content only: kept
    assert state["police_appraisal"] == StepState.PENDING  # covers the audience: voided
    assert state["commune_approval"] == StepState.PENDING  # asked again
    voided = next(s for s in resubmitted.steps if s.key == "police_appraisal")
    assert "audience changed" in voided.note
    assert resubmitted.article.status == Status.SUBMITTED


def test_a_banner_takes_itself_down_at_its_end_also_across_downtime(
    ctx, people, portal_target, sandbox
):
    from core.delivery.worker import EmbeddedWorker

    ends = utcnow() + dt.timedelta(seconds=3)
    banner = actions.create(
        ctx,
        SYSTEM,
        {
            "title": "Banner: Tháng cao điểm làm căn cước",
            "kind": "banner",
            "unit_code": COMMUNE,
            "cover_url": "https://example.org/banner.png",
            "cover_caption": "Banner chiến dịch",
            "audience": {"visible_until": ends.isoformat()},
        },
    )
    actions.approve(ctx, SYSTEM, banner.id)
    first = EmbeddedWorker(ctx, threads=1, poll=0.05)
    first.start()
    wait_for(lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"], what="banner up")
    first.stop()  # the worker is down across the end time
    wait_for(lambda: utcnow() > ends + dt.timedelta(seconds=1), what="the end time to pass")
    assert sandbox_get(sandbox, "/sites/14932/articles")["articles"]  # still up: nothing ran
    ctx.redis.flushdb()  # and Redis lost the scheduled expiry job too
    second = EmbeddedWorker(ctx, threads=1, poll=0.05)
    second.start()
    try:
        wait_for(
            lambda: sandbox_get(sandbox, "/sites/14932/articles")["articles"] == [],
            timeout=30,
            what="banner down after restart",
        )
    finally:
        second.stop()
    assert status(ctx, banner.id) == Status.EXPIRED
    with ctx.sessions() as session:
        retract = session.scalar(
            select(Delivery).where(Delivery.article_id == banner.id, Delivery.action == "retract")
        )
    assert retract.state == DeliveryState.DELIVERED


def test_edit_of_a_live_item_waits_for_approval_and_the_public_keeps_the_approved_text(
    ctx, people, portal_target, sandbox, worker
):
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    article = post(ctx, editor, [portal_target.id])
    actions.approve(ctx, SYSTEM, article.id)
    wait_for(lambda: delivered_to(ctx, article.id), what="first publication")
    actions.update(ctx, editor, article.id, {"title": "Tiêu đề đã sửa, chưa duyệt"})
    with ctx.sessions() as session:
        live = session.get(Article, article.id)
        assert live.title == "Hướng dẫn kích hoạt tài khoản định danh điện tử"
        assert live.pending_revision == 2
    outcome = workflow.approve(ctx, SYSTEM, article.id)
    assert outcome.article.title == "Tiêu đề đã sửa, chưa duyệt" and outcome.released
    wait_for(
        lambda: (
            sandbox_get(sandbox, "/sites/14932/articles")["articles"][0]["title"]
            == "Tiêu đề đã sửa, chưa duyệt"
        ),
        what="the approved edit on the portal",
    )


def test_national_approval_needs_a_fresh_second_factor(ctx, people, vneid):
    from dataclasses import replace

    from core.auth.permissions import StepUpRequired

    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    police = replace(people("Công an tỉnh", Role.POLICE, "38"), user_id=7)
    article = post(ctx, editor, [vneid.id], audience={"scope_level": "national"})
    submitted = workflow.submit(ctx, editor, article.id, justification="Mô hình điểm toàn quốc")
    with pytest.raises(StepUpRequired):
        workflow.decide(ctx, police, step_id(submitted, "province_police"), "approve")
    fresh = replace(police, stepped_up_at=utcnow())
    workflow.decide(ctx, fresh, step_id(submitted, "province_police"), "approve")
