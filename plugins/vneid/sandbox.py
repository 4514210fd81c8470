"""A strict emulator of the ASSUMED VNeID partner API (CONTRACT.md), with a control plane.

Strict like a government platform would be: unknown or missing fields refused, the cover
uploaded first, a scope that matches its level, a justification for national scope or an
outside topic, one announcement per ``Idempotency-Key``. The platform reviews every
announcement (``/__fake/review/{id}``, or ``auto_review`` for the demo). ``/__fake/`` also
sets the clock, queues faults (an error, or a timeout after the write was stored), lists
recorded requests (the key redacted), adds citizens' interactions and revokes keys.
``GET /`` is the page a person reads.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import ipaddress
import json
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import DestinationRefused, outbound_client, sha256_signature
from plugins.vneid.sandbox_state import (
    Announcement,
    Fault,
    Interaction,
    SandboxState,
    parse_time,
)

FIELDS = frozenset(
    {
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
        "cover_media_id",
    }
)
AUDIENCE = frozenset({"age_min", "age_max", "genders", "scope"})
TOPICS = frozenset({"project06", "law", "local_policy", "model_site", "local_promotion"})
MEDIA_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_MEDIA = 5_000_000
#: Where the sandbox may push webhooks besides public addresses: the Loa beside it (demo, tests).
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _err(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers or None
    )


class Invalid(ValueError):
    pass


def _path(scope: Scope) -> str:
    root: str = scope.get("root_path", "")
    path: str = scope["path"]
    return path[len(root) :] if root and path.startswith(root) else path


class _Faults:
    """Queued faults and the request log, before routing (the control plane is exempt)."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = _path(scope) if scope["type"] == "http" else ""
        if not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if "authorization" in headers:
            headers["authorization"] = "[redacted]"
        self.state.requests.append(
            {
                "method": scope["method"],
                "path": path,
                "query": scope["query_string"].decode(),
                "headers": headers,
            }
        )
        if self.state.latency > 0:
            await asyncio.sleep(self.state.latency)
        fault = self.state.take_fault(path)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.mode == "timeout_after_store":
            held: list[Message] = []

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
            await asyncio.sleep(fault.delay)
            for message in held:
                await send(message)
        else:
            extra = {"retry-after": str(fault.retry_after)} if fault.retry_after else {}
            await _err(fault.status, fault.code, "injected fault", **extra)(scope, receive, send)


def _text(body: dict[str, Any], name: str, limit: int, required: bool = True) -> None:
    value = body[name]
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise Invalid(f"{name}: text of 1–{limit} characters")


def _validate(body: Any, state: SandboxState, key: str) -> None:
    if not isinstance(body, dict):
        raise Invalid("body: a JSON object")
    if unknown := set(body) - FIELDS:
        raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
    if missing := FIELDS - set(body):
        raise Invalid(f"missing field(s): {', '.join(sorted(missing))}")
    _text(body, "title", 200)
    _text(body, "summary", 500, required=False)
    _text(body, "body", 20_000)
    _text(body, "justification", 5000, required=False)
    if not str(body["canonical_url"]).startswith(("https://", "http://")):
        raise Invalid("canonical_url: an http(s) URL")
    aud = body["audience"]
    if not isinstance(aud, dict) or set(aud) != AUDIENCE:
        raise Invalid(f"audience: exactly {', '.join(sorted(AUDIENCE))}")
    for age in ("age_min", "age_max"):
        if aud[age] is not None and (not isinstance(aud[age], int) or not 0 <= aud[age] <= 120):
            raise Invalid(f"audience.{age}: null or 0–120")
    if not isinstance(aud["genders"], list) or set(aud["genders"]) - {"male", "female", "other"}:
        raise Invalid("audience.genders: a list of male, female, other")
    scope = aud["scope"]
    if not isinstance(scope, dict) or set(scope) != {"level", "codes"}:
        raise Invalid("audience.scope: exactly level, codes")
    if scope["level"] not in ("commune", "province", "national"):
        raise Invalid("audience.scope.level: commune, province or national")
    if (scope["level"] == "national") != (scope["codes"] == []):
        raise Invalid("audience.scope.codes: none for national scope, at least one otherwise")
    try:
        start, end = parse_time(body["visible_from"]), parse_time(body["visible_until"])
    except ValueError:
        raise Invalid("visible_from/visible_until: ISO 8601 times with a zone, or null") from None
    if start and end and end <= start:
        raise Invalid("visible_until: after visible_from")
    if not isinstance(body["allow_interaction"], bool) or not isinstance(body["approval"], list):
        raise Invalid("allow_interaction: boolean; approval: a list")
    outside = scope["level"] == "national" or body["topic"] not in TOPICS
    if outside and not body["justification"].strip():
        raise Invalid("justification: required for national scope or a topic outside the list")
    medium = state.media.get(str(body["cover_media_id"]))
    if medium is None or medium["key"] != key:
        raise Invalid("cover_media_id: upload the cover first (POST /api/v1/media)")


