"""Every category, for filters and navigation."""

from __future__ import annotations

from typing import Any

import strawberry

from core.content.queries import all_categories
from core.graphql.request import RequestContext
from core.graphql.types.category import Category


def categories(info: strawberry.Info[RequestContext, Any]) -> list[Category]:
    with info.context.read() as session:
        return [Category.of(c) for c in all_categories(session)]
