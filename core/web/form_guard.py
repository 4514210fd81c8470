"""Anti-abuse for Loa's public forms (no sign-in, so no session to hang a CSRF token on).

A double-submit token bound to a cookie: the page sets a random ``loa_form`` cookie
(SameSite=Strict, HttpOnly, only under the form's path) and puts in the form a token
``issued.mac``, where ``mac`` is an HMAC of (purpose, cookie, issued time and salt) under a
key derived from ``LOA_SECRET_KEYS``. Another site can neither read nor set that cookie, so
it cannot forge a post. The token must also be at least :data:`MIN_SECONDS` old (a person reads and
types; a script posts at once), at most :data:`MAX_SECONDS`, and is accepted once (a
reload does not send the message twice). A hidden field people never see (``website``)
catches the simplest robots. Counting posts per address stays with the actions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from starlette.requests import Request
from starlette.responses import Response

from core.context import Context

COOKIE = "loa_form"
FIELD = "form_token"
HONEYPOT = "website"
MIN_SECONDS, MAX_SECONDS = 2, 2 * 3600


def _mac(ctx: Context, purpose: str, nonce: str, issued: str) -> str:
    key = hashlib.sha256(b"loa-public-form:" + ctx.settings.secret_keys[0].reveal().encode())
    message = f"{purpose}:{nonce}:{issued}".encode()
    return hmac.new(key.digest(), message, hashlib.sha256).hexdigest()[:32]


def issue(ctx: Context, request: Request, purpose: str) -> tuple[str, str]:
    """(the cookie's value, kept or new; the form's token)."""
    nonce = request.cookies.get(COOKIE, "")
    if len(nonce) != 32 or not nonce.isalnum():
        nonce = secrets.token_hex(16)
    issued = f"{int(time.time())}-{secrets.token_hex(4)}"  # two pages in a second differ
    return nonce, f"{issued}.{_mac(ctx, purpose, nonce, issued)}"


def set_cookie(response: Response, ctx: Context, nonce: str, path: str) -> None:
    response.set_cookie(
        COOKIE,
        nonce,
        max_age=MAX_SECONDS,
        path=path,
        secure=ctx.settings.is_prod,
        httponly=True,
        samesite="strict",
    )


def check(
    ctx: Context,
    request: Request,
    purpose: str,
    token: str,
    honeypot: str = "",
    *,
    once: bool = True,
    min_seconds: float | None = None,
) -> str:
    """ "" when the post may go on; else why not (for the log, never shown as such)."""
    if honeypot:
        return "honeypot"
    nonce = request.cookies.get(COOKIE, "")
    issued, _, mac = (token or "").partition(".")
    seconds = issued.partition("-")[0]
    if not nonce or not seconds.isdigit() or not mac:
        return "missing"
    if not hmac.compare_digest(mac, _mac(ctx, purpose, nonce, issued)):
        return "forged"
    age = time.time() - int(seconds)
    if age < (MIN_SECONDS if min_seconds is None else min_seconds):
        return "too_fast"
    if age > MAX_SECONDS:
        return "expired"
    if once and not ctx.redis.set(f"loa:form-token:{mac}", "1", nx=True, ex=MAX_SECONDS + 60):
        return "reused"
    return ""
