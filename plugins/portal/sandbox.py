"""A portal's webhook receiver, emulated: strict, multi-site, with fault injection.

It is as picky as CONTRACT.md lets a real receiver be (signature, replay
window, webhook-id dedupe, strict payload schema) so that connector bugs show
up here and not on a commune's site. With ``dedupe=False`` it is the opposite
kind of receiver, one that stores every message it is sent, so a test can
prove Loa itself never sends twice; ``/__fake/chaos`` injects faults at rates.
``/__fake/…`` is the control plane tests and ``loa demo`` use; a real portal
has no such prefix.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plugins.portal.sandbox_page import STYLE, render_page
from plugins.portal.sandbox_schema import PayloadError, validate_envelope
from plugins.portal.sandbox_state import (
    Article,
    Chaos,
    Comment,
    Event,
    Fault,
    SandboxState,
    now_iso,
)

_SITE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_BODY = 1_000_000
_MAX_ID = 256
_LOGGED_BODY = 65_536
_REDACTED_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


def _err(status: int, error: str, detail: str = "", **headers: str) -> JSONResponse:
    body: dict[str, Any] = {"error": error}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, headers=headers or None)


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _external_base(request: Request) -> str:
    """The sandbox's own URL, mount prefix included, for the ``url`` it answers."""
    return str(request.base_url).rstrip("/") + request.scope.get("root_path", "")


