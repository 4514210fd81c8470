"""Typed client of a portal's webhook receiver (Standard Webhooks, see CONTRACT.md).

Every outcome of an HTTP exchange is mapped to one of core's typed errors,
because each asks the delivery pipeline for something different: a connect
error means nothing left (retry), a read timeout means it may have landed
(reconcile first). The secret never appears in a message: the only thing
derived from it that leaves this module is the HMAC in ``webhook-signature``.

Requests go through core's outbound client, which refuses non-public addresses
(``DestinationRefused``, a permanent error). An error message keeps the status
and the receiver's ``error`` code only when the code is one CONTRACT.md §5
documents: whatever else answers (an internal service the URL was pointed at)
never has its words copied into a delivery's error message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx
from standardwebhooks.webhooks import Webhook

from core import (
    AuthError,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Remote,
    TransientError,
    outbound_client,
    retry_after,
)

SECRET_PREFIX = "whsec_"
#: Standard Webhooks: the key SHOULD be 24 to 64 random bytes.
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
#: Retry-After when a 429 carries none (or an unreadable one).
DEFAULT_RETRY_AFTER = 30.0
_USER_AGENT = "Loa-portal/1 (+https://www.standardwebhooks.com/)"
#: The ``error`` codes a receiver may answer with (CONTRACT.md §5); no other text is kept.
ERROR_CODES = frozenset(
    {
        "invalid_signature",
        "stale_timestamp",
        "invalid_json",
        "invalid_payload",
        "payload_too_large",
        "duplicate_article",
        "article_withdrawn",
        "id_mismatch",
        "unknown_site",
        "unknown_article",
        "unknown_message",
        "unknown_comment",
        "comments_closed",
        "invalid_since",
    }
)


def secret_key_bytes(secret: str) -> bytes:
    """Decode a ``whsec_<base64>`` secret strictly; the message never quotes it."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("the webhook secret must start with 'whsec_'")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the webhook secret is not valid base64 after 'whsec_'") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"the webhook secret must decode to {MIN_SECRET_BYTES}–{MAX_SECRET_BYTES} bytes"
        )
    return key


