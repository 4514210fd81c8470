"""``GET /api/reports/{kind}.csv``: a report as a CSV download, for the same callers as the API.

* ``/api/reports/quota.csv?unit=38&quarters=4`` (``quarters`` optional, default 4);
* ``/api/reports/periodic.csv?unit=38&period=2026-Q3``.

Authentication is :func:`core.auth.requests.authenticate`, the management API's own; permission is
checked by the report actions. Failures answer JSON with a code, like the GraphQL endpoint.
"""

from __future__ import annotations

import inspect
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.context import Context
from core.edge.errors import error_response
from core.errors import LoaError, NotFound, ValidationFailed
from core.reports import csv as report_csv
from core.reports.actions import periodic_report, quota_report

log = logging.getLogger("loa.reports")


def _quarters(raw: str | None) -> int:
    if raw is None or raw == "":
        return 4
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed({"quarters": "must be a whole number"}) from None


async def report_csv_endpoint(request: Request) -> Response:
    ctx: Context = request.app.state.loa
    kind = request.path_params["kind"]
    params = request.query_params
    try:
        from core.auth.requests import authenticate  # the single entry point; it may change

        actor = await run_in_threadpool(authenticate, request, ctx)  # it reads the database
        if inspect.isawaitable(actor):
            actor = await actor
        unit = params.get("unit", "")
        if not unit:
            raise ValidationFailed({"unit": "is required"})
        if kind == "quota":
            quarters = _quarters(params.get("quarters"))
            report = await run_in_threadpool(quota_report, ctx, actor, unit, quarters)
            body = report_csv.quota_csv(report)
            name = f"quota-{report[0].unit_code}-{report[0].period.label}.csv"
        elif kind == "periodic":
            period = params.get("period", "")
            if not period:
                raise ValidationFailed({"period": "is required"})
            periodic = await run_in_threadpool(periodic_report, ctx, actor, unit, period)
            body = report_csv.periodic_csv(periodic)
            name = f"report-{periodic.unit_code}-{periodic.period.label}.csv"
        else:
            raise NotFound(f"no report named {kind!r}: quota or periodic")
    except LoaError as exc:
        return error_response(exc)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def report_routes() -> list[Route]:
    return [Route("/api/reports/{kind}.csv", report_csv_endpoint, methods=["GET"])]
