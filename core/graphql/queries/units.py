"""Units of the current (2025) scheme, one level at a time, for pickers and filters."""

from __future__ import annotations

from typing import Any

import strawberry

from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.unit import Unit
from core.units.lookups import child_units


def units(info: strawberry.Info[RequestContext, Any], parent: str | None = None) -> list[Unit]:
    """Children of ``parent`` (a unit code); the provinces when ``parent`` is null."""
    with info.context.read() as session:
        rows = child_units(session, parent)
        if rows is None:
            raise ValidationFailed({"parent": f"no administrative unit with code {parent!r}"})
        return [Unit.of(u) for u in rows]
