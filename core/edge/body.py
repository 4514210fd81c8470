"""Request bodies are bounded before they are read, however the client sends them.

A declared ``Content-Length`` above the limit is refused before a byte is read
(honoured); the bytes that do arrive are counted anyway, so a chunked body, or
one longer than it declared, is cut at the limit (distrusted). Reading stops
there: the endpoint's next read raises :class:`BodyTooLarge`, so neither a
handler nor a parser ever holds more than the limit (plus one chunk) in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import LoaError


class BodyTooLarge(LoaError):
    """The request body is (or says it is) larger than the endpoint reads; answer 413."""

    code = "TOO_LARGE"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


def declared_length(headers: Any) -> int | None:
    """``Content-Length`` as a number; None when absent (servers reject a malformed one)."""
    return length_of(headers.get("content-length"))


def length_of(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.strip().isdigit() else None


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body of ``request``, or :class:`BodyTooLarge` as soon as it passes ``limit``."""
    declared = declared_length(request.headers)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge(limit)
    return bytes(body)


def too_large(exc: BodyTooLarge) -> JSONResponse:
    return JSONResponse({"error": exc.code, "message": exc.message}, status_code=413)


class BodyLimit:
    """ASGI middleware: no endpoint behind it reads more than ``limit`` bytes of a body.

    Past the limit the endpoint's read raises :class:`BodyTooLarge`; an endpoint may
    answer it in its own shape (413). Whatever else it answers (a parser's 400, a
    500 from a catch-all), the client gets a 413 with a typed JSON body, and the
    exception stops here rather than reaching the server's error log.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        limits: Callable[[Scope], int | None] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        #: A request's own limit where it has one (media uploads: the limit of their kind).
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        if self.limits is not None:
            limit = self.limits(scope) or limit
        # The raw header, not a decoded copy of them all: this runs on every request.
        raw = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        declared = length_of(None if raw is None else raw.decode("latin-1"))
        exceeded = declared is not None and declared > limit
        received, started, replaced = 0, False, False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return
            if message["type"] == "http.response.start":
                started = True
                if exceeded and message["status"] != 413:
                    replaced = True
                    await too_large(BodyTooLarge(limit))(scope, receive, send)
                    return
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge as exc:
            if not started:
                await too_large(exc)(scope, receive, send)
