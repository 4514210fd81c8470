"""A typed client of the Graph API, over core's safe outbound client.

The token travels in the ``Authorization`` header (never in a URL a log could keep), each
call carries ``appsecret_proof`` (HMAC-SHA256 of the token under the app secret), every
answer's usage headers are read (:data:`GOVERNOR`) and every refusal becomes one of core's
typed errors (:func:`classify`). A write that may have landed (a read timeout after the
request went out) is ``OutcomeUnknown``: the channel reconciles by reading the Page.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from core import AuthError, OutcomeUnknown, PermanentError, TransientError, outbound_client
from plugins.facebook.graph_errors import DEAD, GOVERNOR, classify, envelope, usage_of

DEFAULT_GRAPH = "https://graph.facebook.com"
DEFAULT_VERSION = "v26.0"
#: Bytes per transfer of the Resumable Upload API.
CHUNK = 4 * 1024 * 1024
_USER_AGENT = "Loa-facebook/1"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def appsecret_proof(app_secret: str, token: str) -> str:
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class GraphComment:
    id: str
    post_id: str
    parent_id: str
    from_id: str
    from_name: str
    message: str
    created_time: str
    is_hidden: bool


class GraphClient:
    """One Page (``page_id``) with its token, on one Graph host and version."""

    def __init__(
        self,
        *,
        page_id: str,
        token: str,
        app_secret: str,
        graph_url: str = DEFAULT_GRAPH,
        version: str = DEFAULT_VERSION,
        timeout: float = 10.0,
        allow: tuple[Network, ...] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.page_id = page_id
        self._token = token
        self._secret = app_secret
        self._base = f"{graph_url.rstrip('/')}/{version}"
        self._timeout = timeout
        self._allow = allow
        self._transport = transport

    # --- the one place a request is made -------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        write: bool = False,
        token: str | None = None,
        bury: bool = True,
    ) -> dict[str, Any]:
        """``bury=False``: a refusal of this call does not mark the token dead (a search
        the token may not be allowed, which says nothing of its posting)."""
        token = self._token if token is None else token
        if not token:
            raise AuthError("the Page is not connected: no Page token")
        DEAD.check(token)
        GOVERNOR.check(self.page_id)
        query = dict(params or {})
        if self._secret and "|" not in token:
            query["appsecret_proof"] = appsecret_proof(self._secret, token)
        sent = {"user-agent": _USER_AGENT, "authorization": f"Bearer {token}", **(headers or {})}
        try:
            async with outbound_client(
                timeout=self._timeout, allow=self._allow, transport=self._transport
            ) as http:
                response = await http.request(
                    method,
                    f"{self._base}/{path.lstrip('/')}",
                    params=query,
                    data=data,
                    files=files,
                    content=content,
                    headers=sent,
                )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientError(f"Facebook unreachable ({type(exc).__name__})") from None
        except (
            httpx.ReadTimeout,
            httpx.WriteTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,
        ) as exc:
            if write:
                raise OutcomeUnknown(
                    f"Facebook did not answer after the request was sent ({type(exc).__name__})"
                ) from None
            raise TransientError(f"Facebook did not answer ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TransientError(f"Facebook transport error ({type(exc).__name__})") from None
        percent, regain = usage_of(response.headers, self.page_id)
        GOVERNOR.observe(self.page_id, percent, regain)
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or envelope(body) is not None:
            error = classify(response.status_code, envelope(body), token, regain or None)
            if isinstance(error, AuthError) and bury:
                DEAD.bury(token, str(error))
            raise error
        if not isinstance(body, dict):
            raise PermanentError(f"Facebook answered {response.status_code} without JSON")
        return body

    # --- publishing ----------------------------------------------------------------------

    async def create_post(self, fields: dict[str, Any]) -> str:
        return _id(await self.call("POST", f"{self.page_id}/feed", data=fields, write=True))

    async def upload_photo(self, data: bytes, content_type: str, name: str) -> str:
        """A photo uploaded unpublished, to be attached to a post by its id."""
        doc = await self.call(
            "POST",
            f"{self.page_id}/photos",
            data={"published": "false"},
            files={"source": (name, data, content_type)},
            write=True,
        )
        return _id(doc)

    async def upload_video(
        self, app_id: str, name: str, length: int, chunks: AsyncIterator[bytes]
    ) -> str:
        """The Resumable Upload API on graph.facebook.com: a session, then bytes; a handle."""
        session = _id(
            await self.call(
                "POST",
                f"{app_id}/uploads",
                params={"file_name": name, "file_length": str(length), "file_type": "video/mp4"},
            )
        )
        offset, handle, buffer = 0, "", b""
        async for chunk in chunks:
            buffer += chunk
            while len(buffer) >= CHUNK:
                handle, offset = await self._transfer(session, buffer[:CHUNK], offset)
                buffer = buffer[CHUNK:]
        if buffer or not handle:
            handle, offset = await self._transfer(session, buffer, offset)
        if not handle:
            raise PermanentError("Facebook did not return a file handle for the video")
        return handle

    async def _transfer(self, session: str, data: bytes, offset: int) -> tuple[str, int]:
        doc = await self.call(
            "POST",
            session,
            content=data,
            headers={"authorization": f"OAuth {self._token}", "file_offset": str(offset)},
        )
        return str(doc.get("h", "")), offset + len(data)

    async def create_video(self, fields: dict[str, Any]) -> str:
        """Publish an uploaded video on the Page; the id of the Page post that carries it."""
        video = _id(await self.call("POST", f"{self.page_id}/videos", data=fields, write=True))
        doc = await self.call("GET", video, params={"fields": "post_id"})
        return str(doc.get("post_id") or video)

    async def update_post(self, post_id: str, message: str) -> None:
        await self.call("POST", post_id, data={"message": message}, write=True)

    async def delete(self, object_id: str) -> None:
        await self.call("DELETE", object_id, write=True)

    async def recent_posts(self, limit: int = 50) -> list[dict[str, Any]]:
        """The Page's newest posts, published and scheduled (reconcile reads both)."""
        rows: list[dict[str, Any]] = []
        for edge in ("feed", "scheduled_posts"):
            doc = await self.call(
                "GET",
                f"{self.page_id}/{edge}",
                params={"fields": "id,message,permalink_url,created_time", "limit": str(limit)},
            )
            rows.extend(r for r in doc.get("data", []) if isinstance(r, dict))
        return rows

    async def page_posts(self, limit: int = 25) -> list[dict[str, Any]]:
        """The Page's own newest published posts (visitor posts excluded)."""
        doc = await self.call(
            "GET",
            f"{self.page_id}/posts",
            params={"fields": "id,created_time", "limit": str(limit)},
        )
        return [r for r in doc.get("data", []) if isinstance(r, dict) and "id" in r]

    async def get_post(self, post_id: str) -> dict[str, Any]:
        return await self.call("GET", post_id, params={"fields": "id,message,permalink_url"})

    # --- comments ------------------------------------------------------------------------

    async def comments(self, post_id: str, since: int = 0) -> list[GraphComment]:
        params = {
            "filter": "stream",
            "order": "chronological",
            "fields": "id,message,from,created_time,is_hidden,parent",
        }
        if since:
            params["since"] = str(since)
        doc = await self.call("GET", f"{post_id}/comments", params=params)
        out = []
        for row in doc.get("data", []):
            author = row.get("from") or {}
            out.append(
                GraphComment(
                    id=str(row["id"]),
                    post_id=post_id,
                    parent_id=str((row.get("parent") or {}).get("id", post_id)),
                    from_id=str(author.get("id", "")),
                    from_name=str(author.get("name", "")),
                    message=str(row.get("message", "")),
                    created_time=str(row.get("created_time", "")),
                    is_hidden=bool(row.get("is_hidden", False)),
                )
            )
        return out

    async def comment(self, object_id: str, message: str) -> str:
        """A comment (or a reply, under a comment) posted as the Page."""
        return _id(
            await self.call("POST", f"{object_id}/comments", data={"message": message}, write=True)
        )

    async def hide_comment(self, comment_id: str, hidden: bool = True) -> None:
        await self.call(
            "POST", comment_id, data={"is_hidden": "true" if hidden else "false"}, write=True
        )

    async def users_can_post(self) -> bool | None:
        """Whether the Page lets visitors post (``None``: Facebook did not say)."""
        doc = await self.call("GET", f"{self.page_id}/settings")
        for row in doc.get("data", []):
            if isinstance(row, dict) and row.get("setting") == "USERS_CAN_POST":
                return bool(row.get("value"))
        return None

    # --- targeting search -----------------------------------------------------------------

    async def search_regions(self, q: str, country: str = "VN") -> list[dict[str, Any]]:
        """Facebook's regions of ``country`` whose name matches ``q`` (adgeolocation search),
        asked with the Page token; a refusal never buries it (CONTRACT.md, regions)."""
        doc = await self.call(
            "GET",
            "search",
            params={
                "type": "adgeolocation",
                "location_types": '["region"]',
                "country_code": country,
                "q": q,
                "limit": "25",
            },
            bury=False,
        )
        return [r for r in doc.get("data", []) if isinstance(r, dict)]

    # --- tokens --------------------------------------------------------------------------

    async def debug_token(self, app_id: str, input_token: str) -> dict[str, Any]:
        doc = await self.call(
            "GET",
            "debug_token",
            params={"input_token": input_token},
            token=f"{app_id}|{self._secret}",
        )
        data = doc.get("data")
        if not isinstance(data, dict):
            raise PermanentError("Facebook answered debug_token without data")
        return data


def _id(doc: dict[str, Any]) -> str:
    value = doc.get("id")
    if not isinstance(value, str | int) or not str(value):
        raise PermanentError("Facebook answered without an id")
    return str(value)
