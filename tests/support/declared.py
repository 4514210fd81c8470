"""The whole default approval policy as a running Loa sees it: core's scope rules plus
what every installed plugin declares (core itself names no channel)."""

from __future__ import annotations

from typing import Any

from core.contract.declarations import declared_policy
from core.plugins import make_plugin_manager
from core.workflow import policy

DECLARED = declared_policy(make_plugin_manager())
DEFAULT_RULES: dict[str, list[dict[str, Any]]] = {
    **policy.DEFAULT_RULES,
    **DECLARED.default_rules(),
}
