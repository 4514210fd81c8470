"""Units of the current (2025) scheme, one level at a time, for pickers and filters."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import select

from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.unit import Unit
from core.units.models import CURRENT_SCHEME
from core.units.models import Unit as UnitModel


def units(info: strawberry.Info[RequestContext, Any], parent: str | None = None) -> list[Unit]:
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
