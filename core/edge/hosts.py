"""The Host check of every request, remembered per Host value.

Starlette's :class:`TrustedHostMiddleware` decodes all the request's headers and
parses the Host header with a regular expression on every request, though a site
sees a handful of Host values. The verdict depends on that one value only, so it is
kept: a remembered allowed value goes straight through; anything else (a first
sight, a refused value, no Host at all) takes Starlette's own path, which answers
the refusal exactly as before. Only allowed values are remembered, at most
:data:`REMEMBERED` of them, so made-up Host headers cannot grow the memory.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette._utils import parse_host_header
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

REMEMBERED = 64


class TrustedHosts(TrustedHostMiddleware):
    """:class:`TrustedHostMiddleware` with its allowed verdicts kept per raw Host value."""

    def __init__(
        self, app: ASGIApp, allowed_hosts: Sequence[str], www_redirect: bool = False
    ) -> None:
        super().__init__(app, allowed_hosts=allowed_hosts, www_redirect=www_redirect)
        self.allowed: set[bytes] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = next((v for k, v in scope["headers"] if k == b"host"), None)
            if raw in self.allowed:
                await self.app(scope, receive, send)
                return
            if raw is not None and len(self.allowed) < REMEMBERED and self.allows(raw):
                self.allowed.add(raw)
        await super().__call__(scope, receive, send)

    def allows(self, raw: bytes) -> bool:
        """Starlette's verdict for this Host value (its parser, its pattern rules)."""
        if self.allow_any:
            return True
        parsed = parse_host_header(raw.decode("latin-1"))
        if parsed is None:
            return False
        host = parsed.host.lower()
        return any(
            host == pattern or (pattern.startswith("*") and host.endswith(pattern[1:]))
            for pattern in self.allowed_hosts
        )
