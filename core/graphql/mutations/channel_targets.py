"""Channel target mutations: secrets go in, and never come back out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from core.actions.targets import create_target, update_target
from core.errors import LoaError, NotFound
from core.graphql.errors import row_id
from core.graphql.mutations.articles import stepped_up
from core.graphql.request import RequestContext
from core.graphql.types.inputs import ChannelTargetInput, ChannelTargetUpdateInput, target_data
from core.graphql.types.payloads import (
    ChannelTargetPayload,
    ChannelTargetResult,
    ForbiddenError,
    NotFoundError,
    ValidationError,
    failure,
)
from core.graphql.types.target import ChannelTarget
from core.targets.models import ChannelTarget as TargetModel

Info = strawberry.Info[RequestContext, Any]


def _run(info: Info, act: Callable[[RequestContext], TargetModel]) -> ChannelTargetPayload:
    try:
        target = act(info.context)
    except LoaError as exc:
        result = failure(exc)
        if not isinstance(result, ValidationError | NotFoundError | ForbiddenError):
            raise  # targets have no states to move between, nor text to moderate
        return result
    return ChannelTargetResult(target=ChannelTarget.of(target))


TOTP_CODE = (
    "A fresh TOTP code: needed to set credentials (secrets), to change where the target"
    " sends (a URL or account setting) and to change its gates."
)


def create_channel_target(
    info: Info,
    input: ChannelTargetInput,
    totp_code: Annotated[str | None, strawberry.argument(description=TOTP_CODE)] = None,
) -> ChannelTargetPayload:
    def act(rc: RequestContext) -> TargetModel:
        return create_target(rc.ctx, stepped_up(rc, totp_code), target_data(input))

    return _run(info, act)


def update_channel_target(
    info: Info,
    id: strawberry.ID,
    input: ChannelTargetUpdateInput,
    totp_code: Annotated[str | None, strawberry.argument(description=TOTP_CODE)] = None,
) -> ChannelTargetPayload:
    def act(rc: RequestContext) -> TargetModel:
        number = row_id(id)
        if number is None:
            raise NotFound(f"no channel target with id {id}")
        return update_target(rc.ctx, stepped_up(rc, totp_code), number, target_data(input))

    return _run(info, act)
