"""The audit log of my units: filters (who, what, unit, days in Vietnam's time), keyset pages
(newest first, "older" continues below the last id shown), and the chain's verify status.

The status is read on the page as it stands; the browser then asks ``/admin/audit/verify``
(htmx), which checks one bounded stretch of the chain per request and answers the status
again, asking for the next stretch until the walk is done: a big log never holds a request
for long. Without script the page still shows the last finished walk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.page import LOCAL, Page, signed_in
from admin.pages.refusals import call
from core.actions import audit_log
from core.auth.permissions import Actor
from core.errors import ValidationFailed
from core.units.lookups import units_by_path

PAGE_SIZE = 50
FILTERS = ("who", "action", "unit", "since", "until")


def _day(raw: str, name: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed({name: "must be a date (YYYY-MM-DD)"}) from None


def _bounds(since: str, until: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Whole days in Vietnam: from the start of ``since`` to the end of ``until``, in UTC."""
    first, last = _day(since, "since"), _day(until, "until")
    start = dt.datetime.combine(first, dt.time(), LOCAL).astimezone(dt.UTC) if first else None
    end = None
    if last:
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), LOCAL)
        end = end.astimezone(dt.UTC)
    return start, end


def _before(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationFailed({"before": "must be an entry number"})
    return int(raw)


def _unit_names(page: Page, paths: set[str]) -> dict[str, str]:
    with page.ctx.sessions() as db:
        return {path: unit.name for path, unit in units_by_path(db, paths).items()}


def _search(page: Page, actor: Actor, query: dict[str, str]) -> dict[str, Any]:
    since, until = _bounds(query["since"], query["until"])
    found = audit_log.entries(
        page.ctx,
        actor,
        actor_name=query["who"],
        action=query["action"],
        unit_code=query["unit"],
        since=since,
        until=until,
        first=PAGE_SIZE,
        before_id=_before(query["before"]),
    )
    return {
        "entries": found.entries,
        "has_next": found.has_next,
        "units": _unit_names(page, {e.unit_path for e in found.entries if e.unit_path}),
        "chain": audit_log.chain_status(page.ctx, actor, step=False),
    }


async def listing(request: Request) -> Response:
    page, actor = await signed_in(request)
    params = request.query_params
    query = {name: params.get(name, "") for name in (*FILTERS, "before")}
    filters = urlencode({k: query[k] for k in FILTERS if query[k]})
    values: dict[str, Any] = {"query": query, "filters": filters}
    try:
        found = await call(page, _search, page, actor, query)
    except ValidationFailed as exc:
        values.update(entries=[], has_next=False, units={}, chain=None)
        return page.render(
            "ops/audit.html",
            400,
            title="Nhật ký kiểm toán",
            title_en="Audit log",
            error=f"Bộ lọc không hợp lệ. / {exc.message}",
            **values,
        )
    values.update(found)
    if found["entries"] and found["has_next"]:
        kept = {k: query[k] for k in FILTERS if query[k]}
        values["older"] = "?" + urlencode({**kept, "before": found["entries"][-1].id})
    return page.render("ops/audit.html", title="Nhật ký kiểm toán", title_en="Audit log", **values)


async def verify(request: Request) -> Response:
    """One bounded stretch of the walk, then the status (an htmx fragment)."""
    page, actor = await signed_in(request)
    status = await call(page, audit_log.chain_status, page.ctx, actor)
    return page.render("ops/audit_status.html", chain=status)


def routes() -> list[BaseRoute]:
    return [Route("/audit", listing), Route("/audit/verify", verify)]
