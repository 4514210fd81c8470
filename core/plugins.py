"""The plugin manager: built-ins first, then whatever is installed under "loa"."""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from core import hookspecs
from core.contract.channels import Channel

BUILTIN_MODULES: tuple[str, ...] = ()


def make_plugin_manager(
    *, load_entry_points: bool = True, disabled: Iterable[str] = ()
) -> pluggy.PluginManager:
    """Built-ins, then the installed plugins but the ``disabled`` ones (LOA_DISABLED_PLUGINS)."""
    pm = pluggy.PluginManager("loa")
    for name in disabled:
        pm.set_blocked(name)  # load_setuptools_entrypoints skips a blocked name
    pm.add_hookspecs(hookspecs)
    import importlib

    for name in BUILTIN_MODULES:
        module = importlib.import_module(name)
        pm.register(module, name)
    if load_entry_points:
        pm.load_setuptools_entrypoints("loa")
    return pm


def channels(pm: pluggy.PluginManager) -> dict[str, Channel]:
    """Every channel the installed plugins provide, by name; a duplicate name is an error."""
    found: dict[str, Channel] = {}
    for batch in pm.hook.loa_channels():
        for channel in batch:
            if channel.name in found:
                raise RuntimeError(f"two plugins provide a channel named {channel.name!r}")
            found[channel.name] = channel
    return found
