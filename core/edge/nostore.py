"""``Cache-Control: no-store`` on every answer of the signed-in surfaces.

Management data, reports and admin pages belong to one account: no browser
cache, shared proxy or back button may keep a copy. Set at the edge, so an
error page or a 404 under those paths is covered as well as a handler's answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PRIVATE_PREFIXES = ("/api/", "/admin")
#: The admin's own scripts and styles: the same for everyone, at versioned URLs cached for a year.
PUBLIC_PREFIXES = ("/admin/static/",)


class NoStore:
    def __init__(self, app: ASGIApp, *, prefixes: tuple[str, ...] = PRIVATE_PREFIXES) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith(self.prefixes)
            or path.startswith(PUBLIC_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                message["headers"] = [*headers, (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, send_no_store)
