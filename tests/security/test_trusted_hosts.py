"""The remembered Host check answers exactly as Starlette's check, first sight or remembered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from core.edge.hosts import REMEMBERED, TrustedHosts

ALLOWED = ["loa.example.vn", "*.ubnd.vn", "127.0.0.1", "[::1]"]
HOSTS = [
    b"loa.example.vn",
    b"LOA.Example.VN",
    b"loa.example.vn:8443",
    b"xa-a.ubnd.vn",
    b"ubnd.vn",
    b"evil.vn",
    b"loa.example.vn.evil.vn",
    b"127.0.0.1:8000",
    b"[::1]:8000",
    b"[::g]",
    b"loa.example.vn/../admin",
    b"loa.example.vn:port",
    b"",
    None,
]


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("served")(scope, receive, send)


def answer(app: Any, host: bytes | None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return asyncio.run(asked(app, host))


async def asked(app: Any, host: bytes | None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    headers = [] if host is None else [(b"host", host)]
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""}
    start: dict[str, Any] = {}
    body = b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal body
        if message["type"] == "http.response.start":
            start.update(message)
        else:
            body += message.get("body", b"")

    await app(scope, receive, send)
    return start["status"], start["headers"], body


@pytest.mark.parametrize("host", HOSTS)
def test_each_host_gets_starlettes_answer_first_and_when_remembered(host: bytes | None) -> None:
    expected = answer(TrustedHostMiddleware(endpoint, ALLOWED, www_redirect=False), host)
    ours = TrustedHosts(endpoint, ALLOWED)
    assert answer(ours, host) == expected  # first sight: Starlette's own path
    assert answer(ours, host) == expected  # then remembered (when allowed)
    assert (host in ours.allowed) == (expected[0] == 200)


def test_made_up_hosts_cannot_grow_what_is_remembered() -> None:
    ours = TrustedHosts(endpoint, ["*.ubnd.vn"])
    for n in range(REMEMBERED * 2):
        assert (answer(ours, f"x{n}.ubnd.vn".encode()))[0] == 200
    assert len(ours.allowed) == REMEMBERED
    assert (answer(ours, b"evil.vn"))[0] == 400
