"""Unit settings a channel admin manages: the portal URL template (canonical URLs)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.actions.unit_portals import set_portal
from core.errors import LoaError
from core.graphql.mutations.articles import stepped_up
from core.graphql.request import RequestContext
from core.graphql.types.payloads import ForbiddenError, NotFoundError, ValidationError, failure
from core.graphql.types.unit import Unit


@strawberry.type(description="The unit, with its new portal URL template.")
class UnitPortalResult:
    unit: Unit = strawberry.field(description="The unit as now stored.")


UnitPortalPayload = Annotated[
    UnitPortalResult | ValidationError | NotFoundError | ForbiddenError,
    strawberry.union("UnitPortalPayload"),
]


def set_unit_portal(
    info: strawberry.Info[RequestContext, Any],
    unit: Annotated[str, strawberry.argument(description="The unit's code (2025 scheme).")],
    url_template: Annotated[
        str,
        strawberry.argument(
            description="The portal's page of one item, with `{slug}` once: "
            "`https://xa-abc.gov.vn/tin-tuc/{slug}`; empty removes it."
        ),
    ],
    totp_code: Annotated[
        str | None,
        strawberry.argument(description="A fresh TOTP code: readers will be sent there."),
    ] = None,
) -> UnitPortalPayload:
    rc = info.context
    try:
        row = set_portal(rc.ctx, stepped_up(rc, totp_code), unit, url_template)
    except LoaError as exc:
        result = failure(exc)
        if not isinstance(result, ValidationError | NotFoundError | ForbiddenError):
            raise
        return result
    return UnitPortalResult(unit=Unit.of(row))
