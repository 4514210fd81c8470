"""The public list of articles: published, in-window, newest first, by keyset cursor."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField

from core.content import queries
from core.errors import ValidationFailed
from core.graphql.request import RequestContext
from core.graphql.types.connection import ArticleConnection

MAX_FIRST = 100
MAX_SEARCH = 200


def wants_total(info: strawberry.Info[RequestContext, Any]) -> bool:
    """Count only when asked: the count is the priciest statement of a page."""
    for selection in info.selected_fields[0].selections:
        if not isinstance(selection, SelectedField) or selection.name == "totalCount":
            return True
    return False


def selected_names(info: strawberry.Info[RequestContext, Any]) -> set[str]:
    """Every field name selected under this field, fragments included."""
    names: set[str] = set()
    stack: list[Any] = list(info.selected_fields)
    while stack:
        selection = stack.pop()
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        stack.extend(selection.selections)
    return names


def articles(
    info: strawberry.Info[RequestContext, Any],
    unit: str | None = None,
    include_descendants: bool = True,
    category: str | None = None,
    search: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> ArticleConnection:
    if not 1 <= first <= MAX_FIRST:
        raise ValidationFailed({"first": f"must be between 1 and {MAX_FIRST}"})
    if search is not None and len(search) > MAX_SEARCH:
        raise ValidationFailed({"search": f"at most {MAX_SEARCH} characters"})
    rc = info.context
    try:
        with rc.read() as session:
            page = queries.list_published(
                session,
                unit_code=unit,
                include_descendants=include_descendants,
                category=category,
                search=search,
                first=first,
                after=after,
                with_total=wants_total(info),
            )
    except LookupError as exc:
        raise ValidationFailed({"unit": str(exc)}) from None
    rc.loaders.prefetch(page.articles, selected_names(info))
    return ArticleConnection.of(page, rc)
