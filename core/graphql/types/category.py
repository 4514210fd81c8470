"""A content category; clients filter by its slug."""

from __future__ import annotations

import strawberry

from core.content.models import Category as CategoryModel
from core.graphql.types.node import Node, global_id


@strawberry.type(description="A content category (chuyên mục), e.g. `thong-bao` (notices).")
class Category(Node):
    slug: str = strawberry.field(
        description="Stable key: pass it as `category` to filter. Mã chuyên mục."
    )
    name: str = strawberry.field(description="Display name. Tên chuyên mục.")

    @classmethod
    def of(cls, category: CategoryModel) -> Category:
        return cls(id=global_id("Category", category.slug), slug=category.slug, name=category.name)
