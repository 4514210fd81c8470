"""One delivery of an article to one target: what the outbox row says happened."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.delivery.models import Delivery as DeliveryModel
from core.graphql.types.target import ChannelTarget
from core.targets.models import ChannelTarget as TargetModel


@strawberry.type
class Delivery:
    id: strawberry.ID
    target: ChannelTarget
    action: str
    state: str
    attempt: int
    revision: int
    due_at: dt.datetime
    remote_id: str
    remote_url: str
    error_kind: str
    error_message: str
    updated_at: dt.datetime

    @classmethod
    def of(cls, delivery: DeliveryModel, target: TargetModel) -> Delivery:
        return cls(
            id=strawberry.ID(str(delivery.id)),
            target=ChannelTarget.of(target),
            action=delivery.action,
            state=delivery.state,
            attempt=delivery.attempt,
            revision=delivery.revision,
            due_at=delivery.due_at,
            remote_id=delivery.remote_id,
            remote_url=delivery.remote_url,
            error_kind=delivery.error_kind,
            error_message=delivery.error_message,
            updated_at=delivery.updated_at,
        )