class _Faults:
    """ASGI middleware: latency, queued faults and the request log, before routing."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = _route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path.startswith("/__fake/"):
            await self.app(scope, receive, send)
            return
        entry = self._log(scope, path)
        scope.setdefault("state", {})["log_entry"] = entry

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        if self.state.latency > 0:
            await asyncio.sleep(self.state.latency)
        fault = self.state.take_fault(path)
        if fault is None and self.state.chaos is not None:
            fault = self.state.chaos.draw(scope["method"], path)
        if fault is None:
            await self.app(scope, receive, logged_send)
        elif fault.mode == "timeout_before_store":
            await asyncio.sleep(fault.delay)
            await _err(504, "injected_timeout")(scope, receive, logged_send)
        elif fault.mode == "timeout_after_store":
            held: list[Message] = []

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
            await asyncio.sleep(fault.delay)
            for message in held:
                await logged_send(message)
        else:
            headers = {}
            if fault.retry_after is not None:
                headers["retry-after"] = str(int(fault.retry_after))
            await _err(fault.status or 500, "injected_fault", **headers)(
                scope, receive, logged_send
            )

    def _log(self, scope: Scope, path: str) -> dict[str, Any]:
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        for name in _REDACTED_HEADERS & headers.keys():
            headers[name] = "[redacted]"
        entry: dict[str, Any] = {
            "at": now_iso(),
            "method": scope["method"],
            "path": path,
            "query": scope.get("query_string", b"").decode("latin-1"),
            "headers": headers,
            "signature_valid": None,
            "status": None,
            "body": None,
        }
        self.state.log(entry)
        return entry


class _Receiver:
    """The routes of one sandbox; every handler is a method sharing ``state``."""

    def __init__(self, secret: str, state: SandboxState) -> None:
        self.webhook = Webhook(secret)
        self.state = state

    def _verify(self, request: Request, body: bytes) -> str | None:
        """``None`` if the signature holds, else the error code sent back."""
        reason: str | None
        try:
            self.webhook.verify(body.decode("utf-8"), dict(request.headers), json_parse=False)
        except WebhookVerificationError as exc:
            reason = "stale_timestamp" if "timestamp too" in str(exc) else "invalid_signature"
        except (ValueError, TypeError, IndexError):  # malformed header, bad base64, bad UTF-8
            reason = "invalid_signature"
        else:
            reason = None
        entry = request.state.log_entry if hasattr(request.state, "log_entry") else None
        if entry is not None:
            entry["signature_valid"] = reason is None
        return reason

    async def webhook_post(self, request: Request) -> Response:
        site_name = request.path_params["site"]
        if not _SITE.match(site_name):
            return _err(404, "unknown_site")
        body = await request.body()
        if len(body) > _MAX_BODY:
            return _err(413, "payload_too_large")
        request.state.log_entry["body"] = body[:_LOGGED_BODY].decode("utf-8", "replace")
        message_id = request.headers.get("webhook-id", "")[:_MAX_ID]
        reason = self._verify(request, body)
        async with self.state.lock:
            site = self.state.site(site_name)
            event = Event(now_iso(), message_id, "?", signature_valid=reason is None)
            self.state.add_event(site, event)
            if reason is not None:
                event.status = 400
                return _err(400, reason)
            if self.state.dedupe and message_id in site.answers:
                status, answer = site.answers[message_id]
                event.duplicate, event.status, event.type = True, status, "(duplicate)"
                site.stats["duplicate"] += 1
                return JSONResponse(answer, status_code=status)
            response = self._process(request, site_name, body, event)
            event.status = response.status_code
            if 200 <= response.status_code < 300:
                stored = (response.status_code, json.loads(bytes(response.body)))
                site.answers.setdefault(message_id, stored)
                site.stats[event.type] += 1
            return response

    def _process(self, request: Request, site_name: str, body: bytes, event: Event) -> Response:
        try:
            doc = json.loads(body)
        except ValueError:
            return _err(400, "invalid_json")
        try:
            event.type, data = validate_envelope(doc)
        except PayloadError as exc:
            return _err(422, "invalid_payload", str(exc))
        site = self.state.site(site_name)
        base = _external_base(request)
        if event.type == "article.published":
            live = [a for a in site.articles.values() if a.status == "published"]
            if self.state.dedupe and any(a.data["id"] == data["id"] for a in live):
                return _err(409, "duplicate_article", "an article with this id is already live")
            article = Article(site.next_article, site_name, data)
            site.articles[article.number] = article
            site.next_article += 1
            event.title = data["title"]
            return JSONResponse(self._ref(article, base), status_code=201)
        article_or_error = self._find(site_name, data["portal_id"])
        if isinstance(article_or_error, Response):
            return article_or_error
        article = article_or_error
        event.title = article.data["title"]
        if event.type == "article.withdrawn":
            article.status, article.updated_at = "withdrawn", now_iso()
            return JSONResponse(self._ref(article, base))
        if article.status != "published":
            return _err(409, "article_withdrawn")
        if article.data["id"] != data["id"]:
            return _err(409, "id_mismatch", "portal_id belongs to another article")
        article.data = {k: v for k, v in data.items() if k != "portal_id"}
        article.updated_at = now_iso()
        event.title = data["title"]
        return JSONResponse(self._ref(article, base))

    def _find(self, site_name: str, portal_id: str) -> Article | Response:
        prefix, _, number = portal_id.rpartition("-")
        site = self.state.sites.get(site_name)
        article = site.articles.get(int(number)) if site and number.isdigit() else None
        if prefix != site_name or article is None:
            return _err(404, "unknown_article")
        return article

    @staticmethod
    def _ref(article: Article, base: str) -> dict[str, str]:
        return {
            "id": f"{article.site}-{article.number}",
            "url": f"{base}/sites/{article.site}/articles/{article.number}",
        }

    async def message_get(self, request: Request) -> Response:
        """Reconcile: what did the message with this webhook-id produce, if anything?"""
        message_id = request.path_params["message_id"]
        reason = self._verify(request, b"")
        if reason is not None:
            return _err(400, reason)
        if request.headers.get("webhook-id") != message_id:
            return _err(400, "invalid_signature", "webhook-id must name the message asked about")
        site = self.state.sites.get(request.path_params["site"])
        if site is None or message_id not in site.answers:
            return _err(404, "unknown_message")
        return JSONResponse(site.answers[message_id][1], status_code=200)

    async def articles(self, request: Request) -> Response:
        site = self.state.sites.get(request.path_params["site"])
        live = [a for a in (site.articles.values() if site else []) if a.status == "published"]
        base = _external_base(request)
        return JSONResponse({"articles": [self._public(a, base) for a in live]})

    async def article(self, request: Request) -> Response:
        site = self.state.sites.get(request.path_params["site"])
        article = site.articles.get(request.path_params["n"]) if site else None
        if article is None:
            return _err(404, "unknown_article")
        if article.status != "published":
            return _err(410, "article_withdrawn")
        return JSONResponse(self._public(article, _external_base(request)))

    def _public(self, article: Article, base: str) -> dict[str, Any]:
        return {**article.data, **self._ref(article, base), "loa_id": article.data["id"]}

    async def comment_post(self, request: Request) -> Response:
        """A citizen comments (unsigned: this is the public side of the portal)."""
        site = self.state.sites.get(request.path_params["site"])
        article = site.articles.get(request.path_params["n"]) if site else None
        if site is None or article is None or article.status != "published":
            return _err(404, "unknown_article")
        if not article.data.get("interactions_allowed", False):
            return _err(403, "comments_closed")
        try:
            doc = json.loads(await request.body())
        except ValueError:
            return _err(400, "invalid_json")
        fields = {"author_id", "author_name", "text"}
        if not isinstance(doc, dict) or doc.keys() != fields:
            return _err(422, "invalid_payload", "expected exactly author_id, author_name, text")
        if not all(isinstance(doc[k], str) and doc[k].strip() for k in fields):
            return _err(422, "invalid_payload", "fields must be non-empty strings")
        if len(doc["text"]) > 5000:
            return _err(422, "invalid_payload", "text is longer than 5000 characters")
        async with self.state.lock:
            comment = Comment(site.next_comment, site.name, article.number, **doc)
            site.comments[comment.number] = comment
            site.next_comment += 1
        return JSONResponse(self._comment(comment), status_code=201)

    async def comments(self, request: Request) -> Response:
        reason = self._verify(request, b"")
        if reason is not None:
            return _err(400, reason)
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            return _err(400, "invalid_since", "since is a comment sequence number")
        site = self.state.sites.get(request.path_params["site"])
        rows = [c for c in (site.comments.values() if site else []) if c.number > since]
        return JSONResponse(
            {
                "comments": [self._comment(c) for c in rows],
                "next_since": max([since, *(c.number for c in rows)]),
            }
        )

    async def comment_hide(self, request: Request) -> Response:
        reason = self._verify(request, b"")
        if reason is not None:
            return _err(400, reason)
        site = self.state.sites.get(request.path_params["site"])
        cid = request.path_params["cid"]
        comment = site.comments.get(int(cid)) if site and cid.isdigit() else None
        if comment is None:
            return _err(404, "unknown_comment")
        comment.hidden = True
        return JSONResponse(self._comment(comment))

    @staticmethod
    def _comment(c: Comment) -> dict[str, Any]:
        return {
            "id": str(c.number),
            "article_id": f"{c.site}-{c.article}",
            "author_id": c.author_id,
            "author_name": c.author_name,
            "text": c.text,
            "created_at": c.created_at,
            "hidden": c.hidden,
        }

    async def page(self, request: Request) -> Response:
        return HTMLResponse(render_page(self.state))

    async def stylesheet(self, request: Request) -> Response:
        """The page's style; its URL carries a digest, so it may be cached for a year."""
        cache = "public, max-age=31536000, immutable"
        return Response(STYLE, media_type="text/css", headers={"cache-control": cache})


