"""Google OAuth for a YouTube target: consent with offline access, code exchange, refresh.

A refresh returns no new refresh token: only the access token and its expiry are returned,
core keeps the rest. A project in "Testing" publishing status gets refresh tokens that die
7 days after consent; Google then answers ``invalid_grant`` and a person must consent again.
Loa sees it coming two ways: the token response's ``refresh_token_expires_in`` (a
time-limited grant), or the target's ``testing_mode`` setting; either sets
``consent_expires_at``, and the target's health says when consent ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from core import AuthError, Credentials, Target

if TYPE_CHECKING:
    from plugins.youtube.client import TokenGrant, YouTubeClient

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",
)
TESTING_LIFETIME = dt.timedelta(days=7)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class OAuthMixin:
    pkce = True
    refresh_before = dt.timedelta(minutes=10)

    def client(self, target: Target) -> YouTubeClient:  # pragma: no cover - the channel's
        raise NotImplementedError

    def authorise_url(
        self, target: Target, *, redirect_uri: str, state: str, code_challenge: str | None
    ) -> str:
        from plugins.youtube.channel import AUTH_URL

        query = {
            "client_id": str(target.settings.get("client_id", "")),
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "access_type": "offline",
            "prompt": "consent",  # a refresh token every time, even on a second consent
            "include_granted_scopes": "true",
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{target.settings.get('auth_url', AUTH_URL)}?{urlencode(query)}"

    async def exchange_code(
        self,
        target: Target,
        *,
        params: Mapping[str, str],
        redirect_uri: str,
        code_verifier: str | None,
    ) -> Credentials:
        if params.get("error"):
            raise AuthError(f"Google consent was not given ({params['error'][:64]})")
        code = params.get("code", "")
        if not code:
            raise AuthError("Google's callback carried no code")
        connecting = Target(
            target.id,
            target.name,
            target.settings,
            {**target.secrets, "refresh_token": "-"},
            target.timeout,
            target.allow_networks,
        )
        async with self.client(connecting) as yt:
            grant = await yt.exchange_code(code, redirect_uri, code_verifier)
            if not grant.refresh_token:
                raise AuthError("Google gave no refresh token (offline access was not granted)")
            yt.use(grant.access_token)
            channel_id = await yt.my_channel()
        now = dt.datetime.now(dt.UTC)
        consent = _consent(grant, target.settings, now, fresh=True)
        return Credentials(
            secrets={"access_token": grant.access_token, "refresh_token": grant.refresh_token},
            expires_at=now + dt.timedelta(seconds=grant.expires_in),
            settings={"channel_id": channel_id, **consent},
            warning=warning(consent_ends(consent)),
        )

    async def refresh(self, target: Target) -> Credentials:
        async with self.client(target) as yt:
            grant = await yt.refresh()
        now = dt.datetime.now(dt.UTC)
        consent = _consent(grant, target.settings, now, fresh=False)
        return Credentials(
            secrets={"access_token": grant.access_token},
            expires_at=now + dt.timedelta(seconds=grant.expires_in),
            settings=consent,
            warning=warning(consent_ends({**target.settings, **consent})),
        )


def warning(ends: dt.datetime | None) -> str:
    """What the target's health says while consent ends on its own (a project in Testing)."""
    if ends is None:
        return ""
    local = ends.astimezone(HANOI).strftime("%H:%M %d/%m/%Y")
    return (
        f"Dự án Google đang ở chế độ Thử nghiệm (Testing): sự đồng ý hết hạn lúc {local}; "
        "hãy xuất bản ứng dụng (In production) hoặc kết nối lại trước thời điểm đó "
        f"(the Google project is in Testing: consent ends at {local} ICT; publish the app "
        "or reconnect before then)"
    )


def _consent(
    grant: TokenGrant, settings: Mapping[str, object], now: dt.datetime, *, fresh: bool
) -> dict[str, str]:
    """``consent_expires_at`` when the grant is time-limited (said by Google, or by the
    ``testing_mode`` setting at consent)."""
    if grant.refresh_token_expires_in is not None:
        ends = now + dt.timedelta(seconds=grant.refresh_token_expires_in)
        return {"consent_expires_at": ends.isoformat(timespec="seconds")}
    if fresh and settings.get("testing_mode"):
        return {"consent_expires_at": (now + TESTING_LIFETIME).isoformat(timespec="seconds")}
    return {}


def consent_ends(settings: Mapping[str, object]) -> dt.datetime | None:
    value = settings.get("consent_expires_at")
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
