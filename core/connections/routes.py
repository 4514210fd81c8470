"""``/channels/connect/…``: the connect flow over HTTP (see :mod:`core.connections.connect`).

* ``POST /channels/connect/{target_id}`` (session cookie, ``X-CSRF-Token``, JSON
  ``{"totpCode": "…"}``): answers ``{"authoriseUrl": …}`` for the admin's page to open.
* ``GET /channels/connect/callback``: where the platform sends the browser back; keeps
  its answer and moves on, same-site, to
* ``GET /channels/connect/finish?state=…``: exchanges the code and stores the
  credentials, then back to the target's page in the admin.

A bearer API token cannot connect: the flow is bound to a browser session.
"""

from __future__ import annotations

import html
import logging
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from core.auth import actions as auth_actions
from core.auth.permissions import Actor
from core.auth.web import client_address, session_id
from core.connections import connect
from core.context import Context
from core.contract.channels import ChannelError
from core.edge.errors import error_response
from core.edge.jsondoc import NotJson, decode_object
from core.errors import Forbidden, LoaError, ValidationFailed
from core.secrets import SecretError

log = logging.getLogger("loa.connections")


def _session_actor(request: Request, ctx: Context) -> tuple[Actor, str]:
    from core.auth.requests import authenticate

    if request.headers.get("authorization"):
        raise Forbidden("connecting a channel needs a signed-in browser session")
    actor = authenticate(request, ctx)
    sid = session_id(request, ctx.settings)
    assert sid is not None  # authenticate refused a request without one
    return actor, sid


async def start(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    try:
        actor, sid = await run_in_threadpool(_session_actor, request, ctx)
        try:
            code = str(decode_object(await request.body()).get("totpCode") or "")
        except NotJson:
            raise ValidationFailed({"totpCode": "send JSON with the second-factor code"}) from None
        if code:
            actor = await run_in_threadpool(
                auth_actions.step_up, ctx, actor, code, client_address(request)
            )
        target_id = int(request.path_params["target_id"])
        started = await run_in_threadpool(connect.start, ctx, actor, sid, target_id)
    except LoaError as exc:
        return error_response(exc)
    except SecretError:
        return error_response(
            ValidationFailed({"target": "the stored credentials cannot be opened"})
        )
    return JSONResponse({"authoriseUrl": started.url})


async def callback(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    params = {k: v for k, v in request.query_params.items()}
    state = await run_in_threadpool(connect.called_back, ctx, params)
    if state is None:
        return HTMLResponse(_page("Liên kết đã hết hạn (this link has expired)", ""), 400)
    # A same-site navigation from here carries the SameSite=Strict session cookie again.
    onward = f"{connect.FINISH_PATH}?{urlencode({'state': state})}"
    return HTMLResponse(_page("Đang hoàn tất kết nối (finishing the connection)…", onward))


async def finish(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    try:
        actor, sid = await run_in_threadpool(_session_actor, request, ctx)
        row = await connect.finish(ctx, actor, sid, request.query_params.get("state", ""))
    except LoaError as exc:
        return error_response(exc)
    except ChannelError as exc:
        log.warning("a code exchange failed (%s)", exc.kind)
        return error_response(
            ValidationFailed({"consent": f"the platform refused the code ({exc.kind})"})
        )
    return RedirectResponse(f"/admin/channels/{row.id}", 303)  # the target's page, healthy


def _page(message: str, onward: str) -> str:
    """A tiny page; with ``onward``, a meta refresh (no script: the CSP allows none inline)."""
    refresh = f'<meta http-equiv="refresh" content="0;url={html.escape(onward)}">' if onward else ""
    link = f'<p><a href="{html.escape(onward)}">Tiếp tục (continue)</a></p>' if onward else ""
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">{refresh}'
        f"<title>Loa</title></head><body><p>{html.escape(message)}</p>{link}</body></html>"
    )


def connect_routes() -> list[Route]:
    return [
        Route(connect.CALLBACK_PATH, callback, methods=["GET"]),
        Route(connect.FINISH_PATH, finish, methods=["GET"]),
        Route("/channels/connect/{target_id:int}", start, methods=["POST"]),
    ]
