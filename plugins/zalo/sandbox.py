"""Zalo OA's OpenAPI and OAuth v4, emulated: strict, multi-OA, with a ``/__fake/`` control plane.

Zalo has no sandbox of its own (CONTRACT.md §1), so this is where an office rehearses. It answers
like Zalo: HTTP 200 with ``{"error": -N, "message"}`` for every refusal, the ``access_token``
header, tokens that expire (25 h) and refresh tokens spent once, articles created asynchronously
(a token, then ``verify``), broadcasts reviewed before they go out and refused at night.

Control plane (a real Zalo has no such prefix): ``POST /__fake/clock {"advance": s}|{"at": iso}``,
``POST /__fake/faults {path, count, error|status|delay}``, ``POST /__fake/config``,
``POST /__fake/revoke {"oa_id"}``, ``GET /__fake/requests``, ``GET /__fake/state``,
``POST /__fake/events {user_id, text, oa_id?, url?}`` (a citizen's message, signed and sent to
``url`` when given) and ``POST /__fake/consent`` (the OA admin approves: a code).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import html
import ipaddress
import json
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from core import outbound_client
from plugins.zalo.sandbox_schema import Refused, check_article, check_broadcast
from plugins.zalo.sandbox_state import (
    CODE_LIFETIME,
    REPLY_WINDOW,
    Article,
    Broadcast,
    Fault,
    Message,
    State,
)
from plugins.zalo.webhooks import signature

#: With ``demo``, an access token ``<prefix><x>`` opens the OA ``oa-<x>`` (``loa demo``'s targets):
#: distinctive, so it is never mistaken for an id in a log.
DEMO_TOKEN_PREFIX = "loa-demo-zalo-token-"

_LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def _ok(data: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"data": data or {}, "error": 0, "message": "Success"}, headers=headers)


def _err(code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message})


def _oauth_err(code: int, name: str, reason: str) -> JSONResponse:
    return JSONResponse(
        {
            "error": code,
            "error_name": name,
            "error_reason": reason,
            "ref_doc": "",
            "message": reason,
        }
    )


def create_sandbox(
    app_id: str,
    app_secret: str,
    oa_secret: str,
    oa_ids: tuple[str, ...],
    demo: bool = False,
) -> Starlette:
    """With ``demo``, an access token ``<DEMO_TOKEN_PREFIX><x>`` is the OA ``oa-<x>``'s and never
    expires: ``loa demo``'s targets need no consent."""
    state = State(app_id, app_secret, oa_secret, oa_ids)

    async def recorded(request: Request) -> bytes:
        body = await request.body()
        headers = {
            k: ("<redacted>" if k in ("access_token", "secret_key") else v)
            for k, v in request.headers.items()
        }
        state.requests.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": str(request.url.query),
                "headers": headers,
                # codes, verifiers and refresh tokens are credentials: not kept
                "body": "<redacted>"
                if request.url.path.endswith("/access_token")
                else body.decode("utf-8", "replace")[:65536],
            }
        )
        return body

    def caller(request: Request) -> tuple[str, JSONResponse | None]:
        """The OA whose access token the request carries, or Zalo's refusal."""
        token = request.headers.get("access_token", "")
        if demo and token.startswith(DEMO_TOKEN_PREFIX) and token not in state.access:
            oa_id = "oa-" + token.removeprefix(DEMO_TOKEN_PREFIX)
            state.access[token] = (oa_id, state.now() + dt.timedelta(days=36500))
        if token not in state.access:
            return "", _err(-216, "Access token is invalid")
        oa_id, expires = state.access[token]
        if state.now() >= expires:
            return "", _err(-220, "access_token is expired or removed")
        minute = int(state.now().timestamp() // 60)
        seen, count = state.calls_this_minute.get(oa_id, (minute, 0))
        count = count + 1 if seen == minute else 1
        state.calls_this_minute[oa_id] = (minute, count)
        if count > state.rate_limit:
            return "", _err(-32, "The application or OA has reached the API call limit")
        return oa_id, None

    async def api(request: Request) -> Response:
        raw = await recorded(request)
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))
        fault = state.take_fault(path)
        if fault and fault.status:
            return Response("upstream error", status_code=fault.status)
        if fault and fault.error is not None:
            return _err(fault.error, fault.message or "injected")
        oa_id, refusal = caller(request)
        if refusal is not None:
            return refusal
        handler = API.get((request.method, path))
        if handler is None:
            return _err(-209, "Not supported this api")
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return _err(-201, "body is invalid")
        try:
            response = handler(oa_id, body, request)
        except Refused as exc:
            return _err(exc.code, str(exc))
        if fault and fault.delay:  # stored, then the answer comes too late
            await asyncio.sleep(fault.delay)
        remain = max(0, state.rate_limit - state.calls_this_minute[oa_id][1])
        response.headers["X-RateLimit-Limit"] = str(state.rate_limit)
        response.headers["X-RateLimit-Remain"] = str(remain)
        return response

    def article_of(oa_id: str, article_id: Any) -> Article:
        article = state.articles.get(str(article_id))
        if article is None or article.oa_id != oa_id or article.removed:
            raise Refused(-201, "id is invalid")
        return article

    def create(oa_id: str, body: Any, request: Request) -> JSONResponse:
        check_article(body)
        if state.month_count(oa_id, "article") >= state.article_quota:
            return _err(-223, "Your OA has reach the limit quota create article")
        now = state.now()
        article = Article(
            state.serial(), oa_id, {"status": "hide", "comment": "show", **body}, now, now
        )
        state.articles[article.id] = article
        return _ok({"token": _token(article.id)})

    def _token(article_id: str) -> str:
        token = base64.urlsafe_b64encode(
            hashlib.sha256(f"{article_id}{state.serial()}".encode()).digest()[:18]
        ).decode()
        state.tokens[token] = (article_id, state.processing_verifies)
        return token

    def verify(oa_id: str, body: Any, request: Request) -> JSONResponse:
        if set(body) != {"token"} or body["token"] not in state.tokens:
            return _err(-201, "token is invalid")
        article_id, left = state.tokens[body["token"]]
        if state.articles[article_id].oa_id != oa_id:
            return _err(-201, "token is invalid")
        if left > 0:
            state.tokens[body["token"]] = (article_id, left - 1)
            return _err(-214, "Article is being processed")
        return _ok({"id": article_id})

    def update(oa_id: str, body: Any, request: Request) -> JSONResponse:
        check_article(body, update=True)
        article = article_of(oa_id, body["id"])
        fields = {k: v for k, v in body.items() if k != "id"}
        article.body = {"status": "hide", "comment": "show", **fields}
        article.updated_at = state.now()
        return _ok({"token": _token(article.id)})

    def remove(oa_id: str, body: Any, request: Request) -> JSONResponse:
        if set(body) != {"id"}:
            return _err(-201, "id is invalid")
        article_of(oa_id, body["id"]).removed = True
        return _ok()

    def detail(oa_id: str, body: Any, request: Request) -> JSONResponse:
        article = article_of(oa_id, request.query_params.get("id", ""))
        return _ok(
            {
                "id": article.id,
                **article.body,
                "create_date": _ms(article.created_at),
                "update_date": _ms(article.updated_at),
            }
        )

    def getslice(oa_id: str, body: Any, request: Request) -> JSONResponse:
        q = request.query_params
        try:
            offset, limit = int(q.get("offset", "")), int(q.get("limit", ""))
        except ValueError:
            return _err(-201, "offset/limit is invalid")
        if q.get("type") not in ("normal", "video") or not 0 < limit <= 10 or offset < 0:
            return _err(-201, "type/limit is invalid")
        mine = [a for a in state.articles.values() if a.oa_id == oa_id and not a.removed]
        mine.sort(key=lambda a: a.created_at, reverse=True)
        medias = [
            {
                "id": a.id,
                "type": "normal",
                "title": a.body["title"],
                "status": a.body["status"],
                "total_view": 0,
                "total_share": 0,
                "create_date": _ms(a.created_at),
                "update_date": _ms(a.updated_at),
                "thumb": a.body["cover"].get("photo_url", ""),
                "link_view": f"https://zalo.me/sandbox/article/{a.id}",
            }
            for a in mine[offset : offset + limit]
        ]
        return _ok({"medias": medias, "total": len(mine)})

    def broadcast(oa_id: str, body: Any, request: Request) -> JSONResponse:
        target, ids = check_broadcast(body)
        for article_id in ids:
            article_of(oa_id, article_id)
        now = state.now()
        hour = (now + dt.timedelta(hours=7)).hour
        if hour >= 22 or hour < 6:
            return _err(-234, "This message type cannot be sent at night (22:00-06:00)")
        if state.month_count(oa_id, "broadcast") >= state.broadcast_quota:
            return _err(-211, "Out of quota")
        sent = Broadcast(state.serial(), oa_id, target, ids, now)
        state.broadcasts.append(sent)
        return _ok({"message_id": sent.message_id})

    def reply(oa_id: str, body: Any, request: Request) -> JSONResponse:
        try:
            to = body["recipient"]["message_id"]
            text = body["message"]["text"]
            if set(body) != {"recipient", "message"} or set(body["message"]) != {"text"}:
                raise KeyError
        except (KeyError, TypeError):
            return _err(-201, "recipient or message is invalid")
        if not isinstance(text, str) or not text or len(text) > 2000:
            return _err(-201, "message.text is invalid")
        quoted = next((m for m in state.messages if m.msg_id == to and m.oa_id == oa_id), None)
        if quoted is None:
            return _err(-201, "message_id is invalid")
        last = state.last_interaction(oa_id, quoted.user_id)
        if last is None or state.now() - last > REPLY_WINDOW:
            return _err(-230, "User has not interacted with the OA in the last 7 days")
        sent = Message(state.serial(), oa_id, quoted.user_id, text, state.now(), from_oa=True)
        state.messages.append(sent)
        return _ok({"message_id": sent.msg_id, "user_id": quoted.user_id})

    API = {
        ("POST", "/v2.0/article/create"): create,
        ("POST", "/v2.0/article/verify"): verify,
        ("POST", "/v2.0/article/update"): update,
        ("POST", "/v2.0/article/remove"): remove,
        ("GET", "/v2.0/article/getdetail"): detail,
        ("GET", "/v2.0/article/getslice"): getslice,
        ("POST", "/v2.0/oa/message"): broadcast,
        ("POST", "/v3.0/oa/message/cs"): reply,
    }

    async def permission(request: Request) -> Response:
        """The consent page: the sandbox's OA admin approves at once (a real one clicks)."""
        await recorded(request)
        q = request.query_params
        if q.get("app_id") != state.app_id:
            return _oauth_err(-14002, "invalid_app_id", "Invalid appId or app is not active")
        if not q.get("redirect_uri") or not q.get("code_challenge"):
            return _oauth_err(-14003, "invalid_redirect_uri", "Invalid redirect uri")
        code = consent(state.oa_ids[0], q["code_challenge"])
        query = {"code": code, "oa_id": state.oa_ids[0], "state": q.get("state", "")}
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode(query)}", status_code=302)

    def consent(oa_id: str, challenge: str) -> str:
        code = f"code-{state.serial()}"
        state.codes[code] = (oa_id, challenge, state.now() + CODE_LIFETIME)
        return code

    async def access_token(request: Request) -> Response:
        await recorded(request)
        form = await request.form()
        if request.headers.get("secret_key") != state.app_secret:
            return _oauth_err(-14002, "invalid_secret_key", "Invalid secret key")
        if form.get("app_id") != state.app_id:
            return _oauth_err(-14002, "invalid_app_id", "Invalid appId or app is not active")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = str(form.get("code", ""))
            entry = state.codes.pop(code, None)
            if entry is None or state.now() > entry[2]:
                return _oauth_err(-14019, "invalid_code", "Invalid or used authorization code")
            digest = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != entry[1]:
                return _oauth_err(-14019, "invalid_code_verifier", "Invalid code verifier")
            return JSONResponse(state.issue_pair(entry[0]))
        if grant == "refresh_token":
            token = str(form.get("refresh_token", ""))
            entry2 = state.refresh.pop(token, None)
            state.spent_refresh.append(token)
            if entry2 is None or state.now() > entry2[1]:
                return _oauth_err(-14014, "invalid_refresh_token", "Invalid refresh token")
            return JSONResponse(state.issue_pair(entry2[0]))
        return _oauth_err(-14001, "invalid_grant_type", "Invalid grant_type")

    async def fake(request: Request) -> Response:
        what = request.path_params["what"]
        if request.method == "GET":
            if what == "requests":
                return JSONResponse({"requests": state.requests})
            if what == "state":
                return JSONResponse(snapshot())
            return JSONResponse({"error": "unknown"}, status_code=404)
        body = await request.json() if await request.body() else {}
        if what == "clock":
            if "at" in body:
                state.offset = dt.datetime.fromisoformat(body["at"]) - dt.datetime.now(dt.UTC)
            state.offset += dt.timedelta(seconds=float(body.get("advance", 0)))
            return JSONResponse({"now": state.now().isoformat()})
        if what == "faults":
            state.faults.append(Fault(**body))
            return JSONResponse({"queued": len(state.faults)})
        if what == "config":
            for name in ("processing_verifies", "article_quota", "broadcast_quota", "rate_limit"):
                if name in body:
                    setattr(state, name, int(body[name]))
            return JSONResponse({"ok": True})
        if what == "revoke":
            for token, (oa_id, _) in list(state.access.items()):
                if oa_id == body.get("oa_id"):
                    del state.access[token]
            for token, (oa_id, _) in list(state.refresh.items()):
                if oa_id == body.get("oa_id"):
                    del state.refresh[token]
            return JSONResponse({"ok": True})
        if what == "consent":
            code = consent(body.get("oa_id", state.oa_ids[0]), body["code_challenge"])
            return JSONResponse({"code": code})
        if what == "pair":  # a pair copied from Zalo's API Explorer, for demos
            return JSONResponse(state.issue_pair(body.get("oa_id", state.oa_ids[0])))
        if what == "events":
            return await event(body)
        return JSONResponse({"error": "unknown"}, status_code=404)

    async def event(body: dict[str, Any]) -> Response:
        oa_id = body.get("oa_id", state.oa_ids[0])
        message = Message(
            state.serial(), oa_id, str(body["user_id"]), str(body["text"]), state.now()
        )
        if "days_ago" in body:
            message.at -= dt.timedelta(days=float(body["days_ago"]))
        state.messages.append(message)
        timestamp = str(int(message.at.timestamp() * 1000))
        payload = {
            "app_id": state.app_id,
            "sender": {"id": message.user_id},
            "user_id_by_app": f"app-{message.user_id}",
            "recipient": {"id": oa_id},
            "event_name": "user_send_text",
            "message": {"text": message.text, "msg_id": message.msg_id},
            "timestamp": timestamp,
        }
        raw = json.dumps(payload, ensure_ascii=False).encode()
        headers = {
            "content-type": "application/json",
            "X-ZEvent-Signature": "mac=" + signature(state.app_id, raw, timestamp, state.oa_secret),
        }
        answer: dict[str, Any] = {
            "msg_id": message.msg_id,
            "body": raw.decode(),
            "headers": headers,
        }
        if body.get("url"):  # through core's client: Loa on loopback, in a demo, is allowed
            async with outbound_client(timeout=5.0, allow=_LOOPBACK) as http:
                sent = await http.post(body["url"], content=raw, headers=headers)
            answer["status"] = sent.status_code
        return JSONResponse(answer)

    def snapshot() -> dict[str, Any]:
        now = state.now()
        return {
            "now": now.isoformat(),
            "articles": [
                {
                    "id": a.id,
                    "oa_id": a.oa_id,
                    "title": a.body["title"],
                    "status": a.body["status"],
                    "comment": a.body["comment"],
                    "removed": a.removed,
                    "body": a.body,
                }
                for a in state.articles.values()
            ],
            "broadcasts": [
                {
                    "message_id": b.message_id,
                    "oa_id": b.oa_id,
                    "target": b.target,
                    "articles": b.article_ids,
                    "state": b.state(now),
                }
                for b in state.broadcasts
            ],
            "messages": [
                {
                    "msg_id": m.msg_id,
                    "oa_id": m.oa_id,
                    "user_id": m.user_id,
                    "text": m.text,
                    "from_oa": m.from_oa,
                }
                for m in state.messages
            ],
            "refreshes": list(state.spent_refresh),
        }

    async def page(request: Request) -> Response:
        snap = snapshot()
        rows = "".join(
            f"<tr><td>{html.escape(a['id'])}</td><td>{html.escape(a['oa_id'])}</td>"
            f"<td>{html.escape(a['title'])}</td><td>{'đã gỡ' if a['removed'] else a['status']}</td>"
            f"<td>{a['comment']}</td></tr>"
            for a in snap["articles"]
        )
        casts = "".join(
            f"<li>{html.escape(b['message_id'])} → {html.escape(json.dumps(b['target']))}: "
            f"{b['state']}</li>"
            for b in snap["broadcasts"]
        )
        msgs = "".join(
            f"<li>{'OA' if m['from_oa'] else html.escape(m['user_id'])}: "
            f"{html.escape(m['text'])}</li>"
            for m in snap["messages"]
        )
        return HTMLResponse(
            "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Zalo OA sandbox</title>"
            "<h1>Zalo OA (sandbox: không gửi gì thật — nothing real is sent)</h1>"
            f"<p>Giờ của sandbox (sandbox clock): {snap['now']}</p>"
            "<h2>Bài viết (articles)</h2><table><tr><th>id</th><th>OA</th><th>tiêu đề</th>"
            f"<th>trạng thái</th><th>bình luận</th></tr>{rows}</table>"
            f"<h2>Tin truyền thông (broadcasts)</h2><ul>{casts}</ul>"
            f"<h2>Tin nhắn (messages)</h2><ul>{msgs}</ul></html>"
        )

    routes = [
        Route("/", page),
        Route("/__fake/{what}", fake, methods=["GET", "POST"]),
        Route("/v4/oa/permission", permission),
        Route("/v4/oa/access_token", access_token, methods=["POST"]),
        Route("/{path:path}", api, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.zalo = state
    return app


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)
