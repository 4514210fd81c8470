"""A third-party channel that lives only in Loa's tests, installed through an entry point.

It imports nothing but ``core``'s public API, keeps what it receives in
memory, and can be told (setting ``append``) to add text to what it renders. Each optional
part of the contract is a mixin of its own module (consent and refresh, webhooks, replies),
the worked example of ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import (
    Capabilities,
    ChannelDeclaration,
    Item,
    PermanentError,
    PluginContext,
    Remote,
    Rendered,
    Settings,
    Target,
    hookimpl,
)
from loa_testchannel import routes
from loa_testchannel.declarations import declarations
from loa_testchannel.oauth import ConnectMixin
from loa_testchannel.replies import ReplyMixin
from loa_testchannel.webhooks import WebhookMixin

RECEIVED: dict[str, dict[str, Any]] = {}


class TestChannel(ConnectMixin, WebhookMixin, ReplyMixin):
    name = "testchannel"
    title = "Test channel"
    capabilities = Capabilities(audience=frozenset({"window"}), max_title_chars=200)

    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        if "append" in settings and not isinstance(settings["append"], str):
            raise ValueError("append must be text")

    def render(self, item: Item, target: Target) -> Rendered:
        text = f"{item.title}\n{item.summary}{target.settings.get('append', '')}"
        return Rendered(payload={"uid": item.uid, "text": text}, text=text)

    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        if key in RECEIVED:
            return Remote(key)
        if len(str(rendered.payload["text"])) > 10_000:
            raise PermanentError("too long")
        RECEIVED[key] = dict(rendered.payload)
        return Remote(key, f"test://{key}")

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        RECEIVED[remote.remote_id] = dict(rendered.payload)
        return remote

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        RECEIVED.pop(remote.remote_id, None)

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        return Remote(key) if key in RECEIVED else None


class GatedTestChannel(TestChannel):
    """The same channel under another name, whose declaration carries gates and topics."""

    name = "testgated"
    title = "Test channel with gates"


@hookimpl
def loa_channels() -> list[Any]:
    from loa_testchannel.assisted import AssistedTestChannel
    from loa_testchannel.media import MediaTestChannel
    from loa_testchannel.quota import QuotaTestChannel

    return [
        TestChannel(),
        GatedTestChannel(),
        MediaTestChannel(),
        AssistedTestChannel(),
        QuotaTestChannel(),
    ]


@hookimpl
def loa_channel_declarations() -> list[ChannelDeclaration]:
    return declarations(TestChannel.capabilities)


@hookimpl
def loa_routes(settings: Settings, context: PluginContext) -> list[Any]:
    return routes.routes(context)


@hookimpl
def loa_event(name: str, payload: dict[str, Any]) -> None:
    routes.EVENTS.append((name, payload))
