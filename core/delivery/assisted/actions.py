"""Operators' tasks: opened by the dispatcher, escalated by the sweeper, completed by a person.

* :func:`open_task` (dispatcher, in the attempt's own transaction): the delivery moves to
  ``assisted`` and a task is assigned to the channel's role on the target's unit.
* :func:`escalate_due` (sweeper): an open task past its due time moves to the unit above
  (same role), with a new due time, audited; at the top of the tree it stays, audited.
* :func:`complete` (an operator, permission checked, audited): the remote id or link is
  recorded and the delivery completes like one a worker carried out
  (:func:`core.delivery.outcomes.delivered`): placement, ``delivery.<action>`` audit entry,
  and a follow-up retract if the item was taken down meanwhile (which may be a task again).

When an item comes down before anyone carried out its publish or update, the outbox cancels
the delivery and its open task (:func:`core.delivery.outbox.take_down`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, select, true, update
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, acts_as, require_role
from core.content.models import Article
from core.context import Context
from core.contract.assisted import AssistedTask
from core.contract.channels import Remote, Rendered
from core.db import rowcount, utcnow
from core.delivery import live, outcomes, queue
from core.delivery.assisted import kit
from core.delivery.models import Action, Delivery, DeliveryState, Placement
from core.delivery.tasks import AssistTask, TaskState
from core.errors import InvalidTransition, NotFound, ValidationFailed
from core.targets.models import ChannelTarget
from core.units.lookups import unit_path, units_by_id
from core.units.models import Unit


def open_task(
    session: Session,
    d: Delivery,
    target: ChannelTarget,
    task: AssistedTask,
    rendered: Rendered | None,
    base_url: str,
    now: dt.datetime,
) -> AssistTask:
    """The task for ``d`` (whose row the caller has just moved to ``assisted``)."""
    due = max(int(task.due_in.total_seconds()), 60)
    row = AssistTask(
        delivery_id=d.id,
        article_id=d.article_id,
        target_id=target.id,
        action=d.action,
        role=task.role,
        unit_id=target.unit_id,
        origin_unit_id=target.unit_id,
        title=task.title[:500],
        instructions=task.instructions,
        kit=kit.build(task, rendered, base_url),
        state=TaskState.OPEN,
        due_seconds=due,
        due_at=now + dt.timedelta(seconds=due),
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor="system",
        action="assist.opened",
        subject_type="assist_task",
        subject_id=row.id,
        data={"delivery": d.id, "role": task.role, "unit": target.unit_id, "action": d.action},
        unit_path=unit_path(session, target.unit_id),
    )
    return row


def escalate_due(ctx: Context, now: dt.datetime | None = None) -> int:
    """Move every overdue open task to the same role on the unit above; how many moved."""
    now = now or utcnow()
    moved = 0
    with ctx.transaction() as session:
        overdue = session.scalars(
            select(AssistTask)
            .where(AssistTask.state == TaskState.OPEN, AssistTask.due_at <= now)
            .order_by(AssistTask.id)
            .with_for_update(skip_locked=True)
        ).all()
        for task in overdue:
            unit = units_by_id(session, [task.unit_id]).get(task.unit_id)
            parent = unit.parent_id if unit is not None else None
            came_from = task.unit_id
            if parent is not None:
                task.unit_id = parent
                moved += 1
            task.escalations += 1
            task.due_at = now + dt.timedelta(seconds=task.due_seconds)
            audit.record(
                session,
                actor="system",
                action="assist.escalated",
                subject_type="assist_task",
                subject_id=task.id,
                data={"from_unit": came_from, "to_unit": task.unit_id, "role": task.role},
                unit_path=unit_path(session, task.unit_id),
            )
    return moved


@dataclass(frozen=True)
class TaskView:
    """A task with what an operator needs to see beside it (for interfaces)."""

    task: AssistTask
    unit_code: str
    target_name: str
    plugin: str
    article_uid: str
    article_title: str


def _views(session: Session, where: ColumnElement[bool]) -> list[tuple[TaskView, str]]:
    rows = session.execute(
        select(AssistTask, Unit.code, Unit.path, ChannelTarget.name, ChannelTarget.plugin)
        .add_columns(Article.uid, Article.title)
        .join(Unit, Unit.id == AssistTask.unit_id)
        .join(ChannelTarget, ChannelTarget.id == AssistTask.target_id)
        .join(Article, Article.id == AssistTask.article_id)
        .where(where)
        .order_by(AssistTask.due_at, AssistTask.id)
    ).all()
    return [
        (TaskView(t, code, name, plugin, uid, title), path)
        for t, code, path, name, plugin, uid, title in rows
    ]


def tasks_for(ctx: Context, actor: Actor, *, open_only: bool = True) -> list[TaskView]:
    """The tasks assigned to a role the actor holds on the task's unit or one above it."""
    where = AssistTask.state == TaskState.OPEN if open_only else true()
    with ctx.sessions() as session:
        rows = _views(session, where)
    return [view for view, path in rows if acts_as(actor, view.task.role, path)]


