"""Account mutations: API tokens, TOTP reset, roles. Thin: the checks are in core.auth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry

from core.auth import actions, tokens
from core.errors import LoaError, NotFound
from core.graphql.errors import row_id
from core.graphql.mutations.articles import stepped_up
from core.graphql.request import RequestContext
from core.graphql.types.account import (
    AccountPayload,
    ApiToken,
    ApiTokenCreated,
    ApiTokenPayload,
    ApiTokenRevoked,
    Done,
    EnrolmentLinkIssued,
    RevokePayload,
    TotpResetPayload,
)
from core.graphql.types.payloads import failure

Info = strawberry.Info[RequestContext, Any]


def create_api_token(
    info: Info, name: str, scopes: list[str], expires_in_days: int = 90
) -> ApiTokenPayload:
    """A token for your own account, from a signed-in session (never with a token)."""
    rc = info.context
    assert rc.actor is not None
    try:
        made = tokens.create_token(rc.ctx, rc.actor, name, scopes, expires_in_days, rc.address)
    except LoaError as exc:
        return failure(exc)  # type: ignore[return-value]
    return ApiTokenCreated(token=ApiToken.of(made.token), secret=made.plaintext)


def revoke_api_token(info: Info, id: strawberry.ID) -> RevokePayload:
    rc = info.context
    assert rc.actor is not None
    try:
        number = row_id(id)
        if number is None:
            raise NotFound(f"no API token {id}")
        token = tokens.revoke_token(rc.ctx, rc.actor, number, rc.address)
    except LoaError as exc:
        return failure(exc)  # type: ignore[return-value]
    return ApiTokenRevoked(token=ApiToken.of(token))


TOTP_CODE = "A fresh TOTP code of your own: roles and second factors change only with one."
TotpCode = Annotated[str | None, strawberry.argument(description=TOTP_CODE)]


def _done(act: Callable[[], None]) -> AccountPayload:
    try:
        act()
    except LoaError as exc:
        return failure(exc)  # type: ignore[return-value]
    return Done()


def reset_totp(info: Info, username: str, totp_code: TotpCode = None) -> TotpResetPayload:
    """Clear an account's second factor; the answer is the one-time link to enrol again."""
    rc = info.context
    assert rc.actor is not None
    try:
        link = actions.reset_totp(rc.ctx, stepped_up(rc, totp_code), username, rc.address)
    except LoaError as exc:
        return failure(exc)  # type: ignore[return-value]
    return EnrolmentLinkIssued(
        username=link.username,
        enrolment_link=f"{rc.ctx.settings.base_url}/admin/enrol/{link.token}",
        expires_at=link.expires_at,
    )


def grant_role(
    info: Info, username: str, unit_code: str, role: str, totp_code: TotpCode = None
) -> AccountPayload:
    rc = info.context
    return _done(
        lambda: actions.grant_role(rc.ctx, stepped_up(rc, totp_code), username, unit_code, role)
    )


def revoke_role(
    info: Info, username: str, unit_code: str, role: str, totp_code: TotpCode = None
) -> AccountPayload:
    rc = info.context
    return _done(
        lambda: actions.revoke_role(rc.ctx, stepped_up(rc, totp_code), username, unit_code, role)
    )


@strawberry.type
class AccountMutation:
    create_api_token: ApiTokenPayload = strawberry.mutation(resolver=create_api_token)
    revoke_api_token: RevokePayload = strawberry.mutation(resolver=revoke_api_token)
    reset_totp: TotpResetPayload = strawberry.mutation(resolver=reset_totp)
    grant_role: AccountPayload = strawberry.mutation(resolver=grant_role)
    revoke_role: AccountPayload = strawberry.mutation(resolver=revoke_role)
