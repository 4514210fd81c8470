"""``mediaLibrary(unit:)``: a unit's public albums of photos and videos (S3.5)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from core.content.queries import unit_by_code
from core.graphql.errors import names_something
from core.graphql.request import RequestContext
from core.graphql.types.media import FIRST, Album, Urls, page
from core.graphql.types.media_item import album_of
from core.media.reads import albums_of_unit

UNIT_CODE = "The unit's code (2025 scheme; see `units`). Mã đơn vị."


@strawberry.type(description="A unit's public media library.")
class MediaLibrary:
    unit: str = strawberry.field(description="The unit's code.")
    all_albums: strawberry.Private[list[Album]]

    @strawberry.field(description="Its albums, newest first.")
    def albums(self, first: Annotated[int, FIRST] = 20) -> list[Album]:
        return self.all_albums[: page(first)]


def media_library(
    info: strawberry.Info[RequestContext, Any],
    unit: Annotated[str, strawberry.argument(description=UNIT_CODE)],
) -> MediaLibrary:
    rc = info.context
    with rc.read() as session, names_something("unit"):
        row = unit_by_code(session, unit)
        found = albums_of_unit(session, row.id)
    urls = Urls(rc.ctx.settings.base_url)  # albums are public
    return MediaLibrary(
        unit=row.code, all_albums=[album_of(a, assets, urls) for a, assets in found]
    )


@strawberry.type
class MediaLibraryQuery:
    media_library: MediaLibrary = strawberry.field(
        resolver=media_library, description="A unit's albums of photos and videos."
    )
