"""Channel targets the caller may manage; credentials never leave the database."""

from __future__ import annotations

from typing import Any

import strawberry

from core.actions.targets import list_targets
from core.graphql.request import RequestContext
from core.graphql.types.target import ChannelTarget


def channel_targets(info: strawberry.Info[RequestContext, Any]) -> list[ChannelTarget]:
    rc = info.context
    assert rc.actor is not None
    return [ChannelTarget.of(t) for t in list_targets(rc.ctx, rc.actor)]