def create_sandbox(keys: set[str], *, auto_review: bool = False, latency: float = 0.0) -> Starlette:
    """The sandbox accepting ``keys``; ``latency`` seconds before each API answer (benchmarks)."""
    state = SandboxState(keys=set(keys), auto_review=auto_review, latency=latency)

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/") + request.scope.get("root_path", "")

    def authorised(request: Request) -> str | Response:
        header = request.headers.get("authorization", "")
        key = header.removeprefix("Bearer ").strip()
        if not header.startswith("Bearer ") or key not in state.keys or key in state.revoked:
            return _err(401, "invalid_token", "the API key is missing, unknown or revoked")
        wait = state.over_rate(key)
        if wait is not None:
            return _err(429, "rate_limited", "too many requests", **{"retry-after": str(wait)})
        return key

    def owned(request: Request, key: str) -> Announcement | Response:
        found = state.announcements.get(request.path_params["id"])
        if found is None or found.issuer_key != key:
            return _err(404, "not_found", "no such announcement")
        return found

    async def json_body(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except ValueError:
            raise Invalid("body: JSON") from None

    async def upload(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        idem = request.headers.get("idempotency-key", "")
        kind = request.headers.get("content-type", "")
        if not idem:
            return _err(400, "invalid_request", "Idempotency-Key is required")
        if kind not in MEDIA_TYPES:
            return _err(400, "media_invalid", "the cover must be image/jpeg or image/png")
        data = await request.body()
        if not data or len(data) > MAX_MEDIA:
            return _err(400, "media_invalid", f"1 to {MAX_MEDIA} bytes")
        existing = state.by_key.get((key, f"media:{idem}"))
        media_id = existing or state.next_id("m")
        state.by_key[(key, f"media:{idem}")] = media_id
        digest = hashlib.sha256(data).hexdigest()
        state.media[media_id] = {"key": key, "sha256": digest, "size": len(data), "type": kind}
        return JSONResponse({"id": media_id, "sha256": digest, "size": len(data)}, 201)

    async def create(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        idem = request.headers.get("idempotency-key", "")
        if not idem:
            return _err(400, "invalid_request", "Idempotency-Key is required")
        try:
            body = await json_body(request)
            _validate(body, state, key)
        except Invalid as exc:
            return _err(400, "invalid_request", str(exc))
        if (found_id := state.by_key.get((key, idem))) is not None:
            found = state.announcements[found_id]
            if found.body != body:
                return _err(409, "idempotency_conflict", "this key was used for another body")
            return JSONResponse(found.view(state.now(), base(request)), 202)
        a = Announcement(state.next_id("tb"), key, idem, body, state.now())
        if state.auto_review:
            a.review = "approved"
        state.announcements[a.id] = a
        state.by_key[(key, idem)] = a.id
        return JSONResponse(a.view(state.now(), base(request)), 202)

    async def listing(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        if set(request.query_params) != {"idempotency_key"}:
            return _err(400, "invalid_request", "filter by idempotency_key")
        found = state.by_key.get((key, request.query_params["idempotency_key"]))
        rows = [state.announcements[found].view(state.now(), base(request))] if found else []
        return JSONResponse({"announcements": rows})

    async def one(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        a = owned(request, key)
        if isinstance(a, Response):
            return a
        if request.method == "GET":
            return JSONResponse(a.view(state.now(), base(request)))
        if a.withdrawn_at is not None:
            return _err(409, "already_withdrawn", "a withdrawn announcement cannot change")
        try:
            body = await json_body(request)
            _validate(body, state, key)
        except Invalid as exc:
            return _err(400, "invalid_request", str(exc))
        if a.body != body:
            a.body, a.versions = body, a.versions + 1
            a.review, a.reason = ("approved" if state.auto_review else "pending_review"), ""
        return JSONResponse(a.view(state.now(), base(request)))

    async def withdraw(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        a = owned(request, key)
        if isinstance(a, Response):
            return a
        body = await json_body(request)
        if not isinstance(body, dict) or set(body) != {"reason"}:
            return _err(400, "invalid_request", "body: exactly reason")
        if a.withdrawn_at is not None:
            return _err(409, "already_withdrawn", "already withdrawn")
        a.withdrawn_at = state.now()
        return JSONResponse(a.view(state.now(), base(request)))

    async def interactions(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        mine = {i for i, a in state.announcements.items() if a.issuer_key == key}
        if "id" in request.path_params:
            a = owned(request, key)
            if isinstance(a, Response):
                return a
            mine = {a.id}
        since = request.query_params.get("since", "0")
        if not since.isdigit():
            return _err(400, "invalid_request", "since: a sequence number")
        rows = [
            i.view() for i in state.interactions if i.announcement_id in mine and i.seq > int(since)
        ]
        return JSONResponse({"interactions": rows})

    async def hide(request: Request) -> Response:
        key = authorised(request)
        if isinstance(key, Response):
            return key
        for i in state.interactions:
            if (
                i.id == request.path_params["id"]
                and state.announcements[i.announcement_id].issuer_key == key
            ):
                i.hidden = True
                return JSONResponse(i.view())
        return _err(404, "not_found", "no such interaction")

    async def push(event: dict[str, Any]) -> None:
        """POST one event to the registered webhook, signed (CONTRACT.md §5); best effort."""
        if not state.webhook_url:
            return
        from plugins.vneid.webhooks import HEADER

        body = json.dumps({"events": [event]}, ensure_ascii=False).encode()
        headers = {
            HEADER: sha256_signature(state.webhook_secret, body),
            "content-type": "application/json",
        }
        try:
            async with outbound_client(timeout=5, allow=LOOPBACK) as http:
                await http.post(state.webhook_url, content=body, headers=headers)
        except (httpx.HTTPError, DestinationRefused):
            pass  # the platform retries in real life; the sandbox records nothing more

    # --- control plane -------------------------------------------------------------------
    async def fake_clock(request: Request) -> Response:
        state.set_clock(parse_time((await request.json())["now"]) or state.now())
        return JSONResponse({"now": state.now().isoformat()})

    async def fake_review(request: Request) -> Response:
        body = await request.json()
        a = state.announcements[request.path_params["id"]]
        a.review = "approved" if body["decision"] == "approve" else "rejected"
        a.reason = str(body.get("reason", ""))
        status = a.status(state.now())
        await push(
            {
                "id": state.next_id("ev"),
                "type": "announcement.status",
                "announcement_id": a.id,
                "status": status,
                "reason": a.reason,
            }
        )
        return JSONResponse(a.view(state.now(), base(request)))

    async def fake_faults(request: Request) -> Response:
        state.faults.append(Fault(**await request.json()))
        return JSONResponse({"queued": len(state.faults)})

    async def fake_interaction(request: Request) -> Response:
        body = await request.json()
        seq = len(state.interactions) + 1
        item = Interaction(
            seq,
            f"ia{seq}",
            body["announcement_id"],
            body.get("kind", "comment"),
            body["author_ref"],
            body.get("author_name", ""),
            body.get("text", ""),
            state.now(),
        )
        state.interactions.append(item)
        await push(
            {"id": state.next_id("ev"), "type": "interaction.created", "interaction": item.view()}
        )
        return JSONResponse(item.view(), 201)

    async def fake_webhook(request: Request) -> Response:
        body = await request.json()
        state.webhook_url, state.webhook_secret = str(body["url"]), str(body["secret"])
        return JSONResponse({"url": state.webhook_url})

    async def fake_revoke(request: Request) -> Response:
        state.revoked.add((await request.json())["key"])
        return JSONResponse({"revoked": True})

    async def fake_rate(request: Request) -> Response:
        state.rate_per_minute = int((await request.json())["per_minute"])
        return JSONResponse({"per_minute": state.rate_per_minute})

    async def fake_requests(request: Request) -> Response:
        return JSONResponse({"requests": state.requests})

    async def fake_state(request: Request) -> Response:
        now, b = state.now(), base(request)
        return JSONResponse(
            {
                "announcements": {
                    i: {**a.view(now, b), "body": a.body} for i, a in state.announcements.items()
                },
                "media": state.media,
                "interactions": [i.view() for i in state.interactions],
            }
        )

    async def page(request: Request) -> Response:
        now = state.now()
        rows = "".join(
            f"<tr><td>{html.escape(a.id)}</td><td>{html.escape(a.status(now))}</td>"
            f"<td>{html.escape(a.body['title'])}</td>"
            f"<td>{html.escape(str(a.body['visible_until'] or '—'))}</td>"
            f"<td>{sum(1 for i in state.interactions if i.announcement_id == a.id)}</td></tr>"
            for a in state.announcements.values()
        )
        return HTMLResponse(
            "<!doctype html><html lang='vi'><meta charset='utf-8'>"
            "<title>VNeID Tin tức — sandbox</title><h1>VNeID Tin tức (sandbox, API giả định)</h1>"
            "<p>Hợp đồng API là giả định, không phải đặc tả VNeID (an ASSUMED contract).</p>"
            "<table><tr><th>Mã</th><th>Trạng thái</th><th>Tiêu đề</th><th>Hiển thị đến</th>"
            f"<th>Tương tác</th></tr>{rows}</table></html>"
        )

    routes = [
        Route("/", page),
        Route("/api/v1/media", upload, methods=["POST"]),
        Route("/api/v1/announcements", create, methods=["POST"]),
        Route("/api/v1/announcements", listing, methods=["GET"]),
        Route("/api/v1/announcements/{id}", one, methods=["GET", "PUT"]),
        Route("/api/v1/announcements/{id}/withdraw", withdraw, methods=["POST"]),
        Route("/api/v1/announcements/{id}/interactions", interactions, methods=["GET"]),
        Route("/api/v1/interactions", interactions, methods=["GET"]),
        Route("/api/v1/interactions/{id}/hide", hide, methods=["POST"]),
        Route("/__fake/clock", fake_clock, methods=["POST"]),
        Route("/__fake/review/{id}", fake_review, methods=["POST"]),
        Route("/__fake/faults", fake_faults, methods=["POST"]),
        Route("/__fake/interactions", fake_interaction, methods=["POST"]),
        Route("/__fake/revoke", fake_revoke, methods=["POST"]),
        Route("/__fake/webhook", fake_webhook, methods=["POST"]),
        Route("/__fake/rate", fake_rate, methods=["POST"]),
        Route("/__fake/requests", fake_requests, methods=["GET"]),
        Route("/__fake/state", fake_state, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = state
    app.add_middleware(_Faults, state=state)
    return app
