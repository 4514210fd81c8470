"""The test channel's consent flow and token refresh (``core.Connectable``), in memory.

It behaves like the strictest real platform (Zalo OA v4): PKCE S256 is checked at the
exchange, codes are single-use, and each refresh spends its refresh token and returns a
new pair; spending one twice is an ``AuthError``, as a lost race would be on Zalo.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import itertools
from collections.abc import Mapping
from urllib.parse import urlencode

from core import AuthError, Credentials, Target

AUTHORISE = "https://consent.test/authorise"
LIFETIME = dt.timedelta(hours=25)
#: Codes the fake consent page issued: code → the PKCE challenge it was issued for.
CODES: dict[str, str | None] = {}
SPENT: set[str] = set()
REFRESHES: list[str] = []
_serial = itertools.count(1)


def consent(challenge: str | None) -> str:
    """What the platform does when the admin approves: issue a one-time code."""
    code = f"code-{next(_serial)}"
    CODES[code] = challenge
    return code


def _pair(now: dt.datetime) -> Credentials:
    n = next(_serial)
    return Credentials(
        secrets={"access_token": f"at-{n}", "refresh_token": f"rt-{n}"},
        expires_at=now + LIFETIME,
        settings={"account_id": "oa-42"},
    )


class ConnectMixin:
    pkce = True
    refresh_before = dt.timedelta(hours=5)

    def authorise_url(
        self, target: Target, *, redirect_uri: str, state: str, code_challenge: str | None
    ) -> str:
        query = {"app_id": target.settings.get("app_id", "app"), "redirect_uri": redirect_uri}
        return (
            f"{AUTHORISE}?{urlencode({**query, 'state': state, 'code_challenge': code_challenge})}"
        )

    async def exchange_code(
        self,
        target: Target,
        *,
        params: Mapping[str, str],
        redirect_uri: str,
        code_verifier: str | None,
    ) -> Credentials:
        code = params.get("code", "")
        if code not in CODES:
            raise AuthError("the code is unknown or was used")
        challenge = CODES.pop(code)
        digest = hashlib.sha256((code_verifier or "").encode()).digest()
        if challenge != base64.urlsafe_b64encode(digest).rstrip(b"=").decode():
            raise AuthError("the code verifier does not match")
        return _pair(dt.datetime.now(dt.UTC))

    async def refresh(self, target: Target) -> Credentials:
        token = target.secrets.get("refresh_token", "")
        REFRESHES.append(token)
        await asyncio.sleep(0.05)  # a real round trip: long enough for a race to show
        if not token or token in SPENT:
            raise AuthError("the refresh token was already used")
        SPENT.add(token)
        return _pair(dt.datetime.now(dt.UTC))
