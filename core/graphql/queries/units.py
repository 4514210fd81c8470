"""Units of the current (2025) scheme, one level at a time, for pickers and filters."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from core.content.queries import unit_by_code
from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.unit import Unit
from core.units.models import CURRENT_SCHEME
from core.units.models import Unit as UnitModel


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
    stmt = select(UnitModel).where(UnitModel.scheme == CURRENT_SCHEME, UnitModel.active.is_(True))
    with info.context.read() as session:
        if parent is None:
            stmt = stmt.where(UnitModel.level == "province")
        else:
            parent_id = session.scalar(
                select(UnitModel.id).where(
                    UnitModel.scheme == CURRENT_SCHEME, UnitModel.code == parent
                )
            )
            if parent_id is None:
                raise ValidationFailed({"parent": f"no administrative unit with code {parent!r}"})
            stmt = stmt.where(UnitModel.parent_id == parent_id)
        return [Unit.of(u) for u in session.scalars(stmt.order_by(UnitModel.code))]


def unit(
    info: strawberry.Info[RequestContext, Any],
    code: Annotated[
        str, strawberry.argument(description="The unit's code (2025 scheme). Mã đơn vị.")
    ],
) -> Unit:
    """One unit of the current scheme by code; an unknown code is BAD_USER_INPUT."""
    with info.context.read() as session:
        try:
            return Unit.of(unit_by_code(session, code, CURRENT_SCHEME))
        except LookupError as exc:
            raise ValidationFailed({"code": str(exc)}) from None
