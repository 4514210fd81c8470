"""Everything that changes the media library: check → change → audit.

A unit's media belong to the unit: its writers upload, describe, use and delete them
(``WRITE_CONTENT`` on the unit, one :func:`~core.auth.permissions.require` per action).
An upload is checked by its bytes (:mod:`core.media.processing`), stored under content
keys, and recorded in one transaction; whatever fails, the scratch files go and the
objects this upload stored (and nothing else references) are deleted again.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.auth.permissions import Actor, Permission, require
from core.content.models import Article
from core.content.queries import lock_article, unit_by_code
from core.context import Context
from core.delivery.outbox import unit_path
from core.errors import (
    InvalidTransition,
    ModerationBlocked,
    ModerationHeld,
    NotFound,
    ValidationFailed,
)
from core.media import inspect, processing
from core.media.cleanup import cleanup_unused, discard_keys
from core.media.current_store import media_store
from core.media.models import (
    ROLE_KINDS,
    MediaAlbum,
    MediaAlbumItem,
    MediaAsset,
    MediaKind,
    MediaRendition,
    MediaRole,
    MediaUse,
)
from core.media.reads import in_library
from core.media.storage import content_key
from core.media.texts import clean_texts
from core.moderation import Decision
from core.screening.articles import judge, screen, summary
from core.screening.lexicons import unit_lexicon
from core.settings import Settings
from core.units.models import Unit
from core.workflow.states import MEDIA_EDITABLE

__all__ = [
    "MediaRejected",
    "add_to_album",
    "attach",
    "cleanup_unused",
    "create_album",
    "delete",
    "delete_album",
    "detach",
    "library_items",
    "remove_from_album",
    "set_alt_caption",
    "size_limit",
    "upload",
]

log = logging.getLogger("loa.media")
#: Roles whose images need a caption as well as alt text (S3.4: article images).
CAPTIONED = (MediaRole.COVER, MediaRole.GALLERY)
FILENAME_LIMIT = 255


class MediaRejected(ValidationFailed):
    """The file was refused (by its bytes or its size); ``reason`` is the machine code."""

    def __init__(self, reason: str, message: str, *, too_large: bool = False) -> None:
        super().__init__({"file": message})
        self.reason = reason
        self.too_large = too_large


def size_limit(settings: Settings, kind: MediaKind | str | None) -> int:
    """The largest upload of ``kind`` (None: the largest of any kind, before the bytes tell)."""
    limits = {
        MediaKind.IMAGE: settings.media_max_image_bytes,
        MediaKind.VIDEO: settings.media_max_video_bytes,
        MediaKind.DOCUMENT: settings.media_max_document_bytes,
    }
    return max(limits.values()) if kind is None else limits[MediaKind(kind)]


def too_large(kind: MediaKind | str | None, limit: int) -> MediaRejected:
    what = f"an {kind}" if kind == MediaKind.IMAGE else f"a {kind or 'media'}"
    return MediaRejected(
        "too_large",
        f"quá lớn: tối đa {limit} byte / larger than {limit} bytes for {what}",
        too_large=True,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-FILENAME_LIMIT:]


def _unit(session: Session, unit_code: str) -> Unit:
    try:
        return unit_by_code(session, unit_code)
    except LookupError as exc:
        raise ValidationFailed({"unit": str(exc)}) from None


def upload(
    ctx: Context,
    actor: Actor,
    unit_code: str,
    path: Path,
    filename: str,
    *,
    alt: str = "",
    caption: str = "",
    title: str = "",
) -> MediaAsset:
    """Check, clean and store one uploaded file for ``unit_code``; the caller owns ``path``."""
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.WRITE_CONTENT, unit.path)
    texts = clean_texts({"alt": alt, "caption": caption, "title": title})
    size = path.stat().st_size
    if size > size_limit(ctx.settings, None):
        raise too_large(None, size_limit(ctx.settings, None))
    store = media_store(ctx)
    stored: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="loa-media-"))
    try:
        try:
            kind = MediaKind(inspect.sniff(path))
            if size > size_limit(ctx.settings, kind):
                raise too_large(kind, size_limit(ctx.settings, kind))
            prepared = processing.prepare(path, work, ctx.settings)
        except inspect.MediaRefused as exc:
            raise MediaRejected(exc.code, exc.message) from None
        keyed = []
        for file in prepared.files:
            key = content_key(file.path, file.suffix)
            if not store.exists(key):
                store.put_file(key, file.path, file.content_type)
                stored.append(key)
            keyed.append((file, key))
        with ctx.transaction() as session:
            asset = MediaAsset(
                uid=str(uuid.uuid4()),
                unit_id=unit.id,
                kind=prepared.kind,
                original_key=keyed[0][1],
                content_hash=_sha256(path),
                content_type=prepared.content_type,
                size=prepared.original.size,
                filename=_filename(filename),
                width=prepared.width,
                height=prepared.height,
                duration=prepared.duration,
                pages=prepared.pages,
                alt=texts.get("alt", ""),
                caption=texts.get("caption", ""),
                title=texts.get("title") or Path(_filename(filename)).stem[:500],
                text=prepared.text,
                created_by=actor.name,
                renditions=[
                    MediaRendition(
                        name=file.name,
                        key=key,
                        content_type=file.content_type,
                        width=file.width,
                        height=file.height,
                        size=file.size,
                    )
                    for file, key in keyed
                ],
            )
            session.add(asset)
            session.flush()
            audit.about(
                session,
                actor,
                "media.upload",
                asset,
                data={"unit": unit.code, "kind": asset.kind, "key": asset.original_key},
                unit_path=unit.path,
            )
        stored = []
        return asset
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if stored:
            discard_keys(ctx, stored)


def library_items(
    ctx: Context, actor: Actor, unit_code: str, kind: str | None = None, limit: int = 50
) -> list[MediaAsset]:
    """A unit's uploads, newest first, for its editors to pick from (drafts' readers only)."""
    if kind is not None and kind not in set(MediaKind):
        raise ValidationFailed({"kind": "image, video or document"})
    with ctx.sessions() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.READ_DRAFTS, unit.path)
        stmt = select(MediaAsset).where(MediaAsset.unit_id == unit.id)
        if kind is not None:
            stmt = stmt.where(MediaAsset.kind == kind)
        stmt = stmt.order_by(MediaAsset.created_at.desc(), MediaAsset.id.desc())
        return list(session.scalars(stmt.limit(max(0, min(limit, 100)))))


def _asset(session: Session, asset_id: int) -> MediaAsset:
    asset = session.get(MediaAsset, asset_id)
    if asset is None:
        raise NotFound(f"no media with id {asset_id}")
    return asset


def _rescreen(session: Session, asset_id: int) -> None:
    """The texts of an asset changed: judge every article using it again."""
    ids = session.scalars(select(MediaUse.article_id).where(MediaUse.asset_id == asset_id)).all()
    for article_id in set(ids):
        screen(session, lock_article(session, article_id))


def set_alt_caption(
    ctx: Context,
    actor: Actor,
    asset_id: int,
    *,
    alt: str | None = None,
    caption: str | None = None,
    title: str | None = None,
) -> MediaAsset:
    """Describe an asset; articles using it are moderated again with the new text."""
    texts = clean_texts({"alt": alt, "caption": caption, "title": title})
    with ctx.transaction() as session:
        asset = _own_asset(session, actor, asset_id)
        _require_described(session, asset, texts)
        _require_unpublished_uses(session, asset.id)
        for name, value in texts.items():
            setattr(asset, name, value)
        if in_library(session, asset.id):
            _require_clean_texts(session, asset)
        _rescreen(session, asset.id)
        audit.about(
            session,
            actor,
            "media.describe",
            asset,
            data={"fields": sorted(texts)},
        )
    ctx.emit("media.updated", {"id": asset_id})  # public caches show alt text and captions
    return asset


def _require_unpublished_uses(session: Session, asset_id: int) -> None:
    """A live item shows the texts its approvals covered: they change with a new revision."""
    live = session.scalar(
        select(Article.status)
        .join(MediaUse, MediaUse.article_id == Article.id)
        .where(MediaUse.asset_id == asset_id, Article.status.not_in(tuple(MEDIA_EDITABLE)))
        .limit(1)
    )
    if live is not None:
        raise InvalidTransition(f"this media is shown by an article that is {live}")


def _in_album(session: Session, asset_id: int) -> bool:
    found = session.scalar(
        select(MediaAlbumItem.album_id).where(MediaAlbumItem.asset_id == asset_id)
    )
    return found is not None


def _require_clean_texts(session: Session, asset: MediaAsset) -> None:
    """An album is public at once: its texts must pass moderation outright (no hold waits)."""
    texts = {"media.alt": asset.alt, "media.caption": asset.caption, "media.title": asset.title}
    decision, spans = judge(unit_lexicon(session, asset.unit_id), texts)
    if decision == Decision.BLOCK:
        raise ModerationBlocked(f"moderation blocks this text: {summary(spans)}", spans)
    if decision == Decision.REVIEW:
        raise ModerationHeld(f"moderation holds this text: {summary(spans)}", spans)


def _require_described(session: Session, asset: MediaAsset, texts: dict[str, str]) -> None:
    """An image in use keeps its alt text (and, in an article's image roles, its caption)."""
    roles = set(session.scalars(select(MediaUse.role).where(MediaUse.asset_id == asset.id)))
    errors = {}
    if roles and texts.get("alt", asset.alt) == "" and asset.kind == MediaKind.IMAGE:
        errors["alt"] = "required: this image is used in content"
    if roles & set(CAPTIONED) and texts.get("caption", asset.caption) == "":
        errors["caption"] = "required: this image is used in an article"
    if errors:
        raise ValidationFailed(errors)


def _in_use(session: Session, asset_id: int) -> int:
    uses = session.scalar(select(func.count()).where(MediaUse.asset_id == asset_id)) or 0
    listed = session.scalar(select(func.count()).where(MediaAlbumItem.asset_id == asset_id)) or 0
    return uses + listed


def delete(ctx: Context, actor: Actor, asset_id: int) -> None:
    """Remove an asset nothing uses, and its stored files no other asset shares."""
    with ctx.transaction() as session:
        asset = _own_asset(session, actor, asset_id)
        if _in_use(session, asset.id):
            raise InvalidTransition("this media is in use by an article or an album")
        keys = [r.key for r in asset.renditions]
        session.delete(asset)
        audit.record(
            session,
            actor=actor.name,
            action="media.delete",
            subject_type="media",
            subject_id=asset_id,
            data={"key": asset.original_key},
        )
    discard_keys(ctx, keys)
    ctx.emit("media.deleted", {"id": asset_id})


def _editable_article(session: Session, actor: Actor, article_id: int) -> tuple[Article, str]:
    """The article locked, its unit path, once the actor may write it and its media may change."""
    article = lock_article(session, article_id)
    path = unit_path(session, article.unit_id)
    require(actor, Permission.WRITE_CONTENT, path)
    if article.status not in MEDIA_EDITABLE:
        raise InvalidTransition(f"the media of an article that is {article.status} are fixed")
    return article, path


def _own_asset(session: Session, actor: Actor, asset_id: int) -> MediaAsset:
    """The asset, once the actor may write in its unit."""
    asset = _asset(session, asset_id)
    require(actor, Permission.WRITE_CONTENT, unit_path(session, asset.unit_id))
    return asset


def _usable(session: Session, asset_id: int, owner_path: str) -> MediaAsset:
    """An asset of the owner's unit or a unit above it; any other is unknown (leaks nothing)."""
    asset = session.get(MediaAsset, asset_id)
    if asset is None or not owner_path.startswith(unit_path(session, asset.unit_id)):
        raise ValidationFailed({"media": f"no media with id {asset_id} in this unit's library"})
    return asset


def attach(
    ctx: Context,
    actor: Actor,
    article_id: int,
    asset_id: int,
    role: MediaRole | str,
    position: int | None = None,
) -> MediaUse:
    """Use an asset in an article; images need alt text (and a caption as article images)."""
    try:
        role = MediaRole(role)
    except ValueError:
        raise ValidationFailed({"role": f"one of {[r.value for r in MediaRole]}"}) from None
    with ctx.transaction() as session:
        article, path = _editable_article(session, actor, article_id)
        asset = _usable(session, asset_id, path)
        errors = {}
        if asset.kind != ROLE_KINDS[role]:
            errors["media"] = f"a {role.value} must be a {ROLE_KINDS[role].value}"
        elif asset.kind == MediaKind.IMAGE and not asset.alt:
            errors["alt"] = "required: describe the image for readers who cannot see it"
        if not errors and role in CAPTIONED and not asset.caption:
            errors["caption"] = "required for an article's images"
        if errors:
            raise ValidationFailed(errors)
        if role is MediaRole.COVER:  # one cover: a new one replaces the old
            for old in session.scalars(
                select(MediaUse).where(
                    MediaUse.article_id == article.id, MediaUse.role == MediaRole.COVER
                )
            ):
                session.delete(old)
            session.flush()
        use = session.scalar(
            select(MediaUse).where(
                MediaUse.article_id == article.id,
                MediaUse.asset_id == asset.id,
                MediaUse.role == role,
            )
        )
        if use is None:
            last = session.scalar(
                select(func.max(MediaUse.position)).where(
                    MediaUse.article_id == article.id, MediaUse.role == role
                )
            )
            use = MediaUse(asset_id=asset.id, article_id=article.id, role=role)
            use.position = position if position is not None else (last or 0) + 1
            session.add(use)
        elif position is not None:
            use.position = position
        session.flush()
        screen(session, article)
        audit.about(
            session,
            actor,
            "media.attach",
            article,
            data={"media": asset.id, "role": role.value, "moderation": article.moderation},
        )
    ctx.emit("article.updated", {"id": article_id, "revision": None})
    return use


def detach(ctx: Context, actor: Actor, article_id: int, asset_id: int, role: str) -> None:
    with ctx.transaction() as session:
        article, _ = _editable_article(session, actor, article_id)
        use = session.scalar(
            select(MediaUse).where(
                MediaUse.article_id == article.id,
                MediaUse.asset_id == asset_id,
                MediaUse.role == role,
            )
        )
        if use is None:
            raise NotFound("this article does not use that media in that role")
        session.delete(use)
        session.flush()
        screen(session, article)
        audit.about(
            session,
            actor,
            "media.detach",
            article,
            data={"media": asset_id, "role": role},
        )
    ctx.emit("article.updated", {"id": article_id, "revision": None})


def create_album(
    ctx: Context, actor: Actor, unit_code: str, title: str, description: str = ""
) -> MediaAlbum:
    """A public album of the unit's photos and videos (S3.5)."""
    text = clean_texts({"title": title})
    if not text.get("title"):
        raise ValidationFailed({"title": "required"})
    with ctx.transaction() as session:
        unit = _unit(session, unit_code)
        require(actor, Permission.WRITE_CONTENT, unit.path)
        album = MediaAlbum(
            uid=str(uuid.uuid4()),
            unit_id=unit.id,
            title=text["title"],
            description=" ".join(description.split())[:5000],
            created_by=actor.name,
        )
        session.add(album)
        session.flush()
        audit.about(
            session,
            actor,
            "media.album.create",
            album,
            data={"unit": unit.code, "title": album.title},
            unit_path=unit.path,
        )
    ctx.emit("media.album", {"id": album.id})
    return album


def _album(session: Session, actor: Actor, album_id: int) -> tuple[MediaAlbum, str]:
    album = session.get(MediaAlbum, album_id)
    if album is None:
        raise NotFound(f"no album with id {album_id}")
    path = unit_path(session, album.unit_id)
    require(actor, Permission.WRITE_CONTENT, path)
    return album, path


def add_to_album(ctx: Context, actor: Actor, album_id: int, asset_id: int) -> MediaAlbum:
    """Publish a photo or video in an album: it becomes public, like a published item's media."""
    with ctx.transaction() as session:
        album, path = _album(session, actor, album_id)
        asset = _usable(session, asset_id, path)
        if asset.kind == MediaKind.DOCUMENT:
            raise ValidationFailed({"media": "albums hold photos and videos"})
        if asset.kind == MediaKind.IMAGE and not asset.alt:
            raise ValidationFailed({"alt": "required: describe the image before publishing it"})
        _require_clean_texts(session, asset)
        if session.get(MediaAlbumItem, (album.id, asset.id)) is None:
            last = session.scalar(
                select(func.max(MediaAlbumItem.position)).where(MediaAlbumItem.album_id == album.id)
            )
            item = MediaAlbumItem(album_id=album.id, asset_id=asset.id, position=(last or 0) + 1)
            session.add(item)
        audit.about(
            session,
            actor,
            "media.album.add",
            album,
            data={"media": asset.id},
        )
    ctx.emit("media.album", {"id": album_id})
    return album


def remove_from_album(ctx: Context, actor: Actor, album_id: int, asset_id: int) -> MediaAlbum:
    with ctx.transaction() as session:
        album, _ = _album(session, actor, album_id)
        item = session.get(MediaAlbumItem, (album.id, asset_id))
        if item is None:
            raise NotFound("this album does not hold that media")
        session.delete(item)
        audit.about(
            session,
            actor,
            "media.album.remove",
            album,
            data={"media": asset_id},
        )
    ctx.emit("media.album", {"id": album_id})
    return album


def delete_album(ctx: Context, actor: Actor, album_id: int) -> None:
    """The album goes; its media stay in the library (they may be used elsewhere)."""
    with ctx.transaction() as session:
        album, _ = _album(session, actor, album_id)
        session.delete(album)
        audit.record(
            session,
            actor=actor.name,
            action="media.album.delete",
            subject_type="album",
            subject_id=album_id,
            data={"title": album.title},
        )
    ctx.emit("media.album", {"id": album_id})