def _checked_url(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
        raise ValidationFailed({"remote_url": "must be an http(s) address of at most 1000 chars"})
    return url


def _held(session: Session, d: Delivery) -> str:
    found = session.scalar(
        select(Placement.remote_id).where(
            Placement.article_id == d.article_id, Placement.target_id == d.target_id
        )
    )
    return found or ""


def _open_for(session: Session, actor: Actor, task_id: int) -> AssistTask:
    """The task, locked, if it is still open and ``actor`` holds its role."""
    task = session.get(AssistTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no task {task_id}")
    require_role(actor, task.role, unit_path(session, task.origin_unit_id))
    if task.state != TaskState.OPEN:
        raise InvalidTransition(f"this task is {task.state}")
    return task


def _settle(session: Session, delivery_id: int, **values: Any) -> None:
    """Move the task's delivery out of ``assisted`` with ``values``, once: a delivery that is
    no longer waiting for its task (settled meanwhile) is an ``InvalidTransition``."""
    settled = rowcount(
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.ASSISTED)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    if settled != 1:
        raise InvalidTransition("the delivery of this task is no longer waiting for it")


def complete(
    ctx: Context, actor: Actor, task_id: int, remote_id: str, remote_url: str = ""
) -> TaskView:
    """Record what the operator did; the delivery completes as if a worker had done it."""
    remote_id, remote_url = remote_id.strip(), _checked_url(remote_url.strip())
    if len(remote_id) > 300:
        raise ValidationFailed({"remote_id": "at most 300 characters"})
    now = utcnow()
    with ctx.transaction() as session:
        task = _open_for(session, actor, task_id)
        d = session.get(Delivery, task.delivery_id)
        assert d is not None
        if not remote_id and d.action != Action.PUBLISH:  # the post it changed or took down
            remote_id = _held(session, d)
        if not remote_id:
            raise ValidationFailed({"remote_id": "required: the id the channel gave the post"})
        remote = Remote(remote_id, remote_url)
        _settle(
            session,
            d.id,
            state=DeliveryState.DELIVERED,
            remote_id=remote_id,
            remote_url=remote_url,
            finished_at=now,
            updated_at=now,
            error_kind="",
            error_message="",
        )
        task.state = TaskState.DONE
        task.remote_id, task.remote_url = remote_id, remote_url
        task.completed_by, task.completed_at = actor.name, now
        audit.record(
            session,
            actor=actor.name,
            action="assist.completed",
            subject_type="assist_task",
            subject_id=task.id,
            data={"delivery": d.id, "remote_id": remote_id, "remote_url": remote_url},
            unit_path=unit_path(session, task.origin_unit_id),
        )
        follow_ups = outcomes.delivered(session, d, remote, actor=actor.name, now=now)
        [(view, _)] = _views(session, AssistTask.id == task.id)
    queue.enqueue_deliveries(ctx, follow_ups)
    live.changed(ctx, [d.article_id])
    return view


def refuse(ctx: Context, actor: Actor, task_id: int, reason: str) -> TaskView:
    """Record that the platform refused the task's post (its reviewers, its rules): the
    delivery fails with the reason, as when a channel's API refuses content; no retry."""
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise ValidationFailed({"reason": "required: why it was refused (at most 2000 characters)"})
    now = utcnow()
    with ctx.transaction() as session:
        task = _open_for(session, actor, task_id)
        message = f"bị từ chối (refused on the channel): {reason}"
        _settle(
            session,
            task.delivery_id,
            state=DeliveryState.FAILED,
            finished_at=now,
            updated_at=now,
            error_kind="refused",
            error_message=message,
        )
        task.state = TaskState.REFUSED
        article_id = session.scalar(
            select(Delivery.article_id).where(Delivery.id == task.delivery_id)
        )
        task.completed_by, task.completed_at = actor.name, now
        audit.record(
            session,
            actor=actor.name,
            action="assist.refused",
            subject_type="assist_task",
            subject_id=task.id,
            data={"delivery": task.delivery_id, "reason": reason},
            unit_path=unit_path(session, task.origin_unit_id),
        )
        [(view, _)] = _views(session, AssistTask.id == task.id)
    live.changed(ctx, [article_id] if article_id is not None else [])
    return view
