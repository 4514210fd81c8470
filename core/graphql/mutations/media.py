"""Media mutations: upload (GraphQL multipart request spec), describe, use, delete, albums. Thin.

The file of ``uploadMedia`` arrives as the spec's multipart part, spooled by Starlette and
bounded at the edge (``core.web.media.edge_limits``); it is copied to a temporary file
and handed to :func:`core.actions.media.upload`, which checks everything. Heavy work runs
in a worker thread, never on the event loop.
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.file_uploads import Upload

from core.actions import media
from core.content.queries import article_by_id
from core.errors import LoaError, NotFound
from core.graphql.mutations.articles import _pk, _run
from core.graphql.request import RequestContext
from core.graphql.types.media import Album, Urls
from core.graphql.types.media_item import MediaItem, album_of, media_item
from core.graphql.types.moderation import ModerationBlockedError, ModerationHeldError
from core.graphql.types.payloads import (
    ArticlePayload,
    Failure,
    ForbiddenError,
    NotFoundError,
    TransitionError,
    ValidationError,
    failure,
)
from core.media import reads
from core.media.models import MediaAlbum, MediaAsset, MediaRole

Info = strawberry.Info[RequestContext, Any]
T = TypeVar("T")
R = TypeVar("R")

strawberry.enum(MediaRole, name="MediaRole")


@strawberry.type
class MediaResult:
    media: MediaItem


@strawberry.type
class AlbumResult:
    album: Album


@strawberry.type
class Deleted:
    id: strawberry.ID


#: The expected failures of every media mutation; a text change may also meet moderation.
_REFUSED = ValidationError | NotFoundError | ForbiddenError | TransitionError
_MODERATED = ModerationBlockedError | ModerationHeldError
MediaPayload = Annotated[MediaResult | _REFUSED | _MODERATED, strawberry.union("MediaPayload")]
AlbumPayload = Annotated[AlbumResult | _REFUSED | _MODERATED, strawberry.union("AlbumPayload")]
DeletePayload = Annotated[Deleted | _REFUSED, strawberry.union("DeletePayload")]


class _Kind(enum.Enum):
    MEDIA = MediaAsset
    ALBUM = MediaAlbum


def _row(rc: RequestContext, kind: _Kind, uid: strawberry.ID) -> int:
    with rc.read() as session:
        found = reads.id_by_uid(session, kind.value, str(uid))
    if found is None:
        raise NotFound(f"no {kind.name.lower()} with id {uid}")
    return int(found)


def _urls(rc: RequestContext) -> Urls:
    return Urls(rc.ctx.settings.base_url, rc.ctx.sealer)


def _payload(act: Callable[[], T], done: Callable[[T], R]) -> R | Failure:
    """Run a media action: its expected failure as the payload's error member, else ``done``."""
    try:
        value = act()
    except LoaError as exc:
        return failure(exc)
    return done(value)


def _media(rc: RequestContext, act: Callable[[], MediaAsset]) -> MediaPayload:
    def done(asset: MediaAsset) -> MediaResult:
        with rc.read() as session:  # fresh, with its renditions
            row = reads.asset(session, asset.id)
            assert row is not None
            return MediaResult(media=media_item(row, _urls(rc)))

    return _payload(act, done)


def _album(rc: RequestContext, act: Callable[[], MediaAlbum]) -> AlbumPayload:
    def done(album: MediaAlbum) -> AlbumResult:
        with rc.read() as session:
            assets = reads.album_assets(session, album.id)
        return AlbumResult(album=album_of(album, assets, _urls(rc)))

    return _payload(act, done)


def _save_upload(file: Any) -> Path:
    """The multipart part, copied to a file of our own (streamed, never read whole)."""
    fd, name = tempfile.mkstemp(prefix="loa-upload-")
    with os.fdopen(fd, "wb") as out:
        file.file.seek(0)
        shutil.copyfileobj(file.file, out, 1 << 20)
    return Path(name)


