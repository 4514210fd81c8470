"""Operators' tasks (assisted delivery): the ones assigned to me, and recording an outcome.

Thin: who sees and who may complete a task is decided in ``core.delivery.assisted.actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from core.delivery.assisted import actions
from core.errors import LoaError
from core.graphql.errors import argument_id
from core.graphql.request import RequestContext
from core.graphql.types.assist_task import AssistTask
from core.graphql.types.payloads import (
    ForbiddenError,
    NotFoundError,
    TransitionError,
    ValidationError,
    failure,
)

Info = strawberry.Info[RequestContext, Any]


@strawberry.type
class AssistTaskResult:
    task: AssistTask


Refusal = ValidationError | NotFoundError | ForbiddenError | TransitionError
AssistTaskPayload = Annotated[AssistTaskResult | Refusal, strawberry.union("AssistTaskPayload")]


def assist_tasks(info: Info, open_only: bool = True) -> list[AssistTask]:
    rc = info.context
    assert rc.actor is not None
    return [AssistTask.of(v) for v in actions.tasks_for(rc.ctx, rc.actor, open_only=open_only)]


def _settled(record: Callable[[], actions.TaskView]) -> AssistTaskPayload:
    """The task as recorded, or the typed refusal of recording it."""
    try:
        view = record()
    except LoaError as exc:
        result = failure(exc)
        if not isinstance(
            result, ValidationError | NotFoundError | ForbiddenError | TransitionError
        ):
            raise
        return result
    return AssistTaskResult(task=AssistTask.of(view))


def complete_assist_task(
    info: Info, task_id: strawberry.ID, remote_id: str = "", remote_url: str = ""
) -> AssistTaskPayload:
    """Record what the operator did on the channel: the delivery completes."""
    rc = info.context
    assert rc.actor is not None
    actor, task = rc.actor, argument_id(task_id, "taskId")
    return _settled(lambda: actions.complete(rc.ctx, actor, task, remote_id, remote_url))


def refuse_assist_task(info: Info, task_id: strawberry.ID, reason: str) -> AssistTaskPayload:
    """Record that the channel refused the post (with its reason): the delivery fails."""
    rc = info.context
    assert rc.actor is not None
    actor, task = rc.actor, argument_id(task_id, "taskId")
    return _settled(lambda: actions.refuse(rc.ctx, actor, task, reason))


@strawberry.type
class AssistQuery:
    assist_tasks: list[AssistTask] = strawberry.field(
        resolver=assist_tasks,
        description="Tasks assigned to a role you hold (assisted delivery), soonest due first.",
    )


@strawberry.type
class AssistMutation:
    complete_assist_task: AssistTaskPayload = strawberry.mutation(resolver=complete_assist_task)
    refuse_assist_task: AssistTaskPayload = strawberry.mutation(resolver=refuse_assist_task)
