"""Core names no channel: what a channel needs of the workflow comes from its plugin.

The channel names are the repo's own plugins (the ``loa`` entry points of
``pyproject.toml``). A brand name (vneid, facebook…) may not appear anywhere in
``core/``'s Python. "portal" is also the ordinary word for what a commune publishes on
(a web portal, Decree 42/2022), so it is refused only where it would name the channel:
as a string of its own, a ``plugin:`` rule key, a module path or a URL path.

Allowed: ``core/auth/password_context.py`` lists words an office's password is commonly
built from (the VNeID app every citizen knows among them) to refuse such passwords; it
refers to no channel.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from core.plugins import make_plugin_manager
from core.workflow.policy import all_rules

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"core/auth/password_context.py"}
#: Channel names that are also common nouns of the domain.
NOUNS = {"portal"}


def _channel_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(project["project"]["entry-points"]["loa"])


def _pattern(name: str) -> re.Pattern[str]:
    if name in NOUNS:
        return re.compile(rf"[\"']{name}[\"']|plugin:{name}\b|plugins\.{name}\b|/{name}\b")
    return re.compile(name, re.IGNORECASE)


def _offenders(names: set[str]) -> list[str]:
    patterns = [_pattern(n) for n in sorted(names)]
    found = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in patterns):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_the_repo_ships_the_five_channel_plugins() -> None:
    assert _channel_names() == {"vneid", "portal", "facebook", "zalo", "youtube"}


def test_core_names_no_channel() -> None:
    assert _offenders(_channel_names()) == []


def test_the_guard_sees_a_channel_name(tmp_path: Path) -> None:
    brand, noun = _pattern("zalo"), _pattern("portal")
    assert brand.search("# like Zalo does")
    assert noun.search('DEFAULT = {"plugin:portal": []}') and noun.search('name = "portal"')
    assert not noun.search("citizens write through their commune's portal")


def test_each_channel_gate_comes_from_its_plugin(ctx) -> None:
    """The policy a running Loa reads holds every declared channel's gate."""
    with ctx.sessions() as session:
        rules = all_rules(session)
    assert rules["plugin:vneid"][0].role == "police"
    assert rules["plugin:portal"][0].covers == ("content",)
    assert {rules[f"plugin:{n}"][0].role for n in ("facebook", "zalo", "youtube")} == {
        "agency_leader"
    }


def test_a_declared_channel_that_is_not_built_publishes_nothing() -> None:
    """A plugin may declare a channel before it is built: the declaration shapes the approval
    policy, and no channel exists to publish to. Every channel Loa ships is built."""
    from core import ApprovalGate, Capabilities, ChannelDeclaration, hookimpl
    from core.contract.declarations import declared_policy
    from core.plugins import channels

    class DeclaresOnly:
        @hookimpl
        def loa_channel_declarations(self) -> list[ChannelDeclaration]:
            gate = ApprovalGate("board", "Editorial board", "editorial_board", "item_unit")
            return [
                ChannelDeclaration(
                    "declaredonly", "Declared only", Capabilities(frozenset()), (gate,)
                )
            ]

    pm = make_plugin_manager()
    pm.register(DeclaresOnly())
    declared, built = declared_policy(pm).channels, set(channels(pm))
    assert declared["declaredonly"].approval_gates[0].role == "editorial_board"
    assert "declaredonly" not in built
    assert {"portal", "vneid", "facebook", "zalo", "youtube"} <= built  # issues 12–15 built them
