"""Every hook Loa calls, documented.

Hooks are called with keyword arguments and implementations take no defaults.
pluggy cannot await, so hooks here are synchronous; where a plugin must do I/O
it returns an object (a channel, an ASGI app) whose async methods core awaits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from core.contract.channels import Channel
    from core.contract.declarations import ChannelDeclaration
    from core.contract.plugin_context import PluginContext
    from core.settings import Settings

hookspec = pluggy.HookspecMarker("loa")
hookimpl = pluggy.HookimplMarker("loa")


@hookspec
def loa_channels() -> list[Channel]:  # type: ignore[empty-body]
    """Return the channels this plugin provides (each with a unique ``name``)."""


@hookspec
def loa_routes(settings: Settings, context: PluginContext) -> list[BaseRoute]:  # type: ignore[empty-body]
    """Return Starlette routes to mount on the public app (feeds, sitemaps…).

    Called once when the web app is built. Handlers reach the running Loa through
    ``context`` (settings, published content, outbound HTTP, events), never through
    ``request.app.state``.
    """


@hookspec
def loa_sandboxes(settings: Settings) -> list[tuple[str, Any]]:  # type: ignore[empty-body]
    """Return ``(mount path, ASGI app)`` pairs of API emulators for ``loa demo``."""


@hookspec
def loa_demo_targets(settings: Settings, unit_code: str) -> list[dict[str, Any]]:  # type: ignore[empty-body]
    """Return channel targets the demo should create for a unit, pointing at sandboxes.

    Each dict has ``name``, ``plugin``, ``settings`` and ``secrets``.
    """


@hookspec
def loa_event(name: str, payload: dict[str, Any]) -> None:
    """Observe a domain event after its transaction committed (``article.published``…)."""


# --- The channel contract beyond publishing (core/contract/) -----------------------------


@hookspec
def loa_channel_declarations() -> list[ChannelDeclaration]:  # type: ignore[empty-body]
    """Return what this plugin's channels bring to the workflow (``core.ChannelDeclaration``).

    Called once when a process builds its context. Each declaration names a channel and
    carries its default approval gates and the topics it accepts without justification; a
    plugin whose channel is not built yet may declare it all the same. Two plugins
    declaring one name stop the process (``RuntimeError``).
    """
