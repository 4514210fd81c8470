"""The one interface media bytes are kept behind, and the one rule for the keys that name them.

The library above (uploads, renditions, serving, channels) sees only :class:`MediaStore`:
whether bytes sit in a directory of one machine or in an S3-compatible bucket shared by many
is a setting (``LOA_MEDIA_STORE``), not a branch in its code.

Keys are content-addressed (``content_key``), so the same key always means the same bytes:
a second ``put_file`` of a key is a no-op and nothing ever overwrites different bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

#: The largest piece ``read_range`` yields: a streamed answer never holds more than this.
CHUNK_SIZE = 1024 * 1024

#: Segments of letters, digits, ``.``, ``_`` and ``-``, never starting with a dot, joined by
#: ``/``. This refuses ``..`` and ``.`` segments, absolute paths, backslashes, empty segments,
#: percent-escapes and control characters in one test; the local store's temporary files start
#: with a dot, so no key can name one.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
#: S3 keys are at most 1024 bytes; the same bound applies to every store.
_MAX_KEY_LENGTH = 1024


class MediaMissing(LookupError):
    """No object is stored under this key."""


class InvalidMediaKey(ValueError):
    """A key that could name something outside the store (``..``, ``/abs``, ``a\\b``...)."""


def checked_key(key: str) -> str:
    """``key`` if it is a well-formed relative key; :class:`InvalidMediaKey` otherwise.

    Every store method calls this first: it is the only place that decides what a key may
    be, so the local store's paths can never leave its root.
    """
    if len(key) > _MAX_KEY_LENGTH or not _KEY.fullmatch(key):
        raise InvalidMediaKey(f"invalid media key {key[:80]!r}")
    return key


def checked_prefix(prefix: str) -> str:
    """A listing prefix: empty, or the start of a key (``"sha256/"``, ``"sha256/a"``)."""
    if prefix:
        checked_key(prefix.removesuffix("/"))
    return prefix


def checked_range(start: int, end: int | None) -> None:
    """Refuse a range no caller should ask for (negative start, end before start)."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range {start}-{end}")


class MediaStore(Protocol):
    """Where media bytes live. Every method validates its key with :func:`checked_key`."""

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Store the file at ``path`` under ``key``, streamed; a reader never sees half of it.

        Idempotent: keys are content-addressed, so a key already stored is left as it is.
        """
        ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int:
        """Bytes stored under ``key``; :class:`MediaMissing` if none."""
        ...

    def read_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes ``start``..``end`` (inclusive; ``None``: to the last) in chunks of at most
        :data:`CHUNK_SIZE`. An end past the last byte is clamped; a start past it yields
        nothing. :class:`MediaMissing` is raised by the call itself, before any byte, so a
        route can answer 404 before it starts a response."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a key already gone is fine (deletes are retried by cleanup jobs)."""
        ...

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key starting with ``prefix``, for cleanup and consistency checks."""
        ...
