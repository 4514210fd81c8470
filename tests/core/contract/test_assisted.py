"""Assisted delivery through the test channel plugin: a channel with no API hands each
publish, update and take-down to an operator as a task with a kit; the task escalates when
late; the operator's recorded outcome completes the delivery like any other."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import content, media, targets
from core.app import create_app
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.db import utcnow
from core.delivery import dispatcher
from core.delivery.assisted import actions as assisted
from core.delivery.models import Delivery, DeliveryState, Placement
from core.delivery.sweeper import sweep
from core.delivery.tasks import AssistTask, TaskState
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from core.graphql import management_app
from tests.conftest import API_TOKEN
from tests.support.media import editor, png
from tests.support.pipeline import COMMUNE, new_article

TASKS = """query { assistTasks { id state action role unitCode escalations targetName plugin
  articleTitle instructions files { name contentType text dataBase64 }
  media { rendition url } } }"""
COMPLETE = """mutation($id: ID!, $remote: String!, $url: String!) {
  completeAssistTask(taskId: $id, remoteId: $remote, remoteUrl: $url) {
    __typename ... on AssistTaskResult { task { state remoteId completedBy } }
    ... on ForbiddenError { message } ... on ValidationError { message } } }"""
#: How the admin's API token names its actor in the audit log.
ACTOR = f"test-admin (token {API_TOKEN.split('_')[1]})"


def police(tree: Any, unit: str) -> Actor:
    return Actor(name=f"cong-an-{unit}", grants=(Grant(Role.POLICE, tree[unit].path),))


def _gql(ctx: Any, query: str, **variables: Any) -> Any:
    client = TestClient(management_app(ctx))
    return client.post(
        "/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()


def _run_open(ctx: Any) -> list[dispatcher.Outcome]:
    with ctx.sessions() as session:
        rows = session.execute(
            select(Delivery.id, Delivery.attempt)
            .where(Delivery.state == DeliveryState.PENDING)
            .order_by(Delivery.id)
        ).all()
    return [asyncio.run(dispatcher.run(ctx, d_id, n + 1)) for d_id, n in rows]


def _published_to_a_task(ctx: Any, cover: Any = None) -> tuple[Any, Any]:
    target = targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Loa phường (thử)", "plugin": "testassisted", "unit_code": COMMUNE},
    )
    article = new_article(ctx)
    if cover is not None:
        media.attach(ctx, SYSTEM, article.id, cover.id, "cover")
    content.approve(ctx, SYSTEM, article.id)
    assert _run_open(ctx) == [dispatcher.Outcome.ASSISTED]
    return target, article


def _delivery(ctx: Any, action: str) -> Delivery:
    with ctx.sessions() as session:
        found = session.scalar(select(Delivery).where(Delivery.action == action))
    assert found is not None
    return found


def test_a_channel_without_an_api_gets_an_operator_task_with_a_kit(ctx, tree, tmp_path) -> None:
    photo = media.upload(
        ctx, editor(tree), COMMUNE, png(tmp_path / "a.png"), "a.png", alt="Trạm", caption="Trạm"
    )
    _, article = _published_to_a_task(ctx, cover=photo)
    d = _delivery(ctx, "publish")
    assert d.state == DeliveryState.ASSISTED and d.error_kind == "assisted"
    [task] = _gql(ctx, TASKS)["data"]["assistTasks"]
    assert (task["state"], task["action"], task["role"], task["unitCode"]) == (
        "open",
        "publish",
        "police",
        COMMUNE,
    )
    assert task["articleTitle"] == article.title and task["plugin"] == "testassisted"
    files = {f["name"]: f for f in task["files"]}
    assert set(files) == {"huong-dan.txt", "phieu.bin", "payload.json", "text.txt"}
    # A binary file of the kit (a letter as PDF) keeps its bytes, as base64.
    assert base64.b64decode(files["phieu.bin"]["dataBase64"]) == b"\x00\xffkit"
    assert files["huong-dan.txt"]["dataBase64"] == ""
    assert json.loads(files["payload.json"]["text"])["title"] == article.title
    assert files["text.txt"]["text"].startswith(article.title)
    [kit_photo] = task["media"]  # the rendition the channel chose, served by Loa
    chosen = next(r for r in photo.renditions if r.name == kit_photo["rendition"])
    assert kit_photo["url"].endswith(chosen.key)
    with TestClient(create_app(ctx.settings, ctx=ctx, embedded_worker=False)) as web:
        served = web.get(kit_photo["url"].removeprefix(ctx.settings.base_url))
    assert served.status_code == 200 and len(served.content) == chosen.size
    # Only the role it is assigned to, on that unit or above, sees it.
    assert [v.task.id for v in assisted.tasks_for(ctx, police(tree, COMMUNE))] == [int(task["id"])]
    assert assisted.tasks_for(ctx, police(tree, "38")) != []
    assert assisted.tasks_for(ctx, police(tree, "14950")) == []


def test_recording_the_outcome_completes_the_delivery_like_any_other(ctx, tree) -> None:
    target, article = _published_to_a_task(ctx)
    [view] = assisted.tasks_for(ctx, SYSTEM)
    with pytest.raises(Forbidden):  # police of another commune
        assisted.complete(ctx, police(tree, "14950"), view.task.id, "post-1")
    with pytest.raises(ValidationFailed):
        assisted.complete(ctx, police(tree, COMMUNE), view.task.id, "  ")
    with pytest.raises(ValidationFailed):
        assisted.complete(ctx, police(tree, COMMUNE), view.task.id, "p", "javascript:alert(1)")
    body = _gql(ctx, COMPLETE, id=str(view.task.id), remote="vneid-123", url="https://x.vn/p/1")
    done = body["data"]["completeAssistTask"]
    assert done["__typename"] == "AssistTaskResult", body
    assert done["task"] == {"state": "done", "remoteId": "vneid-123", "completedBy": ACTOR}
    d = _delivery(ctx, "publish")
    assert (d.state, d.remote_id, d.remote_url) == ("delivered", "vneid-123", "https://x.vn/p/1")
    with ctx.sessions() as session:
        placement = session.scalar(select(Placement).where(Placement.target_id == target.id))
        entries = {
            e.action: e.actor
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.subject_id == str(d.id)).order_by(AuditEntry.id)
            )
        }
    assert placement is not None and placement.live and placement.remote_id == "vneid-123"
    assert entries["delivery.publish"] == ACTOR  # the same entry a worker writes
    with pytest.raises(InvalidTransition):  # once
        assisted.complete(ctx, SYSTEM, view.task.id, "again")

    # The take-down goes to the channel again, and is a task again.
    content.retract(ctx, SYSTEM, article.id, "hết hiệu lực")
    assert _run_open(ctx) == [dispatcher.Outcome.ASSISTED]
    [retract] = assisted.tasks_for(ctx, police(tree, COMMUNE))
    assert retract.task.action == "retract"
    assisted.complete(ctx, police(tree, COMMUNE), retract.task.id, "")  # the post it held
    assert _delivery(ctx, "retract").state == DeliveryState.DELIVERED
    with ctx.sessions() as session:
        placement = session.scalar(select(Placement).where(Placement.target_id == target.id))
    assert placement is not None and not placement.live


def test_a_late_task_goes_to_the_same_role_on_the_unit_above(ctx, tree) -> None:
    _published_to_a_task(ctx)
    later = utcnow() + dt.timedelta(hours=5)  # past the channel's four hours
    assert sweep(ctx, now=later)["tasks_escalated"] == 1
    [view] = assisted.tasks_for(ctx, SYSTEM)
    assert (view.unit_code, view.task.escalations) == ("38", 1)
    assert assisted.tasks_for(ctx, police(tree, COMMUNE)) == []  # no longer theirs to see
    assert [v.task.id for v in assisted.tasks_for(ctx, police(tree, "38"))] == [view.task.id]
    # The commune's police may still record it: the task is about their unit.
    assisted.complete(ctx, police(tree, COMMUNE), view.task.id, "post-9")
    with ctx.sessions() as session:
        escalated = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "assist.escalated")
        )
    assert escalated is not None and escalated.data["to_unit"] == tree["38"].id


def test_a_take_down_before_anyone_acted_cancels_the_task(ctx, tree) -> None:
    _, article = _published_to_a_task(ctx)
    content.retract(ctx, SYSTEM, article.id, "nhầm")
    assert _delivery(ctx, "publish").state == DeliveryState.CANCELLED
    with ctx.sessions() as session:
        [task] = session.scalars(select(AssistTask).order_by(AssistTask.id)).all()
    assert task.state == TaskState.CANCELLED
    assert _gql(ctx, TASKS)["data"]["assistTasks"] == []


REFUSE = """mutation($id: ID!, $reason: String!) {
  refuseAssistTask(taskId: $id, reason: $reason) {
    __typename ... on AssistTaskResult { task { state completedBy } }
    ... on ValidationError { message } ... on ForbiddenError { message } } }"""


def test_a_post_the_platform_refused_fails_the_delivery_with_the_reason(ctx, tree) -> None:
    _published_to_a_task(ctx)
    [view] = assisted.tasks_for(ctx, SYSTEM)
    with pytest.raises(Forbidden):  # police of another commune
        assisted.refuse(ctx, police(tree, "14950"), view.task.id, "sai phạm vi")
    blank = _gql(ctx, REFUSE, id=str(view.task.id), reason="  ")["data"]["refuseAssistTask"]
    assert blank["__typename"] == "ValidationError"
    body = _gql(ctx, REFUSE, id=str(view.task.id), reason="Ảnh đại diện mờ")
    assert body["data"]["refuseAssistTask"]["task"] == {"state": "refused", "completedBy": ACTOR}
    d = _delivery(ctx, "publish")
    assert (d.state, d.error_kind) == (DeliveryState.FAILED, "refused")
    assert "Ảnh đại diện mờ" in d.error_message
    assert assisted.tasks_for(ctx, SYSTEM) == []  # no longer open
    with pytest.raises(InvalidTransition):
        assisted.refuse(ctx, SYSTEM, view.task.id, "again")
    with ctx.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "assist.refused"))
    assert entry is not None and entry.data["reason"] == "Ảnh đại diện mờ"


RECORD = """mutation($target: ID!, $article: ID!, $text: String!, $name: String!) {
  recordChannelComment(targetId: $target, articleId: $article, text: $text, authorName: $name) {
    __typename ... on CommentResult { comment { state authorName text } }
    ... on ValidationError { message } } }"""


def test_an_operator_records_citizens_feedback_and_moderation_judges_it(ctx, tree) -> None:
    from core.interactions import recorded
    from core.interactions.models import Comment

    target, article = _published_to_a_task(ctx)
    with pytest.raises(ValidationFailed):  # nothing posted there yet
        recorded.record(ctx, police(tree, COMMUNE), target.id, article.id, "Cảm ơn")
    [view] = assisted.tasks_for(ctx, SYSTEM)
    assisted.complete(ctx, police(tree, COMMUNE), view.task.id, "post-7")
    kept = recorded.record(
        ctx, police(tree, COMMUNE), target.id, article.id, "Cảm ơn xã!", "Nguyễn Thị Hoa"
    )
    assert (kept.state, kept.article_id, kept.remote_item_id) == ("visible", article.id, "post-7")
    body = _gql(
        ctx,
        RECORD,
        target=str(target.id),
        article=article.uid,
        text="Bài viết như c.ứ.t, đ.m thằng l-o-n viết bài",
        name="Kẻ Xấu",
    )
    shown = body["data"]["recordChannelComment"]
    assert shown["__typename"] == "CommentResult", body
    assert shown["comment"]["state"] == "hidden"  # judged by moderation on the way in
    with pytest.raises(Forbidden):  # the police of another commune
        recorded.record(ctx, police(tree, "14950"), target.id, article.id, "x")
    with ctx.sessions() as session:
        rows = session.scalars(select(Comment).order_by(Comment.id)).all()
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "comment.recorded")
            .order_by(AuditEntry.id)
        ).all()
    assert [c.author_name for c in rows] == ["Nguyễn Thị Hoa", "Kẻ Xấu"]
    assert len(entries) == 2 and entries[0].actor == f"cong-an-{COMMUNE}"
