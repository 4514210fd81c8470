"""Autosave of the compose form (``admin/static/autosave.js`` posts it every ~10 s of change).

POST /admin/autosave (a new item: the first autosave creates the draft) and
/admin/items/{uid}/autosave (later ones, with the revision the form was loaded with). The
form's own fields and CSRF token, parsed like an explicit save; the cover and gallery wait
for the explicit save (uploads are not autosaved). The answer is JSON with a ``state``:
``saved`` (uid, revision, the local time), ``invalid`` (fields, 400), ``conflict`` (the item
moved on in another tab, 409), ``manual`` (not a draft: only an explicit save may change it,
409), ``refused`` (403/404, audited). The rules are core's (``core.workflow.edits``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from admin.messages import vietnamese
from admin.page import LOCAL, signed_in_post, text
from admin.pages import compose
from admin.pages.refusals import audited
from core.actions import autosave as autosaving
from core.errors import Conflict, InvalidTransition, LoaError, ValidationFailed


def _answer(status: int, state: str, **values: Any) -> Response:
    response = JSONResponse({"state": state, **values}, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def _said(message: str) -> dict[str, str]:
    return {"message_vi": vietnamese(message), "message_en": message}


async def autosave(request: Request) -> Response:
    # Signed out (a redirect) or no CSRF token (403): Answered, never saved.
    page, actor, form = await signed_in_post(request)
    uid = request.path_params.get("uid")
    raw = text(form, "base_revision").strip()
    if uid is not None and not raw.isdigit():
        return _answer(
            400,
            "invalid",
            fields={"base_revision": "is required"},
            **_said("base_revision: a revision number is required"),
        )
    data, unreadable = compose.parse(form)
    if unreadable:
        return _answer(400, "invalid", fields=unreadable, **_said("invalid input"))
    base = int(raw) if raw.isdigit() else None
    try:
        saved, refused = await audited(page, autosaving.autosave, page.ctx, actor, uid, base, data)
    except ValidationFailed as exc:
        fields = {k: vietnamese(v) for k, v in exc.fields.items()}
        return _answer(400, "invalid", fields=fields, **_said(exc.message))
    except Conflict as exc:
        return _answer(409, "conflict", **_said(exc.message))
    except InvalidTransition as exc:
        return _answer(409, "manual", **_said(exc.message))
    except LoaError as exc:
        return _answer(400, "failed", **_said(exc.message))
    if refused is not None:
        return _answer(refused.status_code, "refused", **_said("not allowed"))
    assert saved is not None  # audited gives a result or a refusal
    return _answer(
        200,
        "saved",
        uid=saved.uid,
        revision=saved.revision,
        created=saved.created,
        saved_at=saved.saved_at.astimezone(LOCAL).strftime("%H:%M"),
        edit_url=f"/admin/items/{saved.uid}/edit",
        autosave_url=f"/admin/items/{saved.uid}/autosave",
    )
