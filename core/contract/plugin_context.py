"""What a plugin may use of the running Loa: a typed, narrow view, built once per process.

Plugins used to reach for ``request.app.state.loa`` (typed ``Any``): the whole context,
database sessions and secrets' sealer included, with nothing saying which parts a plugin
may touch. A :class:`PluginContext` holds only what a plugin needs:

- ``settings``: the process's settings (read-only);
- ``content``: a read view of published, in-window content (feeds, sitemaps);
- ``http(timeout=…)``: core's safe outbound client (public addresses only, plus the
  networks ``LOA_OUTBOUND_ALLOW_NETWORKS`` allows);
- ``emit(name, payload)``: tell other plugins about something that happened
  (``loa_event``; see the event catalogue in ``docs/plugins.md``).

Hooks that serve requests (``loa_routes``) receive it as ``context``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from core.contract.channels import Item
from core.outbound import outbound_client
from core.settings import Settings


class PublishedContent(Protocol):
    """Published, in-window content, as the public may see it; nothing else."""

    def published_items(
        self,
        unit_code: str | None = None,
        include_descendants: bool = True,
        limit: int = 50,
        now: dt.datetime | None = None,
        *,
        category: str | None = None,
        kinds: tuple[str, ...] = (),
    ) -> list[Item]:
        """Newest first, optionally of one category (slug) or some kinds; ``LookupError`` for an
        unknown unit, category or kind. Blocking: run it in a thread."""
        ...

    def category_name(self, slug: str) -> str:
        """A category's display name; ``LookupError`` if there is none. Blocking."""
        ...

    def unit_name(self, code: str) -> str:
        """The official name of a unit; ``LookupError`` if there is none. Blocking."""
        ...


@dataclass(frozen=True)
class PluginContext:
    """The running Loa as a plugin sees it (see the module's docstring)."""

    settings: Settings
    content: PublishedContent
    emit: Callable[[str, dict[str, Any]], None]

    def http(self, *, timeout: float, follow_redirects: bool = False) -> httpx.AsyncClient:
        """Core's outbound client: refuses non-public addresses the settings do not allow."""
        return outbound_client(
            timeout=timeout,
            allow=self.settings.outbound_allow_networks,
            follow_redirects=follow_redirects,
        )
