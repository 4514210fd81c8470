"""Typed outcomes of mutations: an expected failure is data the client can switch on.

Each LoaError an action may raise has a member here; anything else stays an
error (and, if it is not a LoaError, a masked bug).
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from core.errors import (
    Forbidden,
    InvalidTransition,
    LoaError,
    ModerationBlocked,
    ModerationHeld,
    NotFound,
    ValidationFailed,
)
from core.graphql.errors import client_fields
from core.graphql.types.managed_article import ManagedArticle
from core.graphql.types.moderation import (
    ModerationBlockedError,
    ModerationHeldError,
    ModerationSpan,
)
from core.graphql.types.target import ChannelTarget


@strawberry.type
class FieldError:
    field: str = strawberry.field(description="The input field, as the client named it.")
    message: str


@strawberry.type
class ValidationError:
    message: str
    fields: list[FieldError]


@strawberry.type
class NotFoundError:
    message: str


@strawberry.type
class ForbiddenError:
    message: str
    code: str = strawberry.field(
        default="FORBIDDEN", description="FORBIDDEN, or STEP_UP_REQUIRED: send a fresh totpCode."
    )


@strawberry.type
class TransitionError:
    message: str


@strawberry.type
class ArticleResult:
    article: ManagedArticle


@strawberry.type
class ChannelTargetResult:
    target: ChannelTarget


Failure = (
    ValidationError
    | NotFoundError
    | ForbiddenError
    | TransitionError
    | ModerationBlockedError
    | ModerationHeldError
)

ArticlePayload = Annotated[
    ArticleResult
    | ValidationError
    | NotFoundError
    | ForbiddenError
    | TransitionError
    | ModerationBlockedError
    | ModerationHeldError,
    strawberry.union("ArticlePayload"),
]
ChannelTargetPayload = Annotated[
    ChannelTargetResult | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("ChannelTargetPayload"),
]


def failure(exc: LoaError) -> Failure:
    """The payload member for an expected failure; re-raises any other LoaError."""
    if isinstance(exc, ValidationFailed):
        fields = [FieldError(field=k, message=v) for k, v in client_fields(exc).items()]
        return ValidationError(message=exc.message, fields=fields)
    if isinstance(exc, NotFound):
        return NotFoundError(message=exc.message)
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=exc.message, code=exc.code)
    if isinstance(exc, InvalidTransition):
        return TransitionError(message=exc.message)
    if isinstance(exc, ModerationBlocked):
        spans = [ModerationSpan.of(s) for s in exc.spans]
        return ModerationBlockedError(message=exc.message, code=exc.code, spans=spans)
    if isinstance(exc, ModerationHeld):
        spans = [ModerationSpan.of(s) for s in exc.spans]
        return ModerationHeldError(message=exc.message, code=exc.code, spans=spans)
    raise exc
