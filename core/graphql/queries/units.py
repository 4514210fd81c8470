"""Units of the current (2025) scheme, one level at a time, for pickers and filters."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.unit import Unit
from core.units.lookups import child_units, unit_by_code


def units(
    info: strawberry.Info[RequestContext, Any],
    parent: Annotated[
        str | None,
        strawberry.argument(
            description="A unit's code: list its children (a province's communes). Null: the "
            "provinces. `VN` is the nation. Mã đơn vị cha."
        ),
    ] = None,
) -> list[Unit]:
    """Children of ``parent`` (a unit code); the provinces when ``parent`` is null."""
    with info.context.read() as session:
        rows = child_units(session, parent)
        if rows is None:
            raise ValidationFailed({"parent": f"no administrative unit with code {parent!r}"})
        return [Unit.of(u) for u in rows]


def unit(
    info: strawberry.Info[RequestContext, Any],
    code: Annotated[
        str, strawberry.argument(description="The unit's code (2025 scheme). Mã đơn vị.")
    ],
) -> Unit:
    """One unit of the current scheme by code; an unknown code is BAD_USER_INPUT."""
    with info.context.read() as session:
        try:
            return Unit.of(unit_by_code(session, code))
        except LookupError as exc:
            raise ValidationFailed({"code": str(exc)}) from None
