"""``formerUnit(code)``: a pre-2025 unit and the 2025 units that took it over."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.unit import FormerUnit, Succession, Unit
from core.units.succession import successors


def former_unit(
    info: strawberry.Info[RequestContext, Any],
    code: Annotated[
        str,
        strawberry.argument(
            description="A pre-2025 code: a province (`38`), a district (`380`) or a commune "
            "(`14755`). Mã đơn vị trước sắp xếp năm 2025."
        ),
    ],
) -> FormerUnit:
    with info.context.read() as session:
        try:
            old, found = successors(session, code)
        except LookupError as exc:
            raise ValidationFailed({"code": str(exc)}) from None
        return FormerUnit(
            code=old.code,
            name=old.name,
            level=old.level,
            successors=[Succession(unit=Unit.of(u), is_default=d) for u, d in found],
        )
