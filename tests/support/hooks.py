"""A plugin manager holding Loa's hook specifications and only the plugin under test."""

from __future__ import annotations

from types import ModuleType

import pluggy

from core import hookspecs


def plugin_manager(plugin: ModuleType) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("loa")
    pm.add_hookspecs(hookspecs)
    pm.register(plugin)
    return pm
