"""Delivery mutations: "retry now" (``core.actions.deliveries``), its failures typed."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.actions import deliveries as actions
from core.errors import LoaError
from core.graphql.errors import argument_id
from core.graphql.request import RequestContext
from core.graphql.types.delivery import Delivery
from core.graphql.types.payloads import (
    ForbiddenError,
    NotFoundError,
    TransitionError,
    ValidationError,
    failure,
)

Info = strawberry.Info[RequestContext, Any]


@strawberry.type
class DeliveryResult:
    delivery: Delivery


DeliveryPayload = Annotated[
    DeliveryResult | ValidationError | NotFoundError | ForbiddenError | TransitionError,
    strawberry.union("DeliveryPayload"),
]


def retry_delivery_now(info: Info, id: strawberry.ID) -> DeliveryPayload:
    """Make a failed or waiting delivery due now; its own checks (allowance, quota) still
    apply. Refused (TransitionError) when it is delivered, already due or superseded."""
    rc = info.context
    assert rc.actor is not None
    try:
        row, target = actions.retry_now(rc.ctx, rc.actor, argument_id(id, "id"))
    except LoaError as exc:
        result = failure(exc)
        if not isinstance(
            result, ValidationError | NotFoundError | ForbiddenError | TransitionError
        ):
            raise  # a delivery has no text of its own to moderate
        return result
    return DeliveryResult(delivery=Delivery.of(row, target))


@strawberry.type
class DeliveryMutation:
    retry_delivery_now: DeliveryPayload = strawberry.mutation(
        resolver=retry_delivery_now,
        description="Retry a failed or waiting delivery now (exactly once; audited).",
    )
