"""Who is calling the management API. One function, so sessions + TOTP can replace it later."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from core.context import Context
from core.errors import Unauthenticated

API_TOKEN_ACTOR = Actor(name="api-token", grants=(Grant(Role.ADMIN, "/"),))


def authenticate(request: Request, ctx: Context) -> Actor:
    """The actor behind ``Authorization: Bearer <token>``; :class:`Unauthenticated` otherwise.

    The comparison is constant-time, and no message ever repeats what was sent.
    """
    expected = ctx.settings.api_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if expected is None or scheme.lower() != "bearer" or not given.strip():
        raise Unauthenticated("a bearer API token is required")
    if not secrets.compare_digest(given.strip().encode(), expected.reveal().encode()):
        raise Unauthenticated("the API token is not valid")
    return API_TOKEN_ACTOR
