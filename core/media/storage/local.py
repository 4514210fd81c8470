"""Media on the local filesystem: the embedded default, for one machine (``LOA_VAR_DIR/media``).

A file is written to a temporary name in its final directory, flushed to disk, then renamed
over the key with :func:`os.replace`: a rename within one filesystem is atomic, so a reader
(another web process, a worker) sees either no file or the whole file, and a crash mid-copy
leaves only a dot-named temporary that :meth:`LocalStore.keys` never lists.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from core.media.storage.base import (
    CHUNK_SIZE,
    MediaMissing,
    checked_key,
    checked_prefix,
    checked_range,
)

#: Temporary files start with this; keys never start with a dot (``checked_key``).
_TEMP_PREFIX = ".incoming-"


class LocalStore:
    """Files under ``root``, one per key, at the key's relative path."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        """Copy ``path`` in (streamed); the content type lives in the library's rows, not here."""
        target = self._path(key)
        if target.is_file():
            return  # content-addressed: the same key already holds the same bytes
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, target)
            _sync_directory(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        try:
            found = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            raise MediaMissing(key) from None
        if not stat.S_ISREG(found.st_mode):
            raise MediaMissing(key)  # a directory of keys ("sha256/ab") is not an object
        return found.st_size

    def read_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        checked_range(start, end)
        try:
            handle = self._path(key).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise MediaMissing(key) from None
        return _chunks(handle, start, end)

    def delete(self, key: str) -> None:
        """Remove the file; empty directories stay (removing them would race a concurrent put)."""
        path = self._path(key)
        if path.is_file():
            path.unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        checked_prefix(prefix)
        base = self.root / prefix.rpartition("/")[0]
        if not base.is_dir():
            return
        for folder, dirs, files in os.walk(base):
            dirs.sort()
            relative = Path(folder).relative_to(self.root)
            for name in sorted(files):
                if name.startswith("."):
                    continue  # a write in progress (or abandoned by a crash)
                key = (relative / name).as_posix()
                if key.startswith(prefix):
                    yield key


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable: a crash right after must not lose the new entry."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _chunks(handle: BinaryIO, start: int, end: int | None) -> Iterator[bytes]:
    """Read ``start``..``end`` from an open file in pieces of at most :data:`CHUNK_SIZE`."""
    with handle:
        handle.seek(start)
        remaining = None if end is None else end - start + 1
        while remaining is None or remaining > 0:
            want = CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining)
            chunk = handle.read(want)
            if not chunk:
                return
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk
