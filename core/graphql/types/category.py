"""A content category; clients filter by its slug."""

from __future__ import annotations

import strawberry

from core.content.models import Category as CategoryModel


@strawberry.type
class Category:
    slug: str
    name: str

    @classmethod
    def of(cls, category: CategoryModel) -> Category:
        return cls(slug=category.slug, name=category.name)