class _Control:
    """``/__fake/…``: what tests and the demo use to steer the sandbox."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def faults(self, request: Request) -> Response:
        try:
            fault = _fault_from(await request.json())
        except (ValueError, TypeError, AttributeError) as exc:
            return _err(422, "invalid_fault", str(exc))
        self.state.faults.append(fault)
        return JSONResponse({"queued": len(self.state.faults)})

    async def latency(self, request: Request) -> Response:
        try:
            self.state.latency = max(0.0, float((await request.json())["seconds"]))
        except (ValueError, KeyError, TypeError):
            return _err(422, "invalid_latency", 'expected {"seconds": <number>}')
        return JSONResponse({"seconds": self.state.latency})

    async def requests(self, request: Request) -> Response:
        return JSONResponse({"requests": self.state.requests})

    async def chaos(self, request: Request) -> Response:
        """Faults at rates until reset: ``{"error_rate": 0.1, "timeout_rate": 0.06, …}``."""
        try:
            self.state.chaos = _chaos_from(await request.json())
        except (ValueError, TypeError, AttributeError) as exc:
            return _err(422, "invalid_chaos", str(exc))
        return JSONResponse({"chaos": True})

    async def dedupe(self, request: Request) -> Response:
        """``{"dedupe": false}``: store every message, even one already processed."""
        try:
            self.state.dedupe = bool((await request.json())["dedupe"])
        except (ValueError, KeyError, TypeError):
            return _err(422, "invalid_dedupe", 'expected {"dedupe": <bool>}')
        return JSONResponse({"dedupe": self.state.dedupe})

    async def holdings(self, request: Request) -> Response:
        """Every article each site stored, by Loa id and status (chaos runs count these)."""
        sites = {
            name: [{"loa_id": a.data["id"], "status": a.status} for a in site.articles.values()]
            for name, site in self.state.sites.items()
        }
        return JSONResponse({"sites": sites})

    async def reset(self, request: Request) -> Response:
        async with self.state.lock:
            self.state.reset()
            self.state.latency = 0.0
        return JSONResponse({"reset": True})

    async def stats(self, request: Request) -> Response:
        return JSONResponse(
            {"sites": {name: dict(site.stats) for name, site in self.state.sites.items()}}
        )


def _fault_from(doc: dict[str, Any]) -> Fault:
    """Parse ``POST /__fake/faults``; raises ``ValueError`` with what is wrong."""
    known = {"path_contains", "status", "retry_after", "mode", "delay", "count"}
    if not isinstance(doc, dict) or doc.keys() - known:
        raise ValueError(f"fields: {', '.join(sorted(known))}")
    status = doc.get("status")
    retry_after = doc.get("retry_after")
    fault = Fault(
        path_contains=str(doc.get("path_contains", "/webhook")),
        status=None if status is None else int(status),
        retry_after=None if retry_after is None else float(retry_after),
        mode=doc.get("mode"),
        delay=float(doc.get("delay", 3.0)),
        count=int(doc.get("count", 1)),
    )
    if fault.mode not in (None, "timeout_after_store", "timeout_before_store"):
        raise ValueError("mode is timeout_after_store or timeout_before_store")
    if fault.mode is None and fault.status is None:
        raise ValueError("give a status or a mode")
    if fault.status is not None and not 100 <= fault.status <= 599:
        raise ValueError("status must be an HTTP status")
    return fault


_CHAOS_RATES = ("error_rate", "timeout_rate", "rate_limit_rate", "reconcile_error_rate")


def _chaos_from(doc: dict[str, Any]) -> Chaos:
    """Parse ``POST /__fake/chaos``; raises ``ValueError`` with what is wrong."""
    known = {*_CHAOS_RATES, "delay", "retry_after", "seed"}
    if not isinstance(doc, dict) or doc.keys() - known:
        raise ValueError(f"fields: {', '.join(sorted(known))}")
    error, timeout, limited, reconcile = (float(doc.get(k, 0.0)) for k in _CHAOS_RATES)
    if any(not 0.0 <= r <= 1.0 for r in (error, timeout, limited, reconcile)):
        raise ValueError("rates are between 0 and 1")
    if error + timeout + limited > 1.0:
        raise ValueError("the webhook's rates add up to at most 1")
    seed = doc.get("seed")
    return Chaos(
        error_rate=error,
        timeout_rate=timeout,
        rate_limit_rate=limited,
        reconcile_error_rate=reconcile,
        delay=float(doc.get("delay", 3.0)),
        retry_after=float(doc.get("retry_after", 1.0)),
        seed=None if seed is None else int(seed),
    )


def create_sandbox(secret: str, latency: float = 0.0, dedupe: bool = True) -> Starlette:
    """A fresh receiver accepting messages signed with ``secret`` (``whsec_…``)."""
    state = SandboxState(latency=latency, dedupe=dedupe)
    rx = _Receiver(secret, state)
    control = _Control(state)
    routes = [
        Route("/", rx.page, methods=["GET"]),
        Route("/page.css", rx.stylesheet, methods=["GET"]),
        Route("/sites/{site}/webhook", rx.webhook_post, methods=["POST"]),
        Route("/sites/{site}/webhook/messages/{message_id:path}", rx.message_get, methods=["GET"]),
        Route("/sites/{site}/articles", rx.articles, methods=["GET"]),
        Route("/sites/{site}/articles/{n:int}", rx.article, methods=["GET"]),
        Route("/sites/{site}/articles/{n:int}/comments", rx.comment_post, methods=["POST"]),
        Route("/sites/{site}/comments", rx.comments, methods=["GET"]),
        Route("/sites/{site}/comments/{cid}/hide", rx.comment_hide, methods=["POST"]),
        Route("/__fake/faults", control.faults, methods=["POST"]),
        Route("/__fake/chaos", control.chaos, methods=["POST"]),
        Route("/__fake/dedupe", control.dedupe, methods=["POST"]),
        Route("/__fake/holdings", control.holdings, methods=["GET"]),
        Route("/__fake/latency", control.latency, methods=["POST"]),
        Route("/__fake/requests", control.requests, methods=["GET"]),
        Route("/__fake/reset", control.reset, methods=["POST"]),
        Route("/__fake/stats", control.stats, methods=["GET"]),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Faults, state=state)])
    app.state.sandbox = state
    return app
