"""Media storage: one interface (:class:`MediaStore`), two backends, chosen by ``LOA_MEDIA_STORE``.

``file`` (the default) keeps objects under ``LOA_VAR_DIR/media`` on one machine; ``s3`` keeps
them in an S3-compatible bucket (MinIO, Ceph, a government cloud) shared by every process.
Keys come from :func:`content_key`, so the same bytes are stored once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from core.media.storage.base import (
    CHUNK_SIZE,
    InvalidMediaKey,
    MediaMissing,
    MediaStore,
    checked_key,
)
from core.settings import Settings

__all__ = [
    "CHUNK_SIZE",
    "InvalidMediaKey",
    "MediaMissing",
    "MediaStore",
    "checked_key",
    "content_key",
    "make_store",
]

_SUFFIX = re.compile(r"[a-z0-9]{1,10}")


def make_store(settings: Settings) -> MediaStore:
    """The store ``settings`` names; build it once per process (the S3 client is pooled)."""
    if settings.media_store == "file":
        from core.media.storage.local import LocalStore

        return LocalStore(settings.var_dir / "media")
    if settings.media_store == "s3":
        from core.media.storage.s3 import S3Store

        return S3Store(settings)
    raise ValueError(f"unknown media store {settings.media_store!r}")


def content_key(path: Path, suffix: str) -> str:
    """``sha256/ab/cd/<hex>.<suffix>`` of the file's bytes, hashed in chunks (never read whole).

    Two directory levels keep any one directory (or listing prefix) small on the file store.
    """
    if not _SUFFIX.fullmatch(suffix):
        raise InvalidMediaKey(f"invalid media key suffix {suffix[:20]!r}")
    with path.open("rb") as fh:
        hexdigest = hashlib.file_digest(fh, "sha256").hexdigest()
    return checked_key(f"sha256/{hexdigest[:2]}/{hexdigest[2:4]}/{hexdigest}.{suffix}")
