"""Typed client of the Zalo OA OpenAPI and OAuth v4 (see CONTRACT.md), over core's outbound client.

Every answer is HTTP 200 with ``{"error": 0|-N, "message", "data"}``; a negative ``error`` is
mapped by :func:`plugins.zalo.errors.error_for`. Transport failures follow the portal's rule: a
connect error means nothing left (retry), a read timeout means it may have landed (reconcile).
The access token travels in the ``access_token`` header and the app secret in ``secret_key``;
neither ever appears in an error message. Base URLs are injectable (the sandbox).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Mapping
from typing import Any

import httpx

from core import AuthError, OutcomeUnknown, PermanentError, TransientError, outbound_client
from plugins.zalo.errors import error_for

API_BASE = "https://openapi.zalo.me"
OAUTH_BASE = "https://oauth.zaloapp.com"
_USER_AGENT = "Loa-zalo/1"

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


class ZaloClient:
    """One OA (its access token) or one app (its secret, for OAuth)."""

    def __init__(
        self,
        *,
        api_base: str = API_BASE,
        oauth_base: str = OAUTH_BASE,
        access_token: str = "",
        timeout: float = 10.0,
        allow_networks: Networks = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self._token = access_token
        self._timeout = timeout
        self._allow = allow_networks
        self._transport = transport

    # Articles (openapi.zalo.me/v2.0/article/*)
    async def create_article(self, body: Mapping[str, Any]) -> str:
        """``article/create`` → the creation token (the article id comes from ``verify``)."""
        return str((await self._api("POST", "/v2.0/article/create", json=body))["token"])

    async def verify_article(self, token: str) -> str:
        """``article/verify``: the article id, or ``TransientError`` (-214) while processing."""
        data = await self._api("POST", "/v2.0/article/verify", json={"token": token})
        return str(data["id"])

    async def update_article(self, body: Mapping[str, Any]) -> str:
        return str((await self._api("POST", "/v2.0/article/update", json=body))["token"])

    async def remove_article(self, article_id: str) -> None:
        await self._api("POST", "/v2.0/article/remove", json={"id": article_id})

    async def article_detail(self, article_id: str) -> dict[str, Any]:
        return await self._api("GET", "/v2.0/article/getdetail", params={"id": article_id})

    async def recent_articles(self, limit: int = 10) -> list[dict[str, Any]]:
        params = {"offset": "0", "limit": str(limit), "type": "normal"}
        data = await self._api("GET", "/v2.0/article/getslice", params=params)
        medias = data.get("medias")
        return [m for m in medias if isinstance(m, dict)] if isinstance(medias, list) else []

    # Messages (openapi.zalo.me)
    async def broadcast(self, target: Mapping[str, str], article_ids: list[str]) -> str:
        """Broadcast articles (at most 5) to followers matching ``target``; the message id."""
        elements = [{"media_type": "article", "attachment_id": a} for a in article_ids]
        body = {
            "recipient": {"target": dict(target)},
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {"template_type": "media", "elements": elements},
                }
            },
        }
        return str((await self._api("POST", "/v2.0/oa/message", json=body))["message_id"])

    async def reply(self, message_id: str, text: str) -> str:
        """A consultation message quoting the citizen's message (``/v3.0/oa/message/cs``)."""
        body = {"recipient": {"message_id": message_id}, "message": {"text": text}}
        return str((await self._api("POST", "/v3.0/oa/message/cs", json=body))["message_id"])

    # OAuth v4 (oauth.zaloapp.com)
    async def access_token(
        self, app_id: str, app_secret: str, form: Mapping[str, str]
    ) -> tuple[str, str, int]:
        """Exchange a code or a refresh token: (access token, refresh token, lifetime s)."""
        url = f"{self.oauth_base}/v4/oa/access_token"
        headers = {"secret_key": app_secret}
        doc = await self._send(
            "POST", url, headers=headers, data={**form, "app_id": app_id}, where="oauth"
        )
        try:
            return (str(doc["access_token"]), str(doc["refresh_token"]), int(doc["expires_in"]))
        except (KeyError, TypeError, ValueError):
            raise AuthError("Zalo oauth: the answer has no token pair") from None

    async def _api(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = {"access_token": self._token}
        doc = await self._send(
            method, self.api_base + path, headers=headers, json=json, params=params, where=path
        )
        data = doc.get("data", {})
        return data if isinstance(data, dict) else {}

    async def _send(self, method: str, url: str, *, where: str, **kwargs: Any) -> dict[str, Any]:
        kwargs["headers"] = {"user-agent": _USER_AGENT, **kwargs.get("headers", {})}
        try:
            async with outbound_client(
                timeout=self._timeout, allow=self._allow, transport=self._transport
            ) as http:
                response = await http.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientError(f"Zalo unreachable ({type(exc).__name__})") from None
        except (
            httpx.ReadTimeout,
            httpx.WriteTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        ) as exc:
            raise OutcomeUnknown(
                f"Zalo {where} did not answer after the request was sent ({type(exc).__name__})"
            ) from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            raise PermanentError("Zalo base URL is not a valid http(s) URL") from None
        except httpx.TransportError as exc:
            raise TransientError(f"Zalo transport error ({type(exc).__name__})") from None
        return _envelope(response, where)


def _envelope(response: httpx.Response, where: str) -> dict[str, Any]:
    status = response.status_code
    if status == 429:
        raise error_for(-32, "", where)
    if status >= 500:
        raise TransientError(f"Zalo {where} answered {status}")
    try:
        doc = response.json()
    except (ValueError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict):
        if status != 200:
            raise PermanentError(f"Zalo {where} answered {status}")
        raise TransientError(f"Zalo {where} answered without JSON")
    code = doc.get("error", 0)
    if not isinstance(code, int):
        try:
            code = int(code)
        except (TypeError, ValueError):
            raise PermanentError(f"Zalo {where} answered a malformed error") from None
    if code < 0:
        message = doc.get("message") if isinstance(doc.get("message"), str) else ""
        raise error_for(code, str(message), where, _retry_after(response, code))
    if status != 200:
        raise PermanentError(f"Zalo {where} answered {status}")
    return doc


def _retry_after(response: httpx.Response, code: int) -> float | None:
    """Zalo gives no delay; at night (-234) wait for 06:00 in Vietnam."""
    if code != -234:
        return None
    return seconds_until_morning(dt.datetime.now(dt.UTC))


VN = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
QUIET_START, QUIET_END = 22, 6


def in_quiet_hours(now: dt.datetime) -> bool:
    """22:00–06:00 Vietnam time: promotional messages are refused (-234)."""
    hour = now.astimezone(VN).hour
    return hour >= QUIET_START or hour < QUIET_END


def seconds_until_morning(now: dt.datetime) -> float:
    local = now.astimezone(VN)
    morning = local.replace(hour=QUIET_END, minute=0, second=0, microsecond=0)
    if local >= morning:
        morning += dt.timedelta(days=1)
    return max(0.0, (morning - local).total_seconds())
