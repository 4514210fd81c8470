"""Assets Loa serves itself: a package directory at a versioned URL, cached for a year.

Offices often have no internet, so every script and style a page loads ships inside
the package and is served from Loa's own origin (the CSP allows nothing else). The
URL carries a digest of the directory's files (``/static/graphiql/3f2a…/graphiql.js``):
a changed file is a new URL, so browsers may keep each answer forever
(``immutable``) and never run a stale script against a newer page. Serving itself
(content types, ETag, HEAD, path traversal) is Starlette's ``StaticFiles``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"


class ImmutableFiles(StaticFiles):
    """``StaticFiles`` whose answers may be cached for a year: their URL is versioned."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = IMMUTABLE
        return response


def digest(directory: Path) -> str:
    """A short digest of every file's path and bytes under ``directory``."""
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        h.update(path.relative_to(directory).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Bundle:
    """The files of ``directory``, served under ``{prefix}/{version}/``."""

    directory: Path
    prefix: str
    version: str

    @classmethod
    def of(cls, directory: Path, prefix: str) -> Bundle:
        return cls(directory, prefix.rstrip("/"), digest(directory))

    def url(self, name: str) -> str:
        """The absolute path of one file; a name that is not in the bundle is a bug."""
        if not (self.directory / name).is_file():
            raise LookupError(f"{name} is not in {self.directory}")
        return f"{self.prefix}/{self.version}/{name}"

    def mount(self, at: str | None = None) -> Mount:
        """The route serving the bundle; ``at`` is the prefix as seen by a mounted sub-app."""
        base = (self.prefix if at is None else at).rstrip("/")
        return Mount(f"{base}/{self.version}", app=ImmutableFiles(directory=self.directory))
