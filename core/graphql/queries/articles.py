"""The public list of articles: published, in-window, newest first, by keyset cursor."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import SelectedField

from core.content import queries
from core.content.validation import KINDS
from core.errors import ValidationFailed
from core.graphql.columns import public_row
from core.graphql.loaders import Related, related_rows
from core.graphql.request import RequestContext
from core.graphql.types.connection import ArticleConnection

MAX_FIRST = 100
MAX_SEARCH = 200

UNIT_ARGUMENT = (
    "An administrative unit's code (2025 scheme): a province's two digits (`38` Thanh Hóa) or "
    "a commune's five (`14932` Xã Cẩm Thủy). Find codes with `units` and `units(parent:)`, or "
    "a pre-2025 code's successor with `formerUnit`. Mã đơn vị hành chính."
)
AFTER_ARGUMENT = (
    "A cursor (an opaque string from `edges.cursor` or `pageInfo.endCursor`): the page starts "
    "after that item. Cursors stay valid while items are published. Con trỏ trang."
)
BEFORE_ARGUMENT = (
    "A cursor (from `edges.cursor` or `pageInfo.startCursor`): the page ends before that item."
)


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


def selected_at(info: strawberry.Info[RequestContext, Any], path: tuple[str, ...]) -> set[str]:
    """The field names selected ``path`` below this field, fragments included: what the
    article itself is asked for (its ``url``), not what its cover or unit is."""
    names: set[str] = set()
    stack: list[tuple[Any, int]] = [(s, 0) for s in info.selected_fields[0].selections]
    while stack:
        selection, depth = stack.pop()
        if not isinstance(selection, SelectedField):  # a fragment: its fields, same level
            stack.extend((s, depth) for s in selection.selections)
        elif depth == len(path):
            names.add(selection.name)
        elif selection.name == path[depth]:
            stack.extend((s, depth + 1) for s in selection.selections)
    return names


def _page_size(value: int | None, argument: str) -> None:
    if value is not None and not 1 <= value <= MAX_FIRST:
        raise ValidationFailed({argument: f"must be between 1 and {MAX_FIRST}"})


def _kinds(values: list[str] | None) -> list[str]:
    unknown = sorted(set(values or ()) - KINDS)
    if unknown:
        raise ValidationFailed({"kinds": f"unknown kind {unknown[0]!r}; one of {sorted(KINDS)}"})
    return list(values or ())


def _instant(value: dt.datetime | None, argument: str) -> dt.datetime | None:
    """The instant in UTC; a time without an offset, or one UTC cannot hold, is bad input."""
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValidationFailed({argument: "needs a UTC offset, e.g. 2026-07-01T00:00:00+07:00"})
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationFailed({argument: "out of range"}) from None


async def articles(
    info: strawberry.Info[RequestContext, Any],
    unit: Annotated[str | None, strawberry.argument(description=UNIT_ARGUMENT)] = None,
    former_unit: Annotated[
        str | None,
        strawberry.argument(
            description="A pre-2025 unit code (see `formerUnit`): the articles of the 2025 "
            "units that took it over, their descendants included. Mã đơn vị cũ."
        ),
    ] = None,
    include_descendants: Annotated[
        bool,
        strawberry.argument(
            description="With `unit`: include its descendants (a province's communes). "
            "Kèm các đơn vị trực thuộc."
        ),
    ] = True,
    category: Annotated[
        str | None,
        strawberry.argument(description="A category's `slug` (see `categories`). Chuyên mục."),
    ] = None,
    kinds: Annotated[
        list[str] | None,
        strawberry.argument(
            description='Only these kinds (see `Article.kind`), e.g. `["banner"]`. Loại tin.'
        ),
    ] = None,
    published_from: Annotated[
        dt.datetime | None,
        strawberry.argument(
            description="Published at or after this instant (ISO 8601 with offset). Từ ngày."
        ),
    ] = None,
    published_to: Annotated[
        dt.datetime | None,
        strawberry.argument(description="Published strictly before this instant. Đến trước."),
    ] = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="Words to find in title, summary and body; diacritics optional. Tìm kiếm."
        ),
    ] = None,
    first: Annotated[
        int | None,
        strawberry.argument(
            description=f"Page size from the newest (1–{MAX_FIRST}); default 20 when "
            "neither `first` nor `last` is given."
        ),
    ] = None,
    after: Annotated[str | None, strawberry.argument(description=AFTER_ARGUMENT)] = None,
    last: Annotated[
        int | None,
        strawberry.argument(
            description=f"Page size from the oldest end (1–{MAX_FIRST}), to page backwards "
            "with `before`."
        ),
    ] = None,
    before: Annotated[str | None, strawberry.argument(description=BEFORE_ARGUMENT)] = None,
) -> ArticleConnection:
    _page_size(first, "first")
    _page_size(last, "last")
    if search is not None and len(search) > MAX_SEARCH:
        raise ValidationFailed({"search": f"at most {MAX_SEARCH} characters"})
    rc = info.context
    wanted = selected_names(info)
    own = selected_at(info, ("edges", "node"))  # the articles' own fields
    unit_kinds = _kinds(kinds)
    start = _instant(published_from, "published_from")
    end = _instant(published_to, "published_to")
    loaders = rc.loaders  # built on the event loop's thread, where its futures live

    def read() -> tuple[queries.Page, Related]:
        """The page and its related rows, in one session, off the event loop."""
        with rc.read() as session:
            page = queries.list_published(
                session,
                unit_code=unit,
                former_unit_code=former_unit,
                include_descendants=include_descendants,
                category=category,
                kinds=unit_kinds,
                published_from=start,
                published_to=end,
                search=search,
                first=first,
                after=after,
                last=last,
                before=before,
                with_total=wants_total(info),
                shown=public_row("bodyHtml" in wanted),
                lookups=rc.lookups,
            )
            return page, related_rows(session, page.rows, own, rc.lookups)

    try:
        page, related = await run_in_threadpool(read)
    except LookupError as exc:
        raise ValidationFailed({"unit": str(exc)}) from None
    loaders.prime(related)
    return ArticleConnection.of(page, rc)
