"""The security headers of every response: one Content-Security-Policy, in dev and prod alike.

Every script, style, font and image a Loa page uses is served by Loa itself (offices
often have no internet, and a CDN is a third party that could change what runs in an
official's browser), so the policy names no host: ``'self'`` only, no
``'unsafe-inline'`` script, no plugins, no ``<base>``, no framing. A page that needs
more (GraphiQL's bundled fonts, its nonce'd styles) sets its own policy, built here
with :func:`content_security_policy`; the middleware leaves a header a response already
carries alone. HSTS only outside dev: browsers remember it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The policy of every response, directive by directive.
POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def content_security_policy(**widen: str) -> str:
    """:data:`POLICY` with directives replaced or added: ``font_src="'self' data:"``."""
    directives = POLICY | {name.replace("_", "-"): value for name, value in widen.items()}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CSP = content_security_policy()


class SecurityHeaders:
    """ASGI middleware adding the headers below to each HTTP response that lacks them."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts:
            self.headers.append(
                (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