@strawberry.type
class MediaMutation:
    @strawberry.mutation(description="Upload a photo or a PDF (video: POST /api/media/uploads).")
    async def upload_media(
        self,
        info: Info,
        file: Upload,
        unit: str,
        alt: str = "",
        caption: str = "",
        title: str = "",
    ) -> MediaPayload:
        rc = info.context
        assert rc.actor is not None
        actor = rc.actor
        if not hasattr(file, "file"):
            return failure(media.MediaRejected("no_file", "send the file as a multipart part"))

        def act() -> MediaPayload:
            path = _save_upload(file)
            try:
                name = getattr(file, "filename", "") or ""
                return _media(
                    rc,
                    lambda: media.upload(
                        rc.ctx, actor, unit, path, name, alt=alt, caption=caption, title=title
                    ),
                )
            finally:
                path.unlink(missing_ok=True)

        return await run_in_threadpool(act)

    @strawberry.mutation(description="Change a library item's alt text, caption or title.")
    def update_media(
        self,
        info: Info,
        id: strawberry.ID,
        alt: str | None = None,
        caption: str | None = None,
        title: str | None = None,
    ) -> MediaPayload:
        rc = info.context
        assert rc.actor is not None
        actor = rc.actor
        return _media(
            rc,
            lambda: media.set_alt_caption(
                rc.ctx,
                actor,
                _row(rc, _Kind.MEDIA, id),
                alt=alt,
                caption=caption,
                title=title,
            ),
        )

    @strawberry.mutation(description="Delete an item nothing uses (articles, albums).")
    def delete_media(self, info: Info, id: strawberry.ID) -> DeletePayload:
        rc = info.context
        assert rc.actor is not None
        actor = rc.actor
        return _payload(  # type: ignore[return-value]
            lambda: media.delete(rc.ctx, actor, _row(rc, _Kind.MEDIA, id)), lambda _: Deleted(id=id)
        )

    @strawberry.mutation(description="Use a library item in an article (cover, gallery…).")
    def attach_media(
        self,
        info: Info,
        article: strawberry.ID,
        media_id: Annotated[strawberry.ID, strawberry.argument(name="media")],
        role: MediaRole,
        position: int | None = None,
    ) -> ArticlePayload:
        def act(rc: RequestContext) -> Any:
            assert rc.actor is not None
            pk = _pk(rc, article)
            media.attach(rc.ctx, rc.actor, pk, _row(rc, _Kind.MEDIA, media_id), role, position)
            return _reload(rc, pk)

        return _run(info, act)

    @strawberry.mutation(description="Stop using a library item in an article.")
    def detach_media(
        self,
        info: Info,
        article: strawberry.ID,
        media_id: Annotated[strawberry.ID, strawberry.argument(name="media")],
        role: MediaRole,
    ) -> ArticlePayload:
        def act(rc: RequestContext) -> Any:
            assert rc.actor is not None
            pk = _pk(rc, article)
            media.detach(rc.ctx, rc.actor, pk, _row(rc, _Kind.MEDIA, media_id), role.value)
            return _reload(rc, pk)

        return _run(info, act)

    @strawberry.mutation(description="A new public album in the unit's library.")
    def create_album(
        self, info: Info, unit: str, title: str, description: str = ""
    ) -> AlbumPayload:
        rc = info.context
        assert rc.actor is not None
        actor = rc.actor
        return _album(rc, lambda: media.create_album(rc.ctx, actor, unit, title, description))

    @strawberry.mutation(description="Publish a photo or video in an album.")
    def add_to_album(
        self,
        info: Info,
        album: strawberry.ID,
        media_id: Annotated[strawberry.ID, strawberry.argument(name="media")],
    ) -> AlbumPayload:
        return _album_member(info, album, media_id, media.add_to_album)

    @strawberry.mutation(description="Take a photo or video out of an album.")
    def remove_from_album(
        self,
        info: Info,
        album: strawberry.ID,
        media_id: Annotated[strawberry.ID, strawberry.argument(name="media")],
    ) -> AlbumPayload:
        return _album_member(info, album, media_id, media.remove_from_album)

    @strawberry.mutation(description="Delete an album (its media stay in the library).")
    def delete_album(self, info: Info, id: strawberry.ID) -> DeletePayload:
        rc = info.context
        assert rc.actor is not None
        actor = rc.actor
        return _payload(  # type: ignore[return-value]
            lambda: media.delete_album(rc.ctx, actor, _row(rc, _Kind.ALBUM, id)),
            lambda _: Deleted(id=id),
        )


def _album_member(
    info: Info, album: strawberry.ID, media_id: strawberry.ID, change: Callable[..., Any]
) -> AlbumPayload:
    """Add a library item to an album or take it out: ``change(ctx, actor, album, media)``."""
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor
    return _album(
        rc,
        lambda: change(
            rc.ctx, actor, _row(rc, _Kind.ALBUM, album), _row(rc, _Kind.MEDIA, media_id)
        ),
    )


def _reload(rc: RequestContext, pk: int) -> Any:
    with rc.read() as session:
        return article_by_id(session, pk)
