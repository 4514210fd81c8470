"""Every category, for filters and navigation."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import select

from core.content.models import Category as CategoryModel
from core.graphql.request import RequestContext
from core.graphql.types.category import Category


def categories(info: strawberry.Info[RequestContext, Any]) -> list[Category]:
    with info.context.read() as session:
        rows = session.scalars(select(CategoryModel).order_by(CategoryModel.name))
        return [Category.of(c) for c in rows]
