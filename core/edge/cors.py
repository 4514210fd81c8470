"""CORS on the public read endpoints, so a commune's site can call Loa from the browser.

Only what anyone may read anonymously is shared across origins: the public
``/graphql``, the feeds, the sitemap and media files. The management API and the
admin never answer cross-origin (a signed-in surface shared with another origin
is a CSRF and data-leak door), whatever the setting says. Allowed origins come
from ``LOA_CORS_ORIGINS`` (none by default; ``*`` only when written). Credentials
are never allowed: no ``Access-Control-Allow-Credentials``, so a browser never
sends cookies nor lets a page read an answer made with them.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The paths another origin may read: exact paths, then prefixes.
PUBLIC_PATHS = ("/graphql", "/sitemap.xml")
PUBLIC_PREFIXES = ("/feeds/", "/media/")
METHODS = "GET, HEAD, POST, OPTIONS"
#: Request headers a front-end may send: JSON bodies, revalidation, Apollo's client headers.
ALLOWED_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-type",
        "if-none-match",
        "apollo-require-preflight",
        "apollographql-client-name",
        "apollographql-client-version",
        "x-apollo-operation-name",
    }
)
#: Response headers a page may read beyond the CORS-safelisted ones.
EXPOSED = "ETag, Retry-After"
PREFLIGHT_MAX_AGE = "600"


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class PublicCors:
    """ASGI middleware: preflights answered, public answers marked readable by allowed origins."""

    def __init__(self, app: ASGIApp, *, origins: tuple[str, ...]) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = frozenset(o for o in origins if o != "*")

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin in self.origins

    def allow_origin(self, origin: str) -> bytes:
        return b"*" if self.any_origin else origin.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not is_public(scope.get("path", ""))
            or not any(name == b"origin" for name, _ in scope["headers"])  # not cross-origin
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        wanted = headers.get("access-control-request-method")
        if scope["method"] == "OPTIONS" and origin is not None and wanted is not None:
            await self.preflight(origin, wanted, headers)(scope, receive, send)
            return
        if origin is None or not (self.any_origin or self.origins):
            await self.app(scope, receive, send)
            return
        allowed = self.allows(origin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [] if self.any_origin else [(b"vary", b"Origin")]
                if allowed:
                    extra += [
                        (b"access-control-allow-origin", self.allow_origin(origin)),
                        (b"access-control-expose-headers", EXPOSED.encode()),
                    ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def preflight(self, origin: str, method: str, headers: Headers) -> Response:
        """204 with what the origin may do; 403 (with no CORS header) when it may not."""
        asked = {
            h.strip().lower()
            for h in headers.get("access-control-request-headers", "").split(",")
            if h.strip()
        }
        if (
            not self.allows(origin)
            or method.upper() not in METHODS.split(", ")
            or not asked <= ALLOWED_HEADERS
        ):
            return PlainTextResponse(
                "Nguồn gốc hoặc yêu cầu này không được phép (CORS request not allowed)",
                status_code=403,
                headers={"vary": "Origin"},
            )
        answer = {
            "access-control-allow-origin": self.allow_origin(origin).decode("latin-1"),
            "access-control-allow-methods": METHODS,
            "access-control-allow-headers": ", ".join(sorted(ALLOWED_HEADERS)),
            "access-control-max-age": PREFLIGHT_MAX_AGE,
        }
        if not self.any_origin:
            answer["vary"] = "Origin"
        return Response(status_code=204, headers=answer)
