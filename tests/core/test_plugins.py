"""Plugins: third-party channels load through entry points; core never names a channel."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from core.contract.channels import Channel
from core.plugins import channels, make_plugin_manager

ROOT = Path(__file__).resolve().parents[2]


def test_third_party_plugin_loads_through_its_entry_point() -> None:
    found = channels(make_plugin_manager())
    assert "testchannel" in found  # installed from tests/plugins/loa_testchannel
    assert "portal" in found
    assert all(isinstance(c, Channel) for c in found.values())


def test_without_entry_points_no_channel_is_known() -> None:
    assert channels(make_plugin_manager(load_entry_points=False)) == {}


def test_the_import_contracts_hold() -> None:
    """The layers and the import rules (pyproject.toml, ``[tool.importlinter]``) hold.

    import-linter replaced the hand-written checks: core never imports plugins or admin
    (except core/app.py), plugins import only ``core``'s public API, only the delivery queue
    and its workers import rq, no layer imports one above it, and no package of core (at any
    depth) imports a package that imports it back (``acyclic``).
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ids = {c["id"] for c in config["tool"]["importlinter"]["contracts"]}
    assert {"acyclic", "layers", "rq", "plugins", "core-above-plugins", "no-sql-in-views"} <= ids
    run = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(ids)} kept, 0 broken" in run.stdout


def test_no_module_of_core_imports_itself_back() -> None:
    """No import cycle among core's modules, imports inside functions included (grimp reads
    them too): the layers contract orders the layers, this orders the modules inside them."""
    import grimp

    graph = grimp.build_graph("core", exclude_type_checking_imports=True, cache_dir=None)
    cycles = [
        f"{module} -> {imported} -> … -> {module}"
        for module in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []


def test_a_disabled_plugin_is_not_loaded(settings, engine, redis_conn) -> None:
    """``LOA_DISABLED_PLUGINS`` keeps an installed plugin out (``make demo`` keeps the test
    suite's own channel out of the demo); the others still load."""
    import dataclasses

    from core.context import build_context
    from core.settings import load_settings

    assert load_settings({"LOA_DISABLED_PLUGINS": "testchannel, x"}).disabled_plugins == (
        "testchannel",
        "x",
    )
    off = dataclasses.replace(settings, disabled_plugins=("testchannel",))
    ctx = build_context(off, engine=engine, redis=redis_conn)
    assert "testchannel" not in ctx.channels
    assert "portal" in ctx.channels
    assert "testchannel" not in ctx.declared.channels
    assert "testchannel" in build_context(settings, engine=engine, redis=redis_conn).channels
