"""The session cookie and CSRF, shared by the admin pages and the management API.

Cookie: HttpOnly, SameSite=Strict, Path=/, and outside dev Secure under the
``__Host-`` prefix (which browsers only accept with Secure, no Domain, Path=/).
CSRF: a random token per session, in a hidden field of every form and in the
``X-CSRF-Token`` header of script requests, compared in constant time.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from core.auth.sessions import Session
from core.settings import Settings

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def cookie_name(settings: Settings) -> str:
    return "__Host-loa_session" if settings.is_prod else "loa_session"


def session_id(request: Request, settings: Settings) -> str | None:
    return request.cookies.get(cookie_name(settings))


def set_cookie(response: Response, session: Session, settings: Settings) -> None:
    response.set_cookie(
        cookie_name(settings),
        session.id,
        max_age=settings.session_lifetime,
        path="/",
        secure=settings.is_prod,
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings), path="/", secure=settings.is_prod, httponly=True, samesite="strict"
    )


def client_address(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers to see the client)."""
    return request.client.host if request.client else "unknown"


def csrf_ok(session: Session | None, presented: str | None) -> bool:
    if session is None or not presented:
        return False
    return hmac.compare_digest(session.csrf.encode(), presented.encode())
