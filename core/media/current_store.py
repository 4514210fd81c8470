"""The media store of a running system, made once per :class:`~core.context.Context`.

Kept in ``ctx.extras`` so the web app, the worker and the CLI each build one from the
settings (``LOA_MEDIA_STORE``), and a test can hand the context its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.context import Context

if TYPE_CHECKING:
    from core.media.storage.base import MediaStore

EXTRA = "media_store"


def media_store(ctx: Context) -> MediaStore:
    store = ctx.extras.get(EXTRA)
    if store is None:
        from core.media.storage import make_store

        store = ctx.extras[EXTRA] = make_store(ctx.settings)
    return store
