"""Chunked, resumable uploads for large files (video): open, send ranges, complete.

The session lives in Redis (who opened it, for which unit, how many bytes arrived) and the
bytes in a part file under ``LOA_VAR_DIR/media-uploads``; chunks must arrive in order, so
after a broken connection the client asks how far it got and sends the rest. Completing
hands the file to :func:`core.actions.media.upload`, which checks it like any upload.
Several web machines need ``LOA_VAR_DIR`` shared, or the client sent to the same machine.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from core.actions.media import MediaRejected, size_limit, too_large, upload
from core.auth.permissions import Actor, Permission, require
from core.content.queries import unit_by_code
from core.context import Context
from core.errors import Conflict, NotFound, ValidationFailed
from core.media.models import MediaAsset
from core.media.texts import clean_texts

PREFIX = "loa:media-upload:"
#: An upload left unfinished this long is forgotten (and its part file removed by the next open).
TTL = 86400
_ID = re.compile(r"^[A-Za-z0-9_-]{24}$")


@dataclass
class UploadSession:
    id: str
    owner: str
    unit: str
    filename: str
    size: int
    alt: str = ""
    caption: str = ""
    title: str = ""
    received: int = 0


def _owner(actor: Actor) -> str:
    return f"{actor.user_id}:{actor.name}"


def part_path(ctx: Context, upload_id: str) -> Path:
    return ctx.settings.var_dir / "media-uploads" / f"{upload_id}.part"


def _save(ctx: Context, session: UploadSession) -> None:
    ctx.redis.set(PREFIX + session.id, json.dumps(asdict(session)), ex=TTL)


def open_upload(
    ctx: Context,
    actor: Actor,
    unit_code: str,
    filename: str,
    size: int,
    *,
    alt: str = "",
    caption: str = "",
    title: str = "",
) -> UploadSession:
    """Start an upload of ``size`` bytes for the unit; its writers only, within the limits."""
    with ctx.sessions() as db:
        try:
            unit = unit_by_code(db, unit_code)
        except LookupError as exc:
            raise ValidationFailed({"unit": str(exc)}) from None
        require(actor, Permission.WRITE_CONTENT, unit.path)
    texts = clean_texts({"alt": alt, "caption": caption, "title": title})
    if size <= 0:
        raise ValidationFailed({"size": "the file's size in bytes, more than 0"})
    if size > size_limit(ctx.settings, None):
        raise too_large(None, size_limit(ctx.settings, None))
    _sweep(ctx)
    session = UploadSession(
        id=secrets.token_urlsafe(18),
        owner=_owner(actor),
        unit=unit.code,
        filename=filename[-255:],
        size=size,
        alt=texts.get("alt", ""),
        caption=texts.get("caption", ""),
        title=texts.get("title", ""),
    )
    path = part_path(ctx, session.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    _save(ctx, session)
    return session


def _sweep(ctx: Context) -> None:
    """Part files whose session Redis has forgotten (expired) go."""
    folder = ctx.settings.var_dir / "media-uploads"
    if not folder.is_dir():
        return
    for part in folder.glob("*.part"):
        if not ctx.redis.exists(PREFIX + part.stem):
            part.unlink(missing_ok=True)


def load(ctx: Context, actor: Actor, upload_id: str) -> UploadSession:
    """The caller's own open upload; anyone else's (or none) is NotFound."""
    raw = ctx.redis.get(PREFIX + upload_id) if _ID.match(upload_id) else None
    if raw is None:
        raise NotFound("no such upload (finished, expired, or never opened)")
    session = UploadSession(**json.loads(raw))
    if session.owner != _owner(actor):
        raise NotFound("no such upload (finished, expired, or never opened)")
    return session


def check_range(session: UploadSession, start: int, end: int, total: int) -> None:
    """Chunks come in order and add up to the size declared at open."""
    if total != session.size:
        raise ValidationFailed({"Content-Range": f"the total must be {session.size}"})
    if start != session.received:
        raise Conflict(f"expected the chunk starting at byte {session.received}")
    if end < start or end >= total:
        raise ValidationFailed({"Content-Range": "the range lies outside the file"})


def advance(ctx: Context, session: UploadSession, received: int) -> UploadSession:
    session.received = received
    _save(ctx, session)
    return session


def lock(ctx: Context, upload_id: str) -> bool:
    """One request writes to an upload at a time (a second gets a Conflict)."""
    return bool(ctx.redis.set(PREFIX + upload_id + ":lock", "1", nx=True, ex=3600))


def unlock(ctx: Context, upload_id: str) -> None:
    ctx.redis.delete(PREFIX + upload_id + ":lock")


def complete(ctx: Context, actor: Actor, upload_id: str) -> MediaAsset:
    """Check and store the assembled file; the session and its part go whatever the outcome."""
    session = load(ctx, actor, upload_id)
    if not lock(ctx, upload_id):
        raise Conflict("this upload is being written or completed by another request")
    if session.received != session.size:
        unlock(ctx, upload_id)
        raise ValidationFailed(
            {"file": f"incomplete: {session.received} of {session.size} bytes arrived"}
        )
    path = part_path(ctx, upload_id)
    try:
        return upload(
            ctx,
            actor,
            session.unit,
            path,
            session.filename,
            alt=session.alt,
            caption=session.caption,
            title=session.title,
        )
    finally:
        ctx.redis.delete(PREFIX + upload_id)
        path.unlink(missing_ok=True)
        unlock(ctx, upload_id)


__all__ = [
    "MediaRejected",
    "UploadSession",
    "advance",
    "check_range",
    "complete",
    "load",
    "lock",
    "open_upload",
    "part_path",
    "unlock",
]
