"""Citizens' feedback for a unit's editors, and the moderator's decision on it. Thin."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from core.graphql.errors import argument_id, names_something
from core.graphql.request import RequestContext
from core.interactions import feedback as actions
from core.interactions.models import Feedback

Info = strawberry.Info[RequestContext, Any]


@strawberry.type(name="Feedback")
class FeedbackItem:
    id: strawberry.ID
    author_name: str
    contact: str = strawberry.field(description="Only if the citizen gave one; personal data.")
    text: str
    decision: str
    spans: JSON
    state: str
    received_at: dt.datetime

    @classmethod
    def of(cls, rc: RequestContext, row: Feedback) -> FeedbackItem:
        return cls(
            id=strawberry.ID(str(row.id)),
            author_name=row.author_name,
            contact=actions.contact_of(rc.ctx, row),
            text=row.text,
            decision=row.decision,
            spans=cast(JSON, row.spans),
            state=row.state,
            received_at=row.received_at,
        )


@strawberry.enum
class FeedbackDecision(enum.Enum):
    APPROVE = "approve"
    HIDE = "hide"


def feedback(
    info: Info, unit: str, state: str | None = None, first: int = 50
) -> list[FeedbackItem]:
    rc = info.context
    assert rc.actor is not None
    with names_something("unit"):
        rows = actions.listing(rc.ctx, rc.actor, unit, state, first)
    return [FeedbackItem.of(rc, f) for f in rows]


def decide_feedback(info: Info, id: strawberry.ID, decision: FeedbackDecision) -> FeedbackItem:
    rc = info.context
    assert rc.actor is not None
    with names_something("id"):
        row = actions.decide(rc.ctx, rc.actor, argument_id(id, "id"), decision.value)
    return FeedbackItem.of(rc, row)


@strawberry.type
class FeedbackQuery:
    feedback: list[FeedbackItem] = strawberry.field(
        resolver=feedback, description="Citizens' feedback to a unit and the units below it."
    )


@strawberry.type
class FeedbackMutation:
    decide_feedback: FeedbackItem = strawberry.mutation(resolver=decide_feedback)
