"""A channel target as its admins see it: settings yes, credentials never (only whether set)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from core.graphql.request import RequestContext
from core.graphql.types.unit import Unit
from core.targets.models import ChannelTarget as TargetModel


@strawberry.type
class ChannelTarget:
    id: strawberry.ID
    name: str
    plugin: str
    settings: JSON
    has_secrets: bool = strawberry.field(description="Credentials are stored (never returned).")
    enabled: bool
    health: str
    health_detail: str
    created_at: dt.datetime
    updated_at: dt.datetime
    unit_id: strawberry.Private[int]

    @strawberry.field
    async def unit(self, info: strawberry.Info[RequestContext, Any]) -> Unit:
        row = await info.context.loaders.unit.load(self.unit_id)
        assert row is not None, "channel_targets.unit_id is a foreign key"
        return Unit.of(row)

    @classmethod
    def of(cls, target: TargetModel) -> ChannelTarget:
        return cls(
            id=strawberry.ID(str(target.id)),
            name=target.name,
            plugin=target.plugin,
            settings=cast(JSON, dict(target.settings or {})),
            has_secrets=bool(target.secrets_sealed),
            enabled=target.enabled,
            health=target.health,
            health_detail=target.health_detail,
            created_at=target.created_at,
            updated_at=target.updated_at,
            unit_id=target.unit_id,
        )
