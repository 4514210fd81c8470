"""The admin's own files (its stylesheet), served at ``/admin/static/{version}/``.

Pages name them through the ``asset`` template function, so a changed file gets a new
URL and browsers may cache each one for a year (see :mod:`core.static`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from core.static import Bundle

STATIC = Path(__file__).parent / "static"


@cache
def bundle() -> Bundle:
    return Bundle.of(STATIC, "/admin/static")


def asset(name: str) -> str:
    """The versioned URL of one of the admin's files."""
    return bundle().url(name)
