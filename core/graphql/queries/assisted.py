"""Operators' tasks (assisted delivery): the ones assigned to me, and recording an outcome.

Thin: who sees and who may complete a task is decided in ``core.delivery.assisted.actions``.
"""

from __future__ import annotations

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


def complete_assist_task(
    info: Info, task_id: strawberry.ID, remote_id: str = "", remote_url: str = ""
) -> AssistTaskPayload:
    """Record what the operator did on the channel: the delivery completes."""
    rc = info.context
    assert rc.actor is not None
    try:
        view = actions.complete(
            rc.ctx, rc.actor, argument_id(task_id, "taskId"), remote_id, remote_url
        )
    except LoaError as exc:
        result = failure(exc)
        if not isinstance(
            result, ValidationError | NotFoundError | ForbiddenError | TransitionError
        ):
            raise
        return result
    return AssistTaskResult(task=AssistTask.of(view))


@strawberry.type
class AssistQuery:
    assist_tasks: list[AssistTask] = strawberry.field(
        resolver=assist_tasks,
        description="Tasks assigned to a role you hold (assisted delivery), soonest due first.",
    )


@strawberry.type
class AssistMutation:
    complete_assist_task: AssistTaskPayload = strawberry.mutation(resolver=complete_assist_task)