def encode_body(envelope: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed and sent: compact UTF-8 JSON, Vietnamese unescaped."""
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_headers(
    secrets: list[str], message_id: str, body: bytes, now: dt.datetime | None = None
) -> dict[str, str]:
    """Standard Webhooks headers; several secrets give several signatures (key rotation)."""
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    text = body.decode("utf-8")
    signatures = [Webhook(s).sign(message_id, when, text) for s in secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True)
class Comment:
    """A citizen's comment as the portal reports it."""

    id: str
    article_id: str
    author_id: str
    author_name: str
    text: str
    created_at: str
    hidden: bool


class PortalClient:
    """One portal receiver: ``webhook_url`` plus the secret(s) shared with it."""

    def __init__(
        self,
        webhook_url: str,
        secrets: list[str],
        *,
        timeout: float,
        allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not secrets:
            raise ValueError("a webhook secret is required")
        for s in secrets:
            secret_key_bytes(s)
        self.webhook_url = webhook_url.rstrip("/")
        self._secrets = list(secrets)
        self._timeout = timeout
        self._allow = allow_networks
        self._transport = transport

    async def send(self, event_type: str, data: Mapping[str, Any], *, message_id: str) -> Remote:
        """POST one event; the receiver dedupes by ``message_id`` (our delivery key)."""
        envelope = {
            "type": event_type,
            "timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": dict(data),
        }
        body = encode_body(envelope)
        headers = sign_headers(self._secrets, message_id, body)
        headers["content-type"] = "application/json; charset=utf-8"
        response = await self._request("POST", self.webhook_url, headers, body)
        assert response is not None  # absent_ok is False: every non-2xx raised
        return _remote_from(response)

    async def lookup(self, message_id: str) -> Remote | None:
        """Ask whether a message was processed (``GET …/messages/{id}``); ``None`` if not."""
        url = f"{self.webhook_url}/messages/{quote(message_id, safe='')}"
        headers = sign_headers(self._secrets, message_id, b"")
        response = await self._request("GET", url, headers, b"", absent_ok=True)
        if response is None:
            return None
        return _remote_from(response)

    async def list_comments(self, since: int = 0) -> list[Comment]:
        """Citizens' comments with a sequence number above ``since``."""
        url = f"{_site_root(self.webhook_url)}/comments?since={since}"
        headers = sign_headers(self._secrets, f"msg_{uuid.uuid4().hex}", b"")
        response = await self._request("GET", url, headers, b"")
        assert response is not None
        try:
            rows = response.json()["comments"]
            return [Comment(**{k: row[k] for k in Comment.__dataclass_fields__}) for row in rows]
        except (ValueError, KeyError, TypeError):
            raise PermanentError("portal answered the comment list with unexpected JSON") from None

    async def hide_comment(self, comment_id: str) -> None:
        """Hide a citizen's comment (moderation's verdict)."""
        url = f"{_site_root(self.webhook_url)}/comments/{quote(comment_id, safe='')}/hide"
        headers = sign_headers(self._secrets, f"msg_{uuid.uuid4().hex}", b"")
        await self._request("POST", url, headers, b"")

    async def _request(
        self, method: str, url: str, headers: dict[str, str], body: bytes, absent_ok: bool = False
    ) -> httpx.Response | None:
        headers = {"user-agent": _USER_AGENT, **headers}
        try:
            async with outbound_client(
                timeout=self._timeout, allow=self._allow, transport=self._transport
            ) as http:
                response = await http.request(method, url, headers=headers, content=body)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransientError(f"portal unreachable ({type(exc).__name__})") from None
        except (
            httpx.ReadTimeout,
            httpx.WriteTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        ) as exc:
            raise OutcomeUnknown(
                f"portal did not answer after the request was sent ({type(exc).__name__})"
            ) from None
        except httpx.UnsupportedProtocol:
            raise PermanentError("portal URL has an unsupported scheme") from None
        except httpx.InvalidURL:
            raise PermanentError("portal URL is not a valid URL") from None
        except httpx.TransportError as exc:
            raise TransientError(f"portal transport error ({type(exc).__name__})") from None
        if absent_ok and response.status_code in (404, 405, 501):
            return None
        self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        reason = _error_code(response)
        where = f"portal answered {status}"
        if status == 429:
            raise RateLimited(
                f"{where}: rate limited", retry_after(response.headers, DEFAULT_RETRY_AFTER)
            )
        if status in (401, 403) or (status == 400 and reason == "invalid_signature"):
            raise AuthError(f"{where}: signature or credentials refused ({reason})")
        if status == 400 and reason == "stale_timestamp":
            raise AuthError(f"{where}: timestamp refused; check this server's clock (NTP)")
        if 400 <= status < 500:
            raise PermanentError(f"{where}: {reason}")
        if status >= 500:
            raise TransientError(f"{where}: {reason}")
        raise PermanentError(f"{where}: unexpected status")


def _site_root(webhook_url: str) -> str:
    """``…/sites/x/webhook`` → ``…/sites/x``: comment endpoints sit beside the receiver."""
    return webhook_url.rstrip("/").rsplit("/", 1)[0]


def _remote_from(response: httpx.Response) -> Remote:
    try:
        doc = response.json()
        remote_id = doc["id"]
        url = doc.get("url") or ""
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PermanentError(
            f"portal answered {response.status_code} without a JSON {{id, url}}"
        ) from None
    if not isinstance(remote_id, str | int) or not isinstance(url, str):
        raise PermanentError("portal answered with a malformed {id, url}")
    return Remote(remote_id=str(remote_id), url=url)


def _error_code(response: httpx.Response) -> str:
    """The receiver's documented ``error`` code, or the standard phrase of the status.

    Neither the body's other words nor the responder's own reason phrase are kept:
    they are whatever answered, and may be an internal service's secrets.
    """
    try:
        doc = response.json()
    except ValueError:
        doc = None
    if isinstance(doc, dict) and doc.get("error") in ERROR_CODES:
        return str(doc["error"])
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return "unexpected status"
