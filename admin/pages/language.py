"""The language switch: Vietnamese first; English shown beside it on request (a cookie)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.page import HOME, LANG_COOKIE


async def switch(request: Request) -> Response:
    """``/admin/lang/en`` shows the English too, ``/admin/lang/vi`` Vietnamese only; back to
    ``next`` when it is an admin page (never another site)."""
    lang = request.path_params["lang"]
    back = request.query_params.get("next", HOME)
    if not back.startswith("/admin/") or back.startswith("//") or "\\" in back:
        back = HOME
    response = RedirectResponse(back, status_code=303)
    response.headers["cache-control"] = "no-store"
    response.set_cookie(
        LANG_COOKIE,
        "en" if lang == "en" else "vi",
        max_age=365 * 86400,
        samesite="lax",
        httponly=True,
        path="/admin",
    )
    return response
