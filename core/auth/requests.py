"""Who is calling the management API: the single entry point, :func:`authenticate`.

Either ``Authorization: Bearer loa_<prefix>_<secret>`` (an API token, see
``core.auth.tokens``) or the admin's session cookie, once both factors are done. A
request made with the cookie that is not a read (anything but GET/HEAD) must carry the
session's CSRF token in ``X-CSRF-Token``. Every refusal that is not a plain missing
credential is written to the audit log; no message repeats what was sent.
"""

from __future__ import annotations

from starlette.requests import Request

from core.auth import actions, tokens
from core.auth.permissions import Actor
from core.auth.web import CSRF_HEADER, client_address, csrf_ok, session_id
from core.context import Context
from core.errors import Forbidden, Unauthenticated

READS = ("GET", "HEAD")


def authenticate(request: Request, ctx: Context) -> Actor:
    """The actor behind the request; :class:`Unauthenticated` / :class:`Forbidden` otherwise.

    Synchronous (it reads the database): call it from a worker thread.
    """
    address = client_address(request)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise Unauthenticated("a bearer API token is required")
        return tokens.authenticate_token(ctx, given.strip(), address)
    sid = session_id(request, ctx.settings)
    if not sid:
        raise Unauthenticated("sign in with both factors, or send a bearer API token")
    store = actions.sessions(ctx)
    session = store.load(sid)
    if session is None:
        if store.was_rotated(sid):
            actions.record_refusal(ctx, "auth.session_reused", address=address, via="api")
        raise Unauthenticated("the session has ended; sign in again")
    if not session.complete or session.user_id is None:
        actions.record_refusal(
            ctx,
            "auth.refused",
            address=address,
            user_id=session.user_id,
            via="api",
            reason="second factor not done",
        )
        raise Unauthenticated("finish two-factor sign-in first")
    if request.method not in READS and not csrf_ok(session, request.headers.get(CSRF_HEADER)):
        actions.record_refusal(
            ctx, "auth.csrf_refused", address=address, user_id=session.user_id, via="api"
        )
        raise Forbidden("the X-CSRF-Token header is missing or wrong")
    with ctx.sessions() as db:
        actor = actions.actor_for(db, session.user_id)
    if actor is None:
        store.destroy(session)
        raise Unauthenticated("the session has ended; sign in again")
    return actor
