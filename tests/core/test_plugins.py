"""Plugins: third-party channels load through entry points; core never names a channel."""

from __future__ import annotations

import ast
from pathlib import Path

from core.channels import Channel
from core.plugins import channels, make_plugin_manager

ROOT = Path(__file__).resolve().parents[2]


def test_third_party_plugin_loads_through_its_entry_point() -> None:
    found = channels(make_plugin_manager())
    assert "testchannel" in found  # installed from tests/plugins/loa_testchannel
    assert "portal" in found
    assert all(isinstance(c, Channel) for c in found.values())


def test_without_entry_points_no_channel_is_known() -> None:
    assert channels(make_plugin_manager(load_entry_points=False)) == {}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_neither_plugins_nor_admin() -> None:
    offenders = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in (ROOT / "core").rglob("*.py")
        if p.name != "app.py"
        for name in _imports(p)
        if name.split(".")[0] in ("plugins", "admin")
    ]
    assert offenders == []


def test_plugins_import_only_the_public_core_api() -> None:
    offenders = [
        f"{p.relative_to(ROOT)} imports {name}"
        for p in (ROOT / "plugins").rglob("*.py")
        for name in _imports(p)
        if name.startswith("core.") or name.split(".")[0] == "admin"
    ]
    assert offenders == []


def test_only_the_queue_and_the_worker_import_rq() -> None:
    users = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "core").rglob("*.py")
        if any(n == "rq" or n.startswith("rq.") for n in _imports(p))
    )
    assert users == ["core/delivery/queue.py", "core/delivery/worker.py"]
