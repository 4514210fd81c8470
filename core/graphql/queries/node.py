"""``node(id)``: Relay's refetch of any public object by its global id."""

from __future__ import annotations

import re
from typing import Annotated, Any

import strawberry

from core.content import queries
from core.graphql.request import RequestContext
from core.graphql.types.article import public_article
from core.graphql.types.category import Category
from core.graphql.types.node import Node, parse_global_id
from core.graphql.types.unit import Unit
from core.units.models import CURRENT_SCHEME

#: An article's UUID, which earlier versions gave as its id: still found, as a courtesy.
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def node(
    info: strawberry.Info[RequestContext, Any],
    id: Annotated[
        strawberry.ID,
        strawberry.argument(description="A global id from any `id` field of a Node."),
    ],
) -> Node | None:
    """The object, or null when the id names nothing public (never an error: ids go stale)."""
    parsed = ("Article", str(id)) if _UUID.match(str(id)) else parse_global_id(str(id))
    if parsed is None:
        return None
    type_name, key = parsed
    rc = info.context
    with rc.read() as session:
        if type_name == "Article":
            found = queries.get_published(session, "", uid=key)
            return public_article(found, rc) if found else None
        if type_name == "Unit":
            try:
                unit = queries.unit_by_code(session, key, CURRENT_SCHEME)
            except LookupError:
                return None
            return Unit.of(unit)
        category = queries.category_by_slug(session, key)
        return Category.of(category) if category else None
