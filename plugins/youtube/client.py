"""A typed client of the YouTube Data API v3 and Google's token endpoint, over core's
outbound client (public addresses only, plus the target's allowed networks).

Bases are injectable (``api_base``, ``token_url``): the sandbox answers on the same paths.
An access token that is refused (401) is refreshed once with the refresh token and the call
repeated; a refresh refused with ``invalid_grant`` is an ``AuthError`` (a person must
consent again). No token or secret appears in any message this module raises.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from core import AuthError, OutcomeUnknown, PermanentError, TransientError, outbound_client
from plugins.youtube.errors import error_for

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_USER_AGENT = "Loa-youtube/1"
#: Transport failures after the request left: it may have been acted on.
SENT_ERRORS = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)
#: Transport failures before anything left.
UNSENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class TokenGrant:
    """What Google's token endpoint gave: ``refresh_token`` only on a code exchange;
    ``refresh_token_expires_in`` only for a time-limited grant (a project in Testing)."""

    access_token: str
    expires_in: int
    refresh_token: str = ""
    refresh_token_expires_in: int | None = None
    scope: str = ""


@dataclass(frozen=True)
class Account:
    """The OAuth client and the grant a target holds (from its settings and secrets)."""

    api_base: str
    token_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    access_token: str = ""


class YouTubeClient:
    """One target's conversation with YouTube; use as ``async with``."""

    def __init__(
        self,
        account: Account,
        *,
        timeout: float,
        allow_networks: tuple[Network, ...] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.account = account
        self.api_base = account.api_base.rstrip("/")
        self._access = account.access_token
        self._http = outbound_client(timeout=timeout, allow=allow_networks, transport=transport)

    async def __aenter__(self) -> YouTubeClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._http.aclose()

    # --- tokens ---------------------------------------------------------------------------
    async def refresh(self) -> TokenGrant:
        grant = await self._token(
            {"grant_type": "refresh_token", "refresh_token": self.account.refresh_token}
        )
        self._access = grant.access_token
        return grant

    async def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return await self._token(form)

    def use(self, access_token: str) -> None:
        """Call with this access token from now on (one just obtained)."""
        self._access = access_token

    async def _mine(self, part: str) -> Any:
        """The channel the grant speaks for (``channels.list?mine=true``), as YouTube gives it."""
        doc = await self.json_call(
            "GET",
            "/youtube/v3/channels",
            "channels.list",
            params={"part": part, "mine": "true"},
            unknown=TransientError,
        )
        items = doc.get("items")
        return items[0] if isinstance(items, list) and items else {}

    async def my_channel(self) -> str:
        """The id of the channel the grant speaks for."""
        try:
            return str((await self._mine("id"))["id"])
        except (KeyError, IndexError, TypeError):
            raise AuthError("the Google account that consented has no YouTube channel") from None

    async def _token(self, form: dict[str, str]) -> TokenGrant:
        form = {
            **form,
            "client_id": self.account.client_id,
            "client_secret": self.account.client_secret,
        }
        response = await self._send(
            "POST", self.account.token_url, data=form, unknown=TransientError
        )
        if response.status_code == 200:
            try:
                doc = response.json()
                return TokenGrant(
                    access_token=str(doc["access_token"]),
                    expires_in=int(doc.get("expires_in", 3599)),
                    refresh_token=str(doc.get("refresh_token", "")),
                    refresh_token_expires_in=(
                        int(doc["refresh_token_expires_in"])
                        if "refresh_token_expires_in" in doc
                        else None
                    ),
                    scope=str(doc.get("scope", "")),
                )
            except (ValueError, KeyError, TypeError):
                raise PermanentError("Google's token endpoint answered unexpected JSON") from None
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            error = None
        if error in ("invalid_grant", "invalid_client", "unauthorized_client", "access_denied"):
            raise AuthError(
                f"Google refused the grant ({error}): the channel must be connected again"
            )
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(f"Google's token endpoint answered {response.status_code}")
        raise AuthError(f"Google's token endpoint answered {response.status_code}")

    # --- calls ------------------------------------------------------------------------------
    async def call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content: bytes | AsyncIterator[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        unknown: type[Exception] = OutcomeUnknown,
        url: str | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> httpx.Response:
        """One authorised call; 401 refreshes the access token once. Non-``ok`` answers raise
        the typed error of their reason."""
        target = url or f"{self.api_base}{path}"
        extra = dict(headers or {})
        if body is not None:
            content = json.dumps(body, ensure_ascii=False).encode()
            extra.setdefault("content-type", "application/json; charset=UTF-8")
        if not self._access:
            await self.refresh()
        for attempt in (1, 2):
            auth = {"authorization": f"Bearer {self._access}", **extra}
            response = await self._send(
                method, target, params=params, content=content, headers=auth, unknown=unknown
            )
            if (
                response.status_code == 401
                and attempt == 1
                and not isinstance(content, AsyncIterator)
            ):
                await self.refresh()
                continue
            break
        if response.status_code not in ok:
            raise error_for(response, what)
        return response

    async def _send(
        self,
        method: str,
        url: str,
        *,
        unknown: type[Exception],
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {"user-agent": _USER_AGENT, **(kwargs.pop("headers", None) or {})}
        try:
            return await self._http.request(method, url, headers=headers, **kwargs)
        except UNSENT_ERRORS as exc:
            raise TransientError(f"YouTube unreachable ({type(exc).__name__})") from None
        except SENT_ERRORS as exc:
            raise unknown(
                f"YouTube did not answer after the request was sent ({type(exc).__name__})"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise PermanentError("the YouTube address of this target is not a valid URL") from None
        except httpx.TransportError as exc:
            raise TransientError(f"YouTube transport error ({type(exc).__name__})") from None

    async def json_call(self, method: str, path: str, what: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.call(method, path, what, **kwargs)
        try:
            doc = response.json()
        except ValueError:
            raise PermanentError(f"YouTube {what} answered without JSON") from None
        if not isinstance(doc, dict):
            raise PermanentError(f"YouTube {what} answered unexpected JSON")
        return doc

    # --- videos ---------------------------------------------------------------------------
    async def videos(self, ids: list[str], part: str = "snippet,status") -> list[dict[str, Any]]:
        if not ids:
            return []
        doc = await self.json_call(
            "GET",
            "/youtube/v3/videos",
            "videos.list",
            params={"part": part, "id": ",".join(ids), "maxResults": "50"},
            unknown=TransientError,
        )
        return [v for v in doc.get("items", []) if isinstance(v, dict)]

    async def update_video(self, resource: dict[str, Any], part: str) -> dict[str, Any]:
        return await self.json_call(
            "PUT", "/youtube/v3/videos", "videos.update", params={"part": part}, body=resource
        )

    async def delete_video(self, video_id: str) -> bool:
        """Delete; ``False`` when it was already gone (a take-down is then done)."""
        response = await self.call(
            "DELETE", "/youtube/v3/videos", "videos.delete", params={"id": video_id}, ok=(204, 404)
        )
        return response.status_code == 204

    async def recent_uploads(self, count: int = 50) -> list[str]:
        """The ids of the channel's newest uploads (its uploads playlist), newest first."""
        mine = await self._mine("contentDetails")
        try:
            uploads = mine["contentDetails"]["relatedPlaylists"]["uploads"]
        except (KeyError, IndexError, TypeError):
            return []
        doc = await self.json_call(
            "GET",
            "/youtube/v3/playlistItems",
            "playlistItems.list",
            params={"part": "contentDetails", "playlistId": str(uploads), "maxResults": str(count)},
            unknown=TransientError,
        )
        return [
            str(i["contentDetails"]["videoId"])
            for i in doc.get("items", [])
            if "contentDetails" in i
        ]

    async def set_thumbnail(self, video_id: str, data: bytes, content_type: str) -> None:
        await self.call(
            "POST",
            "/upload/youtube/v3/thumbnails/set",
            "thumbnails.set",
            params={"videoId": video_id, "uploadType": "media"},
            content=data,
            headers={"content-type": content_type},
            unknown=TransientError,
        )

    # --- comments -------------------------------------------------------------------------
    async def comment_threads(
        self, channel_id: str, status: str, page_token: str = ""
    ) -> tuple[list[dict[str, Any]], str]:
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": channel_id,
            "moderationStatus": status,
            "maxResults": "100",
            "order": "time",
            "textFormat": "plainText",
        }
        if page_token:
            params["pageToken"] = page_token
        doc = await self.json_call(
            "GET",
            "/youtube/v3/commentThreads",
            "commentThreads.list",
            params=params,
            unknown=TransientError,
        )
        return [t for t in doc.get("items", []) if isinstance(t, dict)], str(
            doc.get("nextPageToken", "")
        )

    async def set_moderation(self, comment_id: str, status: str, *, ban: bool = False) -> None:
        params = {"id": comment_id, "moderationStatus": status}
        if ban:
            params["banAuthor"] = "true"
        await self.call(
            "POST",
            "/youtube/v3/comments/setModerationStatus",
            "comments.setModerationStatus",
            params=params,
            unknown=TransientError,
        )

    async def reply(self, parent_id: str, text: str) -> dict[str, Any]:
        return await self.json_call(
            "POST",
            "/youtube/v3/comments",
            "comments.insert",
            params={"part": "snippet"},
            body={"snippet": {"parentId": parent_id, "textOriginal": text}},
        )
