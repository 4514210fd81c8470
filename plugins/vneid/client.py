"""Typed client of the ASSUMED VNeID partner API (CONTRACT.md; not a published spec).

Each HTTP outcome maps to one of core's errors, because each asks the pipeline for
something different: nothing left (connect error: retry), maybe landed (read timeout:
reconcile by ``Idempotency-Key`` first), refused (4xx: stop), key revoked (401: the
target needs a new key, no retry storm), slow down (429 with ``Retry-After``). The API key
travels only in the ``Authorization`` header; no message quotes it, and a message keeps the
platform's ``error.code`` only when CONTRACT.md documents it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx

from core import (
    AuthError,
    CitizenComment,
    ContentRefused,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Remote,
    Rendered,
    TransientError,
    outbound_client,
    retry_after,
)

#: The announcement fields the API takes (CONTRACT.md §2); the rest of the payload is the kit's.
FIELDS = (
    "title",
    "summary",
    "body",
    "canonical_url",
    "issuing_unit_code",
    "topic",
    "justification",
    "audience",
    "visible_from",
    "visible_until",
    "allow_interaction",
    "approval",
)
ERROR_CODES = frozenset(
    {
        "invalid_request",
        "invalid_token",
        "forbidden_scope",
        "not_found",
        "idempotency_conflict",
        "content_rejected",
        "already_withdrawn",
        "rate_limited",
        "media_invalid",
    }
)
DEFAULT_RETRY_AFTER = 60.0


def _ts(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


async def _chunks(rendered: Rendered) -> AsyncIterator[bytes]:
    async for chunk in rendered.files[0].stream():
        yield chunk


class PartnerClient:
    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        timeout: float,
        allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base = api_url.rstrip("/")
        self._key = api_key
        self._timeout = timeout
        self._allow = allow_networks
        self._transport = transport

    async def create(self, rendered: Rendered, *, key: str) -> Remote:
        """Upload the cover, then create the announcement under ``key`` (202, pending review)."""
        body = {f: rendered.payload[f] for f in FIELDS}
        body["cover_media_id"] = await self._upload_cover(rendered, key)
        data = await self._call("POST", "/api/v1/announcements", json=body, key=key)
        return self._remote(data)

    async def update(self, remote_id: str, rendered: Rendered, *, key: str) -> Remote:
        """Replace the announcement; it goes back to review (CONTRACT.md §2.3)."""
        body = {f: rendered.payload[f] for f in FIELDS}
        body["cover_media_id"] = await self._upload_cover(rendered, key)
        path = f"/api/v1/announcements/{quote(remote_id, safe='')}"
        return self._remote(await self._call("PUT", path, json=body, key=key))

    async def withdraw(self, remote_id: str, *, key: str) -> None:
        path = f"/api/v1/announcements/{quote(remote_id, safe='')}/withdraw"
        try:
            await self._call("POST", path, json={"reason": "window_closed_or_retracted"}, key=key)
        except PermanentError as exc:
            if "already_withdrawn" not in str(exc) and "not_found" not in str(exc):
                raise

    async def status(self, remote_id: str) -> dict[str, Any]:
        """The announcement as the platform holds it: ``status`` and, if rejected, ``reason``."""
        return await self._call("GET", f"/api/v1/announcements/{quote(remote_id, safe='')}")

    async def find(self, key: str) -> Remote | None:
        """What an attempt under ``key`` created, if anything (reconcile: never re-post)."""
        data = await self._call("GET", "/api/v1/announcements", params={"idempotency_key": key})
        found = data.get("announcements") or []
        return self._remote(found[0]) if found else None

    async def comments(self, since: str | None) -> list[CitizenComment]:
        params = {"since": since} if since else {}
        data = await self._call("GET", "/api/v1/interactions", params=params)
        out = []
        for row in data.get("interactions", []):
            if row.get("kind") != "comment":
                continue  # reactions and poll answers are counted by the platform
            out.append(
                CitizenComment(
                    remote_id=str(row["id"]),
                    remote_item_id=str(row["announcement_id"]),
                    author_id=str(row["author_ref"]),
                    author_name=str(row.get("author_name", "")),
                    text=str(row.get("text", "")),
                    cursor=str(row["seq"]),
                    created_at=_ts(row.get("created_at")),
                    hidden=bool(row.get("hidden")),
                )
            )
        return out

    async def hide(self, interaction_id: str) -> None:
        await self._call("POST", f"/api/v1/interactions/{quote(interaction_id, safe='')}/hide")

    async def _upload_cover(self, rendered: Rendered, key: str) -> str:
        if not rendered.files:
            raise ContentRefused("VNeID cần ảnh đại diện (a representative image is required)")
        f = rendered.files[0]
        data = await self._call(
            "POST",
            "/api/v1/media",
            content=_chunks(rendered),
            key=f"{key}:cover",
            content_type=f.rendition.content_type,
        )
        return str(data["id"])

    def _remote(self, data: dict[str, Any]) -> Remote:
        return Remote(str(data["id"]), str(data.get("share_url", "")))

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        content: Any = None,
        key: str | None = None,
        content_type: str | None = None,
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self._key}", "accept": "application/json"}
        if key:
            headers["idempotency-key"] = key
        if content_type:
            headers["content-type"] = content_type
        try:
            async with outbound_client(
                timeout=self._timeout, allow=self._allow, transport=self._transport
            ) as http:
                response = await http.request(
                    method,
                    f"{self.base}{path}",
                    headers=headers,
                    json=json,
                    params=params,
                    content=content,
                )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientError(f"VNeID API unreachable ({type(exc).__name__})") from None
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise OutcomeUnknown(f"VNeID API gave no answer ({type(exc).__name__})") from None
        return _checked(response)


def _checked(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    try:
        data = response.json()
    except ValueError:
        data = None
    if 200 <= status < 300 and isinstance(data, dict):
        return data
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    code = code if code in ERROR_CODES else "unexpected"
    said = f"VNeID API {status} {code}"
    if isinstance(error, dict) and code == "content_rejected":
        said += f": {str(error.get('message', ''))[:300]}"
    if 200 <= status < 300:
        raise PermanentError(f"VNeID API answered {status} without a JSON object")
    if status == 401:
        raise AuthError(said)
    if status == 429:
        raise RateLimited(said, retry_after(response.headers, DEFAULT_RETRY_AFTER))
    if status == 422 and code == "content_rejected":
        raise ContentRefused(said)
    if status >= 500 or status == 408:
        raise TransientError(said)
    raise PermanentError(said)
